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
