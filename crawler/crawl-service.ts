// Crawl jobs for the API and the CLI: start (in the background or in the foreground), inspect,
// list, cancel, and resume jobs whose runner died. The one object the rest of Citebox uses to crawl.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CiteboxError, type Config, errorMessage, type Logger, type PageSink } from '../services/index.js';
import { CrawlRunner, type PolitenessOptions } from './crawl-runner.js';
import { type CrawlJob, type CrawlOptions, type CrawlStats, CrawlStore } from './crawl-store.js';
import { Fetcher } from './fetcher.js';
import { RobotsCache } from './robots.js';
import { normalizeUrl } from './urls.js';

export interface CrawlRequest {
  readonly seeds: readonly string[];
  readonly max_pages?: number | undefined;
  readonly max_depth?: number | undefined;
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
}

export interface CrawlServiceDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly sink: PageSink;
  /** Overrides for tests (e.g. a fast retry). */
  readonly politeness?: Partial<PolitenessOptions>;
}

export const DEFAULT_MAX_PAGES = 1000;
export const DEFAULT_MAX_DEPTH = 10;
export const MAX_SEEDS = 100;
/** A job whose runner has not written a heartbeat for this long is resumed by the server. */
const STALE_MS = 15_000;

/** The crawl state database inside the data directory. */
export function crawlStorePath(dataDir: string): string {
  return join(dataDir, 'crawl.sqlite');
}

/** Validates and normalizes a crawl request into seeds and options (throws 4xx-kind errors). */
export function normalizeCrawlRequest(request: CrawlRequest): { seeds: string[]; options: CrawlOptions } {
  if (request.seeds.length === 0)
    throw new CiteboxError('INVALID_REQUEST', 'At least one seed URL is needed');
  if (request.seeds.length > MAX_SEEDS)
    throw new CiteboxError('INVALID_REQUEST', `At most ${MAX_SEEDS} seeds`);
  const seeds = [...new Set(request.seeds.map((s) => normalizeUrl(s)))];
  const options: CrawlOptions = {
    max_pages: request.max_pages ?? DEFAULT_MAX_PAGES,
    max_depth: request.max_depth ?? DEFAULT_MAX_DEPTH,
    ...(request.include?.length ? { include: [...request.include] } : {}),
    ...(request.exclude?.length ? { exclude: [...request.exclude] } : {}),
  };
  return { seeds, options };
}

export class CrawlService {
  readonly #store: CrawlStore;
  readonly #fetcher: Fetcher;
  readonly #runner: CrawlRunner;
  readonly #logger: Logger;
  readonly #running = new Map<string, { controller: AbortController; done: Promise<CrawlJob> }>();
  readonly #owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;

  constructor(deps: CrawlServiceDeps) {
    const { config } = deps;
    this.#logger = deps.logger.child({ component: 'crawl-service' });
    this.#store = new CrawlStore(crawlStorePath(config.dataDir));
    this.#fetcher = new Fetcher({
      userAgent: config.userAgent,
      allowPrivateNetworks: config.allowPrivateNetworks,
      connectionsPerOrigin: config.crawlConcurrency,
    });
    const robots = new RobotsCache(this.#fetcher, deps.logger);
    this.#runner = new CrawlRunner({
      store: this.#store,
      fetcher: this.#fetcher,
      robots,
      sink: deps.sink,
      logger: deps.logger,
      owner: this.#owner,
      staleMs: STALE_MS,
      politeness: {
        delayMs: config.crawlDelayMs,
        perHost: config.crawlConcurrency,
        global: 16,
        maxCrawlDelaySeconds: 30,
        retryBaseMs: 5_000,
        ...deps.politeness,
      },
    });
  }

  /** Creates a job and runs it in the background. */
  start(request: CrawlRequest): CrawlJob {
    const { seeds, options } = normalizeCrawlRequest(request);
    const job = this.#store.createJob(seeds, options);
    this.launch(job.id);
    return this.#store.requireJob(job.id);
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
    const existing = this.#store.findUnfinished(seeds, crawlOptions);
    const job = existing ?? this.#store.createJob(seeds, crawlOptions);
    options.onJob?.(job, existing !== undefined);
    return this.#runner.run(job.id, { signal: options.signal, onProgress: options.onProgress });
  }

  get(id: string): CrawlJob {
    return this.#store.requireJob(id);
  }

  list(limit = 50): CrawlJob[] {
    return this.#store.listJobs(limit);
  }

  cancel(id: string): CrawlJob {
    const job = this.#store.requestCancel(id);
    this.#running.get(id)?.controller.abort();
    return job;
  }

  /** Resumes jobs whose runner died (server start-up). */
  resumeOrphans(): string[] {
    const ids: string[] = [];
    for (const job of this.#store.orphanedJobs(STALE_MS)) {
      if (this.#running.has(job.id)) continue;
      this.#logger.info({ job: job.id }, 'resuming interrupted crawl');
      this.launch(job.id);
      ids.push(job.id);
    }
    return ids;
  }

  /** Resolves when the job started here finishes (tests, CLI). */
  async waitFor(id: string): Promise<CrawlJob> {
    const running = this.#running.get(id);
    return running ? running.done : this.#store.requireJob(id);
  }

  private launch(id: string): void {
    const controller = new AbortController();
    const done = this.#runner
      .run(id, { signal: controller.signal })
      .catch((err: unknown) => {
        this.#logger.error({ err, job: id }, 'crawl failed');
        const job = this.#store.getJob(id);
        if (job && (job.status === 'running' || job.status === 'queued')) {
          this.#store.finishJob(id, 'failed', errorMessage(err));
        }
        return this.#store.requireJob(id);
      })
      .finally(() => this.#running.delete(id));
    this.#running.set(id, { controller, done });
  }

  /** Stops running jobs (they stay resumable) and releases resources. */
  async close(): Promise<void> {
    for (const { controller } of this.#running.values()) controller.abort();
    await Promise.allSettled([...this.#running.values()].map((r) => r.done));
    await this.#fetcher.close();
    this.#store.close();
  }
}
