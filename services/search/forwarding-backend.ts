// The base of a search backend that wraps another (result cache, structure ranking, embeddings):
// every call goes to the wrapped backend unless the wrapper overrides it, so a wrapper states only
// what it changes. Optional capabilities (`searchVectors`, `resultCodec`) are not forwarded here:
// each wrapper says whether it keeps them, because forwarding one can be wrong (a cached or
// re-ranked list is not the inner backend's list).
import type { HealthReport, IndexStats, PassageRecord, SearchHit, SearchQuery } from '../types.js';
import type { BulkReport, PageWithPassages, SearchBackend } from './backend.js';

export abstract class ForwardingBackend implements SearchBackend {
  /** The wrapped backend. */
  readonly inner: SearchBackend;

  constructor(inner: SearchBackend) {
    this.inner = inner;
  }

  get kind(): SearchBackend['kind'] {
    return this.inner.kind;
  }

  open(): Promise<void> {
    return this.inner.open();
  }

  replacePages(items: readonly PageWithPassages[]): Promise<BulkReport> {
    return this.inner.replacePages(items);
  }

  deletePage(url: string): Promise<boolean> {
    return this.inner.deletePage(url);
  }

  search(query: SearchQuery): Promise<SearchHit[]> {
    return this.inner.search(query);
  }

  getPassages(ids: readonly string[]): Promise<PassageRecord[]> {
    return this.inner.getPassages(ids);
  }

  refresh(): Promise<void> {
    return this.inner.refresh();
  }

  stats(): Promise<IndexStats> {
    return this.inner.stats();
  }

  generation(): Promise<number> {
    return this.inner.generation();
  }

  ping(): Promise<HealthReport> {
    return this.inner.ping();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
