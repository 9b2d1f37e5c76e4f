// The embedded crawl state: crawl.sqlite on this machine (crawl-store.ts), behind the same
// interface as the engine's. One process owns a job at a time (its heartbeat says it is alive), so
// there is nothing to coordinate: `fleet` is undefined and the owner pages through the queue.

import type {
  CrawlJob,
  CrawlOptions,
  CrawlStateStore,
  CrawlStatus,
  FrontierBatch,
  FrontierEntry,
  FrontierMemory,
  FrontierRow,
  JobCounters,
  JobOrigin,
  JobPhase,
  NewUrl,
  PendingDeletion,
  RevisitCandidate,
  UrlState,
  UrlStatus,
} from '../types.js';
import { CrawlStore } from './crawl-store.js';

export class SqliteStateStore implements CrawlStateStore {
  readonly kind = 'sqlite' as const;
  readonly fleet = undefined;
  readonly location: string;
  /** The synchronous store underneath (tests, `citebox status`). */
  readonly db: CrawlStore;

  constructor(path: string) {
    this.location = path;
    this.db = new CrawlStore(path);
  }

  async open(): Promise<void> {}

  async close(): Promise<void> {
    this.db.close();
  }

  async createJob(
    seeds: readonly string[],
    options: CrawlOptions,
    origin: JobOrigin = 'api',
  ): Promise<CrawlJob> {
    return this.db.createJob(seeds, options, origin);
  }

  async getJob(id: string): Promise<CrawlJob | undefined> {
    return this.db.getJob(id);
  }

  async requireJob(id: string): Promise<CrawlJob> {
    return this.db.requireJob(id);
  }

  async listJobs(limit = 50): Promise<CrawlJob[]> {
    return this.db.listJobs(limit);
  }

  async findUnfinished(seeds: readonly string[], options: CrawlOptions): Promise<CrawlJob | undefined> {
    return this.db.findUnfinished(seeds, options);
  }

  async runnableJobs(
    origin: JobOrigin,
    staleMs: number,
    ownerAlive?: (owner: string) => boolean,
  ): Promise<CrawlJob[]> {
    return this.db.orphanedJobs(staleMs, origin, ownerAlive);
  }

  async claimJob(
    id: string,
    owner: string,
    staleMs: number,
    ownerAlive?: (owner: string) => boolean,
  ): Promise<boolean> {
    return this.db.claimJob(id, owner, staleMs, ownerAlive);
  }

  async releaseJob(id: string, owner: string): Promise<void> {
    this.db.releaseJob(id, owner);
  }

  async heartbeat(id: string, owner: string): Promise<void> {
    this.db.heartbeat(id, owner);
  }

  async cancelRequested(id: string): Promise<boolean> {
    return this.db.cancelRequested(id);
  }

  async requestCancel(id: string): Promise<CrawlJob> {
    return this.db.requestCancel(id);
  }

  async finishJob(
    id: string,
    status: Exclude<CrawlStatus, 'queued' | 'running'>,
    error: string | null,
  ): Promise<void> {
    this.db.finishJob(id, status, error);
  }

  async setDeletionsSuspended(id: string, hosts: readonly string[]): Promise<void> {
    this.db.setDeletionsSuspended(id, hosts);
  }

  async jobPhase(id: string): Promise<JobPhase> {
    return this.db.jobPhase(id);
  }

  async setPhase(id: string, phase: JobPhase): Promise<void> {
    this.db.setPhase(id, phase);
  }

  async sitemapsDone(id: string): Promise<boolean> {
    return this.db.sitemapsDone(id);
  }

  async setSitemapsDone(id: string): Promise<void> {
    this.db.setSitemapsDone(id);
  }

  async countJob(jobId: string): Promise<JobCounters> {
    return this.db.countJob(jobId);
  }

  async fetchedPerHost(jobId: string): Promise<Map<string, number>> {
    return this.db.fetchedPerHost(jobId);
  }

  async rememberFrontier(jobId: string, memory: FrontierMemory): Promise<void> {
    this.db.forEachUrl(jobId, (url, host) => memory.remember(url, host));
  }

  async nextQueued(
    jobId: string,
    afterDepth: number,
    afterSeq: number,
    limit: number,
  ): Promise<FrontierEntry[]> {
    return this.db.nextQueued(jobId, afterDepth, afterSeq, limit);
  }

  async urlStatus(jobId: string, url: string): Promise<UrlStatus | undefined> {
    return this.db.urlStatus(jobId, url);
  }

  async enqueue(jobId: string, entries: readonly NewUrl[]): Promise<NewUrl[]> {
    return this.db.enqueue(jobId, entries);
  }

  async writeBatch(
    jobId: string,
    owner: string,
    batch: FrontierBatch,
    counters: JobCounters,
  ): Promise<NewUrl[]> {
    return this.db.writeBatch(jobId, owner, batch, counters);
  }

  async urlState(url: string): Promise<UrlState | undefined> {
    return this.db.urlState(url);
  }

  async indexedWithHash(hash: string, exceptUrl: string): Promise<string | undefined> {
    return this.db.indexedWithHash(hash, exceptUrl);
  }

  async simhashesOfHost(host: string, fn: (indexedAs: string, simhash: string) => void): Promise<void> {
    this.db.simhashesOfHost(host, fn);
  }

  async knownHosts(): Promise<string[]> {
    return this.db.knownHosts();
  }

  async *revisitCandidates(host: string): AsyncIterable<RevisitCandidate> {
    // Read whole before the caller writes (queues some of them) on the same connection.
    yield* [...this.db.revisitRows(host)];
  }

  async pendingDeletions(jobId: string): Promise<PendingDeletion[]> {
    return this.db.pendingDeletions(jobId);
  }

  async markDeletion(_jobId: string, key: string, state: 'done' | 'suspended'): Promise<void> {
    this.db.markDeletion(Number(key), state);
  }

  async markRemoved(url: string, state: string): Promise<void> {
    this.db.markRemoved(url, state);
  }

  async hostTallies(jobId: string): Promise<Map<string, { attempted: number; errors: number }>> {
    return this.db.hostTallies(jobId);
  }

  async skipReasons(jobId: string, limit = 5): Promise<Array<{ reason: string; count: number }>> {
    return this.db.skipReasons(jobId, limit);
  }

  async failureReasons(jobId: string, limit = 3): Promise<string[]> {
    return this.db.failureReasons(jobId, limit);
  }

  async frontierOf(jobId: string): Promise<FrontierRow[]> {
    return this.db.frontierOf(jobId);
  }
}
