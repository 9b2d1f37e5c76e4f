// URL normalization and scope. A URL's normalized form is its identity in the frontier, so
// variants of one page (case of the host, default port, fragment, tracking parameters, query
// order) are fetched once.
import { CiteboxError } from '../services/index.js';

/** Query parameters that only track campaigns or sessions and never change the page. */
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'msclkid',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  'igshid',
  'yclid',
  'ref_src',
  'sessionid',
  'phpsessid',
  'jsessionid',
  'sid',
]);

function isTrackingParam(name: string): boolean {
  const n = name.toLowerCase();
  return n.startsWith('utm_') || TRACKING_PARAMS.has(n);
}

/** Parses an absolute http(s) URL or throws INVALID_URL. */
export function parseHttpUrl(input: string, base?: string | URL): URL {
  let url: URL;
  try {
    url = base === undefined ? new URL(input) : new URL(input, base);
  } catch {
    throw new CiteboxError('INVALID_URL', `Not a valid URL: ${input.slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CiteboxError('INVALID_URL', `Only http and https URLs can be crawled, not ${url.protocol}`);
  }
  if (!url.hostname) throw new CiteboxError('INVALID_URL', `URL has no host: ${input.slice(0, 200)}`);
  return url;
}

/**
 * The normalized form of an http(s) URL: lower-case scheme and host (WHATWG URL also converts
 * IDNs to punycode and drops default ports), no fragment, no tracking parameters, sorted query,
 * "/" for an empty path.
 */
export function normalizeUrl(input: string | URL, base?: string | URL): string {
  const url = typeof input === 'string' ? parseHttpUrl(input, base) : new URL(input.href);
  url.hash = '';
  url.username = '';
  url.password = '';
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  const kept = [...url.searchParams.entries()].filter(([name]) => !isTrackingParam(name));
  kept.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  url.search = kept.length > 0 ? new URLSearchParams(kept).toString() : '';
  return url.href;
}

/** Resolves a link found on a page; undefined for non-http(s) or malformed links. */
export function resolveLink(href: string, base: string | URL): string | undefined {
  const trimmed = href.trim();
  if (!trimmed || trimmed.startsWith('#')) return undefined;
  try {
    return normalizeUrl(trimmed, base);
  } catch {
    return undefined; // mailto:, javascript:, malformed: not crawlable, not an error
  }
}

/** Turns a user pattern into a test on URLs: `/regex/` as is, otherwise a glob where `*` is any run. */
export function compilePattern(pattern: string): (url: string) => boolean {
  if (pattern.length > 2 && pattern.startsWith('/') && pattern.endsWith('/')) {
    let re: RegExp;
    try {
      re = new RegExp(pattern.slice(1, -1));
    } catch (err) {
      throw new CiteboxError('INVALID_REQUEST', `Invalid pattern ${pattern}: ${(err as Error).message}`);
    }
    return (url) => re.test(url);
  }
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  // A pattern starting with "/" is a path pattern; otherwise it must match the whole URL.
  const re = pattern.startsWith('/') ? new RegExp(`^${escaped}`) : new RegExp(`^${escaped}$`);
  return (url) => {
    if (!pattern.startsWith('/')) return re.test(url);
    try {
      const u = new URL(url);
      return re.test(u.pathname + u.search);
    } catch {
      return false;
    }
  };
}

export interface ScopeOptions {
  /** Hosts whose pages may be crawled. */
  readonly hosts: ReadonlySet<string>;
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
}

/** Whether a normalized URL is inside a crawl's scope. */
export function makeScope(options: ScopeOptions): (url: string) => boolean {
  const include = (options.include ?? []).map(compilePattern);
  const exclude = (options.exclude ?? []).map(compilePattern);
  return (url: string) => {
    let host: string;
    try {
      host = new URL(url).hostname;
    } catch {
      return false;
    }
    if (!options.hosts.has(host)) return false;
    if (include.length > 0 && !include.some((test) => test(url))) return false;
    return !exclude.some((test) => test(url));
  };
}
