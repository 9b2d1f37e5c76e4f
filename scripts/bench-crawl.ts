// `npm run bench:crawl [-- --pages 5000 --concurrency 16 --frontier 100000 --json]`
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
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CrawlService } from '../crawler/index.js';
import { Indexer } from '../indexer/index.js';
import { createLogger, createSearchBackend, loadConfig } from '../services/index.js';
import { startGeneratedSite } from '../test/helpers/test-site-generator.js';

interface Args {
  pages: number;
  concurrency: number;
  frontier: number;
  json: boolean;
  skipCrawlee: boolean;
  role: string | undefined;
  url: string | undefined;
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
  };
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

// ---- roles run in child processes ----

async function runSite(args: Args, argv: readonly string[]): Promise<void> {
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

function citeboxConfig(dataDir: string, concurrency: number) {
  return loadConfig({
    CITEBOX_DATA_DIR: dataDir,
    CITEBOX_ALLOW_PRIVATE_NETWORKS: 'true',
    CITEBOX_CRAWL_DELAY_MS: '0',
    CITEBOX_CRAWL_DELAY_FACTOR: '0',
    CITEBOX_CRAWL_CONCURRENCY: String(concurrency),
    CITEBOX_CRAWL_GLOBAL_CONCURRENCY: String(concurrency),
    CITEBOX_RECRAWL_INTERVAL_HOURS: '0',
    CITEBOX_BOOTSTRAP_DOCS: 'false',
    LOG_LEVEL: 'silent',
  });
}

/** Citebox end to end: the whole site into a fresh SQLite index. */
async function runCitebox(args: Args, url: string): Promise<RunFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-bench-'));
  try {
    const config = citeboxConfig(dataDir, args.concurrency);
    const logger = createLogger(config);
    const backend = createSearchBackend(config, logger);
    await backend.open();
    const crawls = new CrawlService({ config, logger, sink: new Indexer({ backend, logger }) });
    const started = performance.now();
    // Links only: the sitemap is for the frontier run.
    const job = await crawls.runForeground({
      seeds: [`${url}p/0`],
      max_pages: args.pages,
      max_depth: 10_000,
    });
    const seconds = (performance.now() - started) / 1000;
    await crawls.close();
    const stats = await backend.stats();
    await backend.close();
    return {
      pages: job.stats.indexed,
      seconds: round(seconds),
      pages_per_second: round(job.stats.indexed / seconds),
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
    await crawler.run([`${url}p/0`]);
    const seconds = (performance.now() - started) / 1000;
    return {
      pages,
      seconds: round(seconds),
      pages_per_second: round(pages / seconds),
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

function child(role: string, args: Args, extra: string[] = []): ChildProcess {
  return spawn(
    process.execPath,
    [
      ...(role === 'frontier' ? ['--expose-gc'] : []),
      self,
      '--role',
      role,
      '--pages',
      String(args.pages),
      '--concurrency',
      String(args.concurrency),
      '--frontier',
      String(args.frontier),
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
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

async function startSiteProcess(args: Args, extra: string[]): Promise<{ url: string; stop(): void }> {
  const proc = child('site', args, extra);
  const { url } = await firstJsonLine<{ url: string }>(proc);
  return { url, stop: () => proc.kill('SIGTERM') };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.role) {
    if (args.role === 'site') return runSite(args, process.argv.slice(2));
    const url = args.url;
    if (!url) throw new Error('--url is needed');
    const run = args.role === 'citebox' ? runCitebox : args.role === 'crawlee' ? runCrawlee : runFrontier;
    const figures = await run(args, url);
    process.stdout.write(`${JSON.stringify(figures)}\n`);
    return;
  }

  const say = (text: string) => process.stdout.write(`${text}\n`);
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

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:crawl failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
