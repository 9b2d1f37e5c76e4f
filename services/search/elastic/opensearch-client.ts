// The EngineClient on the official OpenSearch client (3.x, which serves OpenSearch 1.x–3.x).
// Request bodies are the same as Elasticsearch's; this client takes them under `body` and wraps
// every response in `{ body, statusCode }`.
import { Client } from '@opensearch-project/opensearch';
import {
  type BulkOperation,
  type BulkOptions,
  bulkThroughHelper,
  type DroppedOperation,
  type EngineClient,
  type EngineInfo,
  engineError,
  type FetchedDoc,
  redactUrl,
  reindexSource,
} from './engine-client.js';

export interface OpenSearchClientOptions {
  readonly url: string;
  readonly requestTimeoutMs?: number;
  /** Retries of a request after a connection error or a 502/503/504 (default 2). */
  readonly maxRetries?: number;
  readonly client?: Client;
}

const ENGINE = 'OpenSearch';
const LONG_TIMEOUT_MS = 6 * 60 * 60 * 1000;

type Body = Record<string, unknown>;

export class OpenSearchEngineClient implements EngineClient {
  readonly flavor = 'opensearch' as const;
  readonly displayUrl: string;
  readonly #client: Client;

  constructor(options: OpenSearchClientOptions) {
    this.displayUrl = redactUrl(options.url);
    this.#client =
      options.client ??
      new Client({
        node: options.url,
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        maxRetries: options.maxRetries ?? 2,
      });
  }

  private fail(err: unknown, what: string): never {
    throw engineError(err, `${ENGINE} at ${this.displayUrl}`, what);
  }

  async info(timeoutMs = 5_000): Promise<EngineInfo> {
    try {
      const res = await this.#client.info({}, { requestTimeout: timeoutMs, maxRetries: 0 });
      const version = (res.body as { version?: { number?: string } }).version?.number ?? 'unknown';
      return { distribution: 'opensearch', version };
    } catch (err) {
      this.fail(err, 'ping');
    }
  }

  async health(index: string, timeoutMs = 5_000): Promise<'green' | 'yellow' | 'red' | undefined> {
    try {
      const res = await this.#client.cluster.health(
        { index, timeout: `${Math.ceil(timeoutMs / 1000)}s` } as never,
        { requestTimeout: timeoutMs + 1_000, maxRetries: 0, ignore: [404, 408] },
      );
      const status = (res.body as { status?: string }).status;
      return status === 'green' || status === 'yellow' || status === 'red' ? status : undefined;
    } catch (err) {
      this.fail(err, 'health');
    }
  }

  async aliasTargets(alias: string): Promise<string[]> {
    try {
      const res = await this.#client.indices.getAlias({ name: alias } as never, { ignore: [404] });
      return Object.entries(res.body as Body)
        .filter(([, v]) => v !== null && typeof v === 'object' && 'aliases' in v)
        .map(([k]) => k);
    } catch (err) {
      this.fail(err, 'read alias');
    }
  }

  async indexExists(name: string): Promise<boolean> {
    try {
      const res = await this.#client.indices.exists({ index: name });
      return res.body === true;
    } catch (err) {
      this.fail(err, 'check index');
    }
  }

  async createIndex(name: string, body: Body): Promise<'created' | 'exists'> {
    try {
      await this.#client.indices.create({ index: name, body } as never);
      return 'created';
    } catch (err) {
      const type = (err as { meta?: { body?: { error?: { type?: string } } } }).meta?.body?.error?.type;
      if (type === 'resource_already_exists_exception') return 'exists';
      this.fail(err, `create index ${name}`);
    }
  }

  async deleteIndex(name: string): Promise<void> {
    try {
      await this.#client.indices.delete({ index: name }, { ignore: [404] });
    } catch (err) {
      this.fail(err, `delete index ${name}`);
    }
  }

  async mappingMeta(index: string): Promise<Body | undefined> {
    try {
      const res = await this.#client.indices.getMapping({ index });
      const byIndex = res.body as Record<string, { mappings?: { _meta?: Body } }>;
      return Object.values(byIndex)[0]?.mappings?._meta;
    } catch (err) {
      this.fail(err, 'read mapping');
    }
  }

  async putSettings(index: string, settings: Body): Promise<void> {
    try {
      await this.#client.indices.putSettings({ index, body: settings } as never);
    } catch (err) {
      this.fail(err, 'update settings');
    }
  }

  async updateAliases(actions: readonly Body[]): Promise<void> {
    try {
      await this.#client.indices.updateAliases({ body: { actions: [...actions] } } as never);
    } catch (err) {
      this.fail(err, 'swap alias');
    }
  }

  async mget(
    index: string,
    ids: readonly string[],
    source?: readonly string[] | false,
  ): Promise<FetchedDoc[]> {
    if (ids.length === 0) return [];
    try {
      const res = await this.#client.mget({
        index,
        body: { ids: [...ids] },
        ...(source === false ? { _source: false } : source ? { _source_includes: [...source] } : {}),
      } as never);
      const docs = (res.body as { docs?: unknown[] }).docs ?? [];
      return docs.map((d) => {
        const doc = d as { _id: string; found?: boolean; _version?: number; _source?: Body };
        return { id: doc._id, found: doc.found === true, version: doc._version, source: doc._source };
      });
    } catch (err) {
      this.fail(err, 'read documents');
    }
  }

  async indexVersioned(index: string, id: string, doc: Body, version: number): Promise<void> {
    try {
      await this.#client.index({ index, id, body: doc, version, version_type: 'external_gte' } as never);
    } catch (err) {
      this.fail(err, 'write document');
    }
  }

  async bulk(
    index: string,
    ops: readonly BulkOperation[],
    options: BulkOptions,
  ): Promise<DroppedOperation[]> {
    try {
      return await bulkThroughHelper((call) => this.#client.helpers.bulk(call as never), index, ops, options);
    } catch (err) {
      this.fail(err, 'bulk write');
    }
  }

  async search(index: string, body: Body): Promise<Body> {
    try {
      const res = await this.#client.search({ index, body } as never);
      return res.body as Body;
    } catch (err) {
      this.fail(err, 'search');
    }
  }

  async deleteByQuery(index: string, query: Body): Promise<number> {
    try {
      const res = await this.#client.deleteByQuery({ index, body: { query }, conflicts: 'proceed' } as never);
      return (res.body as { deleted?: number }).deleted ?? 0;
    } catch (err) {
      this.fail(err, 'delete by query');
    }
  }

  async reindex(
    source: string,
    dest: string,
    options: { query?: Body; excludes?: readonly string[] } = {},
  ): Promise<{ copied: number; failures: number }> {
    try {
      const res = await this.#client.reindex(
        {
          body: { source: reindexSource(source, options), dest: { index: dest }, conflicts: 'proceed' },
          wait_for_completion: true,
        } as never,
        { requestTimeout: LONG_TIMEOUT_MS, maxRetries: 0 },
      );
      const body = res.body as { created?: number; updated?: number; failures?: unknown[] };
      return { copied: (body.created ?? 0) + (body.updated ?? 0), failures: body.failures?.length ?? 0 };
    } catch (err) {
      this.fail(err, 'reindex');
    }
  }

  async refresh(index: string): Promise<void> {
    try {
      await this.#client.indices.refresh({ index });
    } catch (err) {
      this.fail(err, 'refresh');
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}
