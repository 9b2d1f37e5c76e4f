// The EngineClient on the official Elasticsearch client, major 8. The 8.x client sends
// `compatible-with=8` headers, which Elasticsearch 8.x and 9.x both accept; the 9.x client would
// send `compatible-with=9`, which 8.x refuses. So one client serves both supported server lines.
import { Client } from '@elastic/elasticsearch';
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

export interface ElasticsearchClientOptions {
  readonly url: string;
  /** Per-request timeout in ms. */
  readonly requestTimeoutMs?: number;
  /** Retries of a request after a connection error or a 502/503/504 (default 2). */
  readonly maxRetries?: number;
  /** A client to use instead of building one from the URL (tests). */
  readonly client?: Client;
}

const ENGINE = 'Elasticsearch';
/** Long operations (a full reindex) get their own timeout. */
const LONG_TIMEOUT_MS = 6 * 60 * 60 * 1000;

export class ElasticsearchEngineClient implements EngineClient {
  readonly flavor = 'elasticsearch' as const;
  readonly displayUrl: string;
  readonly #client: Client;

  constructor(options: ElasticsearchClientOptions) {
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
      const res = await this.#client.info(undefined, { requestTimeout: timeoutMs, maxRetries: 0 });
      return { distribution: 'elasticsearch', version: res.version.number };
    } catch (err) {
      this.fail(err, 'ping');
    }
  }

  async health(index: string, timeoutMs = 5_000): Promise<'green' | 'yellow' | 'red' | undefined> {
    try {
      const res = await this.#client.cluster.health(
        { index, timeout: `${Math.ceil(timeoutMs / 1000)}s` },
        { requestTimeout: timeoutMs + 1_000, maxRetries: 0, ignore: [404, 408] },
      );
      const status = (res as { status?: string }).status;
      return status === 'green' || status === 'yellow' || status === 'red' ? status : undefined;
    } catch (err) {
      this.fail(err, 'health');
    }
  }

  async aliasTargets(alias: string): Promise<string[]> {
    try {
      const res = (await this.#client.indices.getAlias({ name: alias }, { ignore: [404] })) as Record<
        string,
        unknown
      >;
      return Object.entries(res)
        .filter(([, v]) => v !== null && typeof v === 'object' && 'aliases' in v)
        .map(([k]) => k);
    } catch (err) {
      this.fail(err, 'read alias');
    }
  }

  async indexExists(name: string): Promise<boolean> {
    try {
      return await this.#client.indices.exists({ index: name });
    } catch (err) {
      this.fail(err, 'check index');
    }
  }

  async createIndex(name: string, body: Record<string, unknown>): Promise<'created' | 'exists'> {
    try {
      await this.#client.indices.create({ index: name, ...body } as never);
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

  async mappingMeta(index: string): Promise<Record<string, unknown> | undefined> {
    try {
      const res = (await this.#client.indices.getMapping({ index })) as Record<
        string,
        { mappings?: { _meta?: Record<string, unknown> } }
      >;
      return Object.values(res)[0]?.mappings?._meta;
    } catch (err) {
      this.fail(err, 'read mapping');
    }
  }

  async putSettings(index: string, settings: Record<string, unknown>): Promise<void> {
    try {
      await this.#client.indices.putSettings({ index, settings } as never);
    } catch (err) {
      this.fail(err, 'update settings');
    }
  }

  async updateAliases(actions: readonly Record<string, unknown>[]): Promise<void> {
    try {
      await this.#client.indices.updateAliases({ actions: [...actions] } as never);
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
      const res = await this.#client.mget<Record<string, unknown>>({
        index,
        ids: [...ids],
        ...(source === false ? { _source: false } : source ? { _source_includes: [...source] } : {}),
      });
      return res.docs.map((d) => {
        const doc = d as {
          _id: string;
          found?: boolean;
          _version?: number;
          _source?: Record<string, unknown>;
        };
        return { id: doc._id, found: doc.found === true, version: doc._version, source: doc._source };
      });
    } catch (err) {
      this.fail(err, 'read documents');
    }
  }

  async indexVersioned(
    index: string,
    id: string,
    doc: Record<string, unknown>,
    version: number,
  ): Promise<void> {
    try {
      await this.#client.index({ index, id, document: doc, version, version_type: 'external_gte' });
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

  async search(index: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    try {
      return (await this.#client.search({ index, ...body } as never)) as unknown as Record<string, unknown>;
    } catch (err) {
      this.fail(err, 'search');
    }
  }

  async deleteByQuery(index: string, query: Record<string, unknown>): Promise<number> {
    try {
      const res = await this.#client.deleteByQuery({ index, query, conflicts: 'proceed' } as never);
      return (res as { deleted?: number }).deleted ?? 0;
    } catch (err) {
      this.fail(err, 'delete by query');
    }
  }

  async reindex(
    source: string,
    dest: string,
    options: { query?: Record<string, unknown>; excludes?: readonly string[] } = {},
  ): Promise<{ copied: number; failures: number }> {
    try {
      const res = (await this.#client.reindex(
        {
          source: reindexSource(source, options),
          dest: { index: dest },
          conflicts: 'proceed',
          wait_for_completion: true,
        } as never,
        { requestTimeout: LONG_TIMEOUT_MS, maxRetries: 0 },
      )) as { created?: number; updated?: number; failures?: unknown[] };
      return { copied: (res.created ?? 0) + (res.updated ?? 0), failures: res.failures?.length ?? 0 };
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
