// max_pages for a run: pages indexed or found unchanged count towards it, and so do URLs in
// flight (they may become such pages). One owner per job counts its own (the job's counters).
// In a fleet the job's pages are a ledger in the engine (state/engine/page-budget.ts): the run
// reserves pages in small chunks before it works on URLs, settles what it used, and gives back
// what it did not.
import type { RunContext } from './run-context.js';

export interface PageAllowance {
  /** Whether one more URL may be worked on, with `inFlight` URLs in flight. */
  allows(inFlight: number): boolean;
  /**
   * Whether the run has no page left to start a URL with and the job had none to give it when it
   * last asked (others hold the rest): a fleet member then lets its hosts go to those who can use them.
   */
  starved(inFlight: number): boolean;
  /** Whether max_pages is reached for good: nothing in flight here, nothing left for anyone. */
  capped(inFlight: number): Promise<boolean>;
  /** Pages max_pages leaves for the job (the revisit pass takes at most these). */
  left(): Promise<number>;
  /** Writes what the run used (a fleet's ledger); a periodic call. */
  settle(): Promise<void>;
  /** Gives back what the run reserved and did not use (it stops working on the job). */
  release(): Promise<void>;
}

/** One owner per job: the job's own counters. */
export class OwnerAllowance implements PageAllowance {
  readonly #ctx: RunContext;

  constructor(ctx: RunContext) {
    this.#ctx = ctx;
  }

  private used(inFlight: number): number {
    const c = this.#ctx.counters;
    return c.indexed + c.unchanged + inFlight;
  }

  allows(inFlight: number): boolean {
    return this.used(inFlight) < this.#ctx.maxPages;
  }

  starved(): boolean {
    return false;
  }

  async capped(inFlight: number): Promise<boolean> {
    return inFlight === 0 && !this.allows(0);
  }

  async left(): Promise<number> {
    return this.#ctx.maxPages - this.used(0);
  }

  async settle(): Promise<void> {}

  async release(): Promise<void> {}
}

/** Pages a fleet member reserves at a time. */
const CHUNK = 64;
/** After the job had none left, how long before asking again, ms. */
const EMPTY_RETRY_MS = 1_000;

/** A fleet: the job's ledger, reserved a chunk at a time. */
export class FleetAllowance implements PageAllowance {
  readonly #ctx: RunContext;
  /** Pages this process holds in the ledger (reserved, not yet settled as used). */
  #held = 0;
  /** Of the counters' pages (indexed + unchanged), those already settled. */
  #settled = 0;
  #reserving: Promise<void> | undefined;
  #emptyAt = 0;

  constructor(ctx: RunContext) {
    this.#ctx = ctx;
  }

  private get fleet() {
    const fleet = this.#ctx.fleet;
    if (!fleet) throw new Error('a fleet allowance without a fleet');
    return fleet;
  }

  private consumed(): number {
    const c = this.#ctx.counters;
    return c.indexed + c.unchanged;
  }

  private available(inFlight: number): number {
    return this.#held - (this.consumed() - this.#settled) - inFlight;
  }

  allows(inFlight: number): boolean {
    const available = this.available(inFlight);
    if (available <= CHUNK / 4) this.reserveSoon();
    return available > 0;
  }

  /** Reserves the next chunk in the background (one request at a time). */
  private reserveSoon(): void {
    if (this.#reserving || Date.now() - this.#emptyAt < EMPTY_RETRY_MS) return;
    const ctx = this.#ctx;
    this.#reserving = this.fleet
      .reservePages(ctx.job.id, ctx.deps.owner, CHUNK)
      .then((got) => {
        this.#held += got;
        this.#emptyAt = got === 0 ? Date.now() : 0;
      })
      .catch((err: unknown) => {
        if (!ctx.troubled(err, 'reserve pages')) ctx.log.warn({ err }, 'could not reserve pages');
        this.#emptyAt = Date.now();
      })
      .finally(() => {
        this.#reserving = undefined;
      });
  }

  starved(inFlight: number): boolean {
    return this.#emptyAt > 0 && !this.#reserving && this.available(inFlight) <= 0;
  }

  /** Waits for a reservation in progress (the dispatcher then looks again). */
  async pending(): Promise<void> {
    await this.#reserving;
  }

  async capped(inFlight: number): Promise<boolean> {
    if (inFlight > 0 || this.available(0) > 0 || this.#reserving) return false;
    await this.settle();
    await this.release();
    const { left, held } = await this.fleet.pagesLeft(this.#ctx.job.id);
    return left === 0 && held === 0;
  }

  async left(): Promise<number> {
    return (await this.fleet.pagesLeft(this.#ctx.job.id)).left + Math.max(0, this.available(0));
  }

  async settle(): Promise<void> {
    await this.#reserving;
    const delta = this.consumed() - this.#settled;
    if (delta === 0) return;
    const ctx = this.#ctx;
    await this.fleet.settlePages(ctx.job.id, ctx.deps.owner, delta, 0);
    this.#settled += delta;
    // As the ledger does: used pages leave the reservation (never below zero), taken-back ones return.
    this.#held = delta >= 0 ? this.#held - Math.min(delta, Math.max(0, this.#held)) : this.#held - delta;
  }

  async release(): Promise<void> {
    await this.settle();
    const returned = Math.max(0, this.available(0));
    if (returned === 0) return;
    const ctx = this.#ctx;
    await this.fleet.settlePages(ctx.job.id, ctx.deps.owner, 0, returned);
    this.#held -= returned;
  }
}
