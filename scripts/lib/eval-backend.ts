// Opens a search backend for an evaluation or benchmark run: a fresh index in a temporary data
// directory, through createSearchBackend so every engine plugs in the same way. For OpenSearch
// without OPENSEARCH_URL it starts the embedded test node (test/engines/opensearch.ts), for
// Elasticsearch without ELASTICSEARCH_URL the Elasticsearch 9 test node (test/engines/elasticsearch.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type AnalyzerOptions,
  type BackendKind,
  CJK_SEGMENTATIONS,
  type CjkSegmentation,
  type Config,
  createSearchBackend,
  DEFAULT_RANKING,
  type Logger,
  loadConfig,
  type RankingParams,
  type RetrievalParams,
  type SearchBackend,
  SqliteBackend,
  sqliteIndexPath,
  withDenseRetrieval,
} from '../../services/index.js';

export const BACKENDS: readonly BackendKind[] = ['sqlite', 'opensearch', 'elasticsearch'];

/** Tuning of the embedded backend for experiments (`--cjk`, `--set key=value`). */
export interface SqliteTuning {
  analyzer?: AnalyzerOptions;
  ranking?: Partial<RankingParams>;
  retrieval?: Partial<RetrievalParams>;
}

export interface OpenedBackend {
  readonly backend: SearchBackend;
  readonly config: Config;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The repository root (this file is scripts/lib/ in the source and dist/scripts/lib/ when built). */
export function repoRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const up = resolve(here, '..', '..');
  return up.endsWith('dist') ? dirname(up) : up;
}

interface RunningEngine {
  url: string;
  stop(): Promise<void>;
}

async function startTestNode(kind: 'opensearch' | 'elasticsearch', logger: Logger): Promise<RunningEngine> {
  // TypeScript files outside the build: Node runs them directly (type stripping).
  const file = kind === 'opensearch' ? 'opensearch.ts' : 'elasticsearch.ts';
  const url = pathToFileURL(join(repoRoot(), 'test', 'engines', file)).href;
  const log = (line: string) => logger.debug({ line }, kind);
  if (kind === 'opensearch') {
    const mod = (await import(url)) as {
      startOpenSearch(opts?: { log?: (line: string) => void }): Promise<RunningEngine>;
    };
    logger.info('starting the embedded OpenSearch test node (OPENSEARCH_URL is not set)');
    return mod.startOpenSearch({ log });
  }
  const mod = (await import(url)) as {
    startElasticsearch(opts?: { log?: (line: string) => void }): Promise<RunningEngine>;
  };
  logger.info('starting the Elasticsearch test node (ELASTICSEARCH_URL is not set)');
  return mod.startElasticsearch({ log });
}

export async function openEvalBackend(
  kind: BackendKind,
  logger: Logger,
  tuning: SqliteTuning = {},
  /** false: BM25 alone even with EMBEDDINGS_MODEL set (a same-run baseline for hybrid retrieval). */
  options: { readonly dense?: boolean } = {},
): Promise<OpenedBackend> {
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-eval-'));
  const base = loadConfig();
  let engine: RunningEngine | undefined;
  let opensearchUrl = base.opensearchUrl;
  let elasticsearchUrl = base.elasticsearchUrl;
  if (kind === 'opensearch' && !opensearchUrl) {
    engine = await startTestNode('opensearch', logger);
    opensearchUrl = engine.url;
  }
  if (kind === 'elasticsearch' && !elasticsearchUrl) {
    engine = await startTestNode('elasticsearch', logger);
    elasticsearchUrl = engine.url;
  }
  // A fresh index of its own in an engine, never the one Citebox serves from.
  const indexName = `citebox-eval-${process.pid}-${Date.now().toString(36)}`;
  const config: Config = Object.freeze({
    ...base,
    backend: kind,
    dataDir,
    opensearchUrl,
    elasticsearchUrl,
    indexName,
    bootstrapDocs: false,
    ...(options.dense === false ? { embeddingsModel: undefined } : {}),
  });
  const tuned =
    tuning.analyzer !== undefined || tuning.ranking !== undefined || tuning.retrieval !== undefined;
  if (tuned && kind !== 'sqlite') throw new Error('--cjk and --set tune the sqlite backend only');
  const backend = withDenseRetrieval(
    tuned
      ? new SqliteBackend({ path: sqliteIndexPath(dataDir), logger, ...tuning })
      : createSearchBackend(config, logger),
    config,
    logger,
  );
  try {
    await backend.open();
  } catch (err) {
    await engine?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    backend,
    config,
    dataDir,
    async close() {
      try {
        await backend.close();
      } finally {
        await engine?.stop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Parses `--set` assignments (`k1=1.1`, `b.body=0.6`, `budget=20000`) into sqlite tuning. */
export function parseTuning(assignments: readonly string[], cjk: string | undefined): SqliteTuning {
  const tuning: SqliteTuning = {};
  if (cjk !== undefined) {
    if (!CJK_SEGMENTATIONS.includes(cjk as CjkSegmentation)) {
      throw new Error(`--cjk must be one of ${CJK_SEGMENTATIONS.join(', ')}`);
    }
    tuning.analyzer = { cjk: cjk as CjkSegmentation };
  }
  const retrievalKeys = new Set([
    'budget',
    'minCandidates',
    'candidatesPerResult',
    'maxCandidates',
    'cappedCandidates',
    'rerankDepth',
    'feedbackBudget',
  ]);
  const rankingKeys = new Set([
    'k1',
    'b',
    'weights',
    'exactWeight',
    'coordination',
    'proximityWeight',
    'proximityWindow',
    'freshnessHalfLifeDays',
    'freshnessWeight',
    'feedback',
  ]);
  const ranking: Record<string, unknown> = {};
  const retrieval: Record<string, unknown> = {};
  for (const a of assignments) {
    const m = /^([A-Za-z0-9]+)(?:\.([A-Za-z0-9]+))?=(.+)$/.exec(a);
    const value = Number(m?.[3]);
    if (!m || !Number.isFinite(value)) throw new Error(`--set ${a}: expected key=number or key.field=number`);
    const [, key = '', field] = m;
    if (retrievalKeys.has(key) && !field) retrieval[key] = value;
    else if (rankingKeys.has(key)) {
      if (field) {
        if (key !== 'b' && key !== 'weights' && key !== 'feedback') {
          throw new Error(`--set ${a}: ${key} has no fields`);
        }
        const base = (ranking[key] as Record<string, number> | undefined) ?? DEFAULT_RANKING[key];
        ranking[key] = { ...base, [field]: value };
      } else if (key === 'feedback') {
        throw new Error(`--set ${a}: use feedback.docs, feedback.terms or feedback.weight`);
      } else if (key === 'b' || key === 'weights') {
        ranking[key] = { title: value, headings: value, body: value };
      } else ranking[key] = value;
    } else throw new Error(`--set ${a}: unknown key ${key}`);
  }
  if (Object.keys(ranking).length > 0) tuning.ranking = ranking as Partial<RankingParams>;
  if (Object.keys(retrieval).length > 0) tuning.retrieval = retrieval as Partial<RetrievalParams>;
  return tuning;
}
