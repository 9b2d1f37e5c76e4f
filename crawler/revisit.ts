// Re-crawl decisions, pure: the adaptive revisit interval (Nutch's AdaptiveFetchSchedule: longer
// while a page stays the same, shorter when it changes), when a missing page leaves the index,
// and which hosts look down rather than emptied (deletions suspended).

export interface RevisitPolicy {
  /** Interval after a page's first fetch, ms (0: re-fetch on every crawl). */
  readonly initialMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The policy for CITEBOX_RECRAWL_INTERVAL_HOURS: from an hour up to 30 days around it. */
export function revisitPolicy(intervalHours: number): RevisitPolicy {
  if (intervalHours <= 0) return { initialMs: 0, minMs: 0, maxMs: 0 };
  const initialMs = intervalHours * HOUR;
  return { initialMs, minMs: Math.min(HOUR, initialMs), maxMs: Math.max(30 * DAY, initialMs) };
}

/** The next revisit interval of a page, ms. */
export function nextInterval(
  previousMs: number | null | undefined,
  changed: boolean,
  policy: RevisitPolicy,
): number {
  if (policy.maxMs === 0) return 0;
  if (previousMs === null || previousMs === undefined || previousMs <= 0) return policy.initialMs;
  const next = changed ? previousMs * 0.5 : previousMs * 1.5;
  return Math.round(Math.min(policy.maxMs, Math.max(policy.minMs, next)));
}

/** A 404 (or 401/403/451) removes a page only when seen this many times in a row. */
export const MISSES_BEFORE_DELETE = 2;

export interface GoneVerdict {
  /** Consecutive misses after this answer. */
  readonly misses: number;
  /** Whether the page leaves the index. */
  readonly remove: boolean;
}

/** What an HTTP status says about a page that may be in the index, or undefined when it says nothing. */
export function goneVerdict(status: number, previousMisses: number): GoneVerdict | undefined {
  if (status === 410) return { misses: previousMisses + 1, remove: true };
  if (status === 404 || status === 401 || status === 403 || status === 451) {
    const misses = previousMisses + 1;
    return { misses, remove: misses >= MISSES_BEFORE_DELETE };
  }
  return undefined;
}

export interface HostTally {
  /** URLs of the host that got an answer or a network failure in this crawl. */
  readonly attempted: number;
  /** Of those: 5xx, 404/410 and network failures. */
  readonly errors: number;
}

/**
 * Hosts where most requests failed in this crawl: an outage or a broken deploy rather than pages
 * really gone, so their deletions wait for a later crawl.
 */
export function outageHosts(
  tallies: ReadonlyMap<string, HostTally>,
  options: { ratio?: number; minErrors?: number } = {},
): Set<string> {
  const ratio = options.ratio ?? 0.5;
  const minErrors = options.minErrors ?? 3;
  const out = new Set<string>();
  for (const [host, t] of tallies) {
    if (t.errors >= minErrors && t.errors / Math.max(1, t.attempted) > ratio) out.add(host);
  }
  return out;
}
