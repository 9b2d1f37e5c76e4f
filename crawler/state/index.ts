// The crawl state: one interface (types.ts), two stores, and the one place that chooses.
import { type Config, createEngineClient, type Logger } from '../../services/index.js';
import { EngineStateStore } from './engine/index.js';
import { crawlStorePath, SqliteStateStore } from './sqlite/index.js';
import type { CrawlStateStore } from './types.js';

export { crawlIndexNames, EngineStateStore } from './engine/index.js';
export { CrawlStore, crawlStorePath, SqliteStateStore } from './sqlite/index.js';
export * from './types.js';

/** Which store the configuration asks for: `auto` follows the search backend. */
export function crawlStateKind(config: Pick<Config, 'crawlState' | 'backend'>): 'sqlite' | 'engine' {
  if (config.crawlState !== 'auto') return config.crawlState;
  return config.backend === 'sqlite' ? 'sqlite' : 'engine';
}

/** The crawl state the configuration describes (not opened). */
export function createCrawlState(config: Config, logger: Logger): CrawlStateStore {
  if (crawlStateKind(config) === 'sqlite') return new SqliteStateStore(crawlStorePath(config.dataDir));
  if (config.backend === 'sqlite') {
    throw new Error('CITEBOX_CRAWL_STATE=engine needs CITEBOX_BACKEND=elasticsearch or opensearch');
  }
  return new EngineStateStore({
    client: createEngineClient(config),
    indexName: config.indexName,
    shards: config.indexShards,
    replicas: config.indexReplicas,
    leaseMs: config.crawlLeaseMs,
    logger,
  });
}
