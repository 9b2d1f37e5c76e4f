// A generated web site on 127.0.0.1 for crawler tests and the crawl benchmark. Two parts:
// - bulk pages /p/0 … /p/N-1: distinct text from a synthetic vocabulary (so no two pages are near
//   duplicates), a navigation bar, a footer and links to other pages; optionally slow;
// - the "zoo" (zoo: true): one route per case the crawler must get right — robots.txt rules,
//   sitemaps (index, plain and gzip, with out-of-scope URLs), redirects and a redirect loop,
//   canonicals, exact and near duplicates, an endless calendar, 429 with Retry-After, a slow page,
//   GBK / Big5 / Shift_JIS pages, noindex and nofollow, and pages a test can make disappear.
// Run as a program (node dist/test/helpers/test-site-generator.js --pages 5000) it serves the
// site until killed and prints {"url": …} on its first line (the benchmark's site process).
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { type SiteResponse, type SiteRoute, startSite, type TestSite } from './site-server.js';

export interface GeneratedSiteOptions {
  /** Bulk pages /p/0 … /p/N-1 (default 0). */
  readonly pages?: number;
  /** Links from each bulk page to other bulk pages (default 5). */
  readonly linksPerPage?: number;
  /** Words of text per bulk page (default 300). */
  readonly wordsPerPage?: number;
  /** Each bulk page answers after this delay, ms. */
  readonly delayMs?: number;
  /** Bulk pages each link to this many pages of a never-ending /w/ space (a wide frontier). */
  readonly wideLinks?: number;
  /** Serve the zoo of special cases. */
  readonly zoo?: boolean;
  /** Serve a sitemap.xml of all bulk pages. */
  readonly bulkSitemap?: boolean;
  /** Varies the text, so two generated sites do not hold the same pages (default 0). */
  readonly seed?: number;
}

export interface GeneratedSite extends TestSite {
  /** Paths of the pages a complete crawl indexes (bulk pages and, with the zoo, its indexable pages). */
  readonly indexable: string[];
  /** Makes a path answer with this status from now on (a page that disappears). */
  remove(path: string, status: number): void;
  /** Serves a path normally again. */
  restore(path: string): void;
  /** Requests per path so far. */
  count(path: string): number;
  /** When each request for a path (without query) arrived, ms epoch (zoo and small sites). */
  times(path: string): number[];
}

// ---- deterministic text ----

const ONSETS = [
  'b',
  'c',
  'd',
  'f',
  'g',
  'h',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'z',
  'br',
  'st',
  'tr',
  'pl',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ea'];
const CODAS = ['', 'n', 'r', 's', 'l', 'm', 'nd', 'st'];

/** A synthetic vocabulary: pronounceable, distinct, language-neutral words. */
const VOCABULARY: string[] = (() => {
  const words: string[] = [];
  for (const o of ONSETS) for (const v of VOWELS) for (const c of CODAS) words.push(o + v + c);
  return words; // 20 × 8 × 8 = 1280 words
})();
const COMMON = ['the', 'and', 'of', 'to', 'in', 'is', 'for', 'with', 'on', 'as'];

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pageWords(seed: number, count: number): string[] {
  const rnd = random(seed * 7919 + 17);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(
      rnd() < 0.3
        ? (COMMON[Math.floor(rnd() * COMMON.length)] as string)
        : (VOCABULARY[Math.floor(rnd() * VOCABULARY.length)] as string),
    );
  }
  return out;
}

function paragraphs(seed: number, words: number, perParagraph = 60): string[] {
  const all = pageWords(seed, words);
  const out: string[] = [];
  for (let i = 0; i < all.length; i += perParagraph) {
    const text = all.slice(i, i + perParagraph).join(' ');
    out.push(`${text.charAt(0).toUpperCase()}${text.slice(1)}.`);
  }
  return out;
}

function layout(
  title: string,
  main: string,
  options: { head?: string; lang?: string; nav?: string } = {},
): string {
  const nav =
    options.nav ??
    '<nav class="menu"><a href="/">Home</a> <a href="/about">About</a> <a href="/p/0">Start</a> <a href="/contact?utm_source=nav">Contact</a></nav>';
  return `<!doctype html><html lang="${options.lang ?? 'en'}"><head><meta charset="utf-8"><title>${title}</title>${options.head ?? ''}</head><body><header><div class="logo">Generated site</div>${nav}</header><main>${main}</main><footer><p>Copyright 2025 the generated site. All rights reserved.</p><a href="/privacy">Privacy</a></footer></body></html>`;
}

/** The HTML of bulk page i. */
export function bulkPage(i: number, options: GeneratedSiteOptions): string {
  const pages = options.pages ?? 0;
  const words = options.wordsPerPage ?? 300;
  const rnd = random(i + 1);
  const links: string[] = [];
  for (let k = 0; k < (options.linksPerPage ?? 5); k++) {
    // Mostly the next pages (a chain reaches all), some random ones.
    const target = k === 0 ? (i + 1) % pages : k === 1 ? (i * 7 + 3) % pages : Math.floor(rnd() * pages);
    links.push(`<a href="/p/${target}">page ${target}</a>`);
  }
  for (let k = 0; k < (options.wideLinks ?? 0); k++) links.push(`<a href="/w/${i}-${k}">wide ${i}-${k}</a>`);
  const body = paragraphs(i + (options.seed ?? 0) * 1_000_003, words)
    .map((p, k) => `${k % 2 === 0 ? `<h2>Part ${k / 2 + 1} of page ${i}</h2>` : ''}<p>${p}</p>`)
    .join('');
  return layout(
    `Page ${i}`,
    `<article><h1>Page ${i}</h1>${body}<p class="links">${links.join(' ')}</p></article>`,
  );
}

// ---- the zoo ----

const ZH_GBK = '长城是中国古代的军事防御工程，全长两万多公里。城墙沿着山脊蜿蜒，烽火台之间用烟火传递消息。';
const ZH_BIG5 = '台北是臺灣最大的城市，擁有許多歷史建築與夜市。捷運系統把各個區域連在一起，生活非常方便。';
const JA_SJIS =
  '富士山は日本で一番高い山で、標高は三千七百七十六メートルです。夏には多くの登山者が頂上を目指します。';

function html(body: string, headers: Record<string, string> = {}): SiteResponse {
  return { body, headers: { 'content-type': 'text/html; charset=utf-8', ...headers } };
}

function zooRoutes(origin: () => string, state: { throttled: number }): Record<string, SiteRoute> {
  const article = (seed: number, title: string, extra = '') =>
    `<article><h1>${title}</h1>${paragraphs(seed, 240)
      .map((p) => `<p>${p}</p>`)
      .join('')}${extra}</article>`;
  const dupText = article(900, 'Shared text');
  const near = article(901, 'Almost the same');
  const urlset = (paths: string[], extra: string[] = []) =>
    `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${[
      ...paths.map((p) => `${origin()}${p}`),
      ...extra,
    ]
      .map((u) => `<url><loc>${u}</loc></url>`)
      .join('')}</urlset>`;
  const home = [
    '/about',
    '/redirect/old',
    '/loop/a',
    '/redirect/away',
    '/canonical/variant?color=red',
    '/dup/a',
    '/dup/b',
    '/near/a',
    '/near/b',
    '/calendar?month=2025-06',
    '/throttled',
    '/slow',
    '/charset/gbk',
    '/charset/big5',
    '/charset/sjis',
    '/noindex',
    '/xrobots',
    '/nofollow',
    '/private/secret',
    '/gone/410',
    '/gone/404',
    '/about?utm_source=home&utm_medium=link',
  ];
  return {
    '/robots.txt': () => ({
      body: `User-agent: *\nDisallow: /private/\n\nUser-agent: CiteboxBot\nDisallow: /private/\nDisallow: /bot-only-block\n\nSitemap: ${origin()}/sitemap_index.xml\n`,
      headers: { 'content-type': 'text/plain' },
    }),
    '/sitemap_index.xml': () => ({
      body: `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>${origin()}/sitemap-plain.xml</loc></sitemap><sitemap><loc>${origin()}/sitemap-gz.xml.gz</loc></sitemap></sitemapindex>`,
      headers: { 'content-type': 'application/xml' },
    }),
    '/sitemap-plain.xml': () => ({
      body: urlset(['/from-sitemap/plain'], ['http://elsewhere.example/not-in-scope']),
      headers: { 'content-type': 'application/xml' },
    }),
    '/sitemap-gz.xml.gz': () => ({
      body: gzipSync(Buffer.from(urlset(['/from-sitemap/gzip', '/private/in-sitemap']))),
      headers: { 'content-type': 'application/gzip' },
    }),
    '/': () =>
      html(layout('Zoo home', `<h1>Zoo</h1><p>${home.map((p) => `<a href="${p}">${p}</a>`).join(' ')}</p>`)),
    // Answers conditional requests: ETag "about-v1".
    '/about': (req) =>
      req.headers['if-none-match'] === '"about-v1"'
        ? { status: 304, body: '' }
        : html(layout('About the zoo', article(1, 'About')), { etag: '"about-v1"' }),
    '/contact': html(layout('Contact', article(2, 'Contact'))),
    '/privacy': html(layout('Privacy', article(3, 'Privacy'))),
    '/from-sitemap/plain': html(layout('Only in the plain sitemap', article(4, 'Plain sitemap page'))),
    '/from-sitemap/gzip': html(layout('Only in the gzip sitemap', article(5, 'Gzip sitemap page'))),
    '/private/secret': html(layout('Secret', article(6, 'Secret'))),
    '/private/in-sitemap': html(layout('Secret 2', article(7, 'Secret 2'))),
    '/redirect/old': { status: 301, headers: { location: '/redirect/new' } },
    '/redirect/new': html(layout('Redirect target', article(8, 'Moved here'))),
    '/loop/a': { status: 302, headers: { location: '/loop/b' } },
    '/loop/b': { status: 302, headers: { location: '/loop/a' } },
    '/redirect/away': { status: 302, headers: { location: 'http://elsewhere.example/landing' } },
    '/canonical/variant': () =>
      html(
        layout('Canonical main', article(9, 'Canonical'), {
          head: '<link rel="canonical" href="/canonical/main">',
        }),
      ),
    '/canonical/main': () =>
      html(
        layout('Canonical main', article(9, 'Canonical'), {
          head: '<link rel="canonical" href="/canonical/main">',
        }),
      ),
    '/dup/a': html(layout('Duplicate A', dupText)),
    '/dup/b': html(layout('Duplicate B', dupText)),
    '/near/a': html(layout('Near A', near)),
    '/near/b': html(layout('Near B', near.replace('</article>', '<p>Updated last week.</p></article>'))),
    '/calendar': (req) => {
      const m = /month=(\d{4})-(\d{2})/.exec(req.url ?? '');
      const y = Number(m?.[1] ?? 2025);
      const mo = Number(m?.[2] ?? 6);
      const fmt = (yy: number, mm: number) => `${yy}-${String(mm).padStart(2, '0')}`;
      const prev = mo === 1 ? fmt(y - 1, 12) : fmt(y, mo - 1);
      const next = mo === 12 ? fmt(y + 1, 1) : fmt(y, mo + 1);
      return html(
        layout(
          `Calendar ${fmt(y, mo)}`,
          `<h1>Events in ${fmt(y, mo)}</h1><p>${pageWords(y * 12 + mo, 40).join(' ')}</p><p><a href="/calendar?month=${prev}">previous</a> <a href="/calendar?month=${next}">next</a></p>`,
        ),
      );
    },
    '/throttled': () => {
      state.throttled++;
      if (state.throttled === 1)
        return {
          status: 429,
          headers: { 'retry-after': '1', 'content-type': 'text/plain' },
          body: 'slow down',
        };
      return html(layout('Throttled page', article(10, 'Patience')));
    },
    '/slow': { ...html(layout('Slow page', article(11, 'Slow'))), delayMs: 1200 },
    '/charset/gbk': {
      body: iconv.encode(
        layout('长城', `<h1>长城</h1><p>${ZH_GBK}</p><p>${ZH_GBK}</p>`, { lang: 'zh-CN' }).replace(
          '<meta charset="utf-8">',
          '',
        ),
        'gbk',
      ),
      headers: { 'content-type': 'text/html; charset=GBK' },
    },
    '/charset/big5': {
      body: iconv.encode(
        layout('台北', `<h1>台北</h1><p>${ZH_BIG5}</p><p>${ZH_BIG5}</p>`, { lang: 'zh-TW' }).replace(
          '<meta charset="utf-8">',
          '',
        ),
        'big5',
      ),
      headers: { 'content-type': 'text/html' },
    },
    '/charset/sjis': {
      body: iconv.encode(
        layout('富士山', `<h1>富士山</h1><p>${JA_SJIS}</p><p>${JA_SJIS}</p>`, { lang: 'ja' }).replace(
          '<meta charset="utf-8">',
          '<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">',
        ),
        'shift_jis',
      ),
      headers: { 'content-type': 'text/html' },
    },
    '/noindex': html(
      layout('Noindex', article(12, 'Hidden'), { head: '<meta name="robots" content="noindex">' }),
    ),
    '/xrobots': html(layout('X-Robots', article(13, 'Header hidden')), { 'x-robots-tag': 'noindex' }),
    '/nofollow': html(
      layout('Nofollow', article(14, 'No follow', '<a href="/only-via-nofollow">x</a>'), {
        head: '<meta name="robots" content="nofollow">',
      }),
    ),
    '/only-via-nofollow': html(layout('Unreachable', article(15, 'Unreachable'))),
    '/gone/410': html(layout('Soon gone with 410', article(16, 'Gone 410'))),
    '/gone/404': html(layout('Soon gone with 404', article(17, 'Gone 404'))),
  };
}

/** The zoo paths a correct crawl indexes (under these URLs). */
export const ZOO_INDEXABLE = [
  '/',
  '/about',
  '/contact',
  '/privacy',
  '/from-sitemap/plain',
  '/from-sitemap/gzip',
  '/redirect/new',
  '/canonical/main',
  '/dup/a', // or /dup/b: one of the two
  '/near/a', // or /near/b
  '/throttled',
  '/slow',
  '/charset/gbk',
  '/charset/big5',
  '/charset/sjis',
  '/nofollow',
  '/gone/410',
  '/gone/404',
];

export async function startGeneratedSite(options: GeneratedSiteOptions = {}): Promise<GeneratedSite> {
  const removed = new Map<string, number>();
  const counts = new Map<string, number>();
  const pages = options.pages ?? 0;
  let origin = '';
  const state = { throttled: 0 };
  const routes = options.zoo ? zooRoutes(() => origin, state) : {};
  if (!options.zoo) {
    const intro = pageWords(9_999 + (options.seed ?? 0), 30).join(' ');
    routes['/'] = html(
      layout(
        'Generated site',
        `<h1>Generated site</h1><p>${intro}</p><p><a href="/p/0">Start reading</a></p>`,
      ),
    );
    routes['/robots.txt'] = { body: 'User-agent: *\nAllow: /\n', headers: { 'content-type': 'text/plain' } };
  }
  if (options.bulkSitemap) {
    routes['/sitemap.xml'] = () => ({
      body: `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${Array.from({ length: pages }, (_, i) => `<url><loc>${origin}/p/${i}</loc></url>`).join('')}</urlset>`,
      headers: { 'content-type': 'application/xml' },
    });
  }
  const times = new Map<string, number[]>();
  const wrapped: Record<string, SiteRoute> = {};
  for (const [path, route] of Object.entries(routes)) {
    wrapped[path] = (req) => {
      const list = times.get(path) ?? [];
      list.push(Date.now());
      times.set(path, list);
      const gone = removed.get(path);
      if (gone) return { status: gone, body: 'gone', headers: { 'content-type': 'text/plain' } };
      return typeof route === 'function' ? route(req) : route;
    };
  }
  const site = await startSite(wrapped, {
    noLog: pages > 1000,
    fallback: (path) => {
      const bare = path.split('?')[0] ?? path;
      counts.set(bare, (counts.get(bare) ?? 0) + 1);
      const gone = removed.get(bare);
      if (gone) return { status: gone, body: 'gone', headers: { 'content-type': 'text/plain' } };
      const m = /^\/p\/(\d+)$/.exec(bare);
      if (m && Number(m[1]) < pages) {
        return {
          ...html(bulkPage(Number(m[1]), options)),
          ...(options.delayMs ? { delayMs: options.delayMs } : {}),
        };
      }
      const w = /^\/w\/(\d+)-(\d+)$/.exec(bare);
      if (w)
        return html(
          layout(
            `Wide ${w[1]}-${w[2]}`,
            `<p>${pageWords(Number(w[1]) * 1000 + Number(w[2]), 120).join(' ')}</p>`,
          ),
        );
      return undefined;
    },
  });
  origin = site.origin;
  const indexable = [
    ...(options.zoo ? ZOO_INDEXABLE : ['/']),
    ...Array.from({ length: pages }, (_, i) => `/p/${i}`),
  ];
  return {
    ...site,
    indexable,
    times: (path) => times.get(path) ?? [],
    remove: (path, status) => removed.set(path, status),
    restore: (path) => removed.delete(path),
    count: (path) =>
      pages > 1000
        ? (counts.get(path) ?? 0)
        : site.requests.filter((r) => (r.split('?')[0] ?? r) === path).length,
  };
}

// As a program: serve a bulk site until killed (the benchmark runs the site in its own process).
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const site = await startGeneratedSite({
    pages: arg('pages', 5000),
    linksPerPage: arg('links', 5),
    wordsPerPage: arg('words', 300),
    wideLinks: arg('wide', 0),
    delayMs: arg('delay', 0),
  });
  process.stdout.write(`${JSON.stringify({ url: site.url, origin: site.origin })}\n`);
  process.on('SIGTERM', () => {
    void site.close().then(() => process.exit(0));
  });
}
