// The fetcher against a local server: body caps before and after decompression (a gzip bomb
// stops early), redirect limits and loops, and content types it does not index.
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fetcher, HTML_TYPES } from '../../crawler/index.js';
import { htmlPage, startSite, type TestSite } from '../helpers/site-server.js';

describe('Fetcher', () => {
  let site: TestSite;
  let fetcher: Fetcher;

  beforeAll(async () => {
    const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024, 0x61)); // 20 MB of "a", about 20 KB gzipped
    const hops: Record<string, { status: number; headers: Record<string, string> }> = {};
    for (let i = 0; i < 7; i++) hops[`/hop/${i}`] = { status: 302, headers: { location: `/hop/${i + 1}` } };
    site = await startSite({
      '/page': { body: htmlPage('Page', '<p>hello</p>') },
      '/gzip': {
        body: gzipSync(Buffer.from(htmlPage('Zipped', '<p>small and zipped</p>'))),
        headers: { 'content-encoding': 'gzip' },
      },
      '/bomb': { body: bomb, headers: { 'content-encoding': 'gzip' } },
      '/big': { body: Buffer.alloc(2 * 1024 * 1024, 0x62) },
      '/pdf': { body: '%PDF-1.4', headers: { 'content-type': 'application/pdf' } },
      '/loop': { status: 301, headers: { location: '/loop2' } },
      '/loop2': { status: 301, headers: { location: '/loop' } },
      ...hops,
    });
    fetcher = new Fetcher({ userAgent: 'test', allowPrivateNetworks: true, maxBodyBytes: 1024 * 1024 });
  });
  afterAll(async () => {
    await fetcher?.close();
    await site?.close();
  });

  it('decompresses gzip', async () => {
    const res = await fetcher.fetch({ url: `${site.origin}/gzip`, accept: HTML_TYPES });
    expect(res.body.toString()).toContain('small and zipped');
  });

  it.each([
    ['/bomb', /after decompression/],
    ['/big', /cap/],
  ])('stops %s at the body cap', async (path, message) => {
    await expect(fetcher.fetch({ url: `${site.origin}${path}`, accept: HTML_TYPES })).rejects.toMatchObject({
      code: 'FETCH_TOO_LARGE',
      message: expect.stringMatching(message),
    });
  });

  it('refuses content types it does not index, without reading them', async () => {
    await expect(fetcher.fetch({ url: `${site.origin}/pdf`, accept: HTML_TYPES })).rejects.toMatchObject({
      code: 'FETCH_UNSUPPORTED',
    });
  });

  it.each([
    ['/loop', /Redirect loop/],
    ['/hop/0', /Too many redirects/],
  ])('gives up on %s', async (path, message) => {
    await expect(fetcher.fetch({ url: `${site.origin}${path}`, accept: HTML_TYPES })).rejects.toMatchObject({
      message: expect.stringMatching(message),
    });
  });

  it('follows a few redirects and reports them', async () => {
    site.routes.set('/short', { status: 301, headers: { location: '/page' } });
    const res = await fetcher.fetch({ url: `${site.origin}/short`, accept: HTML_TYPES });
    expect(res.finalUrl).toBe(`${site.origin}/page`);
    expect(res.redirects).toEqual([`${site.origin}/short`]);
  });
});
