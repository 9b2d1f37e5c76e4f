// npm run eval:retrieval -- <dir> [--json] [--backend sqlite|opensearch|elasticsearch]
//
// Indexes a retrieval collection (BEIR: corpus.jsonl[.gz], queries.jsonl, qrels.tsv) or a QA folder
// (passages.jsonl as the corpus, questions' passage_ids as the judgments) into a fresh index of the
// chosen backend, through the indexer's own page → passage path, runs every query and prints
// nDCG@10, MRR@10, Recall@5, Recall@100 (as trec_eval computes them), the number of queries and
// queries per second. A document cut into several passages ranks by its best passage.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { type ChunkOptions, pageToRecords } from '../indexer/index.js';
import {
  type BackendKind,
  createLogger,
  type ExtractedPage,
  loadConfig,
  type PageWithPassages,
  type SearchBackend,
} from '../services/index.js';
import {
  type CorpusDoc,
  loadCollection,
  type RetrievalCollection,
  subsetCollection,
} from './lib/bench-data.js';
import { BACKENDS, openEvalBackend, parseTuning } from './lib/eval-backend.js';
import { type RetrievalFigures, scoreRun } from './lib/metrics.js';

const USAGE = `Usage: npm run eval:retrieval -- <dir> [options]

  <dir>                 a BEIR collection or a QA folder (see ../shared/bench-data/README.md)
  --json                print the figures as one JSON object on the last line
  --backend NAME        sqlite (default), opensearch or elasticsearch
  --queries N           run only the first N queries (quick checks)
  --sample N            run a fixed random sample of N judged queries (--seed)
  --docs N              index a fixed subset of N documents: every document judged for the queries
                        that run, plus a random sample of the others (--seed); for runs that cannot
                        afford the whole corpus (embedding it on a CPU). Scores are then higher than
                        on the whole corpus (fewer distractors): compare them with the BM25 line of
                        the same run, not with whole-corpus figures
  --seed S              seed of --sample and --docs (default 19)
  --cjk HOW             sqlite only: Chinese/Japanese segmentation (bigram, icu, jieba, jieba-search)
  --set KEY=VALUE       sqlite only, repeatable: ranking / candidate parameters (k1=1.2, b.body=0.7,
                        weights.title=2, exactWeight=0.2, proximityWeight=0.5, feedback.docs=0, budget=…)
  --chunk KEY=VALUE     passage cutting, repeatable: maxWords=250, minWords=80, overlapWords=40

With EMBEDDINGS_MODEL set (local:all-MiniLM-L6-v2 runs in-process), passages and queries are
embedded too and vectors are fused with BM25, as Citebox serves them; on the embedded backend the
same documents and queries are also run with BM25 alone in the same run (the "bm25" figures).`;

const DEPTH = 100;
const BATCH_PAGES = 500;

/** One corpus document as the crawler would hand it over: a page whose paragraphs are text blocks. */
function docToPage(collection: string, doc: CorpusDoc): ExtractedPage {
  const paragraphs = doc.text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  return {
    url: `https://${collection.toLowerCase().replace(/[^a-z0-9-]+/g, '-')}.eval.invalid/doc/${encodeURIComponent(doc.id)}`,
    title: doc.title,
    fetchedAt: '2026-01-01T00:00:00.000Z',
    blocks: paragraphs.map((text) => ({ type: 'text' as const, text })),
    contentHash: doc.id,
  };
}

async function indexCollection(
  backend: SearchBackend,
  collection: RetrievalCollection,
  chunking: ChunkOptions,
  /** A line on stderr per batch (indexing with vectors takes a while). */
  progress = false,
): Promise<{ pageToDoc: Map<string, string>; passages: number; seconds: number }> {
  const pageToDoc = new Map<string, string>();
  let passages = 0;
  const started = performance.now();
  let batch: PageWithPassages[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const report = await backend.replacePages(batch);
    if (report.failed.length > 0) {
      throw new Error(`indexing failed for ${report.failed.length} pages, e.g. ${report.failed[0]?.reason}`);
    }
    batch = [];
  };
  for (const doc of collection.docs) {
    const records = pageToRecords(docToPage(collection.name, doc), chunking);
    pageToDoc.set(records.page.id, doc.id);
    passages += records.passages.length;
    batch.push(records);
    if (batch.length >= BATCH_PAGES) {
      await flush();
      if (progress)
        process.stderr.write(
          `  indexed ${pageToDoc.size} of ${collection.docs.length} documents in ${Math.round((performance.now() - started) / 1000)} s\n`,
        );
    }
  }
  await flush();
  await backend.refresh();
  return { pageToDoc, passages, seconds: (performance.now() - started) / 1000 };
}

async function runQueries(
  backend: SearchBackend,
  collection: RetrievalCollection,
  pageToDoc: ReadonlyMap<string, string>,
  maxQueries: number,
): Promise<{ runs: Map<string, string[]>; seconds: number; ran: number; latencies: number[] }> {
  const runs = new Map<string, string[]>();
  const queries = collection.queries.filter((q) => collection.qrels.has(q.id)).slice(0, maxQueries);
  const latencies: number[] = [];
  const started = performance.now();
  for (const q of queries) {
    // One passage per page: the ranking of documents, each by its best passage.
    const asked = performance.now();
    const hits = await backend.search({ text: q.text, limit: DEPTH, maxPerPage: 1 });
    latencies.push(performance.now() - asked);
    runs.set(
      q.id,
      hits.map((h) => pageToDoc.get(h.passage.pageId) ?? h.passage.pageId),
    );
  }
  return { runs, seconds: (performance.now() - started) / 1000, ran: queries.length, latencies };
}

function percentileMs(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[at] as number) * 10) / 10;
}

/** Indexes the collection into a fresh backend, runs its queries and scores them. */
async function measure(
  kind: BackendKind,
  logger: ReturnType<typeof createLogger>,
  tuning: ReturnType<typeof parseTuning>,
  collection: RetrievalCollection,
  chunking: ChunkOptions,
  maxQueries: number,
  dense: boolean,
): Promise<RetrievalFigures & Record<string, unknown>> {
  const opened = await openEvalBackend(kind, logger, tuning, { dense });
  try {
    const indexed = await indexCollection(
      opened.backend,
      collection,
      chunking,
      opened.config.embeddingsModel !== undefined,
    );
    const { runs, seconds, ran, latencies } = await runQueries(
      opened.backend,
      collection,
      indexed.pageToDoc,
      maxQueries,
    );
    return {
      ...scoreRun(runs, collection.qrels),
      qps: Math.round((ran / seconds) * 10) / 10,
      query_p50_ms: percentileMs(latencies, 50),
      query_p95_ms: percentileMs(latencies, 95),
      passages: indexed.passages,
      index_seconds: Math.round(indexed.seconds * 100) / 100,
      passages_per_second: Math.round((indexed.passages / indexed.seconds) * 10) / 10,
      ...(opened.config.embeddingsModel ? { embeddings: opened.config.embeddingsModel } : {}),
    };
  } finally {
    await opened.close();
  }
}

function parseChunking(assignments: readonly string[]): ChunkOptions {
  const out: Record<string, number> = {};
  for (const a of assignments) {
    const m = /^(maxWords|minWords|overlapWords)=(\d+)$/.exec(a);
    if (!m?.[1]) throw new Error(`--chunk ${a}: expected maxWords=N, minWords=N or overlapWords=N`);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

function fmt(x: number): string {
  return x.toFixed(4);
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      backend: { type: 'string', default: 'sqlite' },
      queries: { type: 'string' },
      sample: { type: 'string' },
      docs: { type: 'string' },
      seed: { type: 'string', default: '19' },
      cjk: { type: 'string' },
      set: { type: 'string', multiple: true, default: [] },
      chunk: { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || positionals.length !== 1) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const kind = values.backend as BackendKind;
  if (!BACKENDS.includes(kind)) throw new Error(`--backend must be one of ${BACKENDS.join(', ')}`);
  const maxQueries = values.queries !== undefined ? Number(values.queries) : Number.POSITIVE_INFINITY;
  const tuning = parseTuning(values.set, values.cjk);
  const chunking = parseChunking(values.chunk);
  const logger = createLogger({ logLevel: 'warn' }, pino.destination(2));
  const count = (name: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
    return n;
  };
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new Error('--seed must be a whole number');
  const sampleQueries = count('sample', values.sample);
  const subsetDocs = count('docs', values.docs);
  const whole = loadCollection(positionals[0] ?? '');
  const collection =
    sampleQueries !== undefined || subsetDocs !== undefined
      ? subsetCollection(whole, { queries: sampleQueries, docs: subsetDocs, seed })
      : whole;
  const dense = loadConfig().embeddingsModel !== undefined;
  // BM25 alone first (seconds), then with vectors (the long part), on the same documents and
  // queries: the gain of the vectors is measured against a baseline of the same run.
  const baseline =
    dense && kind === 'sqlite'
      ? await measure(kind, logger, tuning, collection, chunking, maxQueries, false)
      : undefined;
  if (baseline) {
    process.stderr.write(
      `BM25 alone: nDCG@10 ${fmt(baseline['ndcg@10'])}, ${baseline['passages']} passages in ${baseline['index_seconds']} s; now with vectors\n`,
    );
  }
  const measured = await measure(kind, logger, tuning, collection, chunking, maxQueries, true);
  const figures: RetrievalFigures & Record<string, unknown> = {
    collection: collection.name,
    backend: kind,
    ...measured,
    docs: collection.docs.length,
    ...(collection !== whole
      ? {
          subset: {
            docs: collection.docs.length,
            of_docs: whole.docs.length,
            queries: collection.qrels.size,
            of_queries: whole.qrels.size,
            seed,
          },
        }
      : {}),
    ...(values.cjk ? { cjk: values.cjk } : {}),
    ...(values.set.length > 0 ? { set: values.set } : {}),
    ...(values.chunk.length > 0 ? { chunk: values.chunk } : {}),
  };
  const round = (x: number) => Math.round(x * 10000) / 10000;
  console.log(
    `${collection.name} (${collection.format}) on ${kind}${figures['embeddings'] ? ` with ${figures['embeddings']} vectors` : ''}: ${figures['docs']} docs${collection !== whole ? ` (a fixed subset of ${whole.docs.length}, seed ${seed})` : ''} → ${figures['passages']} passages, indexed in ${figures['index_seconds']} s (${figures['passages_per_second']} passages/s)`,
  );
  console.log(`nDCG@10     ${fmt(figures['ndcg@10'])}`);
  console.log(`MRR@10      ${fmt(figures['mrr@10'])}`);
  console.log(`Recall@5    ${fmt(figures['recall@5'])}`);
  console.log(`Recall@100  ${fmt(figures['recall@100'])}`);
  console.log(`queries     ${figures.queries}`);
  console.log(
    `qps         ${figures['qps']} (p50 ${figures['query_p50_ms']} ms, p95 ${figures['query_p95_ms']} ms a query)`,
  );
  if (baseline) {
    console.log(
      `BM25 alone, same documents and queries: nDCG@10 ${fmt(baseline['ndcg@10'])}  MRR@10 ${fmt(baseline['mrr@10'])}  Recall@5 ${fmt(baseline['recall@5'])}  Recall@100 ${fmt(baseline['recall@100'])}  ${baseline['passages_per_second']} passages/s  query p50/p95 ${baseline['query_p50_ms']}/${baseline['query_p95_ms']} ms`,
    );
  }
  const rounded = (f: RetrievalFigures & Record<string, unknown>) => ({
    ...f,
    'ndcg@10': round(f['ndcg@10']),
    'mrr@10': round(f['mrr@10']),
    'recall@5': round(f['recall@5']),
    'recall@100': round(f['recall@100']),
  });
  if (values.json) {
    console.log(JSON.stringify({ ...rounded(figures), ...(baseline ? { bm25: rounded(baseline) } : {}) }));
  }
}

main().catch((err: unknown) => {
  console.error(`eval:retrieval: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
