// The one place that chooses a search backend from the configuration.
import { join } from 'node:path';
import type { Config } from '../config.js';
import { CiteboxError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SearchBackend } from './backend.js';
import { ElasticsearchEngineClient } from './elastic/elasticsearch-client.js';
import { EngineBackend } from './elastic/engine-backend.js';
import type { EngineClient } from './elastic/engine-client.js';
import { OpenSearchEngineClient } from './elastic/opensearch-client.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';
import { StructureRankedBackend } from './structure-ranking.js';

/** Where the embedded index lives inside the data directory. */
export function sqliteIndexPath(dataDir: string): string {
  return join(dataDir, 'index.sqlite');
}

type EngineConfig = Pick<
  Config,
  | 'backend'
  | 'elasticsearchUrl'
  | 'opensearchUrl'
  | 'indexName'
  | 'indexShards'
  | 'indexReplicas'
  | 'embeddingsDimensions'
>;

/**
 * A client of the configured engine (Elasticsearch or OpenSearch): the passages backend has its
 * own; the crawl state of a fleet (crawler/state/engine) opens another.
 */
export function createEngineClient(
  config: Pick<Config, 'backend' | 'elasticsearchUrl' | 'opensearchUrl'>,
  options: { requestTimeoutMs?: number; maxRetries?: number } = {},
): EngineClient {
  if (config.backend === 'elasticsearch') {
    if (!config.elasticsearchUrl) throw new CiteboxError('CONFIG_INVALID', 'ELASTICSEARCH_URL is not set');
    return new ElasticsearchEngineClient({ url: config.elasticsearchUrl, ...options });
  }
  if (config.backend === 'opensearch') {
    if (!config.opensearchUrl) throw new CiteboxError('CONFIG_INVALID', 'OPENSEARCH_URL is not set');
    return new OpenSearchEngineClient({ url: config.opensearchUrl, ...options });
  }
  throw new CiteboxError('CONFIG_INVALID', `CITEBOX_BACKEND=${config.backend} is not a search engine`);
}

/** The Elasticsearch or OpenSearch backend the configuration describes. */
export function createEngineBackend(config: EngineConfig, logger: Logger): EngineBackend {
  const common = {
    alias: config.indexName,
    shards: config.indexShards,
    replicas: config.indexReplicas,
    vectorDims: config.embeddingsDimensions,
    logger,
  };
  if (config.backend === 'elasticsearch') {
    if (!config.elasticsearchUrl) throw new CiteboxError('CONFIG_INVALID', 'ELASTICSEARCH_URL is not set');
    return new EngineBackend({
      ...common,
      client: new ElasticsearchEngineClient({ url: config.elasticsearchUrl }),
    });
  }
  if (config.backend === 'opensearch') {
    if (!config.opensearchUrl) throw new CiteboxError('CONFIG_INVALID', 'OPENSEARCH_URL is not set');
    return new EngineBackend({
      ...common,
      client: new OpenSearchEngineClient({ url: config.opensearchUrl }),
    });
  }
  throw new CiteboxError('CONFIG_INVALID', `CITEBOX_BACKEND=${config.backend} is not a search engine`);
}

/** The configured backend, its searches re-ranked by documentation structure (structure-ranking.ts). */
export function createSearchBackend(config: Config, logger: Logger): SearchBackend {
  return new StructureRankedBackend(createRawBackend(config, logger));
}

function createRawBackend(config: Config, logger: Logger): SearchBackend {
  switch (config.backend) {
    case 'sqlite':
      return new SqliteBackend({
        path: sqliteIndexPath(config.dataDir),
        logger,
        passageCacheSize: config.passageCacheSize,
      });
    case 'elasticsearch':
    case 'opensearch':
      return createEngineBackend(config, logger);
  }
}
