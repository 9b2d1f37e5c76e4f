// Benchmark of a search engine backend next to the embedded one, on the same corpus in one run:
// indexing passages/s, query latency p50/p95 (and queries/s), plus nDCG@10 as a check that the
// engine ranks as well, and the engine/SQLite ratio of each figure.
//
//   node dist/scripts/bench-search-engines.js [<BEIR dir>] [--backend opensearch|elasticsearch]
//        [--queries N] [--batch PAGES] [--json]
//   (npm run bench:search -- --backend opensearch calls runEngineBench)
//
// OpenSearch: the embedded test node (test/engines/opensearch.ts) unless --url / OPENSEARCH_URL
// names one. Elasticsearch: ELASTICSEARCH_URL or --url. Run it under the bench lock on a shared
// machine: `flock /tmp/citebox-bench.lock node dist/scripts/bench-search-engines.js`.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { pageToRecords } from '../indexer/index.js';
import {
  createEngineBackend,
  type EngineBackend,
  loadConfig,
  type PageWithPassages,
  type SearchBackend,
  SqliteBackend,
  silentLogger,
} from '../services/index.js';

export interface EngineBenchOptions {
  /** A BEIR collection (corpus.jsonl[.gz], queries.jsonl, qrels.tsv). Default: bench-data/scifact. */
  readonly dir?: string | undefined;
  readonly backend?: 'opensearch' | 'elasticsearch' | undefined;
  /** The engine's URL; default OPENSEARCH_URL / ELASTICSEARCH_URL, or the embedded OpenSearch node. */
  readonly url?: string | undefined;
  /** Run only the first N queries. */
  readonly queries?: number | undefined;
  /** Pages per replacePages call while indexing (default 100). */
  readonly batchPages?: number | undefined;
  /** Results per query (default 10, one passage per document). */
  readonly limit?: number | undefined;
  /** Progress lines (default: stderr). */
  readonly log?: ((line: string) => void) | undefined;
}

export interface BackendFigures {
  readonly backend: string;
  readonly passages: number;
  readonly index_seconds: number;
  readonly index_passages_per_s: number;
  readonly query_p50_ms: number;
  readonly query_p95_ms: number;
  readonly qps: number;
  readonly ndcg_at_10: number;
}

export interface EngineBenchResult {
  readonly corpus: string;
  readonly docs: number;
  readonly queries: number;
  readonly engine_version: string;
  readonly sqlite: BackendFigures;
  readonly engine: BackendFigures;
  /** engine ÷ sqlite for each figure (> 1 means the engine's number is larger). */
  readonly ratio: {
    readonly index_passages_per_s: number;
    readonly query_p50_ms: number;
    readonly query_p95_ms: number;
    readonly ndcg_at_10: number;
  };
}

interface Collection {
  readonly name: string;
  readonly docs: ReadonlyArray<{ id: string; title: string; text: string }>;
  readonly queries: ReadonlyArray<{ id: string; text: string }>;
  readonly qrels: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

const WARMUP_QUERIES = 20;

/** The repository root, from the source (scripts/) or the build (dist/scripts/). */
function repoRoot(): string {
  const up = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  return basename(up) === 'dist' ? dirname(up) : up;
}

function readJsonl(path: string): Array<Record<string, unknown>> {
  const bytes = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function loadBeir(dir: string): Collection {
  const corpusFile = ['corpus.jsonl', 'corpus.jsonl.gz'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!corpusFile) throw new Error(`${dir}: no corpus.jsonl[.gz] (a BEIR collection is needed)`);
  const docs = readJsonl(corpusFile).map((r) => ({
    id: String(r['_id'] ?? r['id']),
    title: String(r['title'] ?? ''),
    text: String(r['text'] ?? ''),
  }));
  const qrels = new Map<string, Map<string, number>>();
  for (const line of readFileSync(join(dir, 'qrels.tsv'), 'utf8').split('\n')) {
    const [q, d, g] = line.split('\t');
    if (!q || !d || g === undefined || !/^\d+$/.test(g.trim())) continue;
    if (!qrels.has(q)) qrels.set(q, new Map());
    qrels.get(q)?.set(d, Number(g));
  }
  const queries = readJsonl(join(dir, 'queries.jsonl'))
    .map((r) => ({ id: String(r['_id'] ?? r['id']), text: String(r['text'] ?? '') }))
    .filter((q) => qrels.has(q.id));
  return { name: basename(resolve(dir)), docs, queries, qrels };
}

function docUrl(id: string): string {
  return `https://bench.invalid/doc/${encodeURIComponent(id)}`;
}

function toPages(collection: Collection): PageWithPassages[] {
  return collection.docs.map((doc) =>
    pageToRecords({
      url: docUrl(doc.id),
      title: doc.title,
      fetchedAt: '2026-01-01T00:00:00.000Z',
      contentHash: doc.id,
      blocks: doc.text
        .split(/\n\s*\n/)
        .map((t) => t.trim())
        .filter((t) => t.length > 0)
        .map((text) => ({ type: 'text' as const, text })),
    }),
  );
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** nDCG@10 of one ranked list of document ids. */
export function ndcgAt10(ranked: readonly string[], grades: ReadonlyMap<string, number>): number {
  const dcg = ranked
    .slice(0, 10)
    .reduce((sum, id, i) => sum + (2 ** (grades.get(id) ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = [...grades.values()]
    .sort((a, b) => b - a)
    .slice(0, 10)
    .reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}

async function measure(
  name: string,
  backend: SearchBackend,
  pages: readonly PageWithPassages[],
  collection: Collection,
  options: { batchPages: number; limit: number; queries: number },
  log: (line: string) => void,
): Promise<BackendFigures> {
  const passages = pages.reduce((n, p) => n + p.passages.length, 0);
  const idByUrl = new Map(collection.docs.map((d) => [docUrl(d.id), d.id]));
  log(`[${name}] indexing ${pages.length} pages, ${passages} passages`);
  const started = performance.now();
  for (let i = 0; i < pages.length; i += options.batchPages) {
    const report = await backend.replacePages(pages.slice(i, i + options.batchPages));
    if (report.failed.length > 0)
      throw new Error(`${name}: ${report.failed.length} pages failed: ${report.failed[0]?.reason}`);
  }
  await backend.refresh();
  const indexSeconds = (performance.now() - started) / 1000;
  const queries = collection.queries.slice(0, options.queries);
  for (const q of queries.slice(0, WARMUP_QUERIES))
    await backend.search({ text: q.text, limit: options.limit, maxPerPage: 1 });
  const latencies: number[] = [];
  let ndcg = 0;
  const runStart = performance.now();
  for (const q of queries) {
    const t0 = performance.now();
    const hits = await backend.search({ text: q.text, limit: options.limit, maxPerPage: 1 });
    latencies.push(performance.now() - t0);
    const ranked = hits.map((h) => idByUrl.get(h.passage.url) ?? '');
    ndcg += ndcgAt10(ranked, collection.qrels.get(q.id) ?? new Map());
  }
  const runSeconds = (performance.now() - runStart) / 1000;
  latencies.sort((a, b) => a - b);
  const figures: BackendFigures = {
    backend: name,
    passages,
    index_seconds: round(indexSeconds, 2),
    index_passages_per_s: round(passages / indexSeconds, 0),
    query_p50_ms: round(percentile(latencies, 50), 2),
    query_p95_ms: round(percentile(latencies, 95), 2),
    qps: round(queries.length / runSeconds, 1),
    ndcg_at_10: round(queries.length === 0 ? 0 : ndcg / queries.length, 4),
  };
  log(
    `[${name}] ${figures.index_passages_per_s} passages/s indexed; queries p50 ${figures.query_p50_ms} ms, p95 ${figures.query_p95_ms} ms, ${figures.qps} q/s; nDCG@10 ${figures.ndcg_at_10}`,
  );
  return figures;
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

interface RunningEngine {
  url: string;
  stop(): Promise<void>;
}

async function startEmbeddedOpenSearch(log: (line: string) => void): Promise<RunningEngine> {
  // A TypeScript file outside the build; Node 24 runs it directly (type stripping).
  const href = pathToFileURL(join(repoRoot(), 'test', 'engines', 'opensearch.ts')).href;
  const mod = (await import(href)) as { startOpenSearch(): Promise<RunningEngine> };
  log('starting the embedded OpenSearch 2.19 node');
  return mod.startOpenSearch();
}

/** Indexes one corpus into SQLite and into the engine, queries both, and reports the figures. */
export async function runEngineBench(options: EngineBenchOptions = {}): Promise<EngineBenchResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const kind = options.backend ?? 'opensearch';
  const dir = options.dir ?? join(repoRoot(), '..', 'shared', 'bench-data', 'scifact');
  const collection = loadBeir(dir);
  const pages = toPages(collection);
  const settings = {
    batchPages: options.batchPages ?? 100,
    limit: options.limit ?? 10,
    queries: options.queries ?? collection.queries.length,
  };
  const config = loadConfig();
  let url = options.url ?? (kind === 'opensearch' ? config.opensearchUrl : config.elasticsearchUrl);
  let embedded: RunningEngine | undefined;
  if (!url) {
    if (kind === 'elasticsearch') throw new Error('--backend elasticsearch needs ELASTICSEARCH_URL or --url');
    embedded = await startEmbeddedOpenSearch(log);
    url = embedded.url;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-bench-engines-'));
  const logger = silentLogger();
  let engine: EngineBackend | undefined;
  try {
    const sqlite = new SqliteBackend({ path: join(dataDir, 'index.sqlite'), logger });
    await sqlite.open();
    const sqliteFigures = await measure('sqlite', sqlite, pages, collection, settings, log);
    await sqlite.close();

    const alias = `citebox-bench-${Date.now().toString(36)}`;
    engine = createEngineBackend(
      {
        backend: kind,
        elasticsearchUrl: kind === 'elasticsearch' ? url : undefined,
        opensearchUrl: kind === 'opensearch' ? url : undefined,
        indexName: alias,
        indexShards: 1,
        indexReplicas: 0,
        embeddingsDimensions: undefined,
      },
      logger,
    );
    await engine.open();
    const version = await engineVersion(url);
    const engineFigures = await measure(kind, engine, pages, collection, settings, log);
    const ratio = (a: number, b: number) => (b === 0 ? 0 : round(a / b, 2));
    return {
      corpus: collection.name,
      docs: collection.docs.length,
      queries: settings.queries,
      engine_version: version,
      sqlite: sqliteFigures,
      engine: engineFigures,
      ratio: {
        index_passages_per_s: ratio(engineFigures.index_passages_per_s, sqliteFigures.index_passages_per_s),
        query_p50_ms: ratio(engineFigures.query_p50_ms, sqliteFigures.query_p50_ms),
        query_p95_ms: ratio(engineFigures.query_p95_ms, sqliteFigures.query_p95_ms),
        ndcg_at_10: ratio(engineFigures.ndcg_at_10, sqliteFigures.ndcg_at_10),
      },
    };
  } finally {
    await engine?.close();
    await embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function engineVersion(url: string): Promise<string> {
  try {
    const u = new URL(url);
    const auth = u.username
      ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`
      : undefined;
    u.username = '';
    u.password = '';
    const res = await fetch(u, {
      headers: auth ? { authorization: auth } : {},
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json()) as { version?: { number?: string; distribution?: string } };
    return `${body.version?.distribution ?? 'elasticsearch'} ${body.version?.number ?? '?'}`;
  } catch {
    return 'unknown';
  }
}

export function formatBench(result: EngineBenchResult): string {
  const rows: Array<[string, string, string, string]> = [
    ['', 'sqlite', result.engine.backend, 'ratio'],
    [
      'index passages/s',
      String(result.sqlite.index_passages_per_s),
      String(result.engine.index_passages_per_s),
      `${result.ratio.index_passages_per_s}×`,
    ],
    [
      'query p50 ms',
      String(result.sqlite.query_p50_ms),
      String(result.engine.query_p50_ms),
      `${result.ratio.query_p50_ms}×`,
    ],
    [
      'query p95 ms',
      String(result.sqlite.query_p95_ms),
      String(result.engine.query_p95_ms),
      `${result.ratio.query_p95_ms}×`,
    ],
    ['queries/s', String(result.sqlite.qps), String(result.engine.qps), ''],
    [
      'nDCG@10',
      String(result.sqlite.ndcg_at_10),
      String(result.engine.ndcg_at_10),
      `${result.ratio.ndcg_at_10}×`,
    ],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
  return [
    `${result.corpus}: ${result.docs} documents, ${result.sqlite.passages} passages, ${result.queries} queries; ${result.engine_version}`,
    ...lines,
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      backend: { type: 'string' },
      url: { type: 'string' },
      queries: { type: 'string' },
      batch: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const backend = values.backend ?? 'opensearch';
  if (backend !== 'opensearch' && backend !== 'elasticsearch')
    throw new Error('--backend: opensearch or elasticsearch');
  const result = await runEngineBench({
    dir: positionals[0],
    backend,
    url: values.url,
    queries: values.queries ? Number(values.queries) : undefined,
    batchPages: values.batch ? Number(values.batch) : undefined,
  });
  process.stdout.write(`${formatBench(result)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`bench-search-engines: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
