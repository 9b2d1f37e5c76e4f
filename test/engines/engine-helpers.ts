// Backends on the test engines: each call gets its own alias (a fresh index), so tests do not see
// each other's documents. Names carry the process id so parallel runs on one node cannot clash.
import { inject } from 'vitest';
import { silentLogger } from '../../services/index.js';
import { ElasticsearchEngineClient } from '../../services/search/elastic/elasticsearch-client.js';
import { EngineBackend, type EngineBackendOptions } from '../../services/search/elastic/engine-backend.js';
import { OpenSearchEngineClient } from '../../services/search/elastic/opensearch-client.js';

let counter = 0;

export function uniqueAlias(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export function opensearchUrl(): string {
  return inject('opensearchUrl');
}

/** Set ELASTICSEARCH_URL (e.g. http://localhost:9200 from docker) to run the suites on Elasticsearch too. */
export function elasticsearchUrl(): string | undefined {
  return process.env['ELASTICSEARCH_URL'] || undefined;
}

export function openSearchBackend(
  options: Partial<Omit<EngineBackendOptions, 'client'>> & { url?: string } = {},
): EngineBackend {
  return new EngineBackend({
    client: new OpenSearchEngineClient({ url: options.url ?? opensearchUrl() }),
    alias: options.alias ?? uniqueAlias('test-os'),
    shards: options.shards ?? 1,
    replicas: options.replicas ?? 0,
    vectorDims: options.vectorDims,
    logger: options.logger ?? silentLogger(),
    bulk: options.bulk ?? { retries: 2, waitMs: 50 },
  });
}

export function elasticsearchBackend(
  url: string,
  options: Partial<Omit<EngineBackendOptions, 'client'>> = {},
): EngineBackend {
  return new EngineBackend({
    client: new ElasticsearchEngineClient({ url }),
    alias: options.alias ?? uniqueAlias('test-es'),
    shards: options.shards ?? 1,
    replicas: options.replicas ?? 0,
    vectorDims: options.vectorDims,
    logger: options.logger ?? silentLogger(),
    bulk: options.bulk ?? { retries: 2, waitMs: 50 },
  });
}
