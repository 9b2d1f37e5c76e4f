// Politeness per host, shared by every crawl job of a process: at most `perHost` requests in
// flight to one host and `global` across hosts; between two requests to a host at least
// max(CITEBOX_CRAWL_DELAY_MS, robots Crawl-delay (capped), k × the host's recent response time),
// as Heritrix's delay factor does; Retry-After on 429/503 and exponential backoff on other
// failures push the host's next slot back; a host that keeps failing is paused.

export interface PolitenessOptions {
  /** Minimum delay between two requests to one host, ms. */
  readonly delayMs: number;
  /** Requests in flight per host. */
  readonly perHost: number;
  /** Requests in flight across all hosts. */
  readonly global: number;
  /** robots.txt Crawl-delay is honoured up to this many seconds. */
  readonly maxCrawlDelaySeconds: number;
  /** The delay is at least this multiple of the host's recent response time (0: off). */
  readonly responseTimeFactor: number;
  /** First retry of a failed URL after this many ms, doubling per attempt. */
  readonly retryBaseMs: number;
  /** A Retry-After longer than this gives the URL up instead of waiting. */
  readonly maxRetryAfterMs: number;
  /** Consecutive failures after which a host is paused. */
  readonly failuresBeforePause: number;
  /** First pause of a failing host, doubling per pause (capped at 30 minutes). */
  readonly pauseMs: number;
}

export const DEFAULT_POLITENESS: PolitenessOptions = {
  delayMs: 1000,
  perHost: 1,
  global: 16,
  maxCrawlDelaySeconds: 30,
  responseTimeFactor: 2,
  retryBaseMs: 5_000,
  maxRetryAfterMs: 15 * 60_000,
  failuresBeforePause: 5,
  pauseMs: 60_000,
};

export class HostState {
  active = 0;
  /** Earliest start of the next request. */
  nextAt = 0;
  /** robots.txt Crawl-delay, capped, ms. */
  crawlDelayMs = 0;
  /** Exponentially weighted mean response time, ms. */
  responseMs: number | undefined;
  consecutiveFailures = 0;
  pauses = 0;
  lastEndAt = 0;
}

/** A host's politeness as one process hands it to the next (a fleet's host lease). */
export interface HostSnapshot {
  /** Earliest start of the next request, ms epoch. */
  readonly nextAt: number;
  readonly crawlDelayMs: number;
  readonly responseMs: number | null;
  readonly failures: number;
  readonly pauses: number;
}

/**
 * Decides, beyond this process's own politeness, whether it may talk to a host: in a fleet, only
 * while it holds the host's lease for at least the gap the host gets, so that a process taking
 * the host over after this one died starts no sooner than that gap after its last request.
 */
export interface HostGate {
  allows(host: string, delayMs: number, now: number): boolean;
}

/** `none`: the slot was taken but no request made (robots.txt said no): the host's record stays. */
export type RequestOutcome = 'ok' | 'failure' | 'throttled' | 'none';

export class PolitenessScheduler {
  readonly options: PolitenessOptions;
  readonly #hosts = new Map<string, HostState>();
  #active = 0;
  #gate: HostGate | undefined;

  constructor(options: Partial<PolitenessOptions> = {}) {
    this.options = { ...DEFAULT_POLITENESS, ...options };
  }

  get active(): number {
    return this.#active;
  }

  /** Hosts may be used only when the gate allows it too (a fleet's host leases). */
  setGate(gate: HostGate | undefined): void {
    this.#gate = gate;
  }

  /** Requests in flight to a host. */
  activeOn(name: string): number {
    return this.#hosts.get(name)?.active ?? 0;
  }

  /** The host's politeness, to hand over. */
  snapshot(name: string): HostSnapshot {
    const h = this.host(name);
    return {
      nextAt: h.nextAt,
      crawlDelayMs: h.crawlDelayMs,
      responseMs: h.responseMs ?? null,
      failures: h.consecutiveFailures,
      pauses: h.pauses,
    };
  }

  /** Takes over a host's politeness from another process (the later next slot wins). */
  restore(name: string, snapshot: HostSnapshot): void {
    const h = this.host(name);
    h.nextAt = Math.max(h.nextAt, snapshot.nextAt);
    h.crawlDelayMs = Math.max(h.crawlDelayMs, snapshot.crawlDelayMs);
    if (h.responseMs === undefined && snapshot.responseMs !== null) h.responseMs = snapshot.responseMs;
    h.consecutiveFailures = Math.max(h.consecutiveFailures, snapshot.failures);
    h.pauses = Math.max(h.pauses, snapshot.pauses);
  }

  host(name: string): HostState {
    let state = this.#hosts.get(name);
    if (!state) {
      state = new HostState();
      this.#hosts.set(name, state);
      if (this.#hosts.size > 50_000) this.forgetIdle();
    }
    return state;
  }

  setCrawlDelay(name: string, seconds: number | undefined): void {
    const capped = Math.min(Math.max(seconds ?? 0, 0), this.options.maxCrawlDelaySeconds);
    this.host(name).crawlDelayMs = capped * 1000;
  }

  /** The gap this host gets between two requests now, ms. */
  delayFor(name: string): number {
    const h = this.host(name);
    const adaptive = h.responseMs === undefined ? 0 : h.responseMs * this.options.responseTimeFactor;
    return Math.max(this.options.delayMs, h.crawlDelayMs, adaptive);
  }

  /** Whether a request to the host may start now (per-host and global caps, its delay, pauses). */
  canStart(name: string, now = Date.now()): boolean {
    if (this.#active >= this.options.global) return false;
    const h = this.host(name);
    if (h.active >= this.options.perHost || now < h.nextAt) return false;
    return this.#gate === undefined || this.#gate.allows(name, this.delayFor(name), now);
  }

  /** When the host's next slot opens (ignoring the caps), ms epoch. */
  readyAt(name: string): number {
    return this.host(name).nextAt;
  }

  /** Takes a slot; returns how long politeness held this host back since its last request ended. */
  begin(name: string, now = Date.now()): number {
    const h = this.host(name);
    h.active++;
    this.#active++;
    const waited = h.lastEndAt > 0 ? Math.max(0, Math.min(now, h.nextAt) - h.lastEndAt) : 0;
    // Spread concurrent requests to the host over the delay too.
    h.nextAt = Math.max(h.nextAt, now + this.delayFor(name));
    return waited;
  }

  /**
   * Releases a slot. `elapsedMs` feeds the response-time average; `waitMs` (Retry-After or a
   * backoff) holds the whole host back; failures count towards a pause.
   */
  end(
    name: string,
    outcome: RequestOutcome,
    elapsedMs: number | undefined,
    waitMs = 0,
    now = Date.now(),
  ): void {
    const h = this.host(name);
    h.active = Math.max(0, h.active - 1);
    this.#active = Math.max(0, this.#active - 1);
    h.lastEndAt = now;
    if (elapsedMs !== undefined)
      h.responseMs = h.responseMs === undefined ? elapsedMs : 0.7 * h.responseMs + 0.3 * elapsedMs;
    let next = now + this.delayFor(name);
    if (outcome === 'none') {
      // Nothing was asked of the host: its delay, failures and pauses are as they were.
      next = h.nextAt;
    } else if (outcome === 'ok') {
      h.consecutiveFailures = 0;
      h.pauses = 0;
    } else {
      if (outcome === 'failure') h.consecutiveFailures++;
      next = Math.max(next, now + waitMs);
      if (h.consecutiveFailures >= this.options.failuresBeforePause) {
        const pause = Math.min(this.options.pauseMs * 2 ** h.pauses, 30 * 60_000);
        next = Math.max(next, now + pause);
        h.pauses++;
        h.consecutiveFailures = 0;
      }
    }
    h.nextAt = Math.max(h.nextAt, next);
  }

  /** Backoff before retry number `attempt` (0-based) of a URL, ms. */
  backoffMs(attempt: number): number {
    return this.options.retryBaseMs * 2 ** Math.min(attempt, 10);
  }

  private forgetIdle(): void {
    const now = Date.now();
    for (const [name, h] of this.#hosts) if (h.active === 0 && h.nextAt < now) this.#hosts.delete(name);
  }
}

/** Milliseconds of a Retry-After header (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
