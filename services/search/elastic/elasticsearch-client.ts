// The EngineClient on the official Elasticsearch client, major 8. The 8.x client sends
// `compatible-with=8` headers, which Elasticsearch 8.x and 9.x both accept; the 9.x client would
// send `compatible-with=9`, which 8.x refuses. So one client serves both supported server lines.
import type * as Elasticsearch from '@elastic/elasticsearch';
import type { Client } from '@elastic/elasticsearch';
import { lazyLibrary } from '../../lazy-library.js';
import {
  analyzedTokens,
  type BulkOperation,
  type BulkOptions,
  bulkThroughHelper,
  type DocRef,
  type DocWrite,
  type DocWriteResult,
  type DroppedOperation,
  docRefsBody,
  docWriteLines,
  docWriteResults,
  type EngineClient,
  type EngineInfo,
  engineError,
  type FetchedDoc,
  pluginNames,
  redactUrl,
  type ScannedDoc,
  type ScanOptions,
  type SearchOptions,
  scannedDocs,
  scanSource,
  type VersionedDoc,
  versionedDocs,
  type WriteDocsOptions,
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
const elasticsearch = lazyLibrary<typeof Elasticsearch>('@elastic/elasticsearch');
/** How long a scan's point in time stays open between two pages. */
const SCAN_KEEP_ALIVE = '5m';

export class ElasticsearchEngineClient implements EngineClient {
  readonly flavor = 'elasticsearch' as const;
  readonly displayUrl: string;
  readonly #client: Client;

  constructor(options: ElasticsearchClientOptions) {
    this.displayUrl = redactUrl(options.url);
    this.#client =
      options.client ??
      new (elasticsearch().Client)({
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

  async putMapping(
    index: string,
    mapping: { properties: Record<string, unknown>; _meta: Record<string, unknown> },
  ): Promise<void> {
    try {
      await this.#client.indices.putMapping({ index, ...mapping } as never);
    } catch (err) {
      this.fail(err, 'update mapping');
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

  async getDocs(index: string, refs: readonly DocRef[]): Promise<VersionedDoc[]> {
    if (refs.length === 0) return [];
    try {
      const res = await this.#client.mget({ docs: docRefsBody(index, refs) } as never);
      return versionedDocs(refs, res);
    } catch (err) {
      this.fail(err, 'read documents');
    }
  }

  async writeDocs(
    index: string,
    writes: readonly DocWrite[],
    options: WriteDocsOptions = {},
  ): Promise<DocWriteResult[]> {
    if (writes.length === 0) return [];
    try {
      const res = await this.#client.bulk({
        operations: docWriteLines(index, writes),
        ...(options.refresh !== undefined ? { refresh: options.refresh } : {}),
      } as never);
      return docWriteResults(writes, res);
    } catch (err) {
      this.fail(err, 'write documents');
    }
  }

  async search(
    index: string,
    body: Record<string, unknown>,
    options: SearchOptions = {},
  ): Promise<Record<string, unknown>> {
    try {
      return (await this.#client.search({
        index,
        ...(options.routing !== undefined ? { routing: options.routing } : {}),
        ...body,
      } as never)) as unknown as Record<string, unknown>;
    } catch (err) {
      this.fail(err, 'search');
    }
  }

  async *scan(index: string, options: ScanOptions = {}): AsyncGenerator<ScannedDoc[]> {
    let pit: string;
    try {
      pit = (await this.#client.openPointInTime({ index, keep_alive: SCAN_KEEP_ALIVE })).id;
    } catch (err) {
      this.fail(err, 'open a point in time');
    }
    try {
      let after: unknown[] | undefined;
      for (;;) {
        let res: Record<string, unknown>;
        try {
          res = (await this.#client.search({
            pit: { id: pit, keep_alive: SCAN_KEEP_ALIVE },
            size: options.pageSize ?? 1000,
            // The cheapest total order of a point in time: shard, then Lucene document.
            sort: [{ _shard_doc: 'asc' }],
            ...(after ? { search_after: after } : {}),
            track_total_hits: false,
            ...(options.query ? { query: options.query } : {}),
            _source: scanSource(options),
          } as never)) as unknown as Record<string, unknown>;
        } catch (err) {
          this.fail(err, 'scan documents');
        }
        pit = typeof res['pit_id'] === 'string' ? res['pit_id'] : pit;
        const hits = (res as { hits?: { hits?: Array<{ sort?: unknown[] }> } }).hits?.hits ?? [];
        if (hits.length === 0) return;
        yield scannedDocs(res);
        after = hits[hits.length - 1]?.sort;
      }
    } finally {
      // Closing early frees the readers at once; if this fails the point in time expires by itself
      // after SCAN_KEEP_ALIVE, so the scan's result stands.
      await this.#client.closePointInTime({ id: pit }).catch(() => undefined);
    }
  }

  async analyze(request: Record<string, unknown>): Promise<string[]> {
    try {
      return analyzedTokens(await this.#client.indices.analyze(request as never));
    } catch (err) {
      this.fail(err, 'analyze');
    }
  }

  async plugins(): Promise<string[]> {
    try {
      return pluginNames(await this.#client.nodes.info({ metric: 'plugins' } as never));
    } catch (err) {
      this.fail(err, 'list plugins');
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
