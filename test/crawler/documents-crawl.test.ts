// End to end: a loopback site whose pages link PDFs, Word, PowerPoint and OpenDocument files, text
// and Markdown (some served with the wrong or no media type), and bad documents (encrypted,
// scanned, a zip bomb, a truncated file). The crawl indexes each good document once, with its type
// and its pages, skips the bad ones with their reason, and finishes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrawlJob } from '../../crawler/index.js';
import { makeDocx, makeOdp, makeOdt, makePdf, makePptx, makeZipBomb } from '../helpers/document-fixtures.js';
import { htmlPage, type SiteResponse, startSite, type TestSite } from '../helpers/site-server.js';
import { type CrawlHarness, openHarness } from './helpers.js';

const type = (contentType: string, body: Buffer | string): SiteResponse => ({
  headers: { 'content-type': contentType },
  body,
});

const PDF = makePdf({
  title: 'Lighthouse report 2024',
  pages: [
    [
      { size: 22, text: 'Lenses' },
      { size: 11, text: 'The Fresnel lens was first installed at Cordouan in 1823.' },
    ],
    [
      { size: 22, text: 'Keepers' },
      { size: 11, text: 'Keepers climbed two hundred steps to trim the wicks.' },
    ],
  ],
});

describe('crawling documents', () => {
  let site: TestSite;
  let h: CrawlHarness;
  let job: CrawlJob;
  const url = (path: string) => `${site.origin}${path}`;

  beforeAll(async () => {
    const documents: Record<string, SiteResponse> = {
      '/report.pdf': type('application/pdf', PDF),
      '/guide.docx': type(
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        makeDocx({
          title: 'Keeping guide',
          body: [{ heading: 1, text: 'Wicks' }, { text: 'Trim the wicks at dusk and at midnight.' }],
        }),
      ),
      // An untyped download, recognised by its extension and its bytes.
      '/download/deck.pptx': type(
        'application/octet-stream',
        makePptx({
          title: 'Lights deck',
          slides: [{ title: 'Ranges', bullets: ['A first-order light is seen twenty miles away.'] }],
        }),
      ),
      '/notes.odt': type(
        'application/vnd.oasis.opendocument.text',
        makeOdt({
          title: 'Tide notes',
          body: [{ text: 'Spring tides come after the new and the full moon.' }],
        }),
      ),
      '/talk.odp': type(
        'application/vnd.oasis.opendocument.presentation',
        makeOdp({
          title: 'Fog signals',
          slides: [{ title: 'Horns', bullets: ['Fog horns sound every thirty seconds.'] }],
        }),
      ),
      '/readme.md': type(
        'text/plain; charset=utf-8',
        '# Visiting\n\nThe tower is open from April to October.\n',
      ),
      '/log.txt': type(
        'text/plain; charset=utf-8',
        'Keeper log\n\nThe lamp was lit at 18:42 on a calm evening.\n',
      ),
      '/secret.pdf': type(
        'application/pdf',
        makePdf({ pages: [[{ size: 11, text: 'x' }]], encrypted: true }),
      ),
      '/scan.pdf': type('application/pdf', makePdf({ pages: [[], []], scanned: true })),
      '/bomb.docx': type(
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        makeZipBomb(70),
      ),
      '/broken.odt': type(
        'application/vnd.oasis.opendocument.text',
        makeOdt({ body: [{ text: 'cut' }] }).subarray(0, 200),
      ),
      '/image.png': type('image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47])),
    };
    const links = Object.keys(documents)
      .map((p) => `<li><a href="${p}">${p}</a></li>`)
      .join('');
    site = await startSite({
      '/': {
        body: htmlPage(
          'Lighthouse library',
          `<p>Documents about lighthouses and their keepers.</p><ul>${links}</ul>`,
        ),
      },
      ...documents,
    });
    h = await openHarness();
    job = await h.crawls.waitFor((await h.crawls.start({ seeds: [site.url], max_depth: 2 })).id);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await site?.close();
    h?.env.cleanup();
  });

  it('indexes each readable document with its type and title', () => {
    expect(job.status).toBe('done');
    const byUrl = new Map(h.sink.indexed.map((p) => [p.url, p]));
    expect(byUrl.get(url('/report.pdf'))).toMatchObject({ docType: 'pdf', title: 'Lighthouse report 2024' });
    expect(byUrl.get(url('/guide.docx'))).toMatchObject({ docType: 'docx', title: 'Keeping guide' });
    expect(byUrl.get(url('/download/deck.pptx'))).toMatchObject({ docType: 'pptx', title: 'Lights deck' });
    expect(byUrl.get(url('/notes.odt'))).toMatchObject({ docType: 'odt', title: 'Tide notes' });
    expect(byUrl.get(url('/talk.odp'))).toMatchObject({ docType: 'odp', title: 'Fog signals' });
    expect(byUrl.get(url('/readme.md'))).toMatchObject({ docType: 'markdown', title: 'Visiting' });
    expect(byUrl.get(url('/log.txt'))).toMatchObject({ docType: 'text', title: 'Keeper log' });
    // The home page is a list of links with one short line: a hub, followed but not indexed.
    expect(byUrl.has(url('/'))).toBe(false);
    expect(job.stats.indexed).toBe(7);
  });

  it('keeps the page of every block of a paged document', () => {
    const pdf = h.sink.indexed.find((p) => p.url === url('/report.pdf'));
    expect(pdf?.blocks.map((b) => b.page)).toEqual([1, 1, 2, 2]);
    const deck = h.sink.indexed.find((p) => p.url === url('/download/deck.pptx'));
    expect(deck?.blocks.every((b) => b.page === 1)).toBe(true);
  });

  it('skips bad documents with their reason, and other media types unread', () => {
    const reasons = new Map(h.store.frontierOf(job.id).map((r) => [r.url, `${r.status}: ${r.reason}`]));
    expect(reasons.get(url('/secret.pdf'))).toMatch(/^skipped: unreadable pdf: encrypted PDF/);
    expect(reasons.get(url('/scan.pdf'))).toMatch(/^skipped: unreadable pdf: PDF without a text layer/);
    expect(reasons.get(url('/bomb.docx'))).toMatch(
      /^skipped: unreadable docx: zip entry word\/document.xml inflates past the cap/,
    );
    expect(reasons.get(url('/broken.odt'))).toMatch(
      /^skipped: unreadable odt: .*(truncated|central directory)/,
    );
    expect(reasons.get(url('/image.png'))).toMatch(/^skipped: Unsupported content type image\/png/);
  });

  it('makes document text searchable', async () => {
    const hits = await h.backend.search({ text: 'Fresnel lens Cordouan', limit: 3 });
    expect(hits[0]?.passage.url.startsWith(url('/report.pdf'))).toBe(true);
  });
});
