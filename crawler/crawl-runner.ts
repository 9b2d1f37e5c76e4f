// Runs one crawl job to its end. A single dispatcher pages URLs from the durable frontier into
// per-host queues in memory (breadth first), starts a fetch whenever a host's politeness allows
// it, and commits outcomes and discovered links in batched transactions. Per URL: robots.txt,
// conditional GET, redirects checked hop by hop, charset decoding, extraction, meta robots and
// X-Robots-Tag, canonical, exact and near duplicates, then the PageSink. Known pages not reached
// by the crawl are revisited at the end, and pages found gone leave the index unless their host
// looks down. Stopping (signal) leaves the job resumable; cancelling finishes it.
import { CiteboxError, errorMessage, isCiteboxError, type Logger, type PageSink } from '../services/index.js';
import type { CrawlMetrics } from './crawl-metrics.js';
import {
  DOCUMENT_MAX_BYTES,
  DOCUMENT_MEDIA_TYPES,
  type DocumentPool,
  type DocumentType,
  documentTypeOf,
  looksLikeDocument,
} from './documents/index.js';
import { documentPageAnalysis } from './documents/page.js';
import type { ExtractPool } from './extract-pool.js';
import { type Fetcher, type FetchResult, HTML_TYPES } from './fetcher.js';
import type { PageAnalysis } from './page-analysis.js';
import { PageBatcher } from './page-batcher.js';
import { type PolitenessScheduler, type RequestOutcome, retryAfterMs } from './politeness.js';
import { goneVerdict, nextInterval, outageHosts, type RevisitPolicy } from './revisit.js';
import { productToken, type RobotsCache } from './robots.js';
import { fingerprintFromHex, SimHashIndex } from './simhash.js';
import { readSitemap } from './sitemaps.js';
import {
  type CrawlJob,
  type CrawlStats,
  type CrawlStore,
  type FrontierEntry,
  type JobCounters,
  type NewUrl,
  statsOf,
  type UrlOutcome,
  type UrlRetry,
  type UrlState,
  type UrlStateWrite,
} from './state/index.js';
import { TrapGuard, type TrapLimits, urlTrapReason } from './traps.js';
import { hostOf, makeScope, normalizeUrl, registrableDomain, requestUrl, resolveLink } from './urls.js';

export interface RunnerDeps {
  readonly store: CrawlStore;
  readonly fetcher: Fetcher;
  readonly robots: RobotsCache;
  readonly sink: PageSink;
  readonly logger: Logger;
  readonly scheduler: PolitenessScheduler;
  readonly metrics: CrawlMetrics;
  readonly revisit: RevisitPolicy;
  /** Decodes, extracts and hashes pages (on worker threads when it has them). */
  readonly pages: ExtractPool;
  /** Reads documents (PDF, Office, OpenDocument, text) off the main thread, with limits. */
  readonly documents: DocumentPool;
  readonly traps?: Partial<TrapLimits> | undefined;
  /** Identifies this process as the job's owner. */
  readonly owner: string;
  /** A job whose owner has not written a heartbeat for this long is considered orphaned. */
  readonly staleMs: number;
  /** Whether a job's owner process is still alive. */
  readonly ownerAlive?: ((owner: string) => boolean) | undefined;
}

export interface RunOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((stats: CrawlStats) => void) | undefined;
}

const MAX_ATTEMPTS = 3;
const MAX_THROTTLED_ATTEMPTS = 5;
/** The retry of a URL whose host took no connection (robots.txt unreachable), ms. */
const UNREACHABLE_RETRY_MS = 1_000;
const HEARTBEAT_MS = 2_000;
const FLUSH_MS = 250;
const FLUSH_OPS = 500;
const BUFFER_LOW = 500;
const BUFFER_BATCH = 2_000;
const SEEN_CAP = 100_000;
const MAX_STORED_OUTLINKS = 500;
const MAX_SITEMAP_FILES = 50;
/** What a page fetch accepts: HTML and the documents Citebox reads. */
const ACCEPT: readonly string[] = [...HTML_TYPES, ...DOCUMENT_MEDIA_TYPES];
/** The same plus untyped bytes, for URLs whose extension names a document. */
const ACCEPT_WITH_UNTYPED: readonly string[] = [...ACCEPT, 'application/octet-stream', 'binary/octet-stream'];

/** Body caps of documents by type (HTML keeps the fetcher's). */
function documentCap(mediaType: string, url: string): number | undefined {
  if ((HTML_TYPES as readonly string[]).includes(mediaType)) return undefined;
  const type = documentTypeOf(mediaType, url);
  return type ? DOCUMENT_MAX_BYTES[type] : undefined;
}

/** URL states whose content is (or was) in the index, so a not-due visit can be skipped. */
const REVISITABLE = new Set(['indexed', 'duplicate', 'near-duplicate', 'variant']);

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Whether an X-Robots-Tag header forbids indexing / following for our user agent. */
export function parseXRobotsTag(
  header: string | undefined,
  userAgent: string,
): { noindex: boolean; nofollow: boolean } {
  const token = productToken(userAgent).toLowerCase();
  let noindex = false;
  let nofollow = false;
  for (const part of (header ?? '').toLowerCase().split(/,(?=\s*[a-z0-9_-]+\s*:)|\n/)) {
    // "googlebot: noindex" applies to that crawler only; "noindex" to all.
    const m = /^\s*([a-z0-9_-]+)\s*:\s*(.*)$/.exec(part);
    const directives =
      m && !/^(noindex|nofollow|none|unavailable_after|max-|noarchive|nosnippet)/.test(m[1] ?? '')
        ? m[1] === token
          ? (m[2] ?? '')
          : ''
        : part;
    if (/\b(noindex|none)\b/.test(directives)) noindex = true;
    if (/\b(nofollow|none)\b/.test(directives)) nofollow = true;
  }
  return { noindex, nofollow };
}

/** The canonical URL (request form) of an HTTP Link header (`<…>; rel="canonical"`), if any. */
export function canonicalFromLinkHeader(header: string | undefined, base: string): string | undefined {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]+)>\s*;([^,]*)/g)) {
    if (/\brel\s*=\s*"?canonical"?/i.test(m[2] ?? '')) {
      try {
        return requestUrl(m[1] ?? '', base);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

interface Report {
  readonly outcome: RequestOutcome;
  readonly elapsedMs?: number | undefined;
  readonly waitMs?: number | undefined;
}

export class CrawlRunner {
  readonly #deps: RunnerDeps;
  readonly #logger: Logger;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'crawler' });
  }

  /** Runs the job until its frontier is exhausted, it is cancelled, or `signal` stops it. */
  async run(jobId: string, options: RunOptions = {}): Promise<CrawlJob> {
    const { store } = this.#deps;
    if (!store.claimJob(jobId, this.#deps.owner, this.#deps.staleMs, this.#deps.ownerAlive)) {
      throw new CiteboxError('CONFLICT', `Crawl ${jobId} is finished or run by another process`);
    }
    const run = new JobRun(this.#deps, store.requireJob(jobId), this.#logger.child({ job: jobId }), options);
    return run.execute();
  }
}

/** The state of one run of one job in this process. */
class JobRun {
  readonly #d: RunnerDeps;
  readonly #job: CrawlJob;
  readonly #log: Logger;
  readonly #options: RunOptions;
  readonly #stop = new AbortController();
  readonly #inScope: (url: string) => boolean;
  readonly #guard: TrapGuard;
  readonly #counters: JobCounters;
  /** Recently seen URLs, so links every page repeats skip the database. */
  readonly #seen = new Set<string>();
  readonly #queues = new Map<string, FrontierEntry[]>();
  #buffered = 0;
  #cursor = { depth: -1, seq: 0 };
  #exhausted = false;
  readonly #delayed: FrontierEntry[] = [];
  /** URLs buffered, delayed or in flight: a re-read of the frontier must not load them twice. */
  readonly #held = new Set<string>();
  #inFlight = 0;
  readonly #tasks = new Set<Promise<void>>();
  #wake: (() => void) | undefined;
  // The batch being gathered for the next transaction.
  #enqueue: NewUrl[] = [];
  #outcomes: UrlOutcome[] = [];
  #resolved: UrlOutcome[] = [];
  #retries: UrlRetry[] = [];
  #states: UrlStateWrite[] = [];
  #lastFlush = Date.now();
  #lastHeartbeat = Date.now();
  #lastProgress = 0;
  /** Content hashes indexed in this run (not yet visible in url_state until flushed). */
  readonly #hashes = new Map<string, string>();
  /** URLs resolved in this run without their own fetch (canonicals, redirect targets). */
  readonly #resolvedUrls = new Set<string>();
  readonly #simIndexes = new Map<string, SimHashIndex>();
  /** Queue heads already checked for a decision without a fetch. */
  readonly #checked = new WeakSet<FrontierEntry>();
  #cancelled = false;
  #capped = false;
  readonly #batcher: PageBatcher;
  #hostRound: string[] = [];
  #hostPos = 0;
  /** max_pages_per_host: each host's pages fetched in this job, counted from the frontier at start. */
  readonly #hostFetched: Map<string, number>;
  /** Fetches in flight per host (they may still count towards the host's cap). */
  readonly #hostActive = new Map<string, number>();
  /** In-flight URLs whose outcome says an HTTP answer came back. */
  readonly #answered = new Set<string>();

  constructor(deps: RunnerDeps, job: CrawlJob, log: Logger, options: RunOptions) {
    this.#d = deps;
    this.#job = job;
    this.#log = log;
    this.#options = options;
    const seedHosts = job.seeds.map((s) => new URL(s).host);
    this.#inScope = makeScope({
      mode: job.options.scope,
      hosts: seedHosts,
      allowedHosts: job.options.hosts,
      include: job.options.include,
      exclude: job.options.exclude,
    });
    // The guard bounds each host's share of the frontier; max_pages_per_host itself is enforced
    // when a URL is about to be fetched (hostCap).
    const perHost = job.options.max_pages_per_host ?? job.options.max_pages;
    this.#guard = new TrapGuard({
      maxUrlsPerHost: Math.min(1_000_000, Math.max(1_000, perHost * 20)),
      ...deps.traps,
    });
    this.#counters = deps.store.countJob(job.id);
    // From the durable frontier, so a resumed job does not fetch a host past its cap.
    this.#hostFetched =
      job.options.max_pages_per_host === undefined ? new Map() : deps.store.fetchedPerHost(job.id);
    this.#batcher = new PageBatcher(deps.sink);
  }

  get #maxPages(): number {
    return this.#job.options.max_pages;
  }

  async execute(): Promise<CrawlJob> {
    const { store } = this.#d;
    const jobId = this.#job.id;
    this.#log.info({ seeds: this.#job.seeds, options: this.#job.options }, 'crawl started');
    const onAbort = () => this.#stop.abort();
    this.#options.signal?.addEventListener('abort', onAbort, { once: true });
    if (this.#options.signal?.aborted) this.#stop.abort();
    try {
      store.forEachUrl(jobId, (url, host) => this.#guard.remember(url, host));
      // Sitemap URLs count as one step from the seeds: a crawl of the seeds alone reads none.
      if (!store.sitemapsDone(jobId) && this.#job.options.max_depth >= 1) {
        await this.discoverSitemaps();
        if (!this.#stop.signal.aborted) store.setSitemapsDone(jobId);
      }
      for (;;) {
        await this.loop();
        if (this.#stop.signal.aborted || this.#capped) break;
        // The frontier is exhausted: revisit known pages the crawl did not reach, once.
        if (store.jobPhase(jobId) === 'crawl') {
          store.setPhase(jobId, 'revisit');
          const added = this.enqueueRevisits();
          this.#exhausted = false;
          if (added > 0) continue;
        }
        break;
      }
      await Promise.allSettled([...this.#tasks]);
      this.flush(true);
      if (!this.#stop.signal.aborted || this.#cancelled) {
        await this.applyDeletions();
        await this.#d.sink.flush();
      }
    } catch (err) {
      this.#stop.abort();
      await Promise.allSettled([...this.#tasks]);
      try {
        this.flush(true);
      } catch (flushErr) {
        this.#log.warn({ err: flushErr }, 'could not save the last batch');
      }
      throw err;
    } finally {
      this.#options.signal?.removeEventListener('abort', onAbort);
      this.#d.metrics.setQueued(jobId, undefined);
    }

    if (this.#cancelled || store.cancelRequested(jobId)) {
      store.finishJob(jobId, 'cancelled', null);
    } else if (this.#stop.signal.aborted) {
      await this.#d.sink.flush();
      store.releaseJob(jobId, this.#d.owner);
      this.#log.info('crawl interrupted; it resumes on the next run');
      return store.requireJob(jobId);
    } else {
      const stats = statsOf(this.#counters);
      if (stats.indexed + stats.unchanged === 0 && stats.failed + stats.skipped > 0) {
        const reasons = [
          ...store.failureReasons(jobId),
          ...(stats.failed === 0 ? ['every URL was skipped'] : []),
        ];
        store.finishJob(jobId, 'failed', `No page could be indexed: ${reasons.join('; ')}`);
      } else {
        store.finishJob(jobId, 'done', null);
      }
    }
    const finished = store.requireJob(jobId);
    this.#options.onProgress?.(finished.stats);
    this.#log.info({ status: finished.status, stats: finished.stats }, 'crawl finished');
    return finished;
  }

  // ---- the dispatcher ----

  private async loop(): Promise<void> {
    const { scheduler } = this.#d;
    while (!this.#stop.signal.aborted) {
      this.maintain();
      if (this.#counters.indexed + this.#counters.unchanged + this.#inFlight >= this.#maxPages) {
        if (this.#inFlight === 0) {
          this.#capped = true;
          return;
        }
        await this.waitForWork(1_000);
        continue;
      }
      if (this.#buffered < BUFFER_LOW && !this.#exhausted) this.refill();
      this.releaseDue();
      const started = this.dispatchReady();
      if (started) continue;
      if (this.#buffered === 0 && this.#delayed.length === 0 && this.#inFlight === 0) {
        if (this.#enqueue.length > 0 || this.#resolved.length > 0) {
          this.flush(true);
          this.#exhausted = false;
          continue;
        }
        if (this.#exhausted) return;
        continue;
      }
      // Nothing can start now: sleep until a host's slot opens, a retry is due or a fetch ends.
      const now = Date.now();
      let until = now + 250;
      for (const host of this.#queues.keys()) {
        // A host waiting on its cap opens when one of its fetches ends, which wakes the loop.
        if (this.hostCap(host) === 'open') until = Math.min(until, scheduler.readyAt(host));
      }
      for (const e of this.#delayed) until = Math.min(until, e.nextFetchAt);
      await this.waitForWork(Math.max(1, until - now));
    }
  }

  private waitForWork(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.#stop.signal;
      const self = this;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        if (self.#wake === done) self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Flushes the batch, writes the heartbeat, checks for a cancel and reports progress when due. */
  private maintain(): void {
    const now = Date.now();
    const ops = this.#enqueue.length + this.#outcomes.length + this.#retries.length + this.#resolved.length;
    if (
      ops >= FLUSH_OPS ||
      (ops > 0 && now - this.#lastFlush >= FLUSH_MS) ||
      now - this.#lastHeartbeat >= HEARTBEAT_MS
    ) {
      this.flush(false);
    }
    if (now - this.#lastHeartbeat >= HEARTBEAT_MS) {
      this.#lastHeartbeat = now;
      if (this.#d.store.cancelRequested(this.#job.id)) {
        this.#cancelled = true;
        this.#stop.abort();
      }
      void this.#d.sink.flush().catch((err: unknown) => this.#log.warn({ err }, 'index flush failed'));
    }
    if (this.#options.onProgress && now - this.#lastProgress >= 500) {
      this.#lastProgress = now;
      this.#options.onProgress(statsOf(this.#counters));
    }
  }

  /** Commits the gathered batch in one transaction. */
  private flush(force: boolean): void {
    const ops =
      this.#enqueue.length +
      this.#outcomes.length +
      this.#retries.length +
      this.#resolved.length +
      this.#states.length;
    if (ops === 0 && !force && Date.now() - this.#lastHeartbeat < HEARTBEAT_MS) return;
    const batch = {
      enqueue: this.#enqueue,
      resolved: this.#resolved,
      outcomes: this.#outcomes,
      retries: this.#retries,
      states: this.#states,
    };
    this.#enqueue = [];
    this.#resolved = [];
    this.#outcomes = [];
    this.#retries = [];
    this.#states = [];
    const added = this.#d.store.writeBatch(this.#job.id, this.#d.owner, batch, this.#counters);
    if (added.length < batch.enqueue.length) {
      // Links the frontier already held: give their trap-guard count back.
      const fresh = new Set(added.map((a) => a.url));
      for (const e of batch.enqueue) if (!fresh.has(e.url)) this.#guard.release(e.url, e.host);
    }
    if (added.length > 0) this.#exhausted = false;
    // A late page (a retry) can add links shallower than the read position: read from the top again.
    if (added.some((a) => a.depth < this.#cursor.depth)) this.#cursor = { depth: -1, seq: 0 };
    this.#lastFlush = Date.now();
    if (this.#hashes.size > 50_000) this.#hashes.clear(); // flushed ones are in url_state now
    this.#d.metrics.setQueued(this.#job.id, statsOf(this.#counters).queued);
  }

  /** Pages the next queued URLs into the per-host queues. */
  private refill(): void {
    // Outcomes first, so rows already settled in memory are no longer `queued` in the database.
    this.flush(true);
    const rows = this.#d.store.nextQueued(this.#job.id, this.#cursor.depth, this.#cursor.seq, BUFFER_BATCH);
    if (rows.length < BUFFER_BATCH) this.#exhausted = true;
    const now = Date.now();
    for (const row of rows) {
      this.#cursor = { depth: row.depth, seq: row.seq };
      if (this.#held.has(row.url) || this.#resolvedUrls.has(row.url)) continue;
      this.#held.add(row.url);
      if (row.nextFetchAt > now) {
        this.#delayed.push(row);
        continue;
      }
      this.push(row);
    }
  }

  private push(entry: FrontierEntry): void {
    let queue = this.#queues.get(entry.host);
    if (!queue) {
      queue = [];
      this.#queues.set(entry.host, queue);
      this.#hostRound.push(entry.host);
    }
    queue.push(entry);
    this.#buffered++;
  }

  private releaseDue(): void {
    if (this.#delayed.length === 0) return;
    const now = Date.now();
    for (let i = this.#delayed.length - 1; i >= 0; i--) {
      const e = this.#delayed[i];
      if (e && e.nextFetchAt <= now) {
        this.#delayed.splice(i, 1);
        this.push(e);
      }
    }
  }

  /** Starts every fetch politeness allows now; returns whether any started. */
  private dispatchReady(): boolean {
    const { scheduler } = this.#d;
    let started = false;
    let idle = 0;
    while (this.#hostRound.length > 0 && idle < this.#hostRound.length && !this.#stop.signal.aborted) {
      if (this.#counters.indexed + this.#counters.unchanged + this.#inFlight >= this.#maxPages) break;
      if (this.#hostPos >= this.#hostRound.length) this.#hostPos = 0;
      const host = this.#hostRound[this.#hostPos] as string;
      const queue = this.#queues.get(host);
      if (!queue || queue.length === 0) {
        this.#queues.delete(host);
        this.#hostRound.splice(this.#hostPos, 1);
        continue;
      }
      const entry = queue[0] as FrontierEntry;
      // Decisions that need no request take no politeness slot (checked once per entry).
      const settled = !this.#checked.has(entry) && this.settleWithoutFetch(entry);
      this.#checked.add(entry);
      const cap = settled ? 'open' : this.hostCap(host);
      if (cap === 'full') this.hostCapReached(entry);
      if (settled || cap === 'full') {
        queue.shift();
        this.#buffered--;
        this.#held.delete(entry.url);
        idle = 0;
        continue;
      }
      if (cap === 'wait' || !scheduler.canStart(host)) {
        this.#hostPos++;
        idle++;
        continue;
      }
      queue.shift();
      this.#buffered--;
      const waited = scheduler.begin(host);
      if (waited > 0) this.#d.metrics.politenessWait.inc(waited / 1000);
      this.start(entry);
      started = true;
      idle = 0;
      this.#hostPos++;
    }
    return started;
  }

  private start(entry: FrontierEntry): void {
    this.#inFlight++;
    this.#hostActive.set(entry.host, (this.#hostActive.get(entry.host) ?? 0) + 1);
    const task = this.process(entry)
      .catch((err: unknown) => {
        if (this.#stop.signal.aborted) return; // stays queued in the frontier for the resumed run
        this.#log.error({ err, url: entry.url }, 'unexpected crawl error');
        this.record({ url: entry.url, status: 'failed', reason: errorMessage(err), fetched: false });
      })
      .finally(() => {
        this.#inFlight--;
        this.#hostActive.set(entry.host, (this.#hostActive.get(entry.host) ?? 1) - 1);
        if (this.#answered.delete(entry.url)) {
          this.#hostFetched.set(entry.host, (this.#hostFetched.get(entry.host) ?? 0) + 1);
        }
        if (!this.#delayed.includes(entry) && !this.#delayed.some((d) => d.url === entry.url)) {
          this.#held.delete(entry.url);
        }
        this.#tasks.delete(task);
        this.#wake?.();
      });
    this.#tasks.add(task);
  }

  // ---- per URL ----

  /** Outcomes decided without a request: resolved elsewhere, not due for a revisit, robots (cached). */
  private settleWithoutFetch(entry: FrontierEntry): boolean {
    if (this.#resolvedUrls.has(entry.url)) return true;
    const prev = entry.prev;
    if (
      !this.#job.options.refresh &&
      prev &&
      REVISITABLE.has(prev.state) &&
      prev.next_visit_at !== null &&
      prev.next_visit_at > Date.now()
    ) {
      this.record({ url: entry.url, status: 'unchanged', reason: 'not due for a revisit', fetched: false });
      this.followStored(prev, entry.depth);
      return true;
    }
    const rules = this.#d.robots.cachedRules(entry.fetchUrl);
    if (rules && !rules.unavailableReason && !rules.isAllowed(entry.fetchUrl)) {
      this.robotsDenied(entry.url);
      return true;
    }
    return false;
  }

  /**
   * Whether `max_pages_per_host` lets the host's next URL be fetched: `full` once the host's
   * fetched pages reach the cap, `wait` while fetches in flight could still reach it.
   */
  private hostCap(host: string): 'open' | 'wait' | 'full' {
    const cap = this.#job.options.max_pages_per_host;
    if (cap === undefined) return 'open';
    const fetched = this.#hostFetched.get(host) ?? 0;
    if (fetched >= cap) return 'full';
    return fetched + (this.#hostActive.get(host) ?? 0) >= cap ? 'wait' : 'open';
  }

  /** A URL of a host that had its `max_pages_per_host` pages fetched: skipped, like a trap. */
  private hostCapReached(entry: FrontierEntry): void {
    this.#d.metrics.trapsAvoided.inc();
    this.record({
      url: entry.url,
      status: 'skipped',
      reason: `max_pages_per_host (${this.#job.options.max_pages_per_host}) reached`,
      fetched: false,
    });
  }

  private robotsDenied(url: string): void {
    this.#d.metrics.robotsDenied.inc();
    this.record({ url, status: 'skipped', reason: 'disallowed by robots.txt', fetched: false });
  }

  private async process(entry: FrontierEntry): Promise<void> {
    let report: Report = { outcome: 'ok' };
    try {
      report = await this.fetchAndHandle(entry);
    } finally {
      this.#d.scheduler.end(entry.host, report.outcome, report.elapsedMs, report.waitMs ?? 0);
    }
  }

  private async fetchAndHandle(entry: FrontierEntry): Promise<Report> {
    const { robots, fetcher, scheduler, metrics } = this.#d;
    const signal = this.#stop.signal;
    const { url, fetchUrl, host, prev } = entry;
    const rules = await robots.rulesFor(fetchUrl, signal);
    scheduler.setCrawlDelay(host, rules.crawlDelaySeconds);
    if (rules.refused) {
      // Retrying cannot help (a refused address, a name that does not exist): fail at once.
      this.record({ url, status: 'failed', reason: rules.unavailableReason, fetched: false });
      return { outcome: 'none' };
    }
    if (rules.unavailableReason) {
      // Nothing was asked of the page itself: its URL waits, the host's record is untouched. A host
      // that takes no connection is asked again soon and given up after one retry, so a crawl of
      // a host that is down ends in seconds.
      const wait = rules.unreachable ? UNREACHABLE_RETRY_MS : scheduler.backoffMs(entry.attempts);
      this.retryOrFail(
        entry,
        rules.unavailableReason,
        wait,
        false,
        undefined,
        rules.unreachable ? 2 : undefined,
      );
      return { outcome: 'none' };
    }
    // Rules are matched against the URL exactly as it is requested (RFC 9309 2.2.2).
    if (!rules.isAllowed(fetchUrl)) {
      this.robotsDenied(url);
      return { outcome: 'ok' };
    }

    const conditional: Record<string, string> = {};
    if (prev?.state === 'indexed') {
      if (prev.etag) conditional['if-none-match'] = prev.etag;
      if (prev.last_modified) conditional['if-modified-since'] = prev.last_modified;
    }
    let result: FetchResult;
    const started = performance.now();
    try {
      result = await fetcher.fetch({
        url: fetchUrl,
        // Documents too; bytes a server does not type only when the URL names a document.
        accept: looksLikeDocument(fetchUrl) ? ACCEPT_WITH_UNTYPED : ACCEPT,
        maxBytesFor: documentCap,
        headers: conditional,
        signal,
        onRedirect: (next) => this.checkRedirect(next),
      });
    } catch (err) {
      if (signal.aborted) throw err;
      const coded = isCiteboxError(err)
        ? err
        : new CiteboxError('FETCH_FAILED', errorMessage(err), { cause: err });
      metrics.fetchErrors.inc({ code: coded.code });
      if (coded.action === 'retry') {
        const wait = scheduler.backoffMs(entry.attempts);
        this.retryOrFail(entry, coded.message, wait, false);
        return { outcome: 'failure', elapsedMs: performance.now() - started, waitMs: wait };
      }
      if (coded.code === 'ROBOTS_DENIED') metrics.robotsDenied.inc();
      const away = coded.details?.['redirectedAway'] === true;
      this.record({
        url,
        status: 'skipped',
        reason: coded.message,
        fetched: coded.code !== 'FETCH_BLOCKED',
        deleteUrl: away ? indexedTarget(prev) : undefined,
      });
      if (away && prev) this.state(prev, { state: 'redirected', indexed_as: null });
      return { outcome: 'ok', elapsedMs: performance.now() - started };
    }
    this.#counters.fetched++;
    metrics.pagesFetched.inc();
    metrics.responses.inc({ status: String(result.status) });
    metrics.bytes.inc(result.body.length);
    metrics.fetchSeconds.observe(result.elapsedMs / 1000);
    const elapsedMs = result.elapsedMs;
    const status = result.status;

    if (status === 429 || status === 503) {
      const asked = retryAfterMs(result.headers['retry-after']);
      const wait = asked ?? scheduler.backoffMs(entry.attempts);
      if (wait > scheduler.options.maxRetryAfterMs) {
        this.record({
          url,
          status: 'failed',
          reason: `HTTP ${status}, Retry-After too long`,
          httpStatus: status,
          fetched: true,
        });
        return { outcome: 'throttled', elapsedMs, waitMs: scheduler.options.maxRetryAfterMs };
      }
      this.retryOrFail(entry, `HTTP ${status}`, wait, true, status);
      return { outcome: 'throttled', elapsedMs, waitMs: wait };
    }
    if (status >= 500) {
      const wait = scheduler.backoffMs(entry.attempts);
      this.retryOrFail(entry, `HTTP ${status}`, wait, true, status);
      return { outcome: 'failure', elapsedMs, waitMs: wait };
    }
    if (status === 304 && prev) {
      this.record({ url, status: 'unchanged', reason: 'not modified', httpStatus: 304, fetched: true });
      this.touch(prev, result, false);
      this.followStored(prev, entry.depth);
      return { outcome: 'ok', elapsedMs };
    }
    if (status < 200 || status >= 300) {
      const verdict = goneVerdict(status, prev?.misses ?? 0);
      const target = indexedTarget(prev);
      this.record({
        url,
        status: 'failed',
        reason: `HTTP ${status}`,
        httpStatus: status,
        fetched: true,
        deleteUrl: verdict?.remove ? target : undefined,
      });
      if (prev && verdict) {
        this.state(prev, {
          state: verdict.remove
            ? 'gone'
            : prev.state === 'indexed' || prev.state === 'missing'
              ? 'missing'
              : prev.state,
          misses: verdict.misses,
          http_status: status,
          indexed_as: verdict.remove ? null : prev.indexed_as,
        });
      }
      return { outcome: 'ok', elapsedMs };
    }
    await this.handlePage(entry, result);
    return { outcome: 'ok', elapsedMs };
  }

  /** Every redirect hop must stay in scope, pass the trap guards and robots.txt. */
  private async checkRedirect(next: URL): Promise<void> {
    let url: string;
    let href: string;
    try {
      url = normalizeUrl(next);
      href = requestUrl(next);
    } catch (err) {
      throw new CiteboxError('FETCH_UNSUPPORTED', `Redirect to an uncrawlable URL`, { cause: err });
    }
    if (!this.#inScope(url)) {
      throw new CiteboxError('FETCH_UNSUPPORTED', `redirected out of scope to ${url}`, {
        details: { redirectedAway: true },
      });
    }
    const trap = urlTrapReason(next, this.#guard.limits);
    if (trap)
      throw new CiteboxError('FETCH_UNSUPPORTED', `redirect refused: ${trap}`, {
        details: { redirectedAway: true },
      });
    const rules = await this.#d.robots.rulesFor(href, this.#stop.signal);
    if (!rules.unavailableReason && !rules.isAllowed(href)) {
      throw new CiteboxError('ROBOTS_DENIED', `redirect to ${href} is disallowed by robots.txt`, {
        details: { redirectedAway: true },
      });
    }
  }

  private async handlePage(entry: FrontierEntry, result: FetchResult): Promise<void> {
    const { url, host, prev, depth } = entry;
    const { metrics, store, fetcher } = this.#d;
    const httpStatus = result.status;
    const validators = {
      etag: result.headers['etag'] ?? null,
      last_modified: result.headers['last-modified'] ?? null,
    };
    // finalUrl is the key of the URL that answered, finalHref the URL itself (what is indexed).
    let finalUrl: string;
    let finalHref: string;
    try {
      finalUrl = normalizeUrl(result.finalUrl);
      finalHref = requestUrl(result.finalUrl);
    } catch {
      finalUrl = url;
      finalHref = entry.fetchUrl;
    }
    const target = indexedTarget(prev);
    if (finalUrl !== url) {
      const status = this.#resolvedUrls.has(finalUrl) ? 'indexed' : store.urlStatus(this.#job.id, finalUrl);
      if (status && status !== 'queued') {
        this.record({
          url,
          status: 'skipped',
          reason: `redirects to ${finalUrl}, already crawled`,
          httpStatus,
          fetched: true,
          deleteUrl: target !== finalUrl ? target : undefined,
        });
        if (prev) this.state(prev, { state: 'redirected', indexed_as: null });
        return;
      }
    }

    const docType = HTML_TYPES.includes(result.mediaType as (typeof HTML_TYPES)[number])
      ? undefined
      : documentTypeOf(result.mediaType, finalHref, result.body.subarray(0, 8));
    const analysis = docType
      ? await this.readDocument(entry, result, docType, finalHref)
      : await this.#d.pages.analyze({
          body: result.body,
          contentType: result.headers['content-type'],
          url: finalHref,
        });
    if (!analysis) return;
    const { page, text, contentHash } = analysis;
    const robotsTag = parseXRobotsTag(result.headers['x-robots-tag'], fetcher.userAgent);
    const noindex = page.noindex || robotsTag.noindex;
    const nofollow = page.nofollow || robotsTag.nofollow;
    const links = nofollow ? [] : page.links;
    if (links.length > 0) this.follow(links, depth);
    const outlinks = JSON.stringify(links.slice(0, MAX_STORED_OUTLINKS));

    const baseState = (state: string, extra: Partial<UrlStateWrite> = {}): UrlStateWrite => ({
      url,
      host,
      state,
      indexed_as: null,
      content_hash: null,
      simhash: null,
      http_status: httpStatus,
      ...validators,
      outlinks,
      revisit_ms: prev?.revisit_ms,
      next_visit_at: null,
      fetch_url: entry.fetchUrl,
      ...extra,
    });
    const skip = (reason: string, state: string, extra: Partial<UrlStateWrite> = {}, deleteUrl = target) => {
      this.record({
        url,
        status: 'skipped',
        reason,
        httpStatus,
        fetched: true,
        deleteUrl: deleteUrl ?? undefined,
      });
      this.#states.push(baseState(state, extra));
      if (finalUrl !== url) this.resolve(finalUrl, 'skipped', `${reason} (via ${url})`);
    };

    if (noindex) {
      skip('noindex', 'noindex');
      return;
    }
    // Indexes, tables of contents, search pages and hubs without prose of their own: their links
    // are followed (above), their entries would only crowd out the pages they point to.
    if (!page.indexable) {
      skip(`${page.role} page (links followed, not indexed)`, 'listing');
      return;
    }
    const headerCanonical = canonicalFromLinkHeader(result.headers['link'], finalHref);
    // The canonical as written (indexed and cited) and its key (compared and resolved).
    let canonical = headerCanonical ?? page.canonical;
    let canonicalKey = canonical === undefined ? undefined : safeNormalize(canonical);
    if (
      canonical &&
      (canonicalKey === undefined ||
        canonicalKey === finalUrl ||
        !this.#inScope(canonicalKey) ||
        urlTrapReason(new URL(canonical), this.#guard.limits))
    ) {
      canonical = undefined;
      canonicalKey = undefined;
    }
    if (canonical && canonicalKey) {
      const status = this.#resolvedUrls.has(canonicalKey)
        ? 'indexed'
        : store.urlStatus(this.#job.id, canonicalKey);
      if (status && status !== 'queued') {
        metrics.duplicates.inc({ kind: 'canonical' });
        skip(
          `variant of ${canonical}`,
          'variant',
          { duplicate_of: canonical },
          target !== canonical ? target : undefined,
        );
        return;
      }
    }
    const indexUrl = canonical ?? finalHref;
    const indexKey = canonicalKey ?? finalUrl;

    if (!text) {
      skip('no text', 'skipped');
      return;
    }
    const fpHex = analysis.simhash;
    const fp = fpHex ? fingerprintFromHex(fpHex) : undefined;

    if (prev?.state === 'indexed' && prev.content_hash === contentHash && prev.indexed_as === indexUrl) {
      this.record({
        url,
        status: 'unchanged',
        reason: 'same content',
        httpStatus,
        contentHash,
        ...validatorsOf(result),
        fetched: true,
      });
      this.touch(prev, result, false, outlinks);
      if (finalUrl !== url) this.resolve(finalUrl, 'skipped', `indexed via ${url}`);
      return;
    }
    const dupOf = this.#hashes.get(contentHash) ?? store.indexedWithHash(contentHash, indexUrl);
    if (dupOf && dupOf !== indexUrl) {
      metrics.duplicates.inc({ kind: 'exact' });
      skip(
        `duplicate of ${dupOf}`,
        'duplicate',
        { content_hash: contentHash, duplicate_of: dupOf },
        target !== dupOf ? target : undefined,
      );
      return;
    }
    if (fp) {
      const near = this.simIndex(host).findNear(fp, indexUrl);
      if (near) {
        metrics.duplicates.inc({ kind: 'near' });
        skip(
          `near duplicate of ${near}`,
          'near-duplicate',
          { content_hash: contentHash, simhash: fpHex, duplicate_of: near },
          target !== near ? target : undefined,
        );
        return;
      }
    }

    const headerLang = result.headers['content-language']?.split(',')[0]?.trim();
    const aliases = [...new Set([entry.fetchUrl, ...result.redirects, finalHref])].filter(
      (u) => u !== indexUrl,
    );
    // Claim the content before the await, so a twin fetched meanwhile is seen as a duplicate.
    this.#hashes.set(contentHash, indexUrl);
    if (fp) this.simIndex(host).add(indexUrl, fp);
    try {
      await this.#batcher.index({
        url: indexUrl,
        aliases,
        title: page.title,
        description: page.description,
        lang: page.lang ?? headerLang,
        publishedAt: page.publishedAt,
        fetchedAt: new Date().toISOString(),
        blocks: page.blocks,
        contentHash,
        headings: page.headings,
        canonicalUrl: canonical,
        siteName: page.siteName,
        author: page.author,
        openGraph: page.openGraph,
        ...(docType ? { docType } : {}),
        role: page.role,
      });
    } catch (err) {
      this.#hashes.delete(contentHash);
      if (fp) this.simIndex(host).delete(indexUrl);
      throw err;
    }
    metrics.pagesIndexed.inc();
    const changed = prev?.content_hash !== undefined && prev?.content_hash !== null;
    const interval = nextInterval(prev?.revisit_ms, changed, this.#d.revisit);
    this.record({
      url,
      status: 'indexed',
      httpStatus,
      contentHash,
      ...validatorsOf(result),
      fetched: true,
      deleteUrl: target && target !== indexUrl ? target : undefined,
    });
    this.#states.push(
      baseState('indexed', {
        indexed_as: indexUrl,
        content_hash: contentHash,
        simhash: fpHex,
        revisit_ms: interval,
        next_visit_at: interval > 0 ? Date.now() + interval : null,
        changed: true,
      }),
    );
    if (indexKey !== url) this.resolve(indexKey, 'skipped', `indexed via ${url}`, contentHash);
    if (finalUrl !== url && finalUrl !== indexKey) this.resolve(finalUrl, 'skipped', `indexed via ${url}`);
  }

  /**
   * A document read on the document pool; undefined when it could not be read (encrypted, scanned,
   * too large, broken, too slow): the URL is then skipped with the reason.
   */
  private async readDocument(
    entry: FrontierEntry,
    result: FetchResult,
    type: DocumentType,
    url: string,
  ): Promise<PageAnalysis | undefined> {
    try {
      const doc = await this.#d.documents.analyze({
        body: result.body,
        type,
        contentType: result.headers['content-type'],
        url,
      });
      this.#d.metrics.documents.inc({ type: doc.type, outcome: 'read' });
      return documentPageAnalysis(doc);
    } catch (err) {
      if (!isCiteboxError(err) || err.code === 'CRAWL_CANCELLED') throw err;
      this.#d.metrics.documents.inc({ type, outcome: 'refused' });
      this.record({
        url: entry.url,
        status: 'skipped',
        reason: `unreadable ${type}: ${err.message}`,
        httpStatus: result.status,
        fetched: true,
        deleteUrl: indexedTarget(entry.prev),
      });
      return undefined;
    }
  }

  /** A URL whose outcome another URL settled (a canonical, a redirect target): not fetched again. */
  private resolve(url: string, status: 'indexed' | 'skipped', reason: string, contentHash?: string): void {
    if (this.#resolvedUrls.has(url)) return;
    this.#resolvedUrls.add(url);
    this.#seen.add(url);
    this.#resolved.push({ url, status, reason, contentHash, fetched: false });
  }

  /** A page that did not change: only its last-seen time and revisit interval move. */
  private touch(prev: UrlState, result: FetchResult, changed: boolean, outlinks?: string): void {
    const interval = nextInterval(prev.revisit_ms, changed, this.#d.revisit);
    this.#states.push({
      ...prev,
      etag: result.headers['etag'] ?? prev.etag,
      last_modified: result.headers['last-modified'] ?? prev.last_modified,
      http_status: result.status,
      misses: 0,
      revisit_ms: interval,
      next_visit_at: interval > 0 ? Date.now() + interval : null,
      outlinks: outlinks ?? undefined,
    });
  }

  private state(prev: UrlState, change: Partial<UrlStateWrite>): void {
    this.#states.push({ ...prev, outlinks: undefined, ...change });
  }

  private simIndex(host: string): SimHashIndex {
    let index = this.#simIndexes.get(host);
    if (!index) {
      const created = new SimHashIndex();
      this.#d.store.simhashesOfHost(host, (indexedAs, hex) => {
        const f = fingerprintFromHex(hex);
        if (f) created.add(indexedAs, f);
      });
      this.#simIndexes.set(host, created);
      index = created;
    }
    return index;
  }

  private followStored(prev: UrlState, depth: number): void {
    if (!prev.outlinks) return;
    try {
      const links = JSON.parse(prev.outlinks) as unknown;
      if (Array.isArray(links))
        this.follow(
          links.filter((l): l is string => typeof l === 'string'),
          depth,
        );
    } catch (err) {
      this.#log.debug({ err, url: prev.url }, 'unreadable stored outlinks');
    }
  }

  /** Queues the in-scope links (request URLs, as the page wrote them) of a page at depth + 1. */
  private follow(links: readonly string[], depth: number): void {
    if (depth >= this.#job.options.max_depth) return;
    for (const link of links) {
      const key = safeNormalize(link);
      if (key === undefined || this.#seen.has(key)) continue;
      if (this.#seen.size >= SEEN_CAP) this.#seen.clear();
      this.#seen.add(key);
      if (!this.#inScope(key)) continue;
      const host = hostOf(key);
      if (!host) continue;
      const trap = this.#guard.admit(key, host);
      if (trap) {
        this.#d.metrics.trapsAvoided.inc();
        continue;
      }
      this.#enqueue.push({ url: key, host, depth: depth + 1, fetchUrl: link === key ? undefined : link });
    }
  }

  private record(outcome: UrlOutcome): void {
    this.#outcomes.push(outcome);
    // Only fetches record answered outcomes; start() moves them to their host's tally.
    if (outcome.fetched && this.#job.options.max_pages_per_host !== undefined)
      this.#answered.add(outcome.url);
    const c = this.#counters;
    if (outcome.status === 'indexed') c.indexed++;
    else if (outcome.status === 'unchanged') c.unchanged++;
    else if (outcome.status === 'skipped') c.skipped++;
    else if (outcome.status === 'failed') c.failed++;
  }

  private retryOrFail(
    entry: FrontierEntry,
    reason: string,
    waitMs: number,
    fetched: boolean,
    httpStatus?: number,
    maxAttempts?: number,
  ): void {
    const max =
      maxAttempts ?? (httpStatus === 429 || httpStatus === 503 ? MAX_THROTTLED_ATTEMPTS : MAX_ATTEMPTS);
    if (entry.attempts + 1 >= max) {
      this.record({ url: entry.url, status: 'failed', reason, httpStatus, fetched });
      return;
    }
    const retry: FrontierEntry = { ...entry, attempts: entry.attempts + 1, nextFetchAt: Date.now() + waitMs };
    this.#retries.push({ url: entry.url, attempts: retry.attempts, nextFetchAt: retry.nextFetchAt, reason });
    this.#delayed.push(retry);
  }

  // ---- discovery and the end of a crawl ----

  /** Sitemaps of the seeds' sites: robots.txt Sitemap lines and /sitemap.xml, indexes followed. */
  private async discoverSitemaps(): Promise<void> {
    const { robots, fetcher, scheduler } = this.#d;
    const signal = this.#stop.signal;
    const origins = [...new Set(this.#job.seeds.map((s) => new URL(s).origin))];
    const cap = Math.max(10_000, this.#maxPages * 10);
    let found = 0;
    let batch: NewUrl[] = [];
    const commit = () => {
      if (batch.length === 0) return;
      const added = this.#d.store.enqueue(this.#job.id, batch);
      this.#counters.discovered += added.length;
      const fresh = new Set(added.map((a) => a.url));
      for (const e of batch) if (!fresh.has(e.url)) this.#guard.release(e.url, e.host);
      batch = [];
    };
    for (const origin of origins) {
      if (signal.aborted) return;
      const rules = await robots.rulesFor(`${origin}/`, signal);
      if (rules.unavailableReason) continue;
      const queue = rules.sitemaps.flatMap((sm) => {
        const resolved = resolveLink(sm, `${origin}/`);
        return resolved ? [resolved] : [];
      });
      const own = `${origin}/sitemap.xml`;
      if (!queue.includes(own) && rules.isAllowed(own)) queue.push(own);
      const done = new Set<string>();
      while (queue.length > 0 && done.size < MAX_SITEMAP_FILES && found < cap && !signal.aborted) {
        const sitemapUrl = queue.shift() as string;
        if (done.has(sitemapUrl)) continue;
        done.add(sitemapUrl);
        // Large sitemaps take a while: keep the job visibly alive for other processes.
        this.#d.store.heartbeat(this.#job.id, this.#d.owner);
        const host = hostOf(sitemapUrl) ?? '';
        while (!scheduler.canStart(host) && !signal.aborted)
          await sleep(Math.max(5, scheduler.readyAt(host) - Date.now()), signal);
        if (signal.aborted) return;
        scheduler.begin(host);
        let outcome: RequestOutcome = 'ok';
        let elapsed: number | undefined;
        try {
          const res = await fetcher.fetch({
            url: sitemapUrl,
            accept: ['*/*'],
            signal,
            maxBytes: 50 * 1024 * 1024,
          });
          elapsed = res.elapsedMs;
          this.#d.metrics.bytes.inc(res.body.length);
          if (res.status !== 200) continue;
          const summary = await readSitemap(
            res.body,
            (loc) => {
              if (found >= cap) return;
              const url = safeNormalize(loc);
              if (!url || this.#seen.has(url) || !this.#inScope(url)) return;
              const urlHost = hostOf(url);
              if (!urlHost || this.#guard.admit(url, urlHost)) return;
              this.#seen.add(url);
              found++;
              const fetchUrl = safeRequestUrl(loc);
              batch.push({ url, host: urlHost, depth: 1, fetchUrl: fetchUrl === url ? undefined : fetchUrl });
              if (batch.length >= 1_000) commit();
            },
            { maxUrls: cap - found },
          );
          for (const child of summary.sitemaps) if (!done.has(child)) queue.push(child);
          commit();
        } catch (err) {
          if (signal.aborted) return;
          outcome = 'failure';
          this.#log.debug({ err, sitemap: sitemapUrl }, 'sitemap not read');
        } finally {
          scheduler.end(host, outcome, elapsed);
        }
      }
    }
    commit();
    if (found > 0) this.#log.info({ urls: found }, 'sitemap URLs queued');
  }

  /**
   * Known pages of the crawl's sites that this crawl did not reach: re-checked, so gone ones leave.
   * `max_pages` bounds the whole job: the pass takes at most the pages the crawl left of it, the
   * most overdue first.
   */
  private enqueueRevisits(): number {
    const { store } = this.#d;
    let budget = this.#maxPages - (this.#counters.indexed + this.#counters.unchanged);
    if (budget <= 0) return 0;
    // Hosts are stored without ports: keep those that could hold an in-scope URL, then ask per URL.
    const domains = new Set(this.#job.seeds.map((seed) => registrableDomain(new URL(seed).hostname)));
    const extra = new Set(this.#job.options.hosts ?? []);
    const hosts = store.knownHosts().filter((h) => domains.has(registrableDomain(h)) || extra.has(h));
    let added = 0;
    for (const host of hosts) {
      if (budget <= 0) break;
      const batch: NewUrl[] = [];
      store.revisitCandidates(host, (url, fetchUrl) => {
        if (!this.#inScope(url) || store.urlStatus(this.#job.id, url) !== undefined) return true;
        batch.push({ url, host, depth: this.#job.options.max_depth, fetchUrl });
        budget--;
        return budget > 0;
      });
      added += store.enqueue(this.#job.id, batch).length;
    }
    this.#counters.discovered += added;
    if (added > 0) this.#log.info({ urls: added }, 'revisiting known pages the crawl did not reach');
    return added;
  }

  /** Removes pages found gone, unless their host looks down (the outage guard). */
  private async applyDeletions(): Promise<void> {
    const { store, sink, metrics } = this.#d;
    const pending = store.pendingDeletions(this.#job.id);
    if (pending.length === 0) return;
    const down = outageHosts(store.hostTallies(this.#job.id));
    for (const d of pending) {
      if (down.has(d.host)) {
        store.markDeletion(Number(d.key), 'suspended');
        continue;
      }
      // A URL re-indexed meanwhile (moved back, or indexed from another variant) stays.
      const now = store.urlState(safeNormalize(d.deleteUrl) ?? d.deleteUrl);
      if (now?.state === 'indexed' && now.indexed_as === d.deleteUrl && now.url !== d.url) {
        store.markDeletion(Number(d.key), 'done');
        continue;
      }
      await sink.deletePage(d.deleteUrl);
      store.markDeletion(Number(d.key), 'done');
      const state = store.urlState(d.url);
      if (state && state.state !== 'indexed') store.markRemoved(d.url, state.state);
      this.#counters.deleted++;
      metrics.pagesDeleted.inc();
    }
    if (down.size > 0) {
      this.#log.warn(
        { hosts: [...down] },
        'most requests to these hosts failed: their deletions wait for a later crawl',
      );
    }
    store.setDeletionsSuspended(this.#job.id, [...down]);
    this.flush(true);
  }
}

/** The URL a page is in the index under, when its state says it is there. */
function indexedTarget(prev: UrlState | undefined): string | undefined {
  return prev && (prev.state === 'indexed' || prev.state === 'missing') && prev.indexed_as
    ? prev.indexed_as
    : undefined;
}

function validatorsOf(result: FetchResult): { etag?: string; lastModified?: string } {
  const out: { etag?: string; lastModified?: string } = {};
  if (result.headers['etag']) out.etag = result.headers['etag'];
  if (result.headers['last-modified']) out.lastModified = result.headers['last-modified'];
  return out;
}

function safeNormalize(url: string): string | undefined {
  try {
    return normalizeUrl(url);
  } catch {
    return undefined;
  }
}

function safeRequestUrl(url: string): string | undefined {
  try {
    return requestUrl(url);
  } catch {
    return undefined;
  }
}
