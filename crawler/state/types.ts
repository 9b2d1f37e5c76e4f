// What the crawler keeps between runs and shares between processes: crawl jobs, each job's frontier
// (one record per URL: status, next fetch time, host, depth, validators, content hash), what is
// known of each URL across crawls, and - in a fleet - host leases, URL claims and the job's page
// budget. One interface (CrawlStateStore), two stores: crawl.sqlite on one machine (./sqlite) and
// indices of the search engine for workers on many hosts (./engine).
import type { HostGate, HostSnapshot } from '../politeness.js';
import type { ScopeMode } from '../urls.js';

export type CrawlStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type UrlStatus = 'queued' | 'indexed' | 'unchanged' | 'skipped' | 'failed';
/** Who started a job: the server resumes its own (`api`); `citebox crawl` resumes `cli` jobs. */
export type JobOrigin = 'api' | 'cli';
/** crawl → revisit (known pages not reached this time) → done. */
export type JobPhase = 'crawl' | 'revisit' | 'finish';

export interface CrawlOptions {
  readonly max_pages: number;
  readonly max_depth: number;
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
  readonly scope?: ScopeMode | undefined;
  /** Hosts crawled besides the scope's (with any scope). */
  readonly hosts?: readonly string[] | undefined;
  readonly max_pages_per_host?: number | undefined;
  /** Re-fetch every page now, whatever its revisit interval says. */
  readonly refresh?: boolean | undefined;
}

export interface CrawlStats {
  readonly discovered: number;
  readonly fetched: number;
  readonly indexed: number;
  readonly skipped: number;
  readonly failed: number;
  readonly queued: number;
  /** Pages that had not changed since the last crawl (304, same content, or not due). */
  readonly unchanged: number;
  /** Pages removed from the index (gone, noindex, redirected away, merged). */
  readonly deleted: number;
}

/** A crawl job as the API shows it. */
export interface CrawlJob {
  readonly id: string;
  readonly status: CrawlStatus;
  readonly seeds: readonly string[];
  readonly options: CrawlOptions;
  readonly stats: CrawlStats;
  readonly error: string | null;
  readonly origin: JobOrigin;
  /** Hosts whose deletions were held back because most of their requests failed. */
  readonly deletions_suspended: readonly string[];
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
}

/** What the store remembers about a URL across crawls. */
export interface UrlState {
  readonly url: string;
  readonly host: string;
  /** indexed | duplicate | variant | near-duplicate | missing | gone | noindex | redirected | skipped */
  readonly state: string;
  readonly indexed_as: string | null;
  readonly etag: string | null;
  readonly last_modified: string | null;
  readonly content_hash: string | null;
  readonly simhash: string | null;
  readonly misses: number;
  readonly revisit_ms: number | null;
  readonly next_visit_at: number | null;
  readonly outlinks: string | null;
}

export interface FrontierEntry {
  readonly seq: number;
  /** The URL's key in the frontier (normalizeUrl). */
  readonly url: string;
  /** The URL to request and match robots.txt against: the link as written (its key when unknown). */
  readonly fetchUrl: string;
  readonly host: string;
  readonly depth: number;
  readonly attempts: number;
  readonly nextFetchAt: number;
  readonly prev: UrlState | undefined;
  /** This process's claim on the URL, when the store is shared by a fleet. */
  readonly claim?: UrlClaim | undefined;
}

/**
 * A claim of a shared store: the URL's document as this process claimed it (its version) and
 * until when the claim holds. The outcome is written on that version only, so a process whose
 * claim lapsed and was taken over cannot overwrite the new holder's work.
 */
export interface UrlClaim {
  readonly seqNo: number;
  readonly primaryTerm: number;
  readonly until: number;
  /**
   * The whole document as claimed (at that version), when the store keeps it: the outcome is then
   * written as a whole document on the claim's version, with no read of it in the engine.
   */
  readonly doc?: Readonly<Record<string, unknown>> | undefined;
}

export interface NewUrl {
  /** The key (normalizeUrl). */
  readonly url: string;
  readonly host: string;
  readonly depth: number;
  /** The request URL, when it is not the key itself. */
  readonly fetchUrl?: string | undefined;
}

export interface UrlOutcome {
  readonly url: string;
  readonly status: Exclude<UrlStatus, 'queued'>;
  readonly reason?: string | undefined;
  readonly httpStatus?: number | undefined;
  readonly contentHash?: string | undefined;
  readonly etag?: string | undefined;
  readonly lastModified?: string | undefined;
  /** Whether an HTTP answer came back. */
  readonly fetched: boolean;
  /** A URL to remove from the index when the crawl finishes (subject to the outage guard). */
  readonly deleteUrl?: string | undefined;
  readonly claim?: UrlClaim | undefined;
}

export interface UrlRetry {
  readonly url: string;
  readonly attempts: number;
  readonly nextFetchAt: number;
  readonly reason: string;
  readonly claim?: UrlClaim | undefined;
}

export type UrlStateWrite = Omit<UrlState, 'misses' | 'revisit_ms' | 'next_visit_at' | 'outlinks'> & {
  readonly misses?: number | undefined;
  readonly revisit_ms?: number | null | undefined;
  readonly next_visit_at?: number | null | undefined;
  /** undefined keeps the stored outlinks. */
  readonly outlinks?: string | null | undefined;
  /** The URL requested for this key (undefined keeps the stored one). */
  readonly fetch_url?: string | undefined;
  readonly http_status?: number | undefined;
  readonly duplicate_of?: string | null | undefined;
  readonly changed?: boolean | undefined;
};

/** One batched transaction of a runner's work. */
export interface FrontierBatch {
  readonly enqueue: readonly NewUrl[];
  /** URLs resolved without a fetch of their own (a canonical indexed from a variant). */
  readonly resolved: readonly UrlOutcome[];
  readonly outcomes: readonly UrlOutcome[];
  readonly retries: readonly UrlRetry[];
  readonly states: readonly UrlStateWrite[];
}

export interface PendingDeletion {
  /** Which row or document (the store's own key). */
  readonly key: string;
  readonly url: string;
  readonly host: string;
  readonly deleteUrl: string;
}

/** Counters of a job, kept in memory by its runner and written with every batch. */
export interface JobCounters {
  discovered: number;
  fetched: number;
  indexed: number;
  skipped: number;
  failed: number;
  unchanged: number;
  deleted: number;
}

export function emptyCounters(): JobCounters {
  return { discovered: 0, fetched: 0, indexed: 0, skipped: 0, failed: 0, unchanged: 0, deleted: 0 };
}

export function statsOf(c: JobCounters): CrawlStats {
  const done = c.indexed + c.skipped + c.failed + c.unchanged;
  return {
    discovered: c.discovered,
    fetched: c.fetched,
    indexed: c.indexed,
    skipped: c.skipped,
    failed: c.failed,
    queued: Math.max(0, c.discovered - done),
    unchanged: c.unchanged,
    deleted: c.deleted,
  };
}

/** What a run needs to rebuild its trap guard on resume (per-URL and per-host counts). */
export interface FrontierMemory {
  remember(url: string, host: string): void;
  /** `count` URLs of a host, when the store gives counts rather than URLs. */
  rememberHost(host: string, count: number): void;
}

/** A URL Citebox knows from earlier crawls that a revisit pass may re-check. */
export interface RevisitCandidate {
  readonly url: string;
  readonly fetchUrl: string | undefined;
}

/** A job's URLs with their outcome (tests, diagnostics). */
export interface FrontierRow {
  readonly url: string;
  readonly status: UrlStatus;
  readonly reason: string | null;
  readonly http_status: number | null;
}

/**
 * The crawl state. Every method may fail with BACKEND_UNAVAILABLE (the engine is unreachable):
 * callers back off and retry; nothing written before is lost.
 */
export interface CrawlStateStore {
  /** `sqlite`: crawl.sqlite in the data directory; `engine`: indices of Elasticsearch/OpenSearch. */
  readonly kind: 'sqlite' | 'engine';
  /** Coordination of processes crawling one job together; undefined when one process owns a job. */
  readonly fleet: FleetCoordination | undefined;
  /** Where the state lives, for logs and `citebox status`. */
  readonly location: string;
  open(): Promise<void>;
  close(): Promise<void>;

  // ---- jobs ----
  createJob(seeds: readonly string[], options: CrawlOptions, origin?: JobOrigin): Promise<CrawlJob>;
  getJob(id: string): Promise<CrawlJob | undefined>;
  /** The job, or NOT_FOUND. */
  requireJob(id: string): Promise<CrawlJob>;
  /** Newest first. */
  listJobs(limit?: number): Promise<CrawlJob[]>;
  /** An unfinished job with exactly these seeds and options (what `citebox crawl` resumes). */
  findUnfinished(seeds: readonly string[], options: CrawlOptions): Promise<CrawlJob | undefined>;
  /**
   * Unfinished jobs of `origin` this process may run now. One owner per job (sqlite): those whose
   * runner is gone (no heartbeat for `staleMs`, or an owner `ownerAlive` says is dead). A fleet
   * (engine): every unfinished one, since every free worker helps.
   */
  runnableJobs(
    origin: JobOrigin,
    staleMs: number,
    ownerAlive?: (owner: string) => boolean,
  ): Promise<CrawlJob[]>;
  /**
   * Takes a job for a runner: false when it is finished or (one owner per job) another live
   * runner holds it. A fleet store lets any number of runners take it.
   */
  claimJob(
    id: string,
    owner: string,
    staleMs: number,
    ownerAlive?: (owner: string) => boolean,
  ): Promise<boolean>;
  /** Gives a job up without finishing it (a runner stopping); another may resume it at once. */
  releaseJob(id: string, owner: string): Promise<void>;
  heartbeat(id: string, owner: string): Promise<void>;
  cancelRequested(id: string): Promise<boolean>;
  /** Asks the job's runners (in any process) to stop; a job nobody runs stops at once. */
  requestCancel(id: string): Promise<CrawlJob>;
  /** Ends a job: URLs left in its queue are skipped (max_pages, cancel), its counters are final. */
  finishJob(
    id: string,
    status: Exclude<CrawlStatus, 'queued' | 'running'>,
    error: string | null,
  ): Promise<void>;
  setDeletionsSuspended(id: string, hosts: readonly string[]): Promise<void>;
  jobPhase(id: string): Promise<JobPhase>;
  setPhase(id: string, phase: JobPhase): Promise<void>;
  sitemapsDone(id: string): Promise<boolean>;
  setSitemapsDone(id: string): Promise<void>;

  // ---- the frontier ----
  /** A job's counters, counted from its frontier (`fresh`: after every write is visible). */
  countJob(jobId: string, options?: { fresh?: boolean }): Promise<JobCounters>;
  /** Per host, the job's URLs whose fetch got an HTTP answer (what `max_pages_per_host` caps). */
  fetchedPerHost(jobId: string): Promise<Map<string, number>>;
  /** Feeds a job's URLs (or per-host counts) to a trap guard being rebuilt. */
  rememberFrontier(jobId: string, memory: FrontierMemory): Promise<void>;
  /**
   * The next queued URLs after (depth, seq), breadth first, each with what is known about it: how
   * the one owner of a job pages through its queue. (A fleet claims URLs instead: `fleet.claim`.)
   */
  nextQueued(jobId: string, afterDepth: number, afterSeq: number, limit: number): Promise<FrontierEntry[]>;
  /** The status of a URL in a job, if it is in its frontier. */
  urlStatus(jobId: string, url: string): Promise<UrlStatus | undefined>;
  /** Adds URLs outside a runner's batch (sitemaps, the revisit pass). Returns the new ones. */
  enqueue(jobId: string, entries: readonly NewUrl[]): Promise<NewUrl[]>;
  /**
   * Commits a runner's batch: new URLs (before the outcomes of the pages that found them, so a
   * URL is never done without its links), outcomes, retries, URL states, the counters and the
   * heartbeat. Returns the URLs that were new to the frontier. In a fleet, outcomes and retries
   * whose claim was taken over are dropped (`counters` only count what was written).
   */
  writeBatch(jobId: string, owner: string, batch: FrontierBatch, counters: JobCounters): Promise<NewUrl[]>;

  // ---- what is known across crawls ----
  urlState(url: string): Promise<UrlState | undefined>;
  /** Another indexed URL whose main text has this hash (an exact duplicate), if any. */
  indexedWithHash(hash: string, exceptUrl: string): Promise<string | undefined>;
  /** SimHashes of a host's indexed pages, by the URL they are indexed under. */
  simhashesOfHost(host: string, fn: (indexedAs: string, simhash: string) => void): Promise<void>;
  /** Hosts Citebox knows pages of. */
  knownHosts(): Promise<string[]>;
  /** URLs of a host that are (or may still be) in the index, most overdue first. */
  revisitCandidates(host: string): AsyncIterable<RevisitCandidate>;

  // ---- deletions and reports ----
  pendingDeletions(jobId: string): Promise<PendingDeletion[]>;
  markDeletion(jobId: string, key: string, state: 'done' | 'suspended'): Promise<void>;
  /** Forgets that a URL is indexed (after its page was removed from the index). */
  markRemoved(url: string, state: string): Promise<void>;
  /** Per host of a job: URLs attempted and how many failed, were gone or errored (the outage guard). */
  hostTallies(jobId: string): Promise<Map<string, { attempted: number; errors: number }>>;
  /** Why a job's URLs were skipped, most common first ("… of https://…" reasons counted together). */
  skipReasons(jobId: string, limit?: number): Promise<Array<{ reason: string; count: number }>>;
  /** Reasons of failed URLs, most common first (for a job's failure message). */
  failureReasons(jobId: string, limit?: number): Promise<string[]>;
  frontierOf(jobId: string): Promise<FrontierRow[]>;
}

/** Why a fleet member may have to wait for a step of a job that only one process does. */
export type JobStep = 'sitemaps' | 'revisit' | 'finish';

/**
 * What processes crawling one job together share, beyond the frontier: claims of URLs (a
 * claimed URL is fetched by its claimer only; a claim lapses after the lease), leases of hosts
 * (one process at a time talks to a host, so delays, Crawl-delay, Retry-After and backoff hold
 * for the whole fleet), the job's page budget (max_pages), the one-process steps of a job, and
 * who is alive.
 */
export interface FleetCoordination {
  /** How long a claim or a lease holds without renewal, ms. */
  readonly leaseMs: number;
  readonly hosts: HostLeases;
  /**
   * Registers this process (heartbeats until close): a `worker` takes hosts and claims URLs, and
   * its politeness of each host travels with the host's lease.
   */
  register(owner: string, role: 'worker' | 'api', politeness?: HostPoliteness): void;
  /** Crawl workers that sent a heartbeat within the lease. */
  liveWorkers(): Promise<number>;
  /**
   * Hosts with URLs of the job ready to claim (queued, due, unclaimed or their claim lapsed),
   * shallowest first, with how many; `total`: hosts with any queued URL (ready, claimed or due later).
   */
  readyHosts(
    jobId: string,
    limit: number,
  ): Promise<{ hosts: Array<{ host: string; ready: number }>; total: number }>;
  /**
   * Claims up to `perHost` ready URLs of each host (shallowest first) for `owner`, with
   * optimistic concurrency: a URL another process claimed or settled meanwhile is not returned.
   * `skip` leaves out URLs the caller already has (a search may lag behind its own writes).
   */
  claim(
    jobId: string,
    owner: string,
    hosts: readonly string[],
    perHost: number,
    skip?: (url: string) => boolean,
  ): Promise<FrontierEntry[]>;
  /** Gives claims back (a process stopping with URLs it did not get to). */
  unclaim(jobId: string, entries: readonly FrontierEntry[]): Promise<void>;
  /** URLs of the job still queued (claimed, due later or ready), after making every write visible. */
  pendingUrls(jobId: string): Promise<number>;
  /**
   * Takes the one-process step of a job (reading sitemaps, queueing the revisit pass, finishing),
   * for `owner`, under a lease: false when done already or another live process has it.
   */
  beginStep(jobId: string, step: JobStep, owner: string): Promise<'mine' | 'taken' | 'done'>;
  /** Marks a step done (its lease ends). */
  endStep(jobId: string, step: JobStep, owner: string): Promise<void>;
  /** Whether a step is done (e.g. the revisit pass was queued). */
  stepDone(jobId: string, step: JobStep): Promise<boolean>;
  /** A step another live process is in the middle of, if any. */
  stepBusy(jobId: string): Promise<JobStep | undefined>;
  /** Reserves up to `want` pages of the job's max_pages for `owner`; returns how many it got. */
  reservePages(jobId: string, owner: string, want: number): Promise<number>;
  /**
   * Settles `owner`'s reservation: `consumed` pages were indexed or found unchanged (they count
   * towards max_pages for good), `returned` reserved pages go back to the job.
   */
  settlePages(jobId: string, owner: string, consumed: number, returned: number): Promise<void>;
  /** Pages of max_pages neither consumed nor held by a live process, and pages held (by anyone). */
  pagesLeft(jobId: string): Promise<{ left: number; held: number }>;
}

/**
 * Fleet-wide politeness: one process at a time holds a host, under a lease it renews; it keeps
 * the host's next allowed request time, Crawl-delay, backoff and pauses in the host's document,
 * so the next holder starts where it stopped.
 */
export interface HostLeases extends HostGate {
  /** Whether this process holds the host for at least `forMs` more (a request may start). */
  holds(host: string, forMs?: number): boolean;
  /** Hosts this process holds now. */
  held(): string[];
  /** Tries to take hosts (free ones, or those whose lease lapsed); returns those taken. */
  acquire(hosts: readonly string[], max: number): Promise<string[]>;
  /** Marks a host still wanted (a queue of it is waiting): wanted hosts are renewed, idle ones released. */
  want(host: string): void;
  /** Gives hosts up now (more than this process's share), with their politeness. */
  release(hosts: readonly string[]): Promise<void>;
}

/** The process's own politeness of each host, which a host lease carries from process to process. */
export interface HostPoliteness {
  snapshot(host: string): HostSnapshot;
  restore(host: string, snapshot: HostSnapshot): void;
  /** The gap the host gets between two requests now, ms. */
  delayFor(host: string): number;
  /** Requests in flight to the host. */
  activeOn(host: string): number;
}
