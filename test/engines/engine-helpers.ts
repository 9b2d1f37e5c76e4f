// The two test engines, described once so that every suite runs on both: a fresh alias (a fresh
// index) per backend, so tests do not see each other's documents. Names carry the process id so
// parallel runs on one node cannot clash.
import { inject } from 'vitest';
import { silentLogger } from '../../services/index.js';
import { ElasticsearchEngineClient } from '../../services/search/elastic/elasticsearch-client.js';
import { EngineBackend, type EngineBackendOptions } from '../../services/search/elastic/engine-backend.js';
import type { EngineClient } from '../../services/search/elastic/engine-client.js';
import type { EngineFlavor } from '../../services/search/elastic/index-design.js';
import { OpenSearchEngineClient } from '../../services/search/elastic/opensearch-client.js';

let counter = 0;

export function uniqueAlias(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

export function opensearchUrl(): string {
  return inject('opensearchUrl');
}

export function elasticsearchUrl(): string {
  return inject('elasticsearchUrl');
}

export type BackendOptions = Partial<Omit<EngineBackendOptions, 'client'>> & { url?: string };

export interface TestEngine {
  /** As Citebox names the engine in messages: `OpenSearch`, `Elasticsearch`. */
  readonly name: string;
  readonly flavor: EngineFlavor;
  url(): string;
  /** A client of this engine's kind (the official client underneath). */
  client(url?: string, options?: { requestTimeoutMs?: number; maxRetries?: number }): EngineClient;
  /** A backend on a fresh alias of this engine (not opened). */
  backend(options?: BackendOptions): EngineBackend;
  /** The environment that points Citebox at this engine. */
  env(alias: string): Record<string, string>;
}

function testEngine(name: string, flavor: EngineFlavor, url: () => string): TestEngine {
  const client = (at?: string, options: { requestTimeoutMs?: number; maxRetries?: number } = {}) =>
    flavor === 'elasticsearch'
      ? new ElasticsearchEngineClient({ url: at ?? url(), ...options })
      : new OpenSearchEngineClient({ url: at ?? url(), ...options });
  return {
    name,
    flavor,
    url,
    client,
    backend: (options = {}) =>
      new EngineBackend({
        client: client(options.url),
        alias: options.alias ?? uniqueAlias(flavor === 'elasticsearch' ? 'test-es' : 'test-os'),
        shards: options.shards ?? 1,
        replicas: options.replicas ?? 0,
        vectorDims: options.vectorDims,
        logger: options.logger ?? silentLogger(),
        bulk: options.bulk ?? { retries: 2, waitMs: 50 },
      }),
    env: (alias): Record<string, string> => ({
      CITEBOX_BACKEND: flavor,
      [flavor === 'elasticsearch' ? 'ELASTICSEARCH_URL' : 'OPENSEARCH_URL']: url(),
      CITEBOX_INDEX_NAME: alias,
    }),
  };
}

export const OPENSEARCH = testEngine('OpenSearch', 'opensearch', opensearchUrl);
export const ELASTICSEARCH = testEngine('Elasticsearch', 'elasticsearch', elasticsearchUrl);
/** Every suite in this folder runs once per engine. */
export const TEST_ENGINES: readonly TestEngine[] = [OPENSEARCH, ELASTICSEARCH];

export function openSearchBackend(options: BackendOptions = {}): EngineBackend {
  return OPENSEARCH.backend(options);
}

export function elasticsearchBackend(options: BackendOptions = {}): EngineBackend {
  return ELASTICSEARCH.backend(options);
}

/** A raw JSON request to an engine (for what the adapter does not expose). */
export async function engineRequest(
  baseUrl: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const res = await fetch(`${baseUrl}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text };
  }
  return { status: res.status, headers: res.headers, body };
}
