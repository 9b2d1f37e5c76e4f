// The SearchBackend on a search engine (Elasticsearch or OpenSearch, through an EngineClient).
//
// - One passages index behind an alias (`<alias>-000001`, `-000002`, …). Everything goes through
//   the alias; `reindex()` builds the next index, copies the documents into it (a scan and bulk
//   writes, core APIs of both engines) and swaps the alias in one atomic request, so searches
//   never see an empty or half-built index.
// - open() first checks that the engine has everything the design needs (engine-features.ts) and
//   stops with one message naming what is missing.
// - Writes go through the client's bulk helper (429s retried, every refused document reported).
//   A page's old passages are found through its page document with a real-time read and removed
//   by id, so re-indexing a URL twice before a refresh cannot leave stale passages behind.
// - Visibility: the engine refreshes on its own every second; refresh() forces it (end of a crawl,
//   tests). There is never a refresh per document or per request.
// - generation() is the `_version` of one meta document that every write re-indexes: real-time,
//   monotonic, shared by every process writing to the index.
import { CiteboxError, errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type {
  HealthReport,
  IndexStats,
  PassageRecord,
  SearchFilters,
  SearchHit,
  SearchQuery,
  SiteStats,
} from '../../types.js';
import type { BulkReport, PageWithPassages, SearchBackend } from '../backend.js';
import { fuseLexicalAndDense } from '../hybrid.js';
import { type BulkOperation, type BulkOptions, type EngineClient, scannedDocs } from './engine-client.js';
import { checkEngineFeatures } from './engine-features.js';
import {
  type EngineFlavor,
  INDEX_SCHEMA_VERSION,
  indexBody,
  META_DOC_ID,
  metaDocument,
  pageDocId,
  pageDocument,
  passageDocument,
  passageFromSource,
  UPGRADE_MAPPINGS,
  VECTOR_FIELD,
} from './index-design.js';
import {
  bm25SearchBody,
  hasSearchableText,
  knnSearchBody,
  type RawSearchResponse,
  readSearchHits,
} from './query-builder.js';

/** A kNN query: a vector, filters, how many. */
export interface VectorQuery extends SearchFilters {
  readonly vector: readonly number[];
  readonly limit: number;
  readonly maxPerPage?: number | undefined;
}

export interface EngineBackendOptions {
  readonly client: EngineClient;
  /** The alias searches and writes go through; concrete indices are `<alias>-NNNNNN`. */
  readonly alias: string;
  readonly shards: number;
  readonly replicas: number;
  /** Length of passage vectors; undefined: no vector field, BM25 only. */
  readonly vectorDims?: number | undefined;
  readonly logger: Logger;
  /** Bulk retry policy for 429s (tests shorten the wait). */
  readonly bulk?: Partial<BulkOptions>;
}

export interface ReindexReport {
  readonly from: string;
  readonly to: string;
  readonly copied: number;
  /** Documents written to the old index while the copy ran, copied again after the swap. */
  readonly caughtUp: number;
  readonly failures: number;
  readonly deletedOld: boolean;
}

const INDEX_NAME = /^[a-z0-9][a-z0-9._-]{0,200}$/;
/** Most leftover documents one page's delete sweeps (a page has far fewer passages). */
const SWEEP_LIMIT = 10_000;
/** Documents read and written per step of a reindex. */
const COPY_PAGE = 1000;
const PAGE_FIELDS = ['page_id', 'passage_ids'] as const;

/** `citebox-passages-000007` → 7; other names → 0. */
export function indexNumber(alias: string, index: string): number {
  const m = index.startsWith(`${alias}-`) ? /^(\d{6,})$/.exec(index.slice(alias.length + 1)) : null;
  return m?.[1] ? Number(m[1]) : 0;
}

export function concreteIndexName(alias: string, n: number): string {
  return `${alias}-${String(n).padStart(6, '0')}`;
}

export class EngineBackend implements SearchBackend {
  readonly kind: EngineFlavor;
  readonly #client: EngineClient;
  readonly #alias: string;
  readonly #options: EngineBackendOptions;
  readonly #bulk: BulkOptions;
  readonly #logger: Logger;
  #opened = false;
  /** Writes since the last refresh() from this process. */
  #dirty = false;

  constructor(options: EngineBackendOptions) {
    if (!INDEX_NAME.test(options.alias)) {
      throw new CiteboxError(
        'CONFIG_INVALID',
        `CITEBOX_INDEX_NAME: "${options.alias}" is not a valid index name (lower-case letters, digits, ".", "_", "-")`,
      );
    }
    this.kind = options.client.flavor;
    this.#client = options.client;
    this.#alias = options.alias;
    this.#options = options;
    this.#bulk = { retries: options.bulk?.retries ?? 4, waitMs: options.bulk?.waitMs ?? 2_000 };
    this.#logger = options.logger.child({ component: `${this.kind}-backend` });
  }

  get alias(): string {
    return this.#alias;
  }

  private design() {
    return indexBody({
      flavor: this.kind,
      shards: this.#options.shards,
      replicas: this.#options.replicas,
      vectorDims: this.#options.vectorDims,
    });
  }

  async open(): Promise<void> {
    if (this.#opened) return;
    const info = await checkEngineFeatures(this.#client, {
      indexBody: this.design(),
      vectors: this.#options.vectorDims !== undefined,
    });
    this.#logger.info(
      { url: this.#client.displayUrl, version: info.version, alias: this.#alias },
      'connected to the search engine',
    );
    let targets = await this.#client.aliasTargets(this.#alias);
    if (targets.length === 0) {
      if (await this.#client.indexExists(this.#alias)) {
        throw new CiteboxError(
          'CONFIG_INVALID',
          `An index named "${this.#alias}" exists in ${this.#client.displayUrl} and is not Citebox's alias; set CITEBOX_INDEX_NAME to another name`,
        );
      }
      // A fixed first name makes two processes starting at once (API and worker) agree on it.
      const first = concreteIndexName(this.#alias, 1);
      const outcome = await this.#client.createIndex(first, {
        ...this.design(),
        aliases: { [this.#alias]: {} },
      });
      this.#logger.info({ index: first, outcome }, 'created the passages index');
      targets = await this.#client.aliasTargets(this.#alias);
    }
    if (targets.length !== 1) {
      throw new CiteboxError(
        'BACKEND_ERROR',
        `The alias "${this.#alias}" points to ${targets.length} indices (${targets.join(', ')}); it must point to exactly one`,
      );
    }
    let meta = await this.#client.mappingMeta(this.#alias);
    let schema = Number(meta?.['citebox_schema'] ?? 0);
    // Fields added since: the index takes them in place (new documents carry them).
    for (
      let added = UPGRADE_MAPPINGS[schema];
      schema < INDEX_SCHEMA_VERSION && added;
      added = UPGRADE_MAPPINGS[schema]
    ) {
      const next = { ...meta, citebox_schema: schema + 1 };
      await this.#client.putMapping(this.#alias, { properties: added, _meta: next });
      this.#logger.info({ alias: this.#alias, from: schema, to: schema + 1 }, 'upgraded the index mapping');
      meta = next;
      schema += 1;
    }
    const dims = meta?.['vector_dims'] ?? null;
    if (schema !== INDEX_SCHEMA_VERSION) {
      throw new CiteboxError(
        'BACKEND_ERROR',
        `The index behind "${this.#alias}" has Citebox schema ${schema}; this version needs ${INDEX_SCHEMA_VERSION}. Run \`citebox reindex\`.`,
      );
    }
    if ((this.#options.vectorDims ?? null) !== dims) {
      throw new CiteboxError(
        'BACKEND_ERROR',
        `The index behind "${this.#alias}" has vectors of ${dims ?? 'no'} dimensions, but EMBEDDINGS_DIMENSIONS is ${this.#options.vectorDims ?? 'unset'}. Run \`citebox reindex\` to rebuild it.`,
      );
    }
    this.#opened = true;
  }

  /** Rejects vectors of the wrong length before they reach the engine. */
  private vectorProblem(item: PageWithPassages): string | undefined {
    const dims = this.#options.vectorDims;
    for (const p of item.passages) {
      if (!p.vector) continue;
      if (dims === undefined) {
        this.warnVectorsIgnored();
        return undefined;
      }
      if (p.vector.length !== dims)
        return `passage ${p.id} has a vector of ${p.vector.length} dimensions, not ${dims}`;
    }
    return undefined;
  }

  #warnedVectors = false;
  /** Vectors without EMBEDDINGS_DIMENSIONS have no field to go to: said once, not dropped silently. */
  private warnVectorsIgnored(): void {
    if (this.#warnedVectors) return;
    this.#warnedVectors = true;
    this.#logger.warn(
      { alias: this.#alias },
      'passages carry vectors but EMBEDDINGS_DIMENSIONS is unset: the index has no vector field, so vectors are not stored and search is BM25 only',
    );
  }

  async replacePages(items: readonly PageWithPassages[]): Promise<BulkReport> {
    if (items.length === 0) return { written: 0, failed: [] };
    // The last version of a URL in one batch wins.
    const byUrl = new Map<string, PageWithPassages>();
    for (const item of items) byUrl.set(item.page.url, item);
    const failed = new Map<string, string>();
    const pages = [...byUrl.values()].filter((item) => {
      const problem = this.vectorProblem(item);
      if (problem) failed.set(item.page.url, problem);
      return !problem;
    });

    const previous = await this.#client.mget(
      this.#alias,
      pages.map((p) => pageDocId(p.page.url)),
      PAGE_FIELDS,
    );
    const now = new Date().toISOString();
    const withVector = this.#options.vectorDims !== undefined;
    const ops: BulkOperation[] = [];
    const oldIdsByUrl = new Map<string, string[]>();
    pages.forEach((item, i) => {
      const { page, passages } = item;
      const newIds = passages.map((p) => p.id);
      for (const p of passages) {
        ops.push({
          action: 'index',
          id: p.id,
          doc: passageDocument(p, page, now, withVector),
          url: page.url,
        });
      }
      ops.push({
        action: 'index',
        id: pageDocId(page.url),
        doc: pageDocument(page, newIds, now),
        url: page.url,
      });
      const before = previous[i];
      const oldIds = before?.found ? stringList(before.source?.['passage_ids']) : [];
      oldIdsByUrl.set(page.url, oldIds);
      const keep = new Set(newIds);
      for (const id of oldIds) if (!keep.has(id)) ops.push({ action: 'delete', id, url: page.url });
    });
    ops.push({ action: 'index', id: META_DOC_ID, doc: metaDocument(now) });

    this.#dirty = true;
    const dropped = await this.#client.bulk(this.#alias, ops, this.#bulk);
    const urlById = new Map(ops.map((op) => [op.id, op.url]));
    for (const drop of dropped) {
      const url = drop.id === undefined ? undefined : urlById.get(drop.id);
      if (url === undefined) {
        this.#logger.error({ drop }, 'the engine refused a write that belongs to no page');
        continue;
      }
      if (!failed.has(url)) failed.set(url, `${drop.action} ${drop.id}: ${drop.reason}`);
    }
    // A page that was only partly written is removed whole, so the index never holds half a page;
    // it is reported as failed and the crawler's next visit writes it again.
    const broken = pages.filter((p) => failed.has(p.page.url));
    if (broken.length > 0) await this.removeBrokenPages(broken, oldIdsByUrl, failed);
    const report = {
      written: pages.length - broken.length,
      failed: [...failed].map(([url, reason]) => ({ url, reason })),
    };
    if (report.failed.length > 0) this.#logger.warn({ failed: report.failed }, 'some pages were not indexed');
    return report;
  }

  private async removeBrokenPages(
    broken: readonly PageWithPassages[],
    oldIdsByUrl: ReadonlyMap<string, readonly string[]>,
    failed: Map<string, string>,
  ): Promise<void> {
    const ops: BulkOperation[] = [];
    for (const { page, passages } of broken) {
      const ids = new Set([...passages.map((p) => p.id), ...(oldIdsByUrl.get(page.url) ?? [])]);
      for (const id of ids) ops.push({ action: 'delete', id, url: page.url });
      ops.push({ action: 'delete', id: pageDocId(page.url), url: page.url });
    }
    try {
      const dropped = await this.#client.bulk(this.#alias, ops, this.#bulk);
      for (const drop of dropped) this.#logger.error({ drop }, 'could not remove a partly written page');
    } catch (err) {
      for (const { page } of broken) {
        failed.set(
          page.url,
          `${failed.get(page.url)}; removing the partial page also failed: ${errorMessage(err)}`,
        );
      }
    }
  }

  async deletePage(url: string): Promise<boolean> {
    const [page] = await this.#client.mget(this.#alias, [pageDocId(url)], PAGE_FIELDS);
    const found = page?.found === true;
    const ops: BulkOperation[] = [];
    if (found) {
      for (const id of stringList(page?.source?.['passage_ids'])) ops.push({ action: 'delete', id, url });
      ops.push({ action: 'delete', id: pageDocId(url), url });
    }
    ops.push({ action: 'index', id: META_DOC_ID, doc: metaDocument(new Date().toISOString()) });
    this.#dirty = true;
    const dropped = await this.#client.bulk(this.#alias, ops, this.#bulk);
    if (dropped.length > 0) {
      throw new CiteboxError(
        'INDEX_WRITE_FAILED',
        `Deleting ${url} failed: ${dropped.map((d) => `${d.action} ${d.id}: ${d.reason}`).join('; ')}`,
      );
    }
    // Sweep passages of this URL no page document lists (left by a crash between writes): found by
    // a search and deleted by id (no `_delete_by_query`, which needs the reindex module). Only what
    // a refresh has made visible is seen, which is what such leftovers are.
    const leftovers = await this.#client.search(this.#alias, {
      size: SWEEP_LIMIT,
      track_total_hits: false,
      _source: false,
      query: { bool: { filter: [{ term: { url } }, { terms: { kind: ['passage', 'page'] } }] } },
    });
    // The search sees the last refresh; a real-time read tells which of those are still there.
    const listed = new Set(ops.map((op) => op.id));
    const candidates = scannedDocs(leftovers)
      .map((doc) => doc.id)
      .filter((id) => !listed.has(id));
    const present = (await this.#client.mget(this.#alias, candidates, false)).filter((d) => d.found);
    const sweep: BulkOperation[] = present.map((doc) => ({ action: 'delete', id: doc.id, url }));
    const sweepDropped = await this.#client.bulk(this.#alias, sweep, this.#bulk);
    if (sweepDropped.length > 0) {
      throw new CiteboxError(
        'INDEX_WRITE_FAILED',
        `Deleting ${url} failed: ${sweepDropped.map((d) => `${d.action} ${d.id}: ${d.reason}`).join('; ')}`,
      );
    }
    return found || sweep.length > 0;
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    if (query.limit <= 0 || !hasSearchableText(query.text)) return [];
    if (query.vector && this.#options.vectorDims === undefined) this.warnVectorsIgnored();
    const vector = this.#options.vectorDims !== undefined ? query.vector : undefined;
    if (vector === undefined) {
      const response = await this.#client.search(this.#alias, bm25SearchBody(query));
      return readSearchHits(response as RawSearchResponse, query);
    }
    if (vector.length !== this.#options.vectorDims) {
      throw new CiteboxError(
        'INVALID_QUERY',
        `The query vector has ${vector.length} dimensions; the index has ${this.#options.vectorDims}`,
      );
    }
    // Hybrid: BM25 and kNN lists fused by rank in our own code, as for every backend.
    return fuseLexicalAndDense(
      { ...query, vector },
      async (q) =>
        readSearchHits((await this.#client.search(this.#alias, bm25SearchBody(q))) as RawSearchResponse, q),
      (q) => this.searchVectors(q),
    );
  }

  /** Passages nearest to a query vector (the engine's kNN), best first; [] without a vector field. */
  async searchVectors(query: VectorQuery): Promise<SearchHit[]> {
    if (this.#options.vectorDims === undefined || query.limit <= 0) return [];
    if (query.vector.length !== this.#options.vectorDims) {
      throw new CiteboxError(
        'INVALID_QUERY',
        `The query vector has ${query.vector.length} dimensions; the index has ${this.#options.vectorDims}`,
      );
    }
    const k = Math.max(1, query.limit);
    const response = await this.#client.search(
      this.#alias,
      knnSearchBody({ ...query, text: '', vector: query.vector }, this.kind, k),
    );
    return readSearchHits(response as RawSearchResponse, { ...query, text: '', limit: k });
  }

  async getPassages(ids: readonly string[]): Promise<PassageRecord[]> {
    if (ids.length === 0) return [];
    const docs = await this.#client.mget(this.#alias, ids);
    const out: PassageRecord[] = [];
    for (const doc of docs) {
      if (doc.found && doc.source?.['kind'] === 'passage') out.push(passageFromSource(doc.id, doc.source));
    }
    return out;
  }

  async refresh(): Promise<void> {
    const wrote = this.#dirty;
    await this.#client.refresh(this.#alias);
    this.#dirty = false;
    // The generation moved when the writes were made, but a reader may have cached results of a
    // search that ran before they became visible: a new generation once they are.
    if (wrote) {
      const now = new Date().toISOString();
      const meta: BulkOperation = { action: 'index', id: META_DOC_ID, doc: metaDocument(now) };
      for (const drop of await this.#client.bulk(this.#alias, [meta], this.#bulk)) {
        this.#logger.warn({ drop }, 'could not advance the generation after a refresh');
      }
    }
  }

  async stats(): Promise<IndexStats> {
    const res = (await this.#client.search(this.#alias, {
      size: 0,
      track_total_hits: false,
      query: { terms: { kind: ['page', 'passage'] } },
      aggs: {
        kinds: { terms: { field: 'kind', size: 5 } },
        pages: {
          filter: { term: { kind: 'page' } },
          aggs: {
            hosts: {
              terms: { field: 'host', size: 1000 },
              aggs: { passages: { sum: { field: 'passage_count' } } },
            },
          },
        },
      },
    })) as {
      aggregations?: {
        kinds?: { buckets?: Array<{ key: string; doc_count: number }> };
        pages?: {
          hosts?: { buckets?: Array<{ key: string; doc_count: number; passages?: { value?: number } }> };
        };
      };
    };
    const kinds = new Map((res.aggregations?.kinds?.buckets ?? []).map((b) => [b.key, b.doc_count]));
    const sites = (res.aggregations?.pages?.hosts?.buckets ?? []).map(
      (b): SiteStats => ({ host: b.key, pages: b.doc_count, passages: Math.round(b.passages?.value ?? 0) }),
    );
    return {
      backend: this.kind,
      pages: kinds.get('page') ?? 0,
      passages: kinds.get('passage') ?? 0,
      sites,
      generation: await this.generation(),
    };
  }

  async generation(): Promise<number> {
    const [meta] = await this.#client.mget(this.#alias, [META_DOC_ID], false);
    return meta?.found ? (meta.version ?? 0) : 0;
  }

  async ping(): Promise<HealthReport> {
    try {
      await this.#client.info(3_000);
      const health = await this.#client.health(this.#alias, 2_000);
      if (health === undefined || health === 'red') {
        return { ok: false, reason: `${this.kind}: the index "${this.#alias}" is ${health ?? 'missing'}` };
      }
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: errorMessage(err) };
    }
  }

  /**
   * Rebuilds the passages index with the current design (settings, analyzers, vector field) and
   * swaps the alias to it atomically: `<alias>-N` is copied into `<alias>-N+1`, which replaces it in
   * one alias update. Writes that reach the old index during the copy are copied again after the
   * swap (pages deleted meanwhile may come back; pause crawls for an exact copy).
   *
   * The copy is a scan of the old index (a point in time or a scroll) written to the new one with
   * bulk requests, not `_reindex`: that needs the reindex module, which not every installation has
   * (the Elasticsearch test node does not), and the documents are small. On SciFact (11,091
   * documents) on OpenSearch 2.19 a whole reindex took 0.9–2.7× the time of a bare server-side
   * `_reindex` of the same index, in three interleaved runs (docs/self-hosting.md).
   */
  async reindex(options: { keepOld?: boolean } = {}): Promise<ReindexReport> {
    await checkEngineFeatures(this.#client, {
      indexBody: this.design(),
      vectors: this.#options.vectorDims !== undefined,
    });
    const targets = await this.#client.aliasTargets(this.#alias);
    const from = targets[0];
    if (targets.length !== 1 || from === undefined) {
      throw new CiteboxError('BACKEND_ERROR', `The alias "${this.#alias}" must point to exactly one index`);
    }
    const meta = await this.#client.mappingMeta(from);
    const oldDims = meta?.['vector_dims'] ?? null;
    const newDims = this.#options.vectorDims ?? null;
    if (oldDims !== null && newDims !== null && oldDims !== newDims) {
      throw new CiteboxError(
        'CONFIG_INVALID',
        `Vectors of ${oldDims} dimensions cannot be copied into a ${newDims}-dimension field; start from an empty index (another CITEBOX_INDEX_NAME) and crawl again`,
      );
    }
    const to = concreteIndexName(this.#alias, Math.max(indexNumber(this.#alias, from), 0) + 1);
    const generation = await this.generation();
    const design = this.design();
    // Load fast: no refresh and no replicas while copying; the final settings come after.
    const loadSettings = { ...design.settings, refresh_interval: '-1', number_of_replicas: 0 };
    const created = await this.#client.createIndex(to, { ...design, settings: loadSettings });
    if (created === 'exists') {
      throw new CiteboxError('CONFLICT', `The index ${to} already exists (another reindex running?)`);
    }
    const started = new Date().toISOString();
    this.#logger.info({ from, to }, 'reindex: copying documents');
    // Everything written before this point is in the copy.
    await this.#client.refresh(from);
    const withVectors = newDims !== null;
    const copy = await this.copyDocuments(from, to, { withVectors });
    await this.#client.putSettings(to, {
      refresh_interval: null,
      number_of_replicas: this.#options.replicas,
    });
    await this.#client.indexVersioned(
      to,
      META_DOC_ID,
      metaDocument(new Date().toISOString()),
      generation + 1,
    );
    await this.#client.refresh(to);
    await this.#client.updateAliases([
      { remove: { index: from, alias: this.#alias } },
      { add: { index: to, alias: this.#alias } },
    ]);
    this.#logger.info({ from, to, copied: copy.copied }, 'reindex: alias swapped');
    // Catch up with what was written to the old index while copying.
    await this.#client.refresh(from);
    const catchUp = await this.copyDocuments(from, to, {
      withVectors,
      query: {
        bool: {
          filter: [{ range: { indexed_at: { gte: started } } }, { terms: { kind: ['page', 'passage'] } }],
        },
      },
    });
    await this.#client.refresh(to);
    let deletedOld = false;
    if (!options.keepOld) {
      await this.#client.deleteIndex(from);
      deletedOld = true;
    }
    return {
      from,
      to,
      copied: copy.copied,
      caughtUp: catchUp.copied,
      failures: copy.failures + catchUp.failures,
      deletedOld,
    };
  }

  /** Copies documents (all, or those matching `query`) from one index into another. */
  private async copyDocuments(
    from: string,
    to: string,
    options: { withVectors: boolean; query?: Record<string, unknown> },
  ): Promise<{ copied: number; failures: number }> {
    // Elasticsearch 9 leaves vectors out of `_source` unless they are asked for by name; an old
    // index may also hold vectors the new design has no field for: leave them out then.
    const fields = options.withVectors ? { includes: ['*', VECTOR_FIELD] } : { excludes: [VECTOR_FIELD] };
    let copied = 0;
    let failures = 0;
    for await (const page of this.#client.scan(from, {
      ...fields,
      query: options.query,
      pageSize: COPY_PAGE,
    })) {
      const ops: BulkOperation[] = page.map((doc) => ({ action: 'index', id: doc.id, doc: doc.source }));
      const dropped = await this.#client.bulk(to, ops, this.#bulk);
      for (const drop of dropped)
        this.#logger.error({ drop, from, to }, 'reindex: a document was not copied');
      copied += ops.length - dropped.length;
      failures += dropped.length;
    }
    return { copied, failures };
  }

  async close(): Promise<void> {
    this.#opened = false;
    await this.#client.close();
  }
}

function stringList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
