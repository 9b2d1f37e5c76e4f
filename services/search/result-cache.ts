// A bounded cache of search results in front of any backend, as search engines keep one (Solr's
// queryResultCache, the result caches of web search engines): people ask the same popular questions
// again and again. An entry is keyed by the query text (spacing normalized), limit, per-page cap,
// filters and the index generation, so any write to the index (a crawl, a deletion, in this process
// or another) makes the old entries unreachable; they age out of the LRU. Concurrent identical
// searches share one backend call. Queries that carry their own vector are not cached.
//
// Whole result lists are big (their passages' text: ~75 KB for 30 hits), so when the backend has a
// compact form of them (SearchResultCodec: passage ids and scores) the cache keeps that, and only
// the most recently asked lists whole (HOT_ENTRIES): ~1.5 KB a list instead of ~75 KB, so ten times
// the lists fit in half the memory. A compact hit reads its passages again and makes its snippets
// (~0.3 ms); a whole one costs neither. A list is kept whole only once it has been read back twice:
// most queries are never asked again, or only once more, and whole lists that outlive a
// young-generation collection make the collector copy ~75 KB each. Kept whole on the first
// repeat instead of at once, p99 of searches under bench:api went 118–136 → 68–82 ms; on the
// second, 71–91 → 67–78 ms (interleaved runs). The processes of one server can also share compact lists
// through a SharedResultStore: a query that another process answered first is a hit too.
import type { Logger } from '../logger.js';
import { LruMap } from '../lru.js';
import type { Metrics } from '../metrics.js';
import type { SearchHit, SearchQuery, VectorSearchQuery } from '../types.js';
import type { SearchBackend } from './backend.js';
import { ForwardingBackend } from './forwarding-backend.js';
import type { SharedResultStore } from './shared-result-store.js';

export interface SearchResultCacheOptions {
  /** Result lists kept (least recently used out first); 0 passes every search through. */
  readonly maxEntries: number;
  readonly logger?: Logger | undefined;
  /** Counts hits and misses as `citebox_search_cache_requests_total{result}`. */
  readonly metrics?: Metrics | undefined;
  /**
   * The cache the processes of one server share (shared-result-store.ts), asked after this
   * process's own; used when the backend has a compact form of its results.
   */
  readonly shared?: SharedResultStore | undefined;
  /** Lists kept whole when the backend has a compact form (default HOT_ENTRIES; 0: every hit is decoded). */
  readonly hotEntries?: number | undefined;
}

export interface SearchResultCacheStats {
  readonly hits: number;
  /** Of the hits, those found in the cache the server's processes share. */
  readonly sharedHits: number;
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

/**
 * Most entries kept whole (the hits themselves, snippets made): each holds its hits' passages,
 * about 75 KB for a list of 30. A backend without a compact form of its results keeps only these.
 */
export const FULL_ENTRIES_MAX = 2_000;

/**
 * Entries kept whole in front of the compact ones, when the backend has a compact form: the most
 * recently asked. Popular queries are most of the repeats (with Zipfian popularity, the top 500 of
 * 100,000 queries are ~40 % of all asked), and a whole entry costs no reading and no snippets.
 */
export const HOT_ENTRIES = 500;

/** A compact list, and how often it was read back since it was kept. */
interface CompactEntry {
  readonly bytes: Uint8Array;
  reads: number;
}

/** Reads of a compact list after which it is kept whole too (see HOT_ENTRIES). */
const READS_BEFORE_WHOLE = 2;

export class CachedSearchBackend extends ForwardingBackend {
  readonly #maxEntries: number;
  /** Whole entries (in flight too: identical searches share one call). */
  readonly #hot: LruMap<string, Promise<readonly SearchHit[]>>;
  /** Compact entries (the backend's resultCodec). */
  readonly #compact: LruMap<string, CompactEntry>;
  readonly #shared: SharedResultStore | undefined;
  readonly #counter: ReturnType<Metrics['counter']> | undefined;
  readonly #sharedCounter: ReturnType<Metrics['counter']> | undefined;
  readonly #logger: Logger | undefined;
  #hits = 0;
  #sharedHits = 0;
  #misses = 0;

  constructor(inner: SearchBackend, options: SearchResultCacheOptions) {
    super(inner);
    this.#shared = inner.resultCodec ? options.shared : undefined;
    const maxEntries = Math.max(0, Math.floor(options.maxEntries));
    this.#maxEntries = inner.resultCodec ? maxEntries : Math.min(maxEntries, FULL_ENTRIES_MAX);
    this.#hot = new LruMap(
      inner.resultCodec
        ? Math.min(this.#maxEntries, Math.max(0, options.hotEntries ?? HOT_ENTRIES))
        : this.#maxEntries,
    );
    this.#compact = new LruMap(this.#maxEntries);
    this.#logger = options.logger?.child({ component: 'search-cache' });
    this.#sharedCounter = this.#shared
      ? options.metrics?.counter(
          'citebox_search_cache_shared_hits_total',
          'Search-result cache hits found in the cache the processes of this server share',
        )
      : undefined;
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

  /** Result lists kept at most (fewer for a backend that gives no compact form of them). */
  get maxEntries(): number {
    return this.#maxEntries;
  }

  searchVectors?(query: VectorSearchQuery): Promise<SearchHit[]>;

  cacheStats(): SearchResultCacheStats {
    let entries = this.#compact.size;
    // Whole entries not (yet) compact too: in flight, or of a backend without a compact form.
    for (const key of this.#hot.keys()) if (!this.#compact.has(key)) entries++;
    return { hits: this.#hits, sharedHits: this.#sharedHits, misses: this.#misses, entries };
  }

  override async search(query: SearchQuery): Promise<SearchHit[]> {
    const normalized = { ...query, text: normalizeQueryText(query.text) };
    if (this.#maxEntries === 0) return this.inner.search(normalized);
    const key = searchCacheKey(normalized, await this.inner.generation());
    if (key === undefined) return this.inner.search(normalized);
    const hot = this.#hot.get(key);
    if (hot) {
      // Its compact form is used too (kept as long as the whole one).
      this.#compact.get(key);
      this.#count('hit');
      // Callers get their own array; the hits themselves are read-only.
      return (await hot).slice();
    }
    const codec = this.inner.resultCodec;
    const local = this.#compact.get(key);
    const encoded = local?.bytes ?? this.#shared?.get(key);
    if (encoded && codec) {
      let reads = 1;
      if (local) {
        reads = ++local.reads;
      } else {
        this.#compact.set(key, { bytes: encoded, reads });
        this.#sharedHits++;
        this.#sharedCounter?.inc();
      }
      this.#count('hit');
      const hits = codec.decode(normalized, encoded);
      // Kept whole once asked for again and again: the popular queries.
      if (reads >= READS_BEFORE_WHOLE) this.#hot.set(key, Promise.resolve(hits));
      return hits.slice();
    }
    this.#count('miss');
    const pending = this.inner.search(normalized);
    this.#hot.set(key, pending);
    let hits: SearchHit[];
    try {
      hits = await pending;
    } catch (err) {
      // A failed search is not remembered (unless a newer one took its place meanwhile).
      if (this.#hot.peek(key) === pending) this.#hot.delete(key);
      throw err;
    }
    if (codec) {
      const compact = codec.encode(hits);
      if (compact) {
        this.#compact.set(key, { bytes: compact, reads: 0 });
        this.#shared?.set(key, compact);
        // Kept whole only once read back (READS_BEFORE_WHOLE): most first-time queries are never
        // repeated, and a whole list that outlives a young-generation collection costs copying.
        if (this.#hot.peek(key) === pending) this.#hot.delete(key);
      }
    }
    return hits.slice();
  }

  #count(result: 'hit' | 'miss'): void {
    if (result === 'hit') this.#hits++;
    else this.#misses++;
    this.#counter?.inc({ result });
  }

  /** Forgets every entry (writes need not call it: the generation in the key moves on). */
  clear(): void {
    this.#hot.clear();
    this.#compact.clear();
  }

  override async close(): Promise<void> {
    this.clear();
    if (this.#hits + this.#misses > 0) {
      this.#logger?.debug({ hits: this.#hits, misses: this.#misses }, 'search cache closed');
    }
    await this.inner.close();
  }
}

/** `backend` behind a result cache of `maxEntries` lists, or `backend` itself when 0. */
export function withSearchResultCache(
  backend: SearchBackend,
  options: SearchResultCacheOptions,
): SearchBackend {
  return options.maxEntries > 0 ? new CachedSearchBackend(backend, options) : backend;
}
