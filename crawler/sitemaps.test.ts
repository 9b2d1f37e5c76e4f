import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readSitemap } from './sitemaps.js';

const URLSET = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>https://e.example/a</loc><lastmod>2024-01-02</lastmod></url>
  <url><loc> https://e.example/b?x=1&amp;y=2 </loc></url>
  <url><loc><![CDATA[https://e.example/c]]></loc></url>
</urlset>`;
const INDEX = `<?xml version="1.0"?><sm:sitemapindex xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">
<sm:sitemap><sm:loc>https://e.example/s1.xml</sm:loc></sm:sitemap>
<sm:sitemap><sm:loc>https://e.example/s2.xml.gz</sm:loc><sm:lastmod>2024-05-01</sm:lastmod></sm:sitemap>
</sm:sitemapindex>`;

async function read(body: Buffer, maxUrls?: number) {
  const urls: Array<[string, string | undefined]> = [];
  const summary = await readSitemap(body, (u, m) => urls.push([u, m]), maxUrls ? { maxUrls } : {});
  return { urls, summary };
}

describe('readSitemap', () => {
  it.each([
    ['plain XML', Buffer.from(URLSET)],
    ['gzip XML', gzipSync(Buffer.from(URLSET))],
  ])('reads a urlset (%s)', async (_name, body) => {
    const { urls, summary } = await read(body);
    expect(summary.kind).toBe('urlset');
    expect(urls).toEqual([
      ['https://e.example/a', '2024-01-02'],
      ['https://e.example/b?x=1&y=2', undefined],
      ['https://e.example/c', undefined],
    ]);
  });

  it('reads a sitemap index with namespace prefixes', async () => {
    const { urls, summary } = await read(Buffer.from(INDEX));
    expect(summary.kind).toBe('index');
    expect(summary.sitemaps).toEqual(['https://e.example/s1.xml', 'https://e.example/s2.xml.gz']);
    expect(urls).toEqual([]);
  });

  it('reads a text sitemap', async () => {
    const { urls, summary } = await read(
      Buffer.from('https://e.example/1\nnot a url\r\nhttps://e.example/2'),
    );
    expect(summary.kind).toBe('text');
    expect(urls.map((u) => u[0])).toEqual(['https://e.example/1', 'https://e.example/2']);
  });

  it('caps the URLs it reports and streams a large file', async () => {
    const big = `<urlset>${Array.from({ length: 20_000 }, (_, i) => `<url><loc>https://e.example/p${i}</loc></url>`).join('')}</urlset>`;
    const { urls, summary } = await read(gzipSync(Buffer.from(big)), 1000);
    expect(urls).toHaveLength(1000);
    expect(summary.truncated).toBe(true);
  });

  it('keeps what it read before malformed XML', async () => {
    const { urls } = await read(
      Buffer.from('<urlset><url><loc>https://e.example/ok</loc></url><url><loc>https://e.example/x</lo'),
    );
    expect(urls.map((u) => u[0])).toEqual(['https://e.example/ok']);
  });
});
