// Crawler-trap guards, decided on the URL alone before it enters the frontier: overlong URLs,
// deep or repeating paths (/a/b/a/b/a/b…), too many query parameters, a per-host URL cap, and
// calendars that link to the next month forever. The limits follow Heritrix's decide rules
// (TooManyPathSegments 20, PathologicalPath 2 repeats, 2083-character URLs) and Nutch's
// repeated-segment filter.

export interface TrapLimits {
  readonly maxUrlLength: number;
  readonly maxPathSegments: number;
  /** A path segment may appear at most this many times (Nutch's `(/[^/]+)…\1…\1` rule). */
  readonly maxSegmentRepeats: number;
  readonly maxQueryParams: number;
  /** URLs of one host sharing one date-bearing pattern (a calendar, an archive by day). */
  readonly maxPerDatePattern: number;
  /** Dates further in the future than this many years are calendar pages nobody wrote. */
  readonly maxYearsAhead: number;
  /** URLs one host may put into a job's frontier. */
  readonly maxUrlsPerHost: number;
}

export const DEFAULT_TRAP_LIMITS: TrapLimits = {
  maxUrlLength: 2048,
  maxPathSegments: 20,
  maxSegmentRepeats: 2,
  maxQueryParams: 12,
  maxPerDatePattern: 60,
  maxYearsAhead: 2,
  maxUrlsPerHost: 100_000,
};

const DATE_PARAM = /^(y|m|d|yr|year|month|day|date|week|cal|calendar|ym|period|from|to|start|end|time)$/i;
const YEAR_MONTH =
  /(?:^|[^0-9])((?:19|20)\d{2})(?:[-_./]?(0[1-9]|1[0-2]))(?:[-_./]?(?:0[1-9]|[12]\d|3[01]))?(?:[^0-9]|$)/;
const YEAR_ONLY = /^(?:19|20)\d{2}$/;

/** The years named by a URL's path and date-like query parameters (empty when it carries no date). */
export function datesInUrl(url: URL): number[] {
  const years: number[] = [];
  const segments = url.pathname.split('/').filter(Boolean);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] ?? '';
    const m = YEAR_MONTH.exec(seg);
    if (m) years.push(Number(m[1]));
    // /2024/05/ split over two segments.
    else if (YEAR_ONLY.test(seg) && /^(0?[1-9]|1[0-2])$/.test(segments[i + 1] ?? '')) years.push(Number(seg));
  }
  for (const [name, value] of url.searchParams) {
    const m = YEAR_MONTH.exec(value);
    if (m) years.push(Number(m[1]));
    else if (DATE_PARAM.test(name) && /\d/.test(value)) {
      const y = /(?:19|20)\d{2}/.exec(value);
      years.push(y ? Number(y[0]) : Number.NaN);
    }
  }
  return years;
}

/**
 * The shape of a date-bearing URL, digits folded ("/events/#/#", "/calendar?month=#-#"), so all
 * pages of one calendar share it; undefined for URLs without a date.
 */
export function datePattern(url: URL): string | undefined {
  if (datesInUrl(url).length === 0) return undefined;
  const path = url.pathname.replace(/\d+/g, '#');
  const params = [...url.searchParams.entries()]
    .map(([k, v]) => `${k}=${v.replace(/\d+/g, '#')}`)
    .sort()
    .join('&');
  return `${url.host}${path}${params ? `?${params}` : ''}`;
}

/** Why a URL is a likely trap on its own, or undefined. Pure; `now` is for the calendar window. */
export function urlTrapReason(
  url: URL,
  limits: TrapLimits = DEFAULT_TRAP_LIMITS,
  now = new Date(),
): string | undefined {
  if (url.href.length > limits.maxUrlLength) return `URL longer than ${limits.maxUrlLength} characters`;
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.length > limits.maxPathSegments) return `more than ${limits.maxPathSegments} path segments`;
  const counts = new Map<string, number>();
  for (const seg of segments) {
    const n = (counts.get(seg) ?? 0) + 1;
    if (n > limits.maxSegmentRepeats) return `path segment "${seg.slice(0, 40)}" repeats`;
    counts.set(seg, n);
  }
  let params = 0;
  for (const _ of url.searchParams.keys()) params++;
  if (params > limits.maxQueryParams) return `more than ${limits.maxQueryParams} query parameters`;
  const horizon = now.getUTCFullYear() + limits.maxYearsAhead;
  if (datesInUrl(url).some((y) => y > horizon)) return 'calendar date too far in the future';
  return undefined;
}

/**
 * The stateful part of the trap guard for one job: counts URLs per host and per date pattern as
 * they are admitted to the frontier.
 */
export class TrapGuard {
  readonly #limits: TrapLimits;
  readonly #perHost = new Map<string, number>();
  readonly #perPattern = new Map<string, number>();
  readonly #now: () => Date;

  constructor(limits: Partial<TrapLimits> = {}, now: () => Date = () => new Date()) {
    this.#limits = { ...DEFAULT_TRAP_LIMITS, ...limits };
    this.#now = now;
  }

  get limits(): TrapLimits {
    return this.#limits;
  }

  /** Counts a URL already in the frontier (when a job resumes) without judging it. */
  remember(url: string, host: string): void {
    this.#perHost.set(host, (this.#perHost.get(host) ?? 0) + 1);
    const pattern = safePattern(url);
    if (pattern) this.#perPattern.set(pattern, (this.#perPattern.get(pattern) ?? 0) + 1);
  }

  /** Counts `count` URLs of a host already in the frontier (a fleet member joining a job). */
  rememberHost(host: string, count: number): void {
    this.#perHost.set(host, (this.#perHost.get(host) ?? 0) + count);
  }

  /** Un-counts a URL that admit() let through but the frontier already held. */
  release(url: string, host: string): void {
    const n = this.#perHost.get(host) ?? 0;
    if (n > 0) this.#perHost.set(host, n - 1);
    const pattern = safePattern(url);
    if (pattern) {
      const p = this.#perPattern.get(pattern) ?? 0;
      if (p > 0) this.#perPattern.set(pattern, p - 1);
    }
  }

  /** Why a new URL must not enter the frontier, or undefined (then it is counted). */
  admit(url: string, host: string): string | undefined {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'malformed URL';
    }
    const reason = urlTrapReason(parsed, this.#limits, this.#now());
    if (reason) return reason;
    const hostCount = this.#perHost.get(host) ?? 0;
    if (hostCount >= this.#limits.maxUrlsPerHost)
      return `more than ${this.#limits.maxUrlsPerHost} URLs on ${host}`;
    const pattern = datePattern(parsed);
    if (pattern) {
      const n = this.#perPattern.get(pattern) ?? 0;
      if (n >= this.#limits.maxPerDatePattern) return 'calendar trap (too many dated URLs of one pattern)';
      this.#perPattern.set(pattern, n + 1);
    }
    this.#perHost.set(host, hostCount + 1);
    return undefined;
  }
}

function safePattern(url: string): string | undefined {
  try {
    return datePattern(new URL(url));
  } catch {
    return undefined;
  }
}
