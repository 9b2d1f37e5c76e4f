// npm run bench:search -- [--sizes 100000,1000000] [--queries N] [--json] [--backend sqlite|opensearch|elasticsearch|opensearch,elasticsearch]
//
// Indexes synthetic passages (Zipfian words, see lib/synthetic-corpus.ts) into a fresh embedded
// index at each size and prints indexing throughput (passages/s, the time spent in the backend's
// replacePages; then the time to merge the index's segments, as a server does once writes are
// quiet), the index's size on disk, and query latency p50/p95/p99 with one client, in
// process (backend.search) and through GET /v1/search on a real server (port 0). The queries mix
// real questions and claims from the shared collections with common-word queries, the hard case
// for a full-text index, whose figures are also given apart. With --json the last line is one JSON
// object. --backend opensearch, elasticsearch or both (comma-separated) runs the engines' benchmark
// (bench-search-engines.ts): SciFact in SQLite and in each engine, side by side.
// On a shared machine run it under the bench lock: flock /tmp/citebox-bench.lock npm run bench:search
import { readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startServer } from '../cli/serve.js';
import {
  type Config,
  createLogger,
  createSearchBackend,
  ENGLISH_STOP_WORDS,
  type Logger,
  loadConfig,
  type PageWithPassages,
  SqliteBackend,
} from '../services/index.js';
import { loadCollection } from './lib/bench-data.js';
import { repoRoot } from './lib/eval-backend.js';
import { buildVocabulary, SyntheticCorpus, seededRandom, type Vocabulary } from './lib/synthetic-corpus.js';

const USAGE = `Usage: npm run bench:search -- [options]

  --sizes N,N           passages to index, one run per size (default 100000,1000000)
  --queries N           timed queries per run (default 500; 30 more warm up first)
  --http-queries N      of those, how many also go through GET /v1/search (default: all)
  --bench-data DIR      the shared collections (default ../shared/bench-data)
  --backend NAME        sqlite (default); opensearch, elasticsearch or opensearch,elasticsearch run
                        the engines' benchmark (SciFact in SQLite and each engine, side by side)
  --no-merge            query the index as indexing left it (default: its segments merged first,
                        timed apart, as a server merges them once writes are quiet)
  --keep                keep the index directories (their paths are printed)
  --json                print the figures as one JSON object on the last line`;

const WARMUP = 30;
const BATCH_PASSAGES = 2000;

type QueryKind = 'real' | 'common' | 'rare';

interface BenchQuery {
  readonly text: string;
  readonly kind: QueryKind;
}

interface Latency {
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
  readonly mean_ms: number;
  readonly queries: number;
}

interface SizeFigures {
  passages: number;
  pages: number;
  index_seconds: number;
  index_passages_per_s: number;
  /** Merging the segments into one after the load (what a server does once writes are quiet). */
  merge_seconds?: number;
  /** Passages over indexing and merging together. */
  index_and_merge_passages_per_s?: number;
  disk_mb: number;
  in_process: Latency & { common: Latency; real: Latency; rare: Latency };
  http?: Latency & { common: Latency };
  index_dir?: string;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? 0;
}

function latency(samples: readonly number[]): Latency {
  const sorted = [...samples].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 100) / 100;
  return {
    p50_ms: r(percentile(sorted, 50)),
    p95_ms: r(percentile(sorted, 95)),
    p99_ms: r(percentile(sorted, 99)),
    mean_ms: r(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
    queries: sorted.length,
  };
}

/**
 * The query mix: 60 % real questions and claims (SciFact, NFCorpus, SQuAD), 30 % common-word
 * queries (one to three of the 30–400 most frequent content words), 10 % rare-word queries.
 */
function buildQueries(
  benchData: string,
  vocabulary: Vocabulary,
  count: number,
  log: (line: string) => void,
): BenchQuery[] {
  const random = seededRandom(7);
  const real: string[] = [];
  for (const name of ['scifact', 'nfcorpus', 'qa-squad-dev']) {
    try {
      real.push(...loadCollection(join(benchData, name)).queries.map((q) => q.text));
    } catch (err) {
      // A missing collection only narrows the mix; the synthetic queries still run.
      log(`  (no ${name} queries: ${err instanceof Error ? err.message : String(err)})`);
    }
  }
  const content = vocabulary.words.slice(0, 2000).filter((w) => !ENGLISH_STOP_WORDS.has(w) && w.length > 2);
  const common = content.slice(30, 400);
  const rare = vocabulary.words.slice(5_000, 50_000);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const out: BenchQuery[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.6 && real.length > 0) out.push({ text: pick(real), kind: 'real' });
    else if (r < 0.9) {
      const n = 1 + Math.floor(random() * 3);
      out.push({ text: Array.from({ length: n }, () => pick(common)).join(' '), kind: 'common' });
    } else out.push({ text: `${pick(rare)} ${pick(common)}`, kind: 'rare' });
  }
  return out;
}

function diskMegabytes(dir: string): number {
  let bytes = 0;
  for (const f of readdirSync(dir)) if (f.startsWith('index.sqlite')) bytes += statSync(join(dir, f)).size;
  return Math.round((bytes / 1e6) * 10) / 10;
}

async function runSize(
  size: number,
  base: Config,
  vocabulary: Vocabulary,
  queries: readonly BenchQuery[],
  httpQueries: number,
  logger: Logger,
  keep: boolean,
  merge: boolean,
  log: (line: string) => void,
): Promise<SizeFigures> {
  const dataDir = await mkdtemp(join(tmpdir(), 'citebox-bench-search-'));
  const config: Config = Object.freeze({
    ...base,
    backend: 'sqlite' as const,
    dataDir,
    port: 0,
    host: '127.0.0.1',
    bootstrapDocs: false,
    rateLimitPerMinute: 0,
    embeddingsModel: undefined,
  });
  try {
    const corpus = new SyntheticCorpus({ vocabulary, seed: 42 });
    const backend = createSearchBackend(config, logger);
    await backend.open();
    let passages = 0;
    let pages = 0;
    let indexMs = 0;
    let nextReport = size / 10;
    while (passages < size) {
      const batch: PageWithPassages[] = [];
      let inBatch = 0;
      while (inBatch < BATCH_PASSAGES && passages + inBatch < size) {
        const page = corpus.page(size - passages - inBatch);
        batch.push(page);
        inBatch += page.passages.length;
      }
      const started = performance.now();
      const report = await backend.replacePages(batch);
      indexMs += performance.now() - started;
      if (report.failed.length > 0) throw new Error(`indexing failed: ${report.failed[0]?.reason}`);
      passages += inBatch;
      pages += batch.length;
      if (passages >= nextReport) {
        log(`  indexed ${passages} passages (${Math.round(passages / (indexMs / 1000))}/s)`);
        nextReport += size / 10;
      }
    }
    // A server merges the segments once writes have been quiet (sqlite-backend.ts wantMerge);
    // merge now, timed apart, so that the queries below see the index a server settles to.
    const mergeMs = merge && backend instanceof SqliteBackend ? await backend.optimize() : undefined;
    if (mergeMs !== undefined) log(`  merged the segments in ${(mergeMs / 1000).toFixed(1)} s`);
    await backend.close();
    const disk = diskMegabytes(dataDir);

    // In process, one client, on a freshly opened index.
    await backend.open();
    const samples: Record<QueryKind, number[]> = { real: [], common: [], rare: [] };
    for (let i = 0; i < WARMUP + queries.length; i++) {
      const q = queries[i % queries.length] as BenchQuery;
      const started = performance.now();
      await backend.search({ text: q.text, limit: 10, maxPerPage: 2 });
      const ms = performance.now() - started;
      if (i >= WARMUP) samples[q.kind].push(ms);
    }
    await backend.close();
    const all = [...samples.real, ...samples.common, ...samples.rare];
    const figures: SizeFigures = {
      passages,
      pages,
      index_seconds: Math.round(indexMs / 100) / 10,
      index_passages_per_s: Math.round(passages / (indexMs / 1000)),
      ...(mergeMs === undefined
        ? {}
        : {
            merge_seconds: Math.round(mergeMs / 100) / 10,
            index_and_merge_passages_per_s: Math.round(passages / ((indexMs + mergeMs) / 1000)),
          }),
      disk_mb: disk,
      in_process: {
        ...latency(all),
        real: latency(samples.real),
        common: latency(samples.common),
        rare: latency(samples.rare),
      },
    };
    log(`  in process: p50 ${figures.in_process.p50_ms} ms, p95 ${figures.in_process.p95_ms} ms`);

    // Through the API: the real server (startServer), GET /v1/search, one client.
    if (httpQueries > 0) {
      const server = await startServer(config, logger);
      try {
        const httpSamples: number[] = [];
        const commonSamples: number[] = [];
        const timed = queries.slice(0, httpQueries);
        for (let i = 0; i < WARMUP + timed.length; i++) {
          const q = timed[i % timed.length] as BenchQuery;
          const url = `${server.url}/v1/search?q=${encodeURIComponent(q.text)}&limit=10`;
          const started = performance.now();
          const res = await fetch(url);
          await res.arrayBuffer();
          const ms = performance.now() - started;
          if (!res.ok) throw new Error(`GET /v1/search answered ${res.status}`);
          if (i >= WARMUP) {
            httpSamples.push(ms);
            if (q.kind === 'common') commonSamples.push(ms);
          }
        }
        figures.http = { ...latency(httpSamples), common: latency(commonSamples) };
        log(`  GET /v1/search: p50 ${figures.http.p50_ms} ms, p95 ${figures.http.p95_ms} ms`);
      } finally {
        await server.close();
      }
    }
    if (keep) figures.index_dir = dataDir;
    return figures;
  } finally {
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

function printSize(f: SizeFigures): void {
  const l = (x: Latency) => `p50 ${x.p50_ms} ms, p95 ${x.p95_ms} ms, p99 ${x.p99_ms} ms`;
  console.log(`${f.passages.toLocaleString('en')} passages (${f.pages.toLocaleString('en')} pages)`);
  console.log(
    `  indexing        ${f.index_passages_per_s.toLocaleString('en')} passages/s (${f.index_seconds} s)`,
  );
  if (f.merge_seconds !== undefined) {
    console.log(
      `  then merging    ${f.merge_seconds} s (${(f.index_and_merge_passages_per_s ?? 0).toLocaleString('en')} passages/s over both)`,
    );
  }
  console.log(`  on disk         ${f.disk_mb} MB`);
  console.log(`  in process      ${l(f.in_process)}  (${f.in_process.queries} queries)`);
  console.log(`    real queries  ${l(f.in_process.real)}`);
  console.log(`    common words  ${l(f.in_process.common)}`);
  console.log(`    rare words    ${l(f.in_process.rare)}`);
  if (f.http) {
    console.log(`  GET /v1/search  ${l(f.http)}  (${f.http.queries} queries)`);
    console.log(`    common words  ${l(f.http.common)}`);
  }
  if (f.index_dir) console.log(`  index kept in   ${f.index_dir}`);
}

async function runEngines(backend: string, queries: number | undefined, benchData: string, json: boolean) {
  // The engines' benchmark lives beside this file once built (scripts/bench-search-engines.ts).
  const url = pathToFileURL(join(import.meta.dirname, 'bench-search-engines.js')).href;
  const mod = (await import(url)) as {
    runEngineBench(options: Record<string, unknown>): Promise<unknown>;
    formatBench(result: unknown): string;
    parseBackends(value: string): string[];
  };
  const result = await mod.runEngineBench({
    backends: mod.parseBackends(backend),
    dir: join(benchData, 'scifact'),
    ...(queries !== undefined ? { queries } : {}),
  });
  console.log(mod.formatBench(result));
  if (json) console.log(JSON.stringify(result));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100000,1000000' },
      queries: { type: 'string' },
      'http-queries': { type: 'string' },
      'bench-data': { type: 'string', default: join(repoRoot(), '..', 'shared', 'bench-data') },
      backend: { type: 'string', default: 'sqlite' },
      keep: { type: 'boolean', default: false },
      'no-merge': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const benchData = values['bench-data'];
  const queryCount = values.queries !== undefined ? Number(values.queries) : undefined;
  if (values.backend !== 'sqlite') {
    await runEngines(values.backend, queryCount, benchData, values.json);
    return;
  }
  const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error('--sizes takes positive whole numbers');
  const count = queryCount ?? 500;
  const httpQueries = values['http-queries'] !== undefined ? Number(values['http-queries']) : count;
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const logger = createLogger({ logLevel: 'warn' }, pino.destination(2));
  const base = loadConfig();
  log('building the vocabulary from the shared collections…');
  const vocabulary = buildVocabulary(benchData);
  const queries = buildQueries(benchData, vocabulary, count, log);
  const results: SizeFigures[] = [];
  for (const size of sizes) {
    log(`indexing ${size} passages…`);
    const figures = await runSize(
      size,
      base,
      vocabulary,
      queries,
      httpQueries,
      logger,
      values.keep,
      !values['no-merge'],
      log,
    );
    printSize(figures);
    results.push(figures);
  }
  if (values.json) console.log(JSON.stringify({ backend: 'sqlite', sizes: results }));
}

main().catch((err: unknown) => {
  console.error(`bench:search: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
