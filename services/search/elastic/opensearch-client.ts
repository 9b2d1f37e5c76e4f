// The EngineClient on the official OpenSearch client (3.x, which serves OpenSearch 1.x–3.x).
// Request bodies are the same as Elasticsearch's; this client takes them under `body` and wraps
// every response in `{ body, statusCode }`.
import type * as OpenSearch from '@opensearch-project/opensearch';
import type { Client } from '@opensearch-project/opensearch';
import { CiteboxError } from '../../errors.js';
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

export interface OpenSearchClientOptions {
  readonly url: string;
  readonly requestTimeoutMs?: number;
  /** Retries of a request after a connection error or a 502/503/504 (default 2). */
  readonly maxRetries?: number;
  readonly client?: Client;
}

const ENGINE = 'OpenSearch';
const opensearch = lazyLibrary<typeof OpenSearch>('@opensearch-project/opensearch');
/** How long a scan's scroll context stays open between two pages. */
const SCAN_KEEP_ALIVE = '5m';

type Body = Record<string, unknown>;

export class OpenSearchEngineClient implements EngineClient {
  readonly flavor = 'opensearch' as const;
  readonly displayUrl: string;
  readonly #client: Client;

  constructor(options: OpenSearchClientOptions) {
    this.displayUrl = redactUrl(options.url);
    this.#client =
      options.client ??
      new (opensearch().Client)({
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
      const v = (res.body as { version?: { number?: string; distribution?: string } }).version;
      if (v?.distribution !== 'opensearch') {
        // The product check: Elasticsearch answers here too, but is not what was configured.
        const product = [v?.distribution ?? 'Elasticsearch', v?.number].filter(Boolean).join(' ');
        throw new CiteboxError(
          'BACKEND_UNSUPPORTED',
          `ping: the server at ${this.displayUrl} is ${product}, not OpenSearch (its version has no "distribution": "opensearch"). For Elasticsearch set CITEBOX_BACKEND=elasticsearch and ELASTICSEARCH_URL.`,
        );
      }
      return { distribution: 'opensearch', version: v.number ?? 'unknown' };
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

  async putMapping(
    index: string,
    mapping: { properties: Record<string, unknown>; _meta: Record<string, unknown> },
  ): Promise<void> {
    try {
      await this.#client.indices.putMapping({ index, body: mapping } as never);
    } catch (err) {
      this.fail(err, 'update mapping');
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

  async getDocs(index: string, refs: readonly DocRef[]): Promise<VersionedDoc[]> {
    if (refs.length === 0) return [];
    try {
      const res = await this.#client.mget({ body: { docs: docRefsBody(index, refs) } } as never);
      return versionedDocs(refs, res.body);
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
        body: docWriteLines(index, writes),
        ...(options.refresh !== undefined ? { refresh: options.refresh } : {}),
      } as never);
      return docWriteResults(writes, res.body);
    } catch (err) {
      this.fail(err, 'write documents');
    }
  }

  async search(index: string, body: Body, options: SearchOptions = {}): Promise<Body> {
    try {
      const res = await this.#client.search({
        index,
        body,
        ...(options.routing !== undefined ? { routing: options.routing } : {}),
      } as never);
      return res.body as Body;
    } catch (err) {
      this.fail(err, 'search');
    }
  }

  async *scan(index: string, options: ScanOptions = {}): AsyncGenerator<ScannedDoc[]> {
    // A scroll in index order: OpenSearch 2.x has point-in-time search but no `_shard_doc` order,
    // and ordering by `_id` would load every id into the heap.
    let res: Body;
    try {
      res = (
        await this.#client.search({
          index,
          scroll: SCAN_KEEP_ALIVE,
          body: {
            size: options.pageSize ?? 1000,
            sort: ['_doc'],
            ...(options.query ? { query: options.query } : {}),
            _source: scanSource(options),
          },
        } as never)
      ).body as Body;
    } catch (err) {
      this.fail(err, 'scan documents');
    }
    let scrollId = typeof res['_scroll_id'] === 'string' ? res['_scroll_id'] : undefined;
    try {
      for (;;) {
        const docs = scannedDocs(res);
        if (docs.length === 0 || scrollId === undefined) {
          if (docs.length > 0) yield docs;
          return;
        }
        yield docs;
        try {
          res = (
            await this.#client.scroll({ body: { scroll: SCAN_KEEP_ALIVE, scroll_id: scrollId } } as never)
          ).body as Body;
        } catch (err) {
          this.fail(err, 'scan documents');
        }
        scrollId = typeof res['_scroll_id'] === 'string' ? res['_scroll_id'] : scrollId;
      }
    } finally {
      // Clearing early frees the readers at once; if this fails the scroll expires by itself after
      // SCAN_KEEP_ALIVE, so the scan's result stands.
      if (scrollId !== undefined) {
        await this.#client.clearScroll({ body: { scroll_id: [scrollId] } } as never).catch(() => undefined);
      }
    }
  }

  async analyze(request: Body): Promise<string[]> {
    try {
      return analyzedTokens((await this.#client.indices.analyze({ body: request } as never)).body);
    } catch (err) {
      this.fail(err, 'analyze');
    }
  }

  async plugins(): Promise<string[]> {
    try {
      return pluginNames((await this.#client.nodes.info({ metric: 'plugins' } as never)).body);
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
