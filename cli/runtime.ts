// Wires the parts of Citebox together for one process: backend, indexer, answer service and
// crawl service. Used by every command, so the CLI and the server behave the same.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CrawlService, type PolitenessOptions } from '../crawler/index.js';
import { Indexer } from '../indexer/index.js';
import {
  AnswerService,
  type Config,
  createLlmClient,
  createSearchBackend,
  type LlmClient,
  type Logger,
  Metrics,
  type SearchBackend,
  SharedResultStore,
  withDenseRetrieval,
  withSearchResultCache,
} from '../services/index.js';

export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly backend: SearchBackend;
  readonly indexer: Indexer;
  readonly answers: AnswerService;
  /** The configured language model, if any (answers are extractive without one). */
  readonly llm: LlmClient | undefined;
  readonly crawls: CrawlService;
  close(): Promise<void>;
}

export async function openRuntime(
  config: Config,
  logger: Logger,
  options: {
    crawlPoliteness?: Partial<PolitenessOptions> | undefined;
    /** The search-result cache file the processes of this server share (cluster workers). */
    sharedSearchCache?: string | undefined;
  } = {},
): Promise<Runtime> {
  const metrics = new Metrics();
  const searchBackend = withDenseRetrieval(createSearchBackend(config, logger), config, logger);
  const shared = openSharedResultStore(config, logger, searchBackend, options.sharedSearchCache);
  // Outermost, the search-result cache: a repeated query costs neither an embedding nor a search.
  const backend = withSearchResultCache(searchBackend, {
    maxEntries: config.searchCacheSize,
    logger,
    metrics,
    shared,
  });
  await backend.open();
  const indexer = new Indexer({ backend, logger });
  const llm = createLlmClient(config, logger, metrics);
  const answers = new AnswerService({
    backend,
    logger,
    llm,
    metrics,
    settings: {
      cacheSize: config.answerCacheSize,
      contextTokens: config.llmContextTokens,
      llmJudge: config.llmJudge,
      targetFirstTokenMs: config.llmTargetFirstTokenMs,
      autoMinParamsB: config.llmAutoMinParamsB,
    },
  });
  const crawls = new CrawlService({
    config,
    logger,
    sink: indexer,
    metrics,
    // CITEBOX_CRAWL_WORKER=false (the API in docker compose): jobs are queued for `citebox worker`.
    runJobs: config.crawlWorker,
    politeness: options.crawlPoliteness,
  });
  let closed = false;
  return {
    config,
    logger,
    metrics,
    backend,
    indexer,
    answers,
    llm,
    crawls,
    async close() {
      if (closed) return;
      closed = true;
      await crawls.close();
      // Make every written page searchable before the index closes. An engine that is down cannot
      // refresh; the pages are written already and become searchable with its next refresh, so
      // closing goes on.
      try {
        await indexer.flush();
      } catch (err) {
        logger.warn(
          { err },
          'could not refresh the index while closing; written pages show after its next refresh',
        );
      }
      await backend.close();
      shared?.close();
    },
  };
}

/**
 * The shared search-result cache at `path`, when there is one to share and the backend can store
 * its results there (compactly); undefined otherwise, or when it cannot be opened (each process
 * then keeps only its own cache).
 */
function openSharedResultStore(
  config: Config,
  logger: Logger,
  backend: SearchBackend,
  path: string | undefined,
): SharedResultStore | undefined {
  if (!path || config.searchCacheSize === 0 || !backend.resultCodec) return undefined;
  try {
    return new SharedResultStore(path, { maxEntries: config.searchCacheSize, logger });
  } catch (err) {
    logger.warn({ err, path }, 'could not open the shared search-result cache; each process keeps its own');
    return undefined;
  }
}

/** The folder of Citebox's package.json (holds README.md and docs/), from source or dist. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string };
      if (parsed.name === 'citebox') return dir;
    }
    dir = dirname(dir);
  }
  return process.cwd();
}

export function packageVersion(): string {
  const parsed = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as {
    version?: string;
  };
  return parsed.version ?? '0.0.0';
}
