// Documents through the whole product: a site links a PDF and a slide deck; after a crawl through
// the admin API, answers cite the PDF page that holds the fact (`#page=N`, with `doc_type` and
// `page` in sources and citations), and the website shows the document's type and page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, startServer } from '../cli/serve.js';
import { createLogger } from '../services/index.js';
import { type TestEnv, testConfig } from './helpers/config.js';
import { makePdf, makePptx } from './helpers/document-fixtures.js';
import { htmlPage, startSite, type TestSite } from './helpers/site-server.js';

const ADMIN = 'test-admin-key-456';

describe('documents in answers, sources and the website', () => {
  let site: TestSite;
  let env: TestEnv;
  let server: Server;

  beforeAll(async () => {
    const pdf = makePdf({
      title: 'Cordouan lighthouse report',
      pages: [
        [
          { size: 20, text: 'History' },
          { size: 11, text: 'Construction of the tower began under Louis de Foix in 1584.' },
        ],
        [
          { size: 20, text: 'The lens' },
          { size: 11, text: 'A Fresnel lens was first installed in the Cordouan lighthouse in 1823.' },
        ],
        [
          { size: 20, text: 'Visits' },
          { size: 11, text: 'Visitors climb 301 steps to reach the lantern room.' },
        ],
      ],
    });
    const deck = makePptx({
      title: 'Fog signals',
      slides: [
        { title: 'Bells', bullets: ['Fog bells were rung by hand before engines existed.'] },
        { title: 'Horns', bullets: ['The diaphone fog horn sounds a low two-tone grunt every minute.'] },
      ],
    });
    site = await startSite({
      '/': {
        body: htmlPage(
          'Lighthouse library',
          '<main><h1>Library</h1><p>Reports about lighthouses: <a href="/docs/cordouan.pdf">the Cordouan report</a> and <a href="/docs/fog.pptx">the fog signals talk</a>.</p></main>',
        ),
      },
      '/docs/cordouan.pdf': { headers: { 'content-type': 'application/pdf' }, body: pdf },
      '/docs/fog.pptx': {
        headers: {
          'content-type': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
        },
        body: deck,
      },
    });
    env = testConfig({ CITEBOX_ADMIN_KEY: ADMIN });
    server = await startServer(env.config, createLogger(env.config), {
      crawlPoliteness: { retryBaseMs: 50 },
    });
    const res = await fetch(`${server.url}/v1/crawls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seeds: [site.url], max_pages: 20 }),
    });
    const { id } = (await res.json()) as { id: string };
    for (let i = 0; i < 300; i++) {
      const job = (await (
        await fetch(`${server.url}/v1/crawls/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } })
      ).json()) as { status: string };
      if (!['queued', 'running'].includes(job.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await site?.close();
    env?.cleanup();
  });

  it('cites the PDF page that holds the answer, with the document type and page', async () => {
    const res = await fetch(
      `${server.url}/v1/answer?q=${encodeURIComponent('When was a Fresnel lens installed in the Cordouan lighthouse?')}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      answer: string;
      citations: Array<{ n: number; url: string; doc_type?: string; page?: number }>;
      sources: Array<{ n: number; url: string; doc_type?: string; page?: number }>;
    };
    expect(body.answer).toContain('1823');
    const pdfUrl = `${site.origin}/docs/cordouan.pdf`;
    expect(body.citations[0]).toMatchObject({ url: `${pdfUrl}#page=2`, doc_type: 'pdf', page: 2 });
    expect(body.sources.find((s) => s.n === body.citations[0]?.n)).toMatchObject({
      doc_type: 'pdf',
      page: 2,
    });
  });

  it('gives slides their number', async () => {
    const res = await fetch(
      `${server.url}/v1/answer?q=${encodeURIComponent('What sound does the diaphone fog horn make?')}`,
    );
    const body = (await res.json()) as { sources: Array<{ url: string; doc_type?: string; page?: number }> };
    const slide = body.sources.find((s) => s.url.startsWith(`${site.origin}/docs/fog.pptx`));
    expect(slide).toMatchObject({ doc_type: 'pptx', page: 2, url: `${site.origin}/docs/fog.pptx#page=2` });
  });

  it('shows the document type and page on the website', async () => {
    const res = await fetch(`${server.url}/search?q=${encodeURIComponent('Fresnel lens Cordouan 1823')}`);
    const html = await res.text();
    expect(html).toMatch(/class="doc-type">PDF</);
    expect(html).toMatch(/<a class="doc-page" href="[^"]*cordouan\.pdf#page=2"[^>]*>page 2<\/a>/);
  });
});
