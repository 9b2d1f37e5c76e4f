// The one interface every search backend implements (SQLite FTS5, Elasticsearch, OpenSearch).
// The backend contract test suite (services/search/backend-contract.ts) runs against each.
import type { BackendKind } from '../config.js';
import type {
  HealthReport,
  IndexStats,
  PageRecord,
  PassageRecord,
  SearchHit,
  SearchQuery,
  VectorSearchQuery,
} from '../types.js';

export interface PageWithPassages {
  readonly page: PageRecord;
  readonly passages: readonly PassageRecord[];
}

export interface BulkReport {
  /** Pages written. */
  readonly written: number;
  /** Pages that could not be written, each with its reason; never dropped silently. */
  readonly failed: ReadonlyArray<{ readonly url: string; readonly reason: string }>;
}

/**
 * A compact form of one search's results, for caches: the hits as bytes naming each passage and
 * its score (16 bytes a hit, where the hits themselves hold the passages' text, ~2.5 KB a hit),
 * and the hits back from those bytes, read from the index. A cache keyed by the index generation
 * gets back what the search returned, for a fraction of the memory; and bytes can be shared
 * between processes (result-cache.ts).
 */
export interface SearchResultCodec {
  /** The hits a `search` of this backend returned, compactly; undefined when they cannot be. */
  encode(hits: readonly SearchHit[]): Uint8Array | undefined;
  /**
   * The hits `search(query)` returned when `encoded` was made, with their passages read again
   * (a passage deleted since is left out).
   */
  decode(query: SearchQuery, encoded: Uint8Array): SearchHit[];
}

export interface SearchBackend {
  readonly kind: BackendKind;
  /** Creates the index / schema if missing. Idempotent. */
  open(): Promise<void>;
  /** Writes pages, each replacing any earlier version of the same URL and its passages. */
  replacePages(items: readonly PageWithPassages[]): Promise<BulkReport>;
  /** Removes a page and its passages. Returns whether it was there. */
  deletePage(url: string): Promise<boolean>;
  /** Ranked passages for a query, best first, at most `limit`. */
  search(query: SearchQuery): Promise<SearchHit[]>;
  /**
   * Passages nearest to a query embedding (cosine), best first, at most `limit`. Optional: backends
   * that store passage vectors implement it; hybrid.ts fuses it with `search`.
   */
  searchVectors?(query: VectorSearchQuery): Promise<SearchHit[]>;
  /** Optional: a compact form of this backend's results, for result caches (see SearchResultCodec). */
  readonly resultCodec?: SearchResultCodec | undefined;
  /** Passages by id, in the order asked (missing ids are left out). */
  getPassages(ids: readonly string[]): Promise<PassageRecord[]>;
  /** Makes recent writes visible to search. */
  refresh(): Promise<void>;
  stats(): Promise<IndexStats>;
  /** Increases with every write; cheap to read. */
  generation(): Promise<number>;
  ping(): Promise<HealthReport>;
  close(): Promise<void>;
}
