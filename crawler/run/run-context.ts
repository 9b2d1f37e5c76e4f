// What the parts of one run of one job share: the job and its scope, the trap guard, the counters,
// the stop signal, the recently seen URLs, and - when the engine is out of reach - how long to
// wait before the next write.
import { isCiteboxError, type Logger, type PageSink } from '../../services/index.js';
import type { CrawlMetrics } from '../crawl-metrics.js';
import type { DocumentPool } from '../documents/index.js';
import type { ExtractPool } from '../extract-pool.js';
import type { Fetcher } from '../fetcher.js';
import type { PolitenessScheduler } from '../politeness.js';
import type { RevisitPolicy } from '../revisit.js';
import type { RobotsCache } from '../robots.js';
import type {
  CrawlJob,
  CrawlStateStore,
  CrawlStats,
  FleetCoordination,
  JobCounters,
} from '../state/index.js';
import { TrapGuard, type TrapLimits } from '../traps.js';
import { makeScope } from '../urls.js';

export interface RunnerDeps {
  readonly store: CrawlStateStore;
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

/** The longest wait for an engine out of reach before the next try, ms. */
const MAX_BACKOFF_MS = 30_000;

export class RunContext {
  readonly deps: RunnerDeps;
  readonly job: CrawlJob;
  readonly log: Logger;
  readonly options: RunOptions;
  /** Aborts the run's fetches and waits (a stop, a cancel, a failure). */
  readonly stop = new AbortController();
  readonly inScope: (url: string) => boolean;
  readonly guard: TrapGuard;
  /**
   * One owner per job: the job's counters, recounted from its frontier at start. In a fleet: what
   * this process did in this run (the job's counters are counted from the shared frontier).
   */
  readonly counters: JobCounters;
  /** Coordination with the other processes crawling the job, if the state is shared. */
  readonly fleet: FleetCoordination | undefined;
  /** Recently seen URLs, so links every page repeats skip the database. */
  readonly seen = new Set<string>();
  cancelled = false;
  /** No writes or claims before this time (the engine was out of reach), ms epoch. */
  backoffUntil = 0;
  #backoffMs = 0;

  constructor(deps: RunnerDeps, job: CrawlJob, log: Logger, options: RunOptions, counters: JobCounters) {
    this.deps = deps;
    this.job = job;
    this.log = log;
    this.options = options;
    this.counters = counters;
    this.fleet = deps.store.fleet;
    const seedHosts = job.seeds.map((s) => new URL(s).host);
    this.inScope = makeScope({
      mode: job.options.scope,
      hosts: seedHosts,
      allowedHosts: job.options.hosts,
      include: job.options.include,
      exclude: job.options.exclude,
    });
    // The guard bounds each host's share of the frontier; max_pages_per_host itself is enforced
    // when a URL is about to be fetched (the dispatcher's host cap).
    const perHost = job.options.max_pages_per_host ?? job.options.max_pages;
    this.guard = new TrapGuard({
      maxUrlsPerHost: Math.min(1_000_000, Math.max(1_000, perHost * 20)),
      ...deps.traps,
    });
  }

  get maxPages(): number {
    return this.job.options.max_pages;
  }

  get signal(): AbortSignal {
    return this.stop.signal;
  }

  /** Whether the run waits for the engine to come back. */
  get backingOff(): boolean {
    return Date.now() < this.backoffUntil;
  }

  /**
   * An error of the state store or the index: when the engine is out of reach (or overloaded),
   * the run waits - longer each time, up to 30 s - and tries again; nothing written is lost.
   * Returns false for other errors, which the caller handles.
   */
  troubled(err: unknown, what: string): boolean {
    if (!isEngineTrouble(err)) return false;
    this.#backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(500, this.#backoffMs * 2));
    this.backoffUntil = Date.now() + this.#backoffMs;
    this.log.warn(
      { err: err instanceof Error ? err.message : String(err), retryInMs: this.#backoffMs },
      `${what}: the engine is out of reach; waiting`,
    );
    return true;
  }

  /** The engine answered again. */
  recovered(): void {
    if (this.#backoffMs === 0) return;
    this.#backoffMs = 0;
    this.backoffUntil = 0;
    this.log.info('the engine answers again; crawling on');
  }

  /** Waits `ms` (or until the run stops). */
  sleep(ms: number): Promise<void> {
    return sleep(ms, this.stop.signal);
  }
}

/** The engine is unreachable, overloaded or refused writes for load: worth waiting for. */
export function isEngineTrouble(err: unknown): boolean {
  if (!isCiteboxError(err)) return false;
  if (err.code === 'BACKEND_UNAVAILABLE') return true;
  // A page batch the engine refused for load (the sink's own retries ran out).
  return (
    err.code === 'INDEX_WRITE_FAILED' && /\b429\b|overloaded|unavailable|cannot reach/i.test(err.message)
  );
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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
