// `npm run bench:crawl [-- --pages 5000 --concurrency 16 --frontier 100000 --json]`
// `npm run bench:crawl -- --site /usr/share/doc/sqlite3 [--rounds 3] [--json]` (a real site: a folder of HTML)
// `npm run bench:crawl -- --documents 200 [--json]` (a folder of generated PDFs and DOCX files)
// `npm run bench:crawl -- --workers 1,2,3 --backend opensearch [--hosts 16 --pages 1600 --rounds 2]
//   [--engine-url URL] [--json]` (a fleet of worker processes on a multi-host site, the state and
//   the index in the engine, beside single-process baselines: bench-crawl-fleet.ts)
//
// Crawl throughput and memory on a generated site on 127.0.0.1 with politeness delays off:
// 1. Citebox end to end: fetch, decode, extract, dedupe, chunk and index into a fresh SQLite
//    index, with the durable frontier — pages per second and peak RSS;
// 2. in the same run, Crawlee's CheerioCrawler (the `crawlee` dev dependency) fetching and
//    parsing the same site with the same concurrency, in-memory storage;
// 3. memory as the frontier grows: the site's sitemap puts --frontier URLs into the frontier at
//    once, and RSS is sampled while the crawl works through it.
// Each part runs in its own process (so peak RSS is its own), the site in another. With --json
// the last line printed is one JSON object of the figures.
//
// --site <html-root> serves a folder (index.html, else a listing, as python's http.server) and
// crawls it from its index.html with both crawlers instead of the generated site (no frontier
// part); --rounds N alternates the two N times and prints the medians (a shared machine's load
// changes between runs). --documents N generates N documents (half PDFs of --doc-pages pages, half Word files),
// serves them with an index page, and crawls them with Citebox: documents/s and PDF pages/s end
// to end, and documents/s read on the document threads alone.
// Citebox's crawl runs as `citebox crawl` does, without V8's TurboFan (crawler/process-tuning.ts);
// CITEBOX_BENCH_TURBOFAN=true runs it with TurboFan, as before, to compare.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DocumentPool } from '../crawler/documents/index.js';
import { CrawlService, tuneCrawlProcess } from '../crawler/index.js';
import { Indexer } from '../indexer/index.js';
import { createLogger, createSearchBackend, loadConfig } from '../services/index.js';
import { makeDocx, makePdf } from '../test/helpers/document-fixtures.js';
import { startMultiHostSite } from '../test/helpers/multi-host-site.js';
import { startGeneratedSite } from '../test/helpers/test-site-generator.js';
import { benchFleet, crawlEnv, runEmbedded } from './bench-crawl-fleet.js';
import { serveFolder } from './lib/static-site.js';

interface Args {
  pages: number;
  concurrency: number;
  frontier: number;
  json: boolean;
  skipCrawlee: boolean;
  role: string | undefined;
  url: string | undefined;
  /** A folder of HTML to crawl instead of the generated site. */
  site: string | undefined;
  /** Generated documents to crawl instead of the generated site (0: off). */
  documents: number;
  /** Pages of each generated PDF. */
  docPages: number;
  /** Path of the first URL on the served site. */
  seed: string | undefined;
  /** Extraction threads (default: Citebox's own choice). */
  extractThreads: number | undefined;
  /** Fleet runs: worker counts (`--workers 1,2,3`); empty: the single-process benchmark. */
  workers: number[];
  /** Fleet runs: the engine that holds the crawl state and the index. */
  backend: 'opensearch' | 'elasticsearch' | undefined;
  /** Fleet runs: hosts of the generated site. */
  hosts: number;
  /** Fleet runs: an engine to use instead of starting the test node. */
  engineUrl: string | undefined;
  /** --site: Citebox and Crawlee runs, alternated (the median ratio is the figure); fleet runs:
   * how many times the sequence of runs is repeated (medians reported). */
  rounds: number;
}

function parseArgs(argv: readonly string[]): Args {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, fallback: number) => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
    return n;
  };
  return {
    pages: num('pages', 5000),
    concurrency: num('concurrency', 16),
    frontier: num('frontier', 100_000),
    json: argv.includes('--json'),
    skipCrawlee: argv.includes('--skip-crawlee'),
    role: get('role'),
    url: get('url'),
    site: get('site'),
    documents: num('documents', 0),
    docPages: num('doc-pages', 12),
    seed: get('seed'),
    extractThreads: get('extract-threads') === undefined ? undefined : num('extract-threads', 1),
    workers: (get('workers') ?? '')
      .split(',')
      .filter(Boolean)
      .map((w) => {
        const n = Number(w);
        if (!Number.isInteger(n) || n < 1) throw new Error('--workers must be whole numbers, e.g. 1,2,3');
        return n;
      }),
    backend: backendArg(get('backend')),
    hosts: num('hosts', 16),
    engineUrl: get('engine-url'),
    rounds: Math.max(1, Math.round(num('rounds', 1))),
  };
}

function backendArg(value: string | undefined): 'opensearch' | 'elasticsearch' | undefined {
  if (value === undefined) return undefined;
  if (value !== 'opensearch' && value !== 'elasticsearch')
    throw new Error('--backend must be opensearch or elasticsearch (the fleet benchmark)');
  return value;
}

interface RunFigures {
  readonly pages: number;
  readonly seconds: number;
  readonly pages_per_second: number;
  readonly peak_rss_mb: number;
  readonly [key: string]: unknown;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
/** CPU seconds of the whole process (all its threads) since `since`. */
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return round((used.user + used.system) / 1e6);
};

// ---- roles run in child processes ----

/** A folder of generated documents with an index page linking them all; returns its path. */
function writeDocuments(
  count: number,
  pages: number,
): { root: string; pdfs: number; pdfPages: number; docx: number } {
  const root = mkdtempSync(join(tmpdir(), 'citebox-bench-docs-'));
  mkdirSync(join(root, 'docs'));
  const links: string[] = [];
  let pdfs = 0;
  let docx = 0;
  const sentence = (d: number, i: number) =>
    `Record ${d}.${i}: the keeper of light ${d} logged wind, tide and the state of lens number ${i} before dawn.`;
  for (let d = 0; d < count; d++) {
    if (d % 2 === 0) {
      const pdf = makePdf({
        title: `Station report ${d}`,
        pages: Array.from({ length: pages }, (_, p) => [
          { size: 18, text: `Section ${p + 1} of report ${d}` },
          ...Array.from({ length: 30 }, (_, i) => ({ size: 10, text: sentence(d, p * 30 + i) })),
        ]),
      });
      writeFileSync(join(root, 'docs', `report-${d}.pdf`), pdf);
      links.push(`docs/report-${d}.pdf`);
      pdfs++;
    } else {
      const body = Array.from({ length: pages }, (_, p) => [
        { heading: 2, text: `Part ${p + 1} of guide ${d}` } as const,
        ...Array.from({ length: 6 }, (_, i) => ({
          text: `${sentence(d, i)} ${sentence(d, i + 1)} ${sentence(d, i + 2)}`,
        })),
      ]).flat();
      writeFileSync(join(root, 'docs', `guide-${d}.docx`), makeDocx({ title: `Keeping guide ${d}`, body }));
      links.push(`docs/guide-${d}.docx`);
      docx++;
    }
  }
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Document library</title></head><body><h1>Document library</h1><p>Reports and guides of the lighthouse service, as PDF and Word files.</p><ul>${links.map((l) => `<li><a href="${l}">${l}</a></li>`).join('')}</ul></body></html>`,
  );
  return { root, pdfs, pdfPages: pdfs * pages, docx };
}

async function runSite(args: Args, argv: readonly string[]): Promise<void> {
  if (args.site || args.documents > 0) {
    const generated = args.site ? undefined : writeDocuments(args.documents, args.docPages);
    const root = args.site ?? (generated as { root: string }).root;
    const site = await serveFolder(root);
    const seed = existsSync(join(root, 'index.html')) ? 'index.html' : '';
    process.stdout.write(`${JSON.stringify({ url: site.url, seed, ...(generated ?? {}) })}\n`);
    await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
    await site.close();
    if (generated) rmSync(generated.root, { recursive: true, force: true });
    return;
  }
  const i = argv.indexOf('--site-pages');
  const pages = i >= 0 ? Number(argv[i + 1]) : args.pages;
  const site = await startGeneratedSite({
    pages,
    linksPerPage: 5,
    wordsPerPage: 300,
    bulkSitemap: argv.includes('--sitemap'),
  });
  process.stdout.write(`${JSON.stringify({ url: site.url })}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await site.close();
}

function citeboxConfig(dataDir: string, concurrency: number, extractThreads?: number) {
  return loadConfig({
    ...(extractThreads === undefined ? {} : { CITEBOX_CRAWL_EXTRACT_THREADS: String(extractThreads) }),
    ...crawlEnv(dataDir, concurrency),
    LOG_LEVEL: 'silent',
  });
}

/** Citebox end to end: the whole site into a fresh SQLite index. */
async function runCitebox(args: Args, url: string): Promise<RunFigures> {
  // As `citebox crawl` runs (cli/main.ts): without V8's top-tier compiler.
  if (process.env['CITEBOX_BENCH_TURBOFAN'] !== 'true') tuneCrawlProcess();
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-bench-'));
  try {
    const config = citeboxConfig(dataDir, args.concurrency, args.extractThreads);
    const logger = createLogger(config);
    const backend = createSearchBackend(config, logger);
    await backend.open();
    const crawls = new CrawlService({ config, logger, sink: new Indexer({ backend, logger }) });
    const started = performance.now();
    const cpu = process.cpuUsage();
    const mainCpu = process.threadCpuUsage();
    // Links only: the sitemap is for the frontier run.
    const job = await crawls.runForeground({
      seeds: [`${url}${args.seed ?? 'p/0'}`],
      max_pages: args.pages,
      max_depth: 10_000,
    });
    // The crawl is over once its threads are stopped and the index is closed (its last merge
    // written), as when `citebox crawl` exits.
    await crawls.close();
    const stats = await backend.stats();
    await backend.close();
    const seconds = (performance.now() - started) / 1000;
    const cpu_seconds = cpuSeconds(cpu);
    const main = process.threadCpuUsage(mainCpu);
    return {
      pages: job.stats.indexed,
      seconds: round(seconds),
      pages_per_second: round(job.stats.indexed / seconds),
      cpu_seconds,
      // The main thread's share (fetch, frontier, index); the rest is the page threads' and libuv's.
      main_thread_cpu_seconds: Math.round((main.user + main.system) / 1e4) / 100,
      peak_rss_mb: peakRssMb(),
      passages: stats.passages,
      fetched: job.stats.fetched,
      status: job.status,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Memory with a large frontier: the sitemap queues `frontier` URLs; RSS is sampled meanwhile. */
async function runFrontier(args: Args, url: string): Promise<RunFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-bench-'));
  try {
    const config = citeboxConfig(dataDir, args.concurrency);
    const logger = createLogger(config);
    const backend = createSearchBackend(config, logger);
    await backend.open();
    const crawls = new CrawlService({ config, logger, sink: new Indexer({ backend, logger }) });
    const stop = new AbortController();
    const samples: Array<{ frontier: number; queued: number; rss_mb: number }> = [];
    // Live heap (after a full GC; the child runs with --expose-gc) at a few points: what the
    // crawler really holds, as opposed to RSS, which also counts V8's young generation and
    // garbage not yet collected.
    const gc = (globalThis as { gc?: () => void }).gc;
    const live: Array<{ frontier: number; indexed: number; heap_used_mb: number; rss_mb: number }> = [];
    const sampleLive = (frontierSize: number, indexedNow: number) => {
      if (!gc) return;
      gc();
      const m = process.memoryUsage();
      live.push({
        frontier: frontierSize,
        indexed: indexedNow,
        heap_used_mb: mb(m.heapUsed),
        rss_mb: mb(m.rss),
      });
    };
    sampleLive(0, 0);
    let nextLive = 0;
    const target = 3_000; // pages crawled out of the big frontier
    const started = performance.now();
    let indexed = 0;
    let peakFrontier = 0;
    const job = await crawls.runForeground(
      // max_pages sized so the sitemap may queue the whole frontier (10 × max_pages).
      { seeds: [url], max_pages: Math.ceil(args.frontier / 10) + 10, max_depth: 1 },
      {
        signal: stop.signal,
        onProgress: (s) => {
          indexed = s.indexed;
          peakFrontier = Math.max(peakFrontier, s.discovered);
          samples.push({ frontier: s.discovered, queued: s.queued, rss_mb: mb(process.memoryUsage().rss) });
          if (s.discovered >= args.frontier * 0.9 && s.indexed >= nextLive) {
            sampleLive(s.discovered, s.indexed);
            nextLive = s.indexed + 1000;
          }
          if (s.indexed >= target) stop.abort();
        },
      },
    );
    const seconds = (performance.now() - started) / 1000;
    await crawls.close();
    await backend.close();
    const big = samples.filter((s) => s.frontier >= args.frontier * 0.9);
    return {
      pages: Math.max(indexed, job.stats.indexed),
      seconds: round(seconds),
      pages_per_second: round(Math.max(indexed, job.stats.indexed) / seconds),
      peak_rss_mb: peakRssMb(),
      frontier_urls: peakFrontier,
      queued_at_end: job.stats.queued,
      rss_mb_first_sample_with_full_frontier: big[0]?.rss_mb ?? null,
      rss_mb_last_sample: samples.at(-1)?.rss_mb ?? null,
      rss_mb_max_sample: Math.max(0, ...samples.map((s) => s.rss_mb)),
      live_heap: live,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The minimal part of Crawlee's API the benchmark uses (loaded only here, a dev dependency). */
interface CrawleeModule {
  CheerioCrawler: new (
    options: Record<string, unknown>,
    config: unknown,
  ) => { run(requests: string[]): Promise<unknown> };
  Configuration: new (options: Record<string, unknown>) => unknown;
  log: { setLevel(level: number): void; LEVELS: { WARNING: number } };
}

/** Crawlee's CheerioCrawler fetching and parsing the same site (no indexing). */
async function runCrawlee(args: Args, url: string): Promise<RunFigures> {
  const crawlee = (await import(String('crawlee'))) as CrawleeModule;
  crawlee.log.setLevel(crawlee.log.LEVELS.WARNING);
  const storage = mkdtempSync(join(tmpdir(), 'crawlee-bench-'));
  let pages = 0;
  try {
    const config = new crawlee.Configuration({
      persistStorage: false,
      purgeOnStart: true,
      storageClientOptions: { localDataDirectory: storage },
    });
    const crawler = new crawlee.CheerioCrawler(
      {
        minConcurrency: args.concurrency,
        maxConcurrency: args.concurrency,
        maxRequestsPerCrawl: args.pages,
        maxRequestRetries: 1,
        useSessionPool: false,
        autoscaledPoolOptions: { desiredConcurrency: args.concurrency },
        requestHandler: async (context: {
          $: (selector: string) => { text(): string };
          enqueueLinks: (options: Record<string, unknown>) => Promise<unknown>;
        }) => {
          context.$('title').text();
          context.$('main').text();
          pages++;
          await context.enqueueLinks({ strategy: 'same-hostname' });
        },
      },
      config,
    );
    const started = performance.now();
    const cpu = process.cpuUsage();
    await crawler.run([`${url}${args.seed ?? 'p/0'}`]);
    const seconds = (performance.now() - started) / 1000;
    return {
      pages,
      seconds: round(seconds),
      pages_per_second: round(pages / seconds),
      cpu_seconds: cpuSeconds(cpu),
      peak_rss_mb: peakRssMb(),
    };
  } finally {
    rmSync(storage, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

// ---- the parent ----

const self = fileURLToPath(import.meta.url);

/**
 * The environment and Node flags the `citebox` command runs with (its launcher's first line,
 * `#!/usr/bin/env -S VAR=value … node --flag …`): Citebox's processes here run as the command does.
 */
function launcherSettings(shebang: string): { env: Record<string, string>; flags: string[] } {
  const m = /^#!\S*env(?:\s+-S)?((?:\s+\w+=\S+)*)\s+node((?:\s+--[\w-]+(?:=\S+)?)*)\s*$/.exec(shebang);
  const words = (s: string | undefined) => (s?.trim() ? s.trim().split(/\s+/) : []);
  const env = Object.fromEntries(
    words(m?.[1]).map((v) => [v.slice(0, v.indexOf('=')), v.slice(v.indexOf('=') + 1)]),
  );
  return { env, flags: words(m?.[2]) };
}
const launcher = launcherSettings(
  readFileSync(new URL('../../bin/citebox.js', import.meta.url), 'utf8').split('\n', 1)[0] ?? '',
);
const citeboxFlags = launcher.flags;
const citeboxCommand = [
  ...Object.entries(launcher.env).map(([k, v]) => `${k}=${v}`),
  'node',
  ...citeboxFlags,
].join(' ');

function child(role: string, args: Args, extra: string[] = []): ChildProcess {
  return spawn(
    process.execPath,
    [
      ...(role === 'frontier' ? ['--expose-gc'] : []),
      ...(role === 'site' || role === 'crawlee' ? [] : citeboxFlags),
      self,
      '--role',
      role,
      '--pages',
      String(args.pages),
      '--concurrency',
      String(args.concurrency),
      '--frontier',
      String(args.frontier),
      ...(args.site ? ['--site', args.site] : []),
      ...(args.documents > 0
        ? ['--documents', String(args.documents), '--doc-pages', String(args.docPages)]
        : []),
      ...(args.seed !== undefined ? ['--seed', args.seed] : []),
      ...(args.extractThreads !== undefined ? ['--extract-threads', String(args.extractThreads)] : []),
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: role === 'site' || role === 'crawlee' ? process.env : { ...process.env, ...launcher.env },
    },
  );
}

async function firstJsonLine<T>(proc: ChildProcess): Promise<T> {
  if (!proc.stdout) throw new Error('child has no stdout');
  const lines = createInterface({ input: proc.stdout });
  for await (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith('{')) return JSON.parse(trimmed) as T;
  }
  throw new Error('child ended without a result');
}

async function measure(role: string, args: Args, url: string): Promise<RunFigures> {
  const proc = child(role, args, ['--url', url]);
  const result = await firstJsonLine<RunFigures>(proc);
  await new Promise((resolve) => proc.once('close', resolve));
  return result;
}

interface SiteInfo {
  readonly url: string;
  readonly seed?: string;
  readonly pdfs?: number;
  readonly pdfPages?: number;
  readonly docx?: number;
}

async function startSiteProcess(args: Args, extra: string[]): Promise<SiteInfo & { stop(): void }> {
  const proc = child('site', args, extra);
  const info = await firstJsonLine<SiteInfo>(proc);
  return { ...info, stop: () => proc.kill('SIGTERM') };
}

/** Documents read on the document threads alone (no HTTP, no index): the readers' own speed. */
async function runReaders(_args: Args, url: string): Promise<RunFigures> {
  const index = await (await fetch(`${url}index.html`)).text();
  const paths = [...index.matchAll(/href="([^"]+)"/g)].map((m) => m[1] as string);
  const bodies = await Promise.all(
    paths.map(async (p) => ({
      path: p,
      body: new Uint8Array(await (await fetch(`${url}${p}`)).arrayBuffer()),
    })),
  );
  const threads = Math.max(1, Number(process.env['BENCH_DOCUMENT_THREADS'] ?? 1));
  const pool = new DocumentPool({ threads, timeoutMs: 120_000 }, createLogger({ logLevel: 'silent' }));
  // A first document starts the threads outside the timing.
  const first = bodies[0];
  if (first)
    await pool.analyze({
      body: first.body,
      type: first.path.endsWith('.pdf') ? 'pdf' : 'docx',
      url: first.path,
    });
  const started = performance.now();
  let pages = 0;
  await Promise.all(
    bodies.map(async ({ path, body }) => {
      const doc = await pool.analyze({
        body,
        type: path.endsWith('.pdf') ? 'pdf' : 'docx',
        url: `${url}${path}`,
      });
      pages += doc.pages ?? 0;
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  await pool.close();
  return {
    pages: bodies.length,
    seconds: round(seconds),
    pages_per_second: round(bodies.length / seconds),
    pdf_pages_per_second: round(pages / seconds),
    threads,
    peak_rss_mb: peakRssMb(),
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.role) {
    if (args.role === 'site') return runSite(args, process.argv.slice(2));
    if (args.role === 'fleet-site') {
      const i = process.argv.indexOf('--site-pages');
      const site = await startMultiHostSite({ hosts: args.hosts, pagesPerHost: Number(process.argv[i + 1]) });
      process.stdout.write(`${JSON.stringify({ seeds: site.seeds, pages: site.pages.length })}\n`);
      await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
      await site.close();
      return;
    }
    if (args.role === 'fleet-embedded') {
      const seeds = (process.argv[process.argv.indexOf('--seeds') + 1] ?? '').split(',');
      const engine =
        args.backend && args.engineUrl ? { backend: args.backend, url: args.engineUrl } : undefined;
      const figures = await runEmbedded(seeds, args.pages, args.concurrency, engine);
      process.stdout.write(`${JSON.stringify(figures)}\n`);
      return;
    }
    const url = args.url;
    if (!url) throw new Error('--url is needed');
    const run =
      args.role === 'citebox'
        ? runCitebox
        : args.role === 'crawlee'
          ? runCrawlee
          : args.role === 'readers'
            ? runReaders
            : runFrontier;
    const figures = await run(args, url);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }

  const say = (text: string) => process.stdout.write(`${text}\n`);
  if (args.workers.length > 0 || args.backend) {
    return benchFleet(
      {
        workers: args.workers.length > 0 ? args.workers : [1, 2, 3],
        backend: args.backend ?? 'opensearch',
        hosts: args.hosts,
        // A fleet crawl is slower per page (the engine on the same machine): a smaller default site.
        pages: process.argv.includes('--pages') ? args.pages : 1_600,
        concurrency: args.concurrency,
        engineUrl: args.engineUrl,
        json: args.json,
        skipEmbedded: process.argv.includes('--skip-embedded'),
        rounds: args.rounds,
        launcher,
      },
      say,
      (role, extra) =>
        child(role, { ...args, pages: process.argv.includes('--pages') ? args.pages : 1_600 }, [
          '--hosts',
          String(args.hosts),
          ...extra,
        ]),
    );
  }
  if (args.documents > 0) return benchDocuments(args, say);
  if (args.site) return benchSite(args, say);
  say(
    `bench:crawl — ${args.pages}-page generated site on 127.0.0.1, concurrency ${args.concurrency}, politeness delays off`,
  );
  const site = await startSiteProcess(args, ['--site-pages', String(args.pages)]);
  try {
    const citebox = await measure('citebox', args, site.url);
    say(
      `Citebox (fetch + extract + index into SQLite): ${citebox.pages} pages in ${citebox.seconds} s = ${citebox.pages_per_second} pages/s, peak RSS ${citebox.peak_rss_mb} MB, ${String(citebox['passages'])} passages`,
    );
    let crawlee: RunFigures | undefined;
    if (!args.skipCrawlee) {
      crawlee = await measure('crawlee', args, site.url);
      say(
        `Crawlee CheerioCrawler (fetch + parse):        ${crawlee.pages} pages in ${crawlee.seconds} s = ${crawlee.pages_per_second} pages/s, peak RSS ${crawlee.peak_rss_mb} MB`,
      );
      say(
        `Citebox / Crawlee pages per second: ${round(citebox.pages_per_second / crawlee.pages_per_second)}× (target ≥ 1.5×)`,
      );
    }
    let frontier: RunFigures | undefined;
    if (args.frontier > 0) {
      // A second site whose sitemap lists --frontier pages.
      const big = await startSiteProcess(args, ['--site-pages', String(args.frontier), '--sitemap']);
      try {
        frontier = await measure('frontier', args, big.url);
      } finally {
        big.stop();
      }
      say(
        `Frontier of ${String(frontier['frontier_urls'])} URLs: ${frontier.pages} pages crawled from it at ${frontier.pages_per_second} pages/s, RSS ${String(frontier['rss_mb_first_sample_with_full_frontier'])} MB with the full frontier, ${String(frontier['rss_mb_last_sample'])} MB at the end, peak ${frontier.peak_rss_mb} MB (target < 400 MB)`,
      );
      const live = (frontier['live_heap'] ?? []) as Array<{
        frontier: number;
        indexed: number;
        heap_used_mb: number;
      }>;
      if (live.length > 0) {
        say(
          `Live heap after GC: ${live.map((l) => `${l.heap_used_mb} MB (frontier ${l.frontier}, ${l.indexed} crawled)`).join(', ')}`,
        );
      }
    }
    if (args.json) {
      say(
        JSON.stringify({
          site_pages: args.pages,
          concurrency: args.concurrency,
          citebox,
          crawlee: crawlee ?? null,
          speedup: crawlee ? round(citebox.pages_per_second / crawlee.pages_per_second) : null,
          frontier: frontier ?? null,
        }),
      );
    }
  } finally {
    site.stop();
  }
}

/** --documents: a folder of generated PDFs and Word files, crawled end to end, then read alone. */
async function benchDocuments(args: Args, say: (text: string) => void): Promise<void> {
  say(
    `bench:crawl --documents ${args.documents}: half PDFs of ${args.docPages} pages, half Word files, on 127.0.0.1`,
  );
  const site = await startSiteProcess(args, []);
  try {
    const withSeed = { ...args, seed: site.seed ?? '', pages: args.documents + 1 };
    const crawl = await measure('citebox', withSeed, site.url);
    const documents = crawl.pages - 1; // the index page
    const pdfPages = site.pdfPages ?? 0;
    const endToEnd = {
      documents,
      pdfs: site.pdfs,
      pdf_pages: pdfPages,
      docx: site.docx,
      seconds: crawl.seconds,
      documents_per_second: round(documents / crawl.seconds),
      pdf_pages_per_second: round(pdfPages / crawl.seconds),
      peak_rss_mb: crawl.peak_rss_mb,
      passages: crawl['passages'],
      status: crawl['status'],
    };
    say(
      `Citebox crawl (fetch + read + index): ${documents} documents (${site.pdfs} PDFs, ${pdfPages} PDF pages; ${site.docx} Word files) in ${crawl.seconds} s = ${endToEnd.documents_per_second} documents/s, ${endToEnd.pdf_pages_per_second} PDF pages/s, peak RSS ${crawl.peak_rss_mb} MB, ${String(crawl['passages'])} passages`,
    );
    const readers = await measure('readers', withSeed, site.url);
    say(
      `Document readers alone (${String(readers['threads'])} thread): ${readers.pages} documents in ${readers.seconds} s = ${readers.pages_per_second} documents/s, ${String(readers['pdf_pages_per_second'])} PDF pages/s`,
    );
    if (args.json)
      say(JSON.stringify({ documents: args.documents, doc_pages: args.docPages, crawl: endToEnd, readers }));
  } finally {
    site.stop();
  }
}

/** --site: a real site (a folder of HTML) crawled by Citebox and by Crawlee in the same run. */
async function benchSite(args: Args, say: (text: string) => void): Promise<void> {
  say(
    `bench:crawl --site ${args.site}: served on 127.0.0.1, concurrency ${args.concurrency}, at most ${args.pages} pages, politeness delays off${args.rounds > 1 ? `, ${args.rounds} rounds (Citebox and Crawlee alternated)` : ''}; Citebox runs as \`${citeboxCommand}\` (bin/citebox.js)`,
  );
  const site = await startSiteProcess(args, []);
  try {
    const withSeed = { ...args, seed: site.seed ?? '' };
    const rounds: Array<{ citebox: RunFigures; crawlee: RunFigures | null; speedup: number | null }> = [];
    for (let r = 0; r < args.rounds; r++) {
      const citebox = await measure('citebox', withSeed, site.url);
      say(
        `Citebox (fetch + extract + index into SQLite): ${citebox.pages} pages indexed, ${String(citebox['fetched'])} fetched, in ${citebox.seconds} s = ${citebox.pages_per_second} pages/s (${round(Number(citebox['fetched']) / citebox.seconds)} fetched/s), ${String(citebox['cpu_seconds'])} s CPU (${String(citebox['main_thread_cpu_seconds'])} s on the main thread), peak RSS ${citebox.peak_rss_mb} MB, ${String(citebox['passages'])} passages`,
      );
      let crawlee: RunFigures | null = null;
      if (!args.skipCrawlee) {
        crawlee = await measure('crawlee', withSeed, site.url);
        say(
          `Crawlee CheerioCrawler (fetch + parse):        ${crawlee.pages} pages in ${crawlee.seconds} s = ${crawlee.pages_per_second} pages/s, ${String(crawlee['cpu_seconds'])} s CPU, peak RSS ${crawlee.peak_rss_mb} MB`,
        );
        say(
          `Citebox / Crawlee pages per second: ${round(citebox.pages_per_second / crawlee.pages_per_second)}× (target ≥ 1.5× at ≤ 250 MB peak RSS)`,
        );
      }
      rounds.push({
        citebox,
        crawlee,
        speedup: crawlee ? round(citebox.pages_per_second / crawlee.pages_per_second) : null,
      });
    }
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = Math.floor(sorted.length / 2);
      return sorted.length % 2
        ? (sorted[mid] as number)
        : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
    };
    const speedups = rounds.flatMap((r) => (r.speedup === null ? [] : [r.speedup]));
    const summary =
      rounds.length > 1
        ? {
            citebox_pages_per_second: round(median(rounds.map((r) => r.citebox.pages_per_second))),
            crawlee_pages_per_second: speedups.length
              ? round(median(rounds.flatMap((r) => (r.crawlee ? [r.crawlee.pages_per_second] : []))))
              : null,
            speedup: speedups.length ? round(median(speedups)) : null,
            speedup_min: speedups.length ? Math.min(...speedups) : null,
            citebox_peak_rss_mb: Math.max(...rounds.map((r) => r.citebox.peak_rss_mb)),
          }
        : undefined;
    if (summary) {
      say(
        `Median of ${rounds.length} rounds: Citebox ${summary.citebox_pages_per_second} pages/s, Crawlee ${String(summary.crawlee_pages_per_second)} pages/s, Citebox / Crawlee ${String(summary.speedup)}× (lowest ${String(summary.speedup_min)}×), Citebox's highest peak RSS ${summary.citebox_peak_rss_mb} MB`,
      );
    }
    if (args.json) {
      const last = rounds.at(-1);
      say(
        JSON.stringify({
          site: args.site,
          concurrency: args.concurrency,
          citebox: last?.citebox,
          crawlee: last?.crawlee ?? null,
          speedup: last?.speedup ?? null,
          ...(summary ? { rounds: rounds.length, median: summary, all: rounds } : {}),
        }),
      );
    }
  } finally {
    site.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:crawl failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
