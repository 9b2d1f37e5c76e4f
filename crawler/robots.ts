// robots.txt per origin, following RFC 9309: a 4xx answer means everything is allowed; a 5xx
// answer (and 429, as Google treats it) or an unreachable server means nothing is allowed until
// a later retry, unless an earlier good copy is cached (RFC 9309 2.4 lets crawlers keep using
// it); rules are cached per origin for an hour (the RFC asks for at most 24 hours). Parsing and
// matching are in robots-rules.ts. A host the crawler may not contact at all (a private address
// without CITEBOX_ALLOW_PRIVATE_NETWORKS, a name that does not resolve) is `refused`: its URLs fail
// at once instead of being retried.
import { errorMessage, isCiteboxError, type Logger } from '../services/index.js';
import type { Fetcher } from './fetcher.js';
import { robotsPolicy } from './robots-rules.js';

export interface RobotsRules {
  /** Whether the user agent may fetch the URL. */
  isAllowed(url: string): boolean;
  /** Crawl-delay in seconds for our user agent, if any. */
  readonly crawlDelaySeconds: number | undefined;
  readonly sitemaps: readonly string[];
  /** Why everything is disallowed, when it is (server error, unreachable). */
  readonly unavailableReason?: string | undefined;
  /** Set when retrying cannot help this crawl (the host is refused or does not exist). */
  readonly refused?: boolean | undefined;
  /** Set when no connection could be made (refused, unreachable, timed out): retried soon, briefly. */
  readonly unreachable?: boolean | undefined;
}

const ALLOW_ALL: RobotsRules = { isAllowed: () => true, crawlDelaySeconds: undefined, sitemaps: [] };
/** robots.txt files larger than this are cut (RFC 9309 asks crawlers to parse at least 500 KiB). */
const MAX_ROBOTS_BYTES = 512 * 1024;
/** Origins whose rules are kept in memory (oldest dropped first). */
const MAX_ORIGINS = 10_000;

function disallowAll(reason: string, kind?: 'refused' | 'unreachable'): RobotsRules {
  return {
    isAllowed: () => false,
    crawlDelaySeconds: undefined,
    sitemaps: [],
    unavailableReason: reason,
    ...(kind === 'refused' ? { refused: true } : kind === 'unreachable' ? { unreachable: true } : {}),
  };
}

const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Fetch errors where no connection was made at all (the host is down or unreachable). */
export function isUnreachable(err: unknown): boolean {
  if (!isCiteboxError(err)) return false;
  const code = err.details?.['code'];
  if (typeof code === 'string' && CONNECT_ERRORS.has(code)) return true;
  return (
    err.code === 'FETCH_TIMEOUT' &&
    (err.cause as { code?: string } | undefined)?.code === 'UND_ERR_CONNECT_TIMEOUT'
  );
}

/** How long robots.txt trouble is remembered before the next URL of the origin asks again, ms. */
const UNAVAILABLE_TTL_MS = 5_000;
const UNREACHABLE_TTL_MS = 500;

/** Fetch errors that no retry within a crawl can fix: a refused address, a host name that does not exist. */
export function isRefusal(err: unknown): boolean {
  if (!isCiteboxError(err)) return false;
  if (err.code === 'FETCH_BLOCKED') return true;
  const code = err.details?.['code'];
  return code === 'ENOTFOUND';
}

/** The product token of a User-Agent ("CiteboxBot/0.1 (+…)" → "CiteboxBot"). */
export function productToken(userAgent: string): string {
  return userAgent.split(/[\s/]/)[0] ?? userAgent;
}

/** The rules of a robots.txt body for a user agent; `isAllowed` takes request URLs of its origin. */
export function parseRobots(body: string | Uint8Array, userAgent: string): RobotsRules {
  return robotsPolicy(body, productToken(userAgent));
}

/** scheme://host[:port] of an absolute URL, without parsing it fully (hot path). */
function originOf(url: string): string {
  const start = url.indexOf('//');
  const end = url.indexOf('/', start + 2);
  const origin = end < 0 ? url : url.slice(0, end);
  const q = origin.search(/[?#]/);
  return (q < 0 ? origin : origin.slice(0, q)).toLowerCase();
}

export class RobotsCache {
  readonly #fetcher: Fetcher;
  readonly #logger: Logger;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { rules: RobotsRules; expires: number }>();
  /** The last good (2xx or 4xx) rules per origin, for when the server fails later. */
  readonly #lastGood = new Map<string, RobotsRules>();
  readonly #pending = new Map<string, Promise<RobotsRules>>();

  constructor(fetcher: Fetcher, logger: Logger, ttlMs = 60 * 60 * 1000) {
    this.#fetcher = fetcher;
    this.#logger = logger.child({ component: 'robots' });
    this.#ttlMs = ttlMs;
  }

  /** Forgets cached rules (tests; a new crawl of a site whose robots.txt changed). */
  clear(): void {
    this.#cache.clear();
  }

  /** The cached, fresh rules for a URL's origin, without fetching (undefined when not cached). */
  cachedRules(url: string): RobotsRules | undefined {
    const cached = this.#cache.get(originOf(url));
    return cached && cached.expires > Date.now() ? cached.rules : undefined;
  }

  async rulesFor(url: string, signal?: AbortSignal): Promise<RobotsRules> {
    const origin = originOf(url);
    const cached = this.#cache.get(origin);
    if (cached && cached.expires > Date.now()) return cached.rules;
    const pending = this.#pending.get(origin);
    if (pending) return pending;
    const promise = this.load(origin, signal).finally(() => this.#pending.delete(origin));
    this.#pending.set(origin, promise);
    return promise;
  }

  private async load(origin: string, signal?: AbortSignal): Promise<RobotsRules> {
    const robotsUrl = `${origin}/robots.txt`;
    let rules: RobotsRules;
    // Server trouble is retried sooner than a good answer is refreshed.
    let ttl = this.#ttlMs;
    try {
      const res = await this.#fetcher.fetch({ url: robotsUrl, accept: ['text/plain', '*/*'], signal });
      if (res.status >= 200 && res.status < 300) {
        rules = parseRobots(res.body.subarray(0, MAX_ROBOTS_BYTES), this.#fetcher.userAgent);
      } else if (res.status >= 400 && res.status < 500 && res.status !== 429) {
        rules = ALLOW_ALL;
      } else {
        rules = this.#lastGood.get(origin) ?? disallowAll(`robots.txt answered ${res.status}`);
        ttl = UNAVAILABLE_TTL_MS;
      }
    } catch (err) {
      if (signal?.aborted) throw err;
      const kind = isRefusal(err) ? 'refused' : isUnreachable(err) ? 'unreachable' : undefined;
      rules =
        (kind === 'refused' ? undefined : this.#lastGood.get(origin)) ??
        disallowAll(
          kind === 'refused' ? errorMessage(err) : `robots.txt unreachable: ${errorMessage(err)}`,
          kind,
        );
      ttl = kind === 'unreachable' ? UNREACHABLE_TTL_MS : UNAVAILABLE_TTL_MS;
    }
    if (!rules.unavailableReason) {
      this.#lastGood.set(origin, rules);
      if (this.#lastGood.size > MAX_ORIGINS)
        this.#lastGood.delete(this.#lastGood.keys().next().value as string);
    }
    if (this.#cache.size > MAX_ORIGINS) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#logger.debug({ origin, unavailable: rules.unavailableReason }, 'robots.txt loaded');
    this.#cache.set(origin, { rules, expires: Date.now() + ttl });
    return rules;
  }
}
