// Runs one crawl job to its end: takes URLs from the durable frontier, waits its turn per host,
// honours robots.txt, fetches, extracts, hands pages to the PageSink and queues the links it finds
// in scope. Stopping (signal) leaves the job resumable; cancelling finishes it.
import {
  CiteboxError,
  errorMessage,
  isCiteboxError,
  type Logger,
  type PageSink,
  stableId,
} from '../services/index.js';
import type { CrawlJob, CrawlStats, CrawlStore, FrontierEntry } from './crawl-store.js';
import { decodeHtml } from './decode.js';
import { extractHtml } from './extract.js';
import { type Fetcher, HTML_TYPES } from './fetcher.js';
import type { RobotsCache } from './robots.js';
import { makeScope, normalizeUrl } from './urls.js';

export interface PolitenessOptions {
  /** Minimum delay between two requests to one host, ms. */
  readonly delayMs: number;
  /** Connections per host. */
  readonly perHost: number;
  /** Connections across all hosts. */
  readonly global: number;
  /** robots.txt Crawl-delay is honoured up to this many seconds. */
  readonly maxCrawlDelaySeconds: number;
  /** First retry of a failed URL after this many ms, doubling per attempt. */
  readonly retryBaseMs: number;
}

export interface RunnerDeps {
  readonly store: CrawlStore;
  readonly fetcher: Fetcher;
  readonly robots: RobotsCache;
  readonly sink: PageSink;
  readonly logger: Logger;
  readonly politeness: PolitenessOptions;
  /** Identifies this process as the job's owner. */
  readonly owner: string;
  /** A job whose owner has not written a heartbeat for this long is considered orphaned. */
  readonly staleMs: number;
}

export interface RunOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((stats: CrawlStats) => void) | undefined;
}

const MAX_ATTEMPTS = 3;
const HEARTBEAT_MS = 2_000;

interface HostState {
  active: number;
  nextAt: number;
}

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

/** Seconds of a Retry-After header (delta-seconds or HTTP date), capped. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, 3_600_000);
  const date = Date.parse(trimmed);
  return Number.isFinite(date) ? Math.min(Math.max(0, date - now), 3_600_000) : undefined;
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
    if (!store.claimJob(jobId, this.#deps.owner, this.#deps.staleMs)) {
      throw new CiteboxError('CONFLICT', `Crawl ${jobId} is finished or run by another process`);
    }
    const job = store.requireJob(jobId);
    const log = this.#logger.child({ job: jobId });
    log.info({ seeds: job.seeds, options: job.options }, 'crawl started');
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let cancelled = false;
    const heartbeat = setInterval(() => {
      try {
        store.heartbeat(jobId, this.#deps.owner);
        if (store.cancelRequested(jobId)) {
          cancelled = true;
          stop.abort();
        }
        options.onProgress?.(store.stats(jobId));
      } catch (err) {
        log.warn({ err }, 'heartbeat failed');
      }
    }, HEARTBEAT_MS);
    heartbeat.unref();

    const scope = makeScope({
      hosts: new Set(job.seeds.map((s) => new URL(s).hostname)),
      include: job.options.include,
      exclude: job.options.exclude,
    });
    const hosts = new Map<string, HostState>();
    let inFlight = 0;
    const { perHost, global } = this.#deps.politeness;

    const worker = async () => {
      while (!stop.signal.aborted) {
        const stats = store.stats(jobId);
        if (stats.indexed + inFlight >= job.options.max_pages) return;
        const now = Date.now();
        const busy = [...hosts.entries()]
          .filter(([, h]) => h.active >= perHost || h.nextAt > now)
          .map(([host]) => host);
        const entry = store.claimNext(jobId, busy);
        if (!entry) {
          const readyAt = store.nextReadyAt(jobId);
          if (readyAt === undefined && inFlight === 0) return;
          const hostWait = Math.min(
            ...[...hosts.values()].map((h) => h.nextAt).filter((t) => t > now),
            now + 250,
          );
          await sleep(Math.max(10, Math.min(hostWait, readyAt ?? now + 250) - now), stop.signal);
          continue;
        }
        const host = hosts.get(entry.host) ?? { active: 0, nextAt: 0 };
        hosts.set(entry.host, host);
        host.active++;
        inFlight++;
        try {
          await this.processUrl(job, entry, host, scope, stop.signal, log);
        } catch (err) {
          if (stop.signal.aborted) {
            // Stopped mid-fetch: the URL goes back to the queue for the resumed run.
            store.retryLater(jobId, entry.url, 0, 'interrupted');
          } else {
            log.error({ err, url: entry.url }, 'unexpected crawl error');
            store.complete(jobId, entry.url, { status: 'failed', reason: errorMessage(err), fetched: false });
          }
        } finally {
          host.active--;
          inFlight--;
        }
      }
    };

    try {
      await Promise.all(Array.from({ length: Math.max(1, global) }, () => worker()));
      await this.#deps.sink.flush();
    } finally {
      clearInterval(heartbeat);
      options.signal?.removeEventListener('abort', onAbort);
    }

    if (cancelled || store.cancelRequested(jobId)) {
      store.finishJob(jobId, 'cancelled', null);
    } else if (stop.signal.aborted) {
      log.info('crawl interrupted; it resumes on the next run');
      return store.requireJob(jobId);
    } else {
      const stats = store.stats(jobId);
      if (stats.indexed === 0 && stats.failed + stats.skipped > 0) {
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
    options.onProgress?.(finished.stats);
    log.info({ status: finished.status, stats: finished.stats }, 'crawl finished');
    return finished;
  }

  private async processUrl(
    job: CrawlJob,
    entry: FrontierEntry,
    host: HostState,
    inScope: (url: string) => boolean,
    signal: AbortSignal,
    log: Logger,
  ): Promise<void> {
    const { store, robots, fetcher, sink, politeness } = this.#deps;
    const rules = await robots.rulesFor(entry.url, signal);
    if (rules.unavailableReason) {
      this.retryOrFail(job.id, entry, rules.unavailableReason);
      return;
    }
    if (!rules.isAllowed(entry.url)) {
      store.complete(job.id, entry.url, {
        status: 'skipped',
        reason: 'disallowed by robots.txt',
        fetched: false,
      });
      return;
    }
    const crawlDelayMs = Math.min(rules.crawlDelaySeconds ?? 0, politeness.maxCrawlDelaySeconds) * 1000;
    const started = Date.now();
    host.nextAt = started + Math.max(politeness.delayMs, crawlDelayMs);

    let result: Awaited<ReturnType<Fetcher['fetch']>>;
    try {
      result = await fetcher.fetch({ url: entry.url, accept: HTML_TYPES, signal });
    } catch (err) {
      if (signal.aborted) throw err;
      const coded = isCiteboxError(err)
        ? err
        : new CiteboxError('FETCH_FAILED', errorMessage(err), { cause: err });
      if (coded.action === 'retry') this.retryOrFail(job.id, entry, coded.message);
      else store.complete(job.id, entry.url, { status: 'skipped', reason: coded.message, fetched: false });
      return;
    } finally {
      // The delay counts from the end of the request too, so slow hosts are not hammered.
      host.nextAt = Math.max(host.nextAt, Date.now() + politeness.delayMs);
    }

    if (result.status === 429 || result.status === 503 || result.status >= 500) {
      const wait =
        retryAfterMs(result.headers['retry-after']) ?? 2 ** entry.attempts * politeness.retryBaseMs;
      host.nextAt = Math.max(host.nextAt, Date.now() + wait);
      this.retryOrFail(job.id, entry, `HTTP ${result.status}`, wait);
      return;
    }
    if (result.status === 304 || result.status >= 400 || result.status < 200 || result.status >= 300) {
      store.complete(job.id, entry.url, {
        status: 'failed',
        reason: `HTTP ${result.status}`,
        httpStatus: result.status,
        fetched: true,
      });
      return;
    }

    let finalUrl: string;
    try {
      finalUrl = normalizeUrl(result.finalUrl);
    } catch {
      finalUrl = entry.url;
    }
    if (finalUrl !== entry.url && !inScope(finalUrl)) {
      store.complete(job.id, entry.url, {
        status: 'skipped',
        reason: `redirected out of scope to ${finalUrl}`,
        httpStatus: result.status,
        fetched: true,
      });
      return;
    }
    const { text: html } = decodeHtml(result.body, result.headers['content-type']);
    const extracted = extractHtml(html, finalUrl);
    const robotsTag = (result.headers['x-robots-tag'] ?? '').toLowerCase();
    const noindex = extracted.noindex || /\b(noindex|none)\b/.test(robotsTag);
    const nofollow = extracted.nofollow || /\b(nofollow|none)\b/.test(robotsTag);

    if (!nofollow && entry.depth < job.options.max_depth) {
      const found = extracted.links.filter(inScope).map((url) => ({
        url,
        host: new URL(url).hostname,
        depth: entry.depth + 1,
      }));
      store.enqueue(job.id, found);
    }

    const indexUrl = extracted.canonical && inScope(extracted.canonical) ? extracted.canonical : finalUrl;
    if (noindex) {
      await sink.deletePage(indexUrl);
      store.complete(job.id, entry.url, {
        status: 'skipped',
        reason: 'noindex',
        httpStatus: result.status,
        fetched: true,
      });
      return;
    }
    const text = extracted.blocks
      .map((b) => (b.type === 'list' ? b.items.join('\n') : b.text))
      .join('\n')
      .trim();
    if (!text) {
      store.complete(job.id, entry.url, {
        status: 'skipped',
        reason: 'no text',
        httpStatus: result.status,
        fetched: true,
      });
      return;
    }
    const contentHash = stableId(text, 32);
    if (store.hasContentHash(job.id, contentHash)) {
      store.complete(job.id, entry.url, {
        status: 'skipped',
        reason: 'duplicate content',
        httpStatus: result.status,
        contentHash,
        fetched: true,
      });
      return;
    }
    await sink.indexPage({
      url: indexUrl,
      aliases: [entry.url, ...result.redirects].filter((u) => u !== indexUrl),
      title: extracted.title,
      description: extracted.description,
      lang: extracted.lang ?? result.headers['content-language'],
      publishedAt: extracted.publishedAt,
      fetchedAt: new Date().toISOString(),
      blocks: extracted.blocks,
      contentHash,
    });
    store.complete(job.id, entry.url, {
      status: 'indexed',
      httpStatus: result.status,
      contentHash,
      fetched: true,
    });
    log.debug({ url: entry.url, ms: Math.round(result.elapsedMs) }, 'indexed');
  }

  private retryOrFail(jobId: string, entry: FrontierEntry, reason: string, delayMs?: number): void {
    if (entry.attempts + 1 >= MAX_ATTEMPTS) {
      this.#deps.store.complete(jobId, entry.url, { status: 'failed', reason, fetched: false });
    } else {
      const wait = delayMs ?? this.#deps.politeness.retryBaseMs * 2 ** entry.attempts;
      this.#deps.store.retryLater(jobId, entry.url, Date.now() + wait, reason);
    }
  }
}
