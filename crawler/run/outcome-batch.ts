// What a run learned since its last write: outcomes, retries, links found, URLs settled by
// another page, what is known of each URL. Written as one batch (one SQLite transaction, one
// engine bulk request) every few hundred operations or a quarter second; a URL stays queued in
// the store until its outcome is written, with the links its page had, so a run killed at any
// moment loses no page. A write that fails keeps the batch for the next one.
import type {
  FrontierEntry,
  NewUrl,
  UrlClaim,
  UrlOutcome,
  UrlRetry,
  UrlState,
  UrlStateWrite,
} from '../state/index.js';
import { statsOf } from '../state/index.js';
import { hostOf, normalizeUrl } from '../urls.js';
import type { RunContext } from './run-context.js';

const SEEN_CAP = 100_000;
/** Content hashes kept in memory after they were written (the store has them then). */
const HASHES_CAP = 50_000;

export class OutcomeBatch {
  readonly #ctx: RunContext;
  #enqueue: NewUrl[] = [];
  #outcomes: UrlOutcome[] = [];
  #resolved: UrlOutcome[] = [];
  #retries: UrlRetry[] = [];
  #states: UrlStateWrite[] = [];
  #lastFlush = Date.now();
  #writing: Promise<void> = Promise.resolve();
  /** Content hashes indexed in this run (not yet visible in the store until written). */
  readonly hashes = new Map<string, string>();
  /** URLs resolved in this run without their own fetch (canonicals, redirect targets). */
  readonly resolvedUrls = new Set<string>();
  /** The claims of URLs the run took from a fleet's job, by URL, until their outcome. */
  readonly #claims = new Map<string, UrlClaim>();
  /** Called with every outcome recorded (the dispatcher's per-host counts). */
  onRecord: ((outcome: UrlOutcome) => void) | undefined;
  /** Called with the URLs a write found new to the frontier. */
  onWritten: ((added: readonly NewUrl[]) => void) | undefined;

  constructor(ctx: RunContext) {
    this.#ctx = ctx;
  }

  /** Operations waiting for the next write (URL states aside). */
  get ops(): number {
    return this.#enqueue.length + this.#outcomes.length + this.#retries.length + this.#resolved.length;
  }

  /** Links found and URLs settled elsewhere waiting for the next write (they may add URLs). */
  get pendingLinks(): number {
    return this.#enqueue.length + this.#resolved.length;
  }

  get sinceWriteMs(): number {
    return Date.now() - this.#lastFlush;
  }

  /** Remembers the claim of a URL the run took, for the write of its outcome. */
  claimed(entry: FrontierEntry): void {
    if (entry.claim) this.#claims.set(entry.url, entry.claim);
  }

  /** Forgets the claim of a URL the run will not write an outcome for. */
  forget(url: string): void {
    this.#claims.delete(url);
  }

  private withClaim<T extends { url: string; claim?: UrlClaim | undefined }>(item: T): T {
    const claim = item.claim ?? this.#claims.get(item.url);
    if (!claim) return item;
    this.#claims.delete(item.url);
    return { ...item, claim };
  }

  record(outcome: UrlOutcome): void {
    this.#outcomes.push(this.withClaim(outcome));
    this.onRecord?.(outcome);
    const c = this.#ctx.counters;
    if (outcome.status === 'indexed') c.indexed++;
    else if (outcome.status === 'unchanged') c.unchanged++;
    else if (outcome.status === 'skipped') c.skipped++;
    else if (outcome.status === 'failed') c.failed++;
  }

  /** A URL whose outcome another URL settled (a canonical, a redirect target): not fetched again. */
  resolve(url: string, status: 'indexed' | 'skipped', reason: string, contentHash?: string): void {
    if (this.resolvedUrls.has(url)) return;
    this.resolvedUrls.add(url);
    this.#ctx.seen.add(url);
    this.#resolved.push({ url, status, reason, contentHash, fetched: false });
  }

  retry(retry: UrlRetry): void {
    this.#retries.push(this.withClaim(retry));
  }

  state(state: UrlStateWrite): void {
    this.#states.push(state);
  }

  /** Queues the in-scope links (request URLs, as the page wrote them) of a page at depth + 1. */
  follow(links: readonly string[], depth: number): void {
    const ctx = this.#ctx;
    if (depth >= ctx.job.options.max_depth) return;
    for (const link of links) {
      const key = safeNormalize(link);
      if (key === undefined || ctx.seen.has(key)) continue;
      if (ctx.seen.size >= SEEN_CAP) ctx.seen.clear();
      ctx.seen.add(key);
      if (!ctx.inScope(key)) continue;
      const host = hostOf(key);
      if (!host) continue;
      const trap = ctx.guard.admit(key, host);
      if (trap) {
        ctx.deps.metrics.trapsAvoided.inc();
        continue;
      }
      this.#enqueue.push({ url: key, host, depth: depth + 1, fetchUrl: link === key ? undefined : link });
    }
  }

  /** Follows the links stored for a page that was not fetched again (not modified, not due). */
  followStored(prev: UrlState, depth: number): void {
    if (!prev.outlinks) return;
    try {
      const links = JSON.parse(prev.outlinks) as unknown;
      if (Array.isArray(links))
        this.follow(
          links.filter((l): l is string => typeof l === 'string'),
          depth,
        );
    } catch (err) {
      this.#ctx.log.debug({ err, url: prev.url }, 'unreadable stored outlinks');
    }
  }

  /**
   * Writes the batch (one at a time: a write waits for the one before it). `force` writes even an
   * empty batch (it carries the heartbeat and the counters).
   */
  flush(force: boolean): Promise<void> {
    const next = this.#writing.then(() => this.write(force));
    this.#writing = next.catch(() => undefined);
    return next;
  }

  private async write(force: boolean): Promise<void> {
    const ctx = this.#ctx;
    const size = this.ops + this.#states.length;
    if (size === 0 && !force) return;
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
    let added: NewUrl[];
    try {
      added = await ctx.deps.store.writeBatch(ctx.job.id, ctx.deps.owner, batch, ctx.counters);
    } catch (err) {
      // Kept for the next write, before what was gathered meanwhile.
      this.#enqueue = [...batch.enqueue, ...this.#enqueue];
      this.#resolved = [...batch.resolved, ...this.#resolved];
      this.#outcomes = [...batch.outcomes, ...this.#outcomes];
      this.#retries = [...batch.retries, ...this.#retries];
      this.#states = [...batch.states, ...this.#states];
      throw err;
    }
    if (added.length < batch.enqueue.length) {
      // Links the frontier already held: give their trap-guard count back.
      const fresh = new Set(added.map((a) => a.url));
      for (const e of batch.enqueue) if (!fresh.has(e.url)) ctx.guard.release(e.url, e.host);
    }
    this.#lastFlush = Date.now();
    if (this.hashes.size > HASHES_CAP) this.hashes.clear(); // written ones are in the store now
    ctx.deps.metrics.setQueued(ctx.job.id, statsOf(ctx.counters).queued);
    this.onWritten?.(added);
  }
}

/** The URL states whose content is (or was) in the index, so a not-due visit can be skipped. */
export const REVISITABLE = new Set(['indexed', 'duplicate', 'near-duplicate', 'variant']);

/** The URL a page is in the index under, when its state says it is there. */
export function indexedTarget(prev: UrlState | undefined): string | undefined {
  return prev && (prev.state === 'indexed' || prev.state === 'missing') && prev.indexed_as
    ? prev.indexed_as
    : undefined;
}

export function safeNormalize(url: string): string | undefined {
  try {
    return normalizeUrl(url);
  } catch {
    return undefined;
  }
}
