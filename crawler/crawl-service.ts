// Crawl jobs for the API and the CLI: start (in the background or in the foreground), inspect,
// list, cancel, and resume jobs whose runner died. The one object the rest of Citebox uses to crawl.
// The jobs live in the crawl state the configuration names (state/): crawl.sqlite, where one
// process runs a job, or the engine's indices, where every worker of a fleet helps with every job
// and any API replica creates, lists, watches and cancels them.
import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import {
  CiteboxError,
  type Config,
  errorMessage,
  type Logger,
  type Metrics,
  type PageSink,
  processRunning,
} from '../services/index.js';
import { CrawlMetrics } from './crawl-metrics.js';
import { CrawlRunner } from './crawl-runner.js';
import { DocumentPool } from './documents/index.js';
import { ExtractPool } from './extract-pool.js';
import { Fetcher, type FetcherOptions } from './fetcher.js';
import { type PolitenessOptions, PolitenessScheduler } from './politeness.js';
import { revisitPolicy } from './revisit.js';
import { RobotsCache } from './robots.js';
import { isEngineTrouble } from './run/run-context.js';
import {
  type CrawlJob,
  type CrawlOptions,
  type CrawlStateStore,
  type CrawlStats,
  createCrawlState,
  type JobOrigin,
} from './state/index.js';
import type { TrapLimits } from './traps.js';
import { normalizeUrl, requestUrl, type ScopeMode } from './urls.js';

export { crawlStorePath } from './state/index.js';

export interface CrawlRequest {
  readonly seeds: readonly string[];
  readonly max_pages?: number | undefined;
  readonly max_depth?: number | undefined;
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
  /** `host` (default): the seeds' hosts; `domain`: their registrable domains; `hosts`: as `host`. */
  readonly scope?: ScopeMode | undefined;
  /** Hosts crawled besides the scope's, whatever the scope. */
  readonly hosts?: readonly string[] | undefined;
  readonly max_pages_per_host?: number | undefined;
  /** Re-fetch every page now, whatever its revisit interval says. */
  readonly refresh?: boolean | undefined;
}

export interface CrawlServiceDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly sink: PageSink;
  /** The process's metrics registry (GET /metrics); a private one when absent. */
  readonly metrics?: Metrics | undefined;
  /** Whether this process runs jobs; false only queues them for a worker process. Default true. */
  readonly runJobs?: boolean | undefined;
  /** Overrides for tests (e.g. a fast retry). */
  readonly politeness?: Partial<PolitenessOptions> | undefined;
  /** Overrides of the fetcher (tests: a stand-in resolver). */
  readonly fetcher?: Partial<FetcherOptions> | undefined;
  readonly traps?: Partial<TrapLimits> | undefined;
  /** Worker threads that parse pages (0: on the main thread); default from the config. */
  readonly extractThreads?: number | undefined;
  /** Worker threads that read documents (0: on the main thread); default 1. */
  readonly documentThreads?: number | undefined;
  /** A document taking longer than this to read is skipped, ms (default 30 s). */
  readonly documentTimeoutMs?: number | undefined;
  /** The crawl state (tests); by default the one the configuration names. */
  readonly store?: CrawlStateStore | undefined;
}

export const DEFAULT_MAX_PAGES = 1000;
export const DEFAULT_MAX_DEPTH = 10;
export const MAX_SEEDS = 100;
/** A job whose runner has not written a heartbeat for this long is resumed by the server. */
const STALE_MS = 15_000;
/** How often a server looks for jobs to resume or pick up. */
const ORPHAN_CHECK_MS = 5_000;

/** Validates and normalizes a crawl request into seeds and options (throws 4xx-kind errors). */
export function normalizeCrawlRequest(request: CrawlRequest): { seeds: string[]; options: CrawlOptions } {
  if (request.seeds.length === 0)
    throw new CiteboxError('INVALID_REQUEST', 'At least one seed URL is needed');
  if (request.seeds.length > MAX_SEEDS)
    throw new CiteboxError('INVALID_REQUEST', `At most ${MAX_SEEDS} seeds`);
  // Seeds are requested as given (request form), one per key.
  const byKey = new Map<string, string>();
  for (const seed of request.seeds) {
    const href = requestUrl(seed);
    const key = normalizeUrl(href);
    if (!byKey.has(key)) byKey.set(key, href);
  }
  const seeds = [...byKey.values()];
  if (request.scope !== undefined && !['host', 'domain', 'hosts'].includes(request.scope)) {
    throw new CiteboxError('INVALID_REQUEST', 'scope must be host, domain or hosts');
  }
  const hosts = request.hosts?.map((h) => h.trim().toLowerCase()).filter(Boolean);
  if (hosts?.some((h) => !/^[a-z0-9.-]+$|^\[[0-9a-f:]+\]$/.test(h))) {
    throw new CiteboxError('INVALID_REQUEST', 'hosts must be host names such as docs.example.com');
  }
  // Extra hosts add to either scope: the seeds' hosts (written `hosts`, as older versions did) or
  // their domains.
  const scope = hosts?.length && (request.scope ?? 'host') === 'host' ? 'hosts' : request.scope;
  // Only keys that are set, so the JSON of a plain request stays what older versions wrote
  // (that JSON is how `citebox crawl` finds the unfinished job it resumes).
  const options: CrawlOptions = {
    max_pages: request.max_pages ?? DEFAULT_MAX_PAGES,
    max_depth: request.max_depth ?? DEFAULT_MAX_DEPTH,
    ...(request.include?.length ? { include: [...request.include] } : {}),
    ...(request.exclude?.length ? { exclude: [...request.exclude] } : {}),
    ...(scope && scope !== 'host' ? { scope } : {}),
    ...(hosts?.length ? { hosts } : {}),
    ...(request.max_pages_per_host ? { max_pages_per_host: request.max_pages_per_host } : {}),
    ...(request.refresh ? { refresh: true } : {}),
  };
  return { seeds, options };
}

/** Whether the process named in an owner id ("host:pid:nonce") is alive (unknown: assume so). */
export function ownerAlive(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== hostname() || !pid || !/^\d+$/.test(pid)) return true;
  return processRunning(Number(pid));
}

export class CrawlService {
  readonly #store: CrawlStateStore;
  readonly #fetcher: Fetcher;
  readonly #pages: ExtractPool;
  readonly #documents: DocumentPool;
  readonly #runner: CrawlRunner;
  readonly #scheduler: PolitenessScheduler;
  readonly #logger: Logger;
  readonly #runJobs: boolean;
  readonly #running = new Map<string, { controller: AbortController; done: Promise<CrawlJob> }>();
  readonly #owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  #opened: Promise<void> | undefined;
  #orphanTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(deps: CrawlServiceDeps) {
    const { config } = deps;
    this.#logger = deps.logger.child({ component: 'crawl-service' });
    this.#runJobs = deps.runJobs ?? true;
    this.#store = deps.store ?? createCrawlState(config, deps.logger);
    const scheduler = new PolitenessScheduler({
      delayMs: config.crawlDelayMs,
      perHost: config.crawlConcurrency,
      global: config.crawlGlobalConcurrency,
      responseTimeFactor: config.crawlDelayFactor,
      ...deps.politeness,
    });
    this.#scheduler = scheduler;
    this.#fetcher = new Fetcher({
      userAgent: config.userAgent,
      allowPrivateNetworks: config.allowPrivateNetworks,
      connectionsPerOrigin: scheduler.options.perHost,
      ...deps.fetcher,
    });
    const robots = new RobotsCache(this.#fetcher, deps.logger);
    // Parsing is the crawler's heaviest work: one thread per spare core (up to 4) does it.
    this.#pages = new ExtractPool(
      deps.extractThreads ??
        config.crawlExtractThreads ??
        Math.min(4, Math.max(1, availableParallelism() - 1)),
      deps.logger,
    );
    // Documents are rarer and heavier than pages: one thread by default, started on the first one.
    this.#documents = new DocumentPool(
      { threads: deps.documentThreads ?? 1, timeoutMs: deps.documentTimeoutMs },
      deps.logger,
    );
    this.#runner = new CrawlRunner({
      store: this.#store,
      fetcher: this.#fetcher,
      robots,
      sink: deps.sink,
      logger: deps.logger,
      scheduler,
      metrics: new CrawlMetrics(deps.metrics),
      revisit: revisitPolicy(config.recrawlIntervalHours),
      pages: this.#pages,
      documents: this.#documents,
      traps: deps.traps,
      owner: this.#owner,
      staleMs: STALE_MS,
      ownerAlive,
    });
  }

  /** Where the jobs live (`sqlite` or `engine`) and where that is. */
  get state(): { readonly kind: 'sqlite' | 'engine'; readonly location: string } {
    return { kind: this.#store.kind, location: this.#store.location };
  }

  /**
   * Opens the crawl state (an engine's crawl indices are created when missing), once; again after
   * a failure (the engine was out of reach). A fleet member then registers, with its politeness
   * of each host behind the host leases.
   */
  private ready(): Promise<void> {
    this.#opened ??= this.#store.open().then(
      () => {
        const fleet = this.#store.fleet;
        if (fleet && this.#runJobs) {
          fleet.register(this.#owner, 'worker', this.#scheduler);
          this.#scheduler.setGate(fleet.hosts);
        }
      },
      (err: unknown) => {
        this.#opened = undefined;
        throw err;
      },
    );
    return this.#opened;
  }

  /** Creates a job and runs it in the background (or leaves it queued for a worker). */
  async start(request: CrawlRequest): Promise<CrawlJob> {
    const { seeds, options } = normalizeCrawlRequest(request);
    await this.ready();
    const job = await this.#store.createJob(seeds, options, 'api');
    if (this.#runJobs) this.launch(job.id);
    return job;
  }

  /**
   * Runs a crawl in the foreground (the CLI): resumes an unfinished job with the same seeds and
   * options if there is one, otherwise starts a new one.
   */
  async runForeground(
    request: CrawlRequest,
    options: {
      signal?: AbortSignal;
      onProgress?: (stats: CrawlStats) => void;
      onJob?: (job: CrawlJob, resumed: boolean) => void;
    } = {},
  ): Promise<CrawlJob> {
    const { seeds, options: crawlOptions } = normalizeCrawlRequest(request);
    await this.ready();
    const existing = await this.#store.findUnfinished(seeds, crawlOptions);
    const job = existing ?? (await this.#store.createJob(seeds, crawlOptions, 'cli'));
    options.onJob?.(job, existing !== undefined);
    if (!this.#store.fleet || !options.onProgress) {
      return this.#runner.run(job.id, { signal: options.signal, onProgress: options.onProgress });
    }
    // In a fleet, other workers help: progress is the job's, read from the shared state.
    const progress = options.onProgress;
    const timer = setInterval(() => {
      this.#store.getJob(job.id).then(
        (j) => j && progress(j.stats),
        () => undefined,
      );
    }, 1_000);
    try {
      return await this.#runner.run(job.id, { signal: options.signal });
    } finally {
      clearInterval(timer);
    }
  }

  async get(id: string): Promise<CrawlJob> {
    await this.ready();
    return this.#store.requireJob(id);
  }

  /** Why a job's URLs were skipped, most common first, with counts. */
  async skipReasons(id: string, limit = 5): Promise<Array<{ reason: string; count: number }>> {
    await this.ready();
    return this.#store.skipReasons(id, limit);
  }

  async list(limit = 50): Promise<CrawlJob[]> {
    await this.ready();
    return this.#store.listJobs(limit);
  }

  async cancel(id: string): Promise<CrawlJob> {
    await this.ready();
    const job = await this.#store.requestCancel(id);
    this.#running.get(id)?.controller.abort();
    return job;
  }

  /**
   * Resumes API jobs whose runner died (server start-up) - in a fleet, joins every unfinished
   * one - and from then on keeps looking every few seconds, so a job whose runner was killed just
   * before this start, or one queued by an API that does not run jobs itself, is picked up too.
   */
  async resumeOrphans(): Promise<string[]> {
    if (!this.#orphanTimer && this.#runJobs && !this.#closed) {
      this.#orphanTimer = setInterval(() => {
        this.resumeNow().catch((err: unknown) =>
          this.#logger.warn({ err }, 'looking for crawls to resume failed'),
        );
      }, ORPHAN_CHECK_MS);
      this.#orphanTimer.unref();
    }
    return this.resumeNow();
  }

  private async resumeNow(): Promise<string[]> {
    if (!this.#runJobs || this.#closed) return [];
    await this.ready();
    const ids: string[] = [];
    for (const job of await this.#store.runnableJobs('api', STALE_MS, ownerAlive)) {
      if (this.#running.has(job.id) || this.#closed) continue;
      this.#logger.info(
        { job: job.id },
        this.#store.fleet
          ? 'joining crawl'
          : job.status === 'queued'
            ? 'starting queued crawl'
            : 'resuming interrupted crawl',
      );
      this.launch(job.id);
      ids.push(job.id);
    }
    return ids;
  }

  /** Resolves when the job started here finishes (tests, CLI). */
  async waitFor(id: string): Promise<CrawlJob> {
    const running = this.#running.get(id);
    return running ? running.done : this.get(id);
  }

  private launch(id: string, origin: JobOrigin = 'api'): void {
    const controller = new AbortController();
    const done = this.#runner
      .run(id, { signal: controller.signal })
      .catch(async (err: unknown) => {
        if (err instanceof CiteboxError && err.code === 'CONFLICT') {
          this.#logger.debug({ job: id, origin }, 'crawl is run by another process');
          return this.#store.requireJob(id);
        }
        if (isEngineTrouble(err)) {
          // The engine is out of reach: the job stays as it is; this process (or another) takes
          // it up again when the engine answers.
          this.#logger.warn({ err: errorMessage(err), job: id }, 'crawl paused: the engine is out of reach');
          return (await this.#store.getJob(id).catch(() => undefined)) ?? placeholder(id);
        }
        this.#logger.error({ err, job: id }, 'crawl failed');
        const job = await this.#store.getJob(id);
        if (job && (job.status === 'running' || job.status === 'queued')) {
          await this.#store.finishJob(id, 'failed', errorMessage(err));
        }
        return this.#store.requireJob(id);
      })
      .finally(() => this.#running.delete(id));
    this.#running.set(id, { controller, done });
  }

  /** Stops running jobs (they stay resumable) and releases resources. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#orphanTimer) clearInterval(this.#orphanTimer);
    for (const { controller } of this.#running.values()) controller.abort();
    await Promise.allSettled([...this.#running.values()].map((r) => r.done));
    await this.#fetcher.close();
    await this.#pages.close();
    await this.#documents.close();
    await this.#store.close();
  }
}

/** A job as far as is known when the state cannot be read. */
function placeholder(id: string): CrawlJob {
  const now = new Date().toISOString();
  return {
    id,
    status: 'running',
    seeds: [],
    options: { max_pages: 0, max_depth: 0 },
    stats: {
      discovered: 0,
      fetched: 0,
      indexed: 0,
      skipped: 0,
      failed: 0,
      queued: 0,
      unchanged: 0,
      deleted: 0,
    },
    error: null,
    origin: 'api',
    deletions_suspended: [],
    created_at: now,
    started_at: null,
    finished_at: null,
  };
}

export type { CrawlOptions };
