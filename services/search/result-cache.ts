// A bounded cache of search results in front of any backend, as search engines keep one (Solr's
// queryResultCache, the result caches of web search engines): people ask the same popular questions
// again and again. An entry is keyed by the query text (spacing normalized), limit, per-page cap,
// filters and the index generation, so any write to the index (a crawl, a deletion, in this process
// or another) makes the old entries unreachable; they age out of the LRU. Concurrent identical
// searches share one backend call. Queries that carry their own vector are not cached.
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type {
  HealthReport,
  IndexStats,
  PassageRecord,
  SearchHit,
  SearchQuery,
  VectorSearchQuery,
} from '../types.js';
import type { BulkReport, PageWithPassages, SearchBackend } from './backend.js';

export interface SearchResultCacheOptions {
  /** Result lists kept (least recently used out first); 0 passes every search through. */
  readonly maxEntries: number;
  readonly logger?: Logger | undefined;
  /** Counts hits and misses as `citebox_search_cache_requests_total{result}`. */
  readonly metrics?: Metrics | undefined;
}

export interface SearchResultCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
}

const ASCII_SPACE = /[ \t\n\r\f\v]+/g;

/**
 * The query text as searched and cached: ASCII white space trimmed and runs of it made one space.
 * Every analysis splits words at white space, so this changes no result; it only lets
 * "rust  borrow" and "rust borrow " share an entry.
 */
export function normalizeQueryText(text: string): string {
  return text.replace(ASCII_SPACE, ' ').trim();
}

/** The cache key of a query at an index generation (undefined: not cacheable). */
export function searchCacheKey(query: SearchQuery, generation: number): string | undefined {
  if (query.vector && query.vector.length > 0) return undefined;
  return JSON.stringify([
    generation,
    query.text,
    query.limit,
    query.maxPerPage ?? null,
    query.sites ?? null,
    query.lang ?? null,
    query.since ?? null,
  ]);
}

export class CachedSearchBackend implements SearchBackend {
  readonly kind: SearchBackend['kind'];
  readonly #inner: SearchBackend;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Promise<SearchHit[]>>();
  readonly #counter: ReturnType<Metrics['counter']> | undefined;
  readonly #logger: Logger | undefined;
  #hits = 0;
  #misses = 0;

  constructor(inner: SearchBackend, options: SearchResultCacheOptions) {
    this.#inner = inner;
    this.kind = inner.kind;
    this.#maxEntries = Math.max(0, Math.floor(options.maxEntries));
    this.#logger = options.logger?.child({ component: 'search-cache' });
    this.#counter = options.metrics?.counter(
      'citebox_search_cache_requests_total',
      'Searches answered from the search-result cache (hit) or by the backend (miss)',
      ['result'],
    );
    if (inner.searchVectors) {
      const searchVectors = inner.searchVectors.bind(inner);
      this.searchVectors = (query: VectorSearchQuery) => searchVectors(query);
    }
  }

  /** The backend behind the cache. */
  get inner(): SearchBackend {
    return this.#inner;
  }

  searchVectors?(query: VectorSearchQuery): Promise<SearchHit[]>;

  stats(): Promise<IndexStats> {
    return this.#inner.stats();
  }

  cacheStats(): SearchResultCacheStats {
    return { hits: this.#hits, misses: this.#misses, entries: this.#entries.size };
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const normalized = { ...query, text: normalizeQueryText(query.text) };
    if (this.#maxEntries === 0) return this.#inner.search(normalized);
    const key = searchCacheKey(normalized, await this.#inner.generation());
    if (key === undefined) return this.#inner.search(normalized);
    const cached = this.#entries.get(key);
    if (cached) {
      // Most recently used last.
      this.#entries.delete(key);
      this.#entries.set(key, cached);
      this.#count('hit');
      // Callers get their own array; the hits themselves are read-only.
      return (await cached).slice();
    }
    this.#count('miss');
    const pending = this.#inner.search(normalized);
    this.#entries.set(key, pending);
    if (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    try {
      return (await pending).slice();
    } catch (err) {
      // A failed search is not remembered (unless a newer one took its place meanwhile).
      if (this.#entries.get(key) === pending) this.#entries.delete(key);
      throw err;
    }
  }

  #count(result: 'hit' | 'miss'): void {
    if (result === 'hit') this.#hits++;
    else this.#misses++;
    this.#counter?.inc({ result });
  }

  /** Forgets every entry (writes need not call it: the generation in the key moves on). */
  clear(): void {
    this.#entries.clear();
  }

  open(): Promise<void> {
    return this.#inner.open();
  }

  replacePages(items: readonly PageWithPassages[]): Promise<BulkReport> {
    return this.#inner.replacePages(items);
  }

  deletePage(url: string): Promise<boolean> {
    return this.#inner.deletePage(url);
  }

  getPassages(ids: readonly string[]): Promise<PassageRecord[]> {
    return this.#inner.getPassages(ids);
  }

  refresh(): Promise<void> {
    return this.#inner.refresh();
  }

  generation(): Promise<number> {
    return this.#inner.generation();
  }

  ping(): Promise<HealthReport> {
    return this.#inner.ping();
  }

  async close(): Promise<void> {
    this.#entries.clear();
    if (this.#hits + this.#misses > 0) {
      this.#logger?.debug({ hits: this.#hits, misses: this.#misses }, 'search cache closed');
    }
    await this.#inner.close();
  }
}

/** `backend` behind a result cache of `maxEntries` lists, or `backend` itself when 0. */
export function withSearchResultCache(
  backend: SearchBackend,
  options: SearchResultCacheOptions,
): SearchBackend {
  return options.maxEntries > 0 ? new CachedSearchBackend(backend, options) : backend;
}
