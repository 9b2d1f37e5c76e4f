// Benchmark of the search engine backends next to the embedded one, on the same corpus in one run:
// indexing passages/s, query latency p50/p95 (and queries/s), nDCG@10 as a check that each engine
// ranks as well, the time to rebuild the index (`citebox reindex`), and each engine/SQLite ratio.
//
//   node dist/scripts/bench-search-engines.js [<BEIR dir>] [--backend opensearch,elasticsearch]
//        [--queries N] [--batch PAGES] [--json]
//   (npm run bench:search -- --backend elasticsearch calls runEngineBench)
//
// Engines are measured one after the other, each alone on the machine: OpenSearch on the embedded
// test node (test/engines/opensearch.ts) unless OPENSEARCH_URL names one; Elasticsearch on the
// Elasticsearch 9 test node (test/engines/elasticsearch.ts) unless ELASTICSEARCH_URL names one.
// Run it under the bench lock on a shared machine:
// `flock /tmp/citebox-bench.lock node dist/scripts/bench-search-engines.js`.
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

export type EngineKind = 'opensearch' | 'elasticsearch';

export interface EngineBenchOptions {
  /** A BEIR collection (corpus.jsonl[.gz], queries.jsonl, qrels.tsv). Default: bench-data/scifact. */
  readonly dir?: string | undefined;
  /** The engines to measure, in this order (default: OpenSearch). */
  readonly backends?: readonly EngineKind[] | undefined;
  /** One engine's URL (with a single backend); default OPENSEARCH_URL / ELASTICSEARCH_URL, else a test node. */
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

export interface EngineFigures extends BackendFigures {
  /** e.g. `elasticsearch 9.5.3` */
  readonly version: string;
  /** `citebox reindex` of the whole index (a scan and bulk writes into a new index, alias swap). */
  readonly reindex_seconds: number;
  readonly reindex_docs_per_s: number;
  /** engine ÷ sqlite for each figure (> 1 means the engine's number is larger). */
  readonly ratio: {
    readonly index_passages_per_s: number;
    readonly query_p50_ms: number;
    readonly query_p95_ms: number;
    readonly ndcg_at_10: number;
  };
  /** engine nDCG@10 − sqlite nDCG@10 */
  readonly ndcg_delta: number;
}

export interface EngineBenchResult {
  readonly corpus: string;
  readonly docs: number;
  readonly queries: number;
  readonly sqlite: BackendFigures;
  readonly engines: readonly EngineFigures[];
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

/** The engine's test node (a TypeScript file outside the build; Node 24 runs it by type stripping). */
async function startTestNode(kind: EngineKind, log: (line: string) => void): Promise<RunningEngine> {
  const file = kind === 'opensearch' ? 'opensearch.ts' : 'elasticsearch.ts';
  const href = pathToFileURL(join(repoRoot(), 'test', 'engines', file)).href;
  if (kind === 'opensearch') {
    const mod = (await import(href)) as { startOpenSearch(): Promise<RunningEngine> };
    log('starting the embedded OpenSearch 2.19 test node');
    return mod.startOpenSearch();
  }
  const mod = (await import(href)) as { startElasticsearch(): Promise<RunningEngine> };
  log('starting the Elasticsearch 9 test node (the Maven Central zip with the test plugin)');
  return mod.startElasticsearch();
}

/** Indexes one corpus into SQLite and into each engine in turn, queries them, reports the figures. */
export async function runEngineBench(options: EngineBenchOptions = {}): Promise<EngineBenchResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const kinds = options.backends?.length ? options.backends : (['opensearch'] as const);
  if (options.url !== undefined && kinds.length > 1)
    throw new Error('--url names one engine: pass one --backend');
  const dir = options.dir ?? join(repoRoot(), '..', 'shared', 'bench-data', 'scifact');
  const collection = loadBeir(dir);
  const pages = toPages(collection);
  const settings = {
    batchPages: options.batchPages ?? 100,
    limit: options.limit ?? 10,
    queries: options.queries ?? collection.queries.length,
  };
  const config = loadConfig();
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-bench-engines-'));
  const logger = silentLogger();
  try {
    const sqlite = new SqliteBackend({ path: join(dataDir, 'index.sqlite'), logger });
    await sqlite.open();
    const sqliteFigures = await measure('sqlite', sqlite, pages, collection, settings, log);
    await sqlite.close();

    const engines: EngineFigures[] = [];
    for (const kind of kinds) {
      let url = options.url ?? (kind === 'opensearch' ? config.opensearchUrl : config.elasticsearchUrl);
      const node = url ? undefined : await startTestNode(kind, log);
      url ??= node?.url as string;
      let engine: EngineBackend | undefined;
      try {
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
        const figures = await measure(kind, engine, pages, collection, settings, log);
        const started = performance.now();
        const rebuilt = await engine.reindex();
        const reindexSeconds = (performance.now() - started) / 1000;
        if (rebuilt.failures > 0)
          throw new Error(`${kind}: reindex failed for ${rebuilt.failures} documents`);
        log(`[${kind}] reindex: ${rebuilt.copied} documents in ${reindexSeconds.toFixed(2)} s`);
        // An engine of the user's keeps no benchmark index behind (a test node goes away whole).
        if (!node) await engineRequest(url, `/${rebuilt.to}`, 'DELETE');
        const ratio = (a: number, b: number) => (b === 0 ? 0 : round(a / b, 2));
        engines.push({
          ...figures,
          version,
          reindex_seconds: round(reindexSeconds, 2),
          reindex_docs_per_s: round(rebuilt.copied / reindexSeconds, 0),
          ratio: {
            index_passages_per_s: ratio(figures.index_passages_per_s, sqliteFigures.index_passages_per_s),
            query_p50_ms: ratio(figures.query_p50_ms, sqliteFigures.query_p50_ms),
            query_p95_ms: ratio(figures.query_p95_ms, sqliteFigures.query_p95_ms),
            ndcg_at_10: ratio(figures.ndcg_at_10, sqliteFigures.ndcg_at_10),
          },
          ndcg_delta: round(figures.ndcg_at_10 - sqliteFigures.ndcg_at_10, 4),
        });
      } finally {
        await engine?.close();
        await node?.stop();
      }
    }
    return {
      corpus: collection.name,
      docs: collection.docs.length,
      queries: settings.queries,
      sqlite: sqliteFigures,
      engines,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A request to the engine by URL (credentials in the URL become a Basic authorization header). */
async function engineRequest(url: string, path: string, method = 'GET'): Promise<unknown> {
  const u = new URL(url);
  const auth = u.username
    ? `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString('base64')}`
    : undefined;
  u.username = '';
  u.password = '';
  const res = await fetch(new URL(path, u), {
    method,
    headers: auth ? { authorization: auth } : {},
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res.json();
}

async function engineVersion(url: string): Promise<string> {
  try {
    const body = (await engineRequest(url, '/')) as { version?: { number?: string; distribution?: string } };
    return `${body.version?.distribution ?? 'elasticsearch'} ${body.version?.number ?? '?'}`;
  } catch {
    return 'unknown';
  }
}

export function formatBench(result: EngineBenchResult): string {
  const ratio = (x: number) => `${x}×`;
  const rows: string[][] = [
    ['', 'sqlite', ...result.engines.map((e) => e.version)],
    [
      'index passages/s',
      String(result.sqlite.index_passages_per_s),
      ...result.engines.map((e) => `${e.index_passages_per_s} (${ratio(e.ratio.index_passages_per_s)})`),
    ],
    [
      'query p50 ms',
      String(result.sqlite.query_p50_ms),
      ...result.engines.map((e) => `${e.query_p50_ms} (${ratio(e.ratio.query_p50_ms)})`),
    ],
    [
      'query p95 ms',
      String(result.sqlite.query_p95_ms),
      ...result.engines.map((e) => `${e.query_p95_ms} (${ratio(e.ratio.query_p95_ms)})`),
    ],
    ['queries/s', String(result.sqlite.qps), ...result.engines.map((e) => String(e.qps))],
    [
      'nDCG@10',
      String(result.sqlite.ndcg_at_10),
      ...result.engines.map((e) => `${e.ndcg_at_10} (${e.ndcg_delta >= 0 ? '+' : ''}${e.ndcg_delta})`),
    ],
    ['reindex docs/s', '', ...result.engines.map((e) => String(e.reindex_docs_per_s))],
  ];
  const columns = rows[0]?.length ?? 0;
  const widths = Array.from({ length: columns }, (_, i) => Math.max(...rows.map((r) => r[i]?.length ?? 0)));
  const lines = rows.map((r) => r.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
  return [
    `${result.corpus}: ${result.docs} documents, ${result.sqlite.passages} passages, ${result.queries} queries (engine figures: value (engine/sqlite))`,
    ...lines,
  ].join('\n');
}

/** `opensearch,elasticsearch` → the engines, in order; anything else is an error. */
export function parseBackends(value: string): EngineKind[] {
  const names = value
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '');
  const unknown = names.filter((n) => n !== 'opensearch' && n !== 'elasticsearch');
  if (names.length === 0 || unknown.length > 0)
    throw new Error(
      `--backend: opensearch, elasticsearch or both comma-separated (not ${unknown.join(', ') || 'nothing'})`,
    );
  return [...new Set(names)] as EngineKind[];
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
  const result = await runEngineBench({
    dir: positionals[0],
    backends: parseBackends(values.backend ?? 'opensearch'),
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
