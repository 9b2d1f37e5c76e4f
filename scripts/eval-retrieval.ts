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
  type PageWithPassages,
  type SearchBackend,
} from '../services/index.js';
import { type CorpusDoc, loadCollection, type RetrievalCollection } from './lib/bench-data.js';
import { BACKENDS, openEvalBackend, parseTuning } from './lib/eval-backend.js';
import { type RetrievalFigures, scoreRun } from './lib/metrics.js';

const USAGE = `Usage: npm run eval:retrieval -- <dir> [options]

  <dir>                 a BEIR collection or a QA folder (see ../shared/bench-data/README.md)
  --json                print the figures as one JSON object on the last line
  --backend NAME        sqlite (default), opensearch or elasticsearch
  --queries N           run only the first N queries (quick checks)
  --cjk HOW             sqlite only: Chinese/Japanese segmentation (bigram, icu, jieba, jieba-search)
  --set KEY=VALUE       sqlite only, repeatable: ranking / candidate parameters (k1=1.2, b.body=0.7,
                        weights.title=2, exactWeight=0.2, proximityWeight=0.5, feedback.docs=0, budget=…)
  --chunk KEY=VALUE     passage cutting, repeatable: maxWords=250, minWords=80, overlapWords=40

With EMBEDDINGS_MODEL set (local:all-MiniLM-L6-v2 runs in-process), passages and queries are
embedded too and vectors are fused with BM25, as Citebox serves them.`;

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
    if (batch.length >= BATCH_PAGES) await flush();
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
): Promise<{ runs: Map<string, string[]>; seconds: number; ran: number }> {
  const runs = new Map<string, string[]>();
  const queries = collection.queries.filter((q) => collection.qrels.has(q.id)).slice(0, maxQueries);
  const started = performance.now();
  for (const q of queries) {
    // One passage per page: the ranking of documents, each by its best passage.
    const hits = await backend.search({ text: q.text, limit: DEPTH, maxPerPage: 1 });
    runs.set(
      q.id,
      hits.map((h) => pageToDoc.get(h.passage.pageId) ?? h.passage.pageId),
    );
  }
  return { runs, seconds: (performance.now() - started) / 1000, ran: queries.length };
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
  const collection = loadCollection(positionals[0] ?? '');
  const opened = await openEvalBackend(kind, logger, tuning);
  let figures: RetrievalFigures & Record<string, unknown>;
  try {
    const indexed = await indexCollection(opened.backend, collection, chunking);
    const { runs, seconds, ran } = await runQueries(
      opened.backend,
      collection,
      indexed.pageToDoc,
      maxQueries,
    );
    const scored = scoreRun(runs, collection.qrels);
    figures = {
      collection: collection.name,
      backend: kind,
      ...scored,
      qps: Math.round((ran / seconds) * 10) / 10,
      docs: collection.docs.length,
      passages: indexed.passages,
      index_seconds: Math.round(indexed.seconds * 100) / 100,
      ...(opened.config.embeddingsModel ? { embeddings: opened.config.embeddingsModel } : {}),
      ...(values.cjk ? { cjk: values.cjk } : {}),
      ...(values.set.length > 0 ? { set: values.set } : {}),
      ...(values.chunk.length > 0 ? { chunk: values.chunk } : {}),
    };
  } finally {
    await opened.close();
  }
  console.log(
    `${collection.name} (${collection.format}) on ${kind}${figures['embeddings'] ? ` with ${figures['embeddings']} vectors` : ''}: ${figures['docs']} docs → ${figures['passages']} passages, indexed in ${figures['index_seconds']} s`,
  );
  console.log(`nDCG@10     ${fmt(figures['ndcg@10'])}`);
  console.log(`MRR@10      ${fmt(figures['mrr@10'])}`);
  console.log(`Recall@5    ${fmt(figures['recall@5'])}`);
  console.log(`Recall@100  ${fmt(figures['recall@100'])}`);
  console.log(`queries     ${figures.queries}`);
  console.log(`qps         ${figures['qps']}`);
  if (values.json) {
    const round = (x: number) => Math.round(x * 10000) / 10000;
    console.log(
      JSON.stringify({
        ...figures,
        'ndcg@10': round(figures['ndcg@10']),
        'mrr@10': round(figures['mrr@10']),
        'recall@5': round(figures['recall@5']),
        'recall@100': round(figures['recall@100']),
      }),
    );
  }
}

main().catch((err: unknown) => {
  console.error(`eval:retrieval: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
