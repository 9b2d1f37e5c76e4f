// Where a run's dispatcher gets its URLs. One owner per job (OwnerFeed) pages through the job's
// queue breadth first with a cursor. A fleet member (FleetFeed) takes its fair share of the
// job's hosts - hosts with ready URLs divided by live workers - under host leases, and claims a
// batch of each held host's URLs at a time; what it does not get to goes back when it stops.

import { MAX_CLAIM_PER_HOST } from '../state/engine/index.js';
import type { FrontierEntry, NewUrl } from '../state/index.js';
import type { OutcomeBatch } from './outcome-batch.js';
import type { RunContext } from './run-context.js';

/** What the dispatcher tells a feed about its own queues. */
export interface QueueView {
  /** Whether the run already has the URL (queued, delayed or in flight). */
  has(url: string): boolean;
  /** URLs of a host waiting in the run's queue. */
  queued(host: string): number;
}

export interface FrontierFeed {
  /** Nothing more to read right now (until a write adds URLs, or a while passes). */
  readonly exhausted: boolean;
  /** The next URLs to work on (the dispatcher skips those it has). */
  next(view: QueueView): Promise<FrontierEntry[]>;
  /** A write found these URLs new to the frontier. */
  written(added: readonly NewUrl[]): void;
  /** Reads the queue from its start again (new URLs were queued outside the runs' writes). */
  reopen(): void;
  /** URLs the run took and will not process (it stops): claims go back to the job. */
  giveBack(entries: readonly FrontierEntry[]): Promise<void>;
}

const BUFFER_BATCH = 2_000;

/** One owner per job: the job's queue, breadth first, from a cursor. */
export class OwnerFeed implements FrontierFeed {
  readonly #ctx: RunContext;
  readonly #batch: OutcomeBatch;
  #cursor = { depth: -1, seq: 0 };
  #exhausted = false;

  constructor(ctx: RunContext, batch: OutcomeBatch) {
    this.#ctx = ctx;
    this.#batch = batch;
  }

  get exhausted(): boolean {
    return this.#exhausted;
  }

  async next(): Promise<FrontierEntry[]> {
    // Outcomes first, so rows already settled in memory are no longer `queued` in the store.
    await this.#batch.flush(true);
    const ctx = this.#ctx;
    const rows = await ctx.deps.store.nextQueued(
      ctx.job.id,
      this.#cursor.depth,
      this.#cursor.seq,
      BUFFER_BATCH,
    );
    if (rows.length < BUFFER_BATCH) this.#exhausted = true;
    const last = rows[rows.length - 1];
    if (last) this.#cursor = { depth: last.depth, seq: last.seq };
    return rows;
  }

  written(added: readonly NewUrl[]): void {
    if (added.length > 0) this.#exhausted = false;
    // A late page (a retry) can add links shallower than the read position: read from the top again.
    if (added.some((a) => a.depth < this.#cursor.depth)) this.#cursor = { depth: -1, seq: 0 };
  }

  reopen(): void {
    this.#exhausted = false;
  }

  async giveBack(): Promise<void> {}
}

/** How often a fleet member that found nothing looks again, ms (others may have queued URLs). */
const IDLE_LOOK_MS = 1_000;
/** How often the hosts with ready URLs (and the live workers) are counted again, ms. */
const HOSTS_LOOK_MS = 1_000;

/** A fleet member: a fair share of the job's hosts, claimed URLs of each. */
export class FleetFeed implements FrontierFeed {
  readonly #ctx: RunContext;
  #exhaustedAt = 0;
  #hostsAt = 0;
  #ready: { hosts: Array<{ host: string; ready: number }>; total: number } = { hosts: [], total: 0 };
  #live = 1;

  constructor(ctx: RunContext) {
    this.#ctx = ctx;
  }

  private get fleet() {
    const fleet = this.#ctx.fleet;
    if (!fleet) throw new Error('a fleet feed without a fleet');
    return fleet;
  }

  get exhausted(): boolean {
    return Date.now() - this.#exhaustedAt < IDLE_LOOK_MS;
  }

  /** URLs of one host to claim at a time: what the host's politeness lets this run fetch within half a lease. */
  private perHost(): number {
    const { scheduler } = this.#ctx.deps;
    const gap = Math.max(50, scheduler.options.delayMs);
    const fetchable = Math.floor(this.fleet.leaseMs / 2 / gap) * scheduler.options.perHost;
    return Math.max(1, Math.min(MAX_CLAIM_PER_HOST, fetchable));
  }

  async next(view: QueueView): Promise<FrontierEntry[]> {
    const ctx = this.#ctx;
    const fleet = this.fleet;
    const leases = fleet.hosts;
    const jobId = ctx.job.id;
    const now = Date.now();
    if (now - this.#hostsAt >= HOSTS_LOOK_MS) {
      this.#ready = await fleet.readyHosts(jobId, 500);
      this.#live = await fleet.liveWorkers();
      this.#hostsAt = now;
    }
    // A fair share of the job's hosts: those with queued URLs, divided among the live workers.
    const share = Math.max(1, Math.ceil(this.#ready.total / Math.max(1, this.#live)));
    const readyHosts = this.#ready.hosts.map((h) => h.host);
    const held = leases.held();
    if (held.length < share) {
      const free = readyHosts.filter((h) => !leases.holds(h));
      if (free.length > 0) await leases.acquire(free, share - held.length);
    } else if (held.length > share + 1) {
      // More than a fair share (taken before the others started): the least busy go back, so the
      // other workers get theirs (their URLs here are given back by the dispatcher).
      const { scheduler } = ctx.deps;
      const idle = held
        .filter((h) => scheduler.activeOn(h) === 0)
        .sort((x, y) => view.queued(x) - view.queued(y))
        .slice(0, held.length - share);
      if (idle.length > 0) await leases.release(idle);
    }
    const perHost = this.perHost();
    const ready = new Set(readyHosts);
    const hosts = leases.held().filter((h) => ready.has(h) && view.queued(h) < perHost / 2);
    const entries =
      hosts.length === 0
        ? []
        : await fleet.claim(jobId, ctx.deps.owner, hosts, perHost, (url) => view.has(url));
    this.#exhaustedAt = entries.length === 0 ? Date.now() : 0;
    ctx.log.debug(
      {
        share,
        ready: this.#ready.total,
        live: this.#live,
        held: leases.held().length,
        asked: hosts.length,
        claimed: entries.length,
      },
      'claimed URLs',
    );
    return entries;
  }

  written(added: readonly NewUrl[]): void {
    if (added.length > 0) this.#exhaustedAt = 0;
  }

  reopen(): void {
    this.#exhaustedAt = 0;
    this.#hostsAt = 0;
  }

  async giveBack(entries: readonly FrontierEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.fleet.unclaim(this.#ctx.job.id, entries);
  }
}
