// One URL, from its politeness slot to its outcome: decisions that need no request (settled by
// another page, not due for a revisit, robots.txt already known), robots.txt, a conditional GET
// with redirects checked hop by hop, the HTTP status (Retry-After and backoff on 429/503 and 5xx,
// 304 not modified, 404/410 towards removal), and a page or document for the page pipeline.
import { CiteboxError, errorMessage, isCiteboxError } from '../../services/index.js';
import {
  DOCUMENT_MAX_BYTES,
  DOCUMENT_MEDIA_TYPES,
  documentTypeOf,
  looksLikeDocument,
} from '../documents/index.js';
import { type FetchResult, HTML_TYPES } from '../fetcher.js';
import { type RequestOutcome, retryAfterMs } from '../politeness.js';
import { goneVerdict } from '../revisit.js';
import type { FrontierEntry } from '../state/index.js';
import { urlTrapReason } from '../traps.js';
import { normalizeUrl, requestUrl } from '../urls.js';
import { indexedTarget, type OutcomeBatch, REVISITABLE } from './outcome-batch.js';
import type { PagePipeline } from './page-pipeline.js';
import type { RunContext } from './run-context.js';

const MAX_ATTEMPTS = 3;
const MAX_THROTTLED_ATTEMPTS = 5;
/** The retry of a URL whose host took no connection (robots.txt unreachable), ms. */
const UNREACHABLE_RETRY_MS = 1_000;
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

/** What a request did to its host, for politeness. */
interface Report {
  readonly outcome: RequestOutcome;
  readonly elapsedMs?: number | undefined;
  readonly waitMs?: number | undefined;
}

export class UrlPipeline {
  readonly #ctx: RunContext;
  readonly #batch: OutcomeBatch;
  readonly #pages: PagePipeline;
  /** A URL to try again later (the dispatcher keeps it until it is due, when it owns the job). */
  readonly #later: (entry: FrontierEntry) => void;

  constructor(
    ctx: RunContext,
    batch: OutcomeBatch,
    pages: PagePipeline,
    later: (entry: FrontierEntry) => void,
  ) {
    this.#ctx = ctx;
    this.#batch = batch;
    this.#pages = pages;
    this.#later = later;
  }

  /** Outcomes decided without a request: resolved elsewhere, not due for a revisit, robots (cached). */
  settleWithoutFetch(entry: FrontierEntry): boolean {
    const ctx = this.#ctx;
    if (this.#batch.resolvedUrls.has(entry.url)) return true;
    const prev = entry.prev;
    if (
      !ctx.job.options.refresh &&
      prev &&
      REVISITABLE.has(prev.state) &&
      prev.next_visit_at !== null &&
      prev.next_visit_at > Date.now()
    ) {
      this.#batch.record({
        url: entry.url,
        status: 'unchanged',
        reason: 'not due for a revisit',
        fetched: false,
      });
      this.#batch.followStored(prev, entry.depth);
      return true;
    }
    const rules = ctx.deps.robots.cachedRules(entry.fetchUrl);
    if (rules && !rules.unavailableReason && !rules.isAllowed(entry.fetchUrl)) {
      this.robotsDenied(entry.url);
      return true;
    }
    return false;
  }

  private robotsDenied(url: string): void {
    this.#ctx.deps.metrics.robotsDenied.inc();
    this.#batch.record({ url, status: 'skipped', reason: 'disallowed by robots.txt', fetched: false });
  }

  /** Fetches and handles a URL in its politeness slot, which it releases with what the host did. */
  async process(entry: FrontierEntry): Promise<void> {
    let report: Report = { outcome: 'ok' };
    try {
      report = await this.fetchAndHandle(entry);
    } finally {
      this.#ctx.deps.scheduler.end(entry.host, report.outcome, report.elapsedMs, report.waitMs ?? 0);
    }
  }

  /**
   * Tries the URL again after `waitMs`, or records it failed when it had its attempts. `maxAttempts`
   * overrides the default (3, or 5 for 429/503).
   */
  retryOrFail(
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
      this.#batch.record({ url: entry.url, status: 'failed', reason, httpStatus, fetched });
      return;
    }
    this.later(entry, entry.attempts + 1, waitMs, reason);
  }

  /** Puts the URL back in the queue, due in `waitMs`, with `attempts` attempts counted. */
  later(entry: FrontierEntry, attempts: number, waitMs: number, reason: string): void {
    const retry: FrontierEntry = { ...entry, attempts, nextFetchAt: Date.now() + waitMs };
    this.#batch.retry({ url: entry.url, attempts, nextFetchAt: retry.nextFetchAt, reason });
    this.#later(retry);
  }

  private async fetchAndHandle(entry: FrontierEntry): Promise<Report> {
    const ctx = this.#ctx;
    const batch = this.#batch;
    const { robots, fetcher, scheduler, metrics } = ctx.deps;
    const signal = ctx.signal;
    const { url, fetchUrl, host, prev } = entry;
    const rules = await robots.rulesFor(fetchUrl, signal);
    scheduler.setCrawlDelay(host, rules.crawlDelaySeconds);
    if (rules.refused) {
      // Retrying cannot help (a refused address, a name that does not exist): fail at once.
      batch.record({ url, status: 'failed', reason: rules.unavailableReason, fetched: false });
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
      batch.record({
        url,
        status: 'skipped',
        reason: coded.message,
        fetched: coded.code !== 'FETCH_BLOCKED',
        deleteUrl: away ? indexedTarget(prev) : undefined,
      });
      if (away && prev) this.#pages.state(prev, { state: 'redirected', indexed_as: null });
      return { outcome: 'ok', elapsedMs: performance.now() - started };
    }
    ctx.counters.fetched++;
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
        batch.record({
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
      batch.record({ url, status: 'unchanged', reason: 'not modified', httpStatus: 304, fetched: true });
      this.#pages.touch(prev, result, false);
      batch.followStored(prev, entry.depth);
      return { outcome: 'ok', elapsedMs };
    }
    if (status < 200 || status >= 300) {
      const verdict = goneVerdict(status, prev?.misses ?? 0);
      const target = indexedTarget(prev);
      batch.record({
        url,
        status: 'failed',
        reason: `HTTP ${status}`,
        httpStatus: status,
        fetched: true,
        deleteUrl: verdict?.remove ? target : undefined,
      });
      if (prev && verdict) {
        this.#pages.state(prev, {
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
    await this.#pages.handle(entry, result);
    return { outcome: 'ok', elapsedMs };
  }

  /** Every redirect hop must stay in scope, pass the trap guards and robots.txt. */
  private async checkRedirect(next: URL): Promise<void> {
    const ctx = this.#ctx;
    let url: string;
    let href: string;
    try {
      url = normalizeUrl(next);
      href = requestUrl(next);
    } catch (err) {
      throw new CiteboxError('FETCH_UNSUPPORTED', `Redirect to an uncrawlable URL`, { cause: err });
    }
    if (!ctx.inScope(url)) {
      throw new CiteboxError('FETCH_UNSUPPORTED', `redirected out of scope to ${url}`, {
        details: { redirectedAway: true },
      });
    }
    const trap = urlTrapReason(next, ctx.guard.limits);
    if (trap)
      throw new CiteboxError('FETCH_UNSUPPORTED', `redirect refused: ${trap}`, {
        details: { redirectedAway: true },
      });
    const rules = await ctx.deps.robots.rulesFor(href, ctx.signal);
    if (!rules.unavailableReason && !rules.isAllowed(href)) {
      throw new CiteboxError('ROBOTS_DENIED', `redirect to ${href} is disallowed by robots.txt`, {
        details: { redirectedAway: true },
      });
    }
  }
}
