// The dispatcher of one run: it keeps per-host queues of the URLs its feed gives it (breadth
// first), starts a URL's pipeline whenever the host's politeness, max_pages and
// max_pages_per_host allow it, and writes the run's batch, its heartbeat and its progress as they
// come due. It returns when nothing is left to start or finish (the feed is exhausted), when
// max_pages is reached, or when the run stops.
import { errorMessage } from '../../services/index.js';
import type { FrontierEntry } from '../state/index.js';
import { statsOf } from '../state/index.js';
import type { FrontierFeed, QueueView } from './frontier-feed.js';
import type { OutcomeBatch } from './outcome-batch.js';
import type { PageAllowance } from './page-allowance.js';
import type { RunContext } from './run-context.js';
import type { UrlPipeline } from './url-pipeline.js';

const HEARTBEAT_MS = 2_000;
const FLUSH_MS = 250;
const FLUSH_OPS = 500;
const BUFFER_LOW = 500;
/** A claimed URL is given up (not fetched) when its claim has less than this left, ms. */
const CLAIM_MARGIN_MS = 1_000;

export class Dispatcher implements QueueView {
  readonly #ctx: RunContext;
  readonly #batch: OutcomeBatch;
  readonly #feed: FrontierFeed;
  readonly #allowance: PageAllowance;
  #pipeline: UrlPipeline | undefined;
  readonly #queues = new Map<string, FrontierEntry[]>();
  #buffered = 0;
  readonly #delayed: FrontierEntry[] = [];
  /** URLs buffered, delayed or in flight: a re-read of the frontier must not load them twice. */
  readonly #held = new Set<string>();
  #inFlight = 0;
  readonly #tasks = new Set<Promise<void>>();
  #wake: (() => void) | undefined;
  #lastHeartbeat = Date.now();
  #lastProgress = 0;
  /** Queue heads already checked for a decision without a fetch. */
  readonly #checked = new WeakSet<FrontierEntry>();
  #capped = false;
  #hostRound: string[] = [];
  #hostPos = 0;
  /** max_pages_per_host: each host's pages fetched in this job, counted from the frontier at start. */
  readonly #hostFetched: Map<string, number>;
  /** Fetches in flight per host (they may still count towards the host's cap). */
  readonly #hostActive = new Map<string, number>();
  /** In-flight URLs whose outcome says an HTTP answer came back. */
  readonly #answered = new Set<string>();
  /** A write in the background (a fleet's writes are requests; the dispatch goes on meanwhile). */
  #writing: Promise<void> | undefined;

  constructor(
    ctx: RunContext,
    batch: OutcomeBatch,
    feed: FrontierFeed,
    allowance: PageAllowance,
    hostFetched: Map<string, number>,
  ) {
    this.#ctx = ctx;
    this.#batch = batch;
    this.#feed = feed;
    this.#allowance = allowance;
    this.#hostFetched = hostFetched;
    batch.onRecord = (outcome) => {
      // Only fetches record answered outcomes; start() moves them to their host's tally.
      if (outcome.fetched && ctx.job.options.max_pages_per_host !== undefined)
        this.#answered.add(outcome.url);
    };
    batch.onWritten = (added) => feed.written(added);
  }

  /** The pipeline the dispatcher starts URLs in (set once; the two know each other). */
  set pipeline(pipeline: UrlPipeline) {
    this.#pipeline = pipeline;
  }

  get capped(): boolean {
    return this.#capped;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  has(url: string): boolean {
    return this.#held.has(url) || this.#batch.resolvedUrls.has(url);
  }

  queued(host: string): number {
    return this.#queues.get(host)?.length ?? 0;
  }

  /** Keeps a URL until it is due (a retry, when this run owns the job). */
  later(entry: FrontierEntry): void {
    if (this.#ctx.fleet) {
      // A fleet's retry goes back to the job: whoever holds the host when it is due claims it.
      this.#held.delete(entry.url);
      return;
    }
    this.#delayed.push(entry);
  }

  /** Runs until the feed is exhausted and nothing is in flight, max_pages is reached, or a stop. */
  async loop(): Promise<void> {
    const ctx = this.#ctx;
    const { scheduler } = ctx.deps;
    this.#capped = false;
    while (!ctx.signal.aborted) {
      await this.maintain();
      if (ctx.backingOff) {
        // The engine is out of reach: nothing new starts; fetches in flight finish.
        await this.waitForWork(Math.max(1, ctx.backoffUntil - Date.now()));
        continue;
      }
      if (!this.#allowance.allows(this.#inFlight)) {
        if (await this.#allowance.capped(this.#inFlight)) {
          this.#capped = true;
          return;
        }
        await this.waitForWork(this.#ctx.fleet ? 250 : 1_000);
        continue;
      }
      if (this.#buffered < BUFFER_LOW && !this.#feed.exhausted) await this.refill();
      this.releaseDue();
      const started = this.dispatchReady();
      if (started) continue;
      if (this.#buffered === 0 && this.#delayed.length === 0 && this.#inFlight === 0) {
        if (this.#batch.pendingLinks > 0) {
          await this.write(true);
          this.#feed.reopen();
          continue;
        }
        if (this.#feed.exhausted) return;
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

  /** Waits for every URL in flight to finish. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#tasks]);
    await this.#writing;
  }

  /** The URLs the run holds and did not start (a stopping fleet member gives their claims back). */
  unstarted(): FrontierEntry[] {
    const out = [...this.#delayed];
    for (const queue of this.#queues.values()) out.push(...queue);
    return out;
  }

  private waitForWork(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.#ctx.signal;
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

  /**
   * A fleet member keeps the hosts it has URLs of and pages to fetch them with (their leases are
   * renewed while wanted), and gives back the URLs of hosts it no longer holds (released above its
   * share, lost while the engine was out of reach, or let go for want of pages), so whoever holds
   * them takes them at once instead of after the claims lapse.
   */
  private keepHosts(): void {
    const hosts = this.#ctx.fleet?.hosts;
    if (!hosts) return;
    // Without pages to fetch with (others hold what is left of max_pages), hosts are not wanted:
    // their leases go once idle, and their URLs with them, to a worker that can fetch them.
    const starved = this.#allowance.starved(this.#inFlight);
    const dropped: FrontierEntry[] = [];
    for (const [host, queue] of this.#queues) {
      if (queue.length === 0) continue;
      if (hosts.holds(host)) {
        if (!starved) hosts.want(host);
        continue;
      }
      for (const e of queue) {
        this.#held.delete(e.url);
        this.#batch.forget(e.url);
        dropped.push(e);
      }
      this.#buffered -= queue.length;
      queue.length = 0;
    }
    if (dropped.length > 0) {
      this.#feed.giveBack(dropped).catch((err: unknown) => {
        if (!this.#ctx.troubled(err, 'give claims back'))
          this.#ctx.log.warn({ err }, 'could not give claims back');
      });
    }
  }

  /** Writes the batch, the heartbeat, checks for a cancel and reports progress when due. */
  private async maintain(): Promise<void> {
    const ctx = this.#ctx;
    const now = Date.now();
    this.keepHosts();
    const ops = this.#batch.ops;
    const heartbeatDue = now - this.#lastHeartbeat >= HEARTBEAT_MS;
    if (ops >= FLUSH_OPS || (ops > 0 && this.#batch.sinceWriteMs >= FLUSH_MS) || heartbeatDue) {
      await this.write(heartbeatDue);
    }
    if (heartbeatDue) {
      this.#lastHeartbeat = now;
      try {
        if (ctx.fleet) {
          await ctx.deps.store.heartbeat(ctx.job.id, ctx.deps.owner);
          await this.#allowance.settle();
        }
        if (await ctx.deps.store.cancelRequested(ctx.job.id)) {
          ctx.cancelled = true;
          ctx.stop.abort();
        }
      } catch (err) {
        if (!ctx.troubled(err, 'check the job')) throw err;
      }
      void ctx.deps.sink.flush().catch((err: unknown) => ctx.log.warn({ err }, 'index flush failed'));
    }
    if (ctx.options.onProgress && now - this.#lastProgress >= 500) {
      this.#lastProgress = now;
      ctx.options.onProgress(statsOf(ctx.counters));
    }
  }

  /**
   * Writes the batch. One owner per job waits for it (SQLite, a local transaction); a fleet member
   * writes in the background, one write at a time, and dispatches meanwhile. An engine out of
   * reach keeps the batch for later and makes the run wait.
   */
  private async write(force: boolean): Promise<void> {
    const ctx = this.#ctx;
    if (this.#writing) {
      if (!ctx.fleet) await this.#writing;
      return;
    }
    const writing = this.#batch
      .flush(force)
      .then(() => ctx.recovered())
      .catch((err: unknown) => {
        if (!ctx.troubled(err, 'save crawl progress')) throw err;
      })
      .finally(() => {
        if (this.#writing === writing) this.#writing = undefined;
      });
    this.#writing = writing;
    if (!ctx.fleet) await writing;
    else writing.catch((err: unknown) => ctx.log.error({ err }, 'saving crawl progress failed'));
  }

  /** Pages the next URLs of the feed into the per-host queues. */
  private async refill(): Promise<void> {
    const ctx = this.#ctx;
    let rows: FrontierEntry[];
    try {
      rows = await this.#feed.next(this);
    } catch (err) {
      if (!ctx.troubled(err, 'read the queue')) throw err;
      return;
    }
    const now = Date.now();
    for (const row of rows) {
      if (this.#held.has(row.url) || this.#batch.resolvedUrls.has(row.url)) continue;
      this.#held.add(row.url);
      this.#batch.claimed(row);
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
    const ctx = this.#ctx;
    const { scheduler } = ctx.deps;
    const hosts = ctx.fleet?.hosts;
    let started = false;
    let idle = 0;
    while (this.#hostRound.length > 0 && idle < this.#hostRound.length && !ctx.signal.aborted) {
      if (!this.#allowance.allows(this.#inFlight)) break;
      if (this.#hostPos >= this.#hostRound.length) this.#hostPos = 0;
      const host = this.#hostRound[this.#hostPos] as string;
      const queue = this.#queues.get(host);
      if (!queue || queue.length === 0) {
        this.#queues.delete(host);
        this.#hostRound.splice(this.#hostPos, 1);
        continue;
      }
      const entry = queue[0] as FrontierEntry;
      if (entry.claim && entry.claim.until - Date.now() < CLAIM_MARGIN_MS) {
        // The claim ran out before the host's turn came: the URL is the job's again.
        queue.shift();
        this.#buffered--;
        this.#held.delete(entry.url);
        this.#batch.forget(entry.url);
        idle = 0;
        continue;
      }
      hosts?.want(host);
      // Decisions that need no request take no politeness slot (checked once per entry).
      const settled = !this.#checked.has(entry) && this.#pipeline?.settleWithoutFetch(entry) === true;
      this.#checked.add(entry);
      const cap = settled ? 'open' : this.hostCap(host);
      if (cap === 'full') this.hostCapReached(entry);
      if (settled || cap === 'full') {
        queue.shift();
        this.#buffered--;
        this.#held.delete(entry.url);
        this.#batch.forget(entry.url);
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
      if (waited > 0) ctx.deps.metrics.politenessWait.inc(waited / 1000);
      this.start(entry);
      started = true;
      idle = 0;
      this.#hostPos++;
    }
    return started;
  }

  private start(entry: FrontierEntry): void {
    const ctx = this.#ctx;
    const pipeline = this.#pipeline;
    if (!pipeline) throw new Error('the dispatcher has no pipeline');
    this.#inFlight++;
    this.#hostActive.set(entry.host, (this.#hostActive.get(entry.host) ?? 0) + 1);
    const task = pipeline
      .process(entry)
      .catch((err: unknown) => {
        if (ctx.signal.aborted) return; // stays queued in the frontier for the resumed run
        if (ctx.troubled(err, 'index a page')) {
          // The index is out of reach: the page waits for it, its attempts untouched.
          pipeline.later(
            entry,
            entry.attempts,
            Math.max(1_000, ctx.backoffUntil - Date.now()),
            errorMessage(err),
          );
          return;
        }
        ctx.log.error({ err, url: entry.url }, 'unexpected crawl error');
        this.#batch.record({ url: entry.url, status: 'failed', reason: errorMessage(err), fetched: false });
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

  /**
   * Whether `max_pages_per_host` lets the host's next URL be fetched: `full` once the host's
   * fetched pages reach the cap, `wait` while fetches in flight could still reach it.
   */
  private hostCap(host: string): 'open' | 'wait' | 'full' {
    const cap = this.#ctx.job.options.max_pages_per_host;
    if (cap === undefined) return 'open';
    const fetched = this.#hostFetched.get(host) ?? 0;
    if (fetched >= cap) return 'full';
    return fetched + (this.#hostActive.get(host) ?? 0) >= cap ? 'wait' : 'open';
  }

  /** A URL of a host that had its `max_pages_per_host` pages fetched: skipped, like a trap. */
  private hostCapReached(entry: FrontierEntry): void {
    this.#ctx.deps.metrics.trapsAvoided.inc();
    this.#batch.record({
      url: entry.url,
      status: 'skipped',
      reason: `max_pages_per_host (${this.#ctx.job.options.max_pages_per_host}) reached`,
      fetched: false,
    });
  }
}
