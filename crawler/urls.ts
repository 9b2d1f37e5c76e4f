// URLs in two forms. The *request URL* is a link as the site wrote it, resolved and serialized
// the way a browser would send it (WHATWG URL; no fragment, no user info): what is fetched, what
// robots.txt is matched against (RFC 9309 2.2.2) and what is indexed and cited. The *key*
// (normalizeUrl) is its identity in the frontier, so variants of one page (case of the host,
// default port, fragment, tracking parameters, query order, needless percent-encoding) are fetched
// once; a key is never requested, since those rewrites can change what a server returns.
import { getDomain } from 'tldts';
import { CiteboxError } from '../services/core.js';

/** Query parameters that only track campaigns or sessions and never change the page. */
const TRACKING_PARAMS = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'mc_cid',
  'mc_eid',
  '_ga',
  '_gl',
  '_hsenc',
  '_hsmi',
  'igshid',
  'yclid',
  'ref_src',
  'sessionid',
  'phpsessid',
  'jsessionid',
  'sid',
  'aspsessionid',
  'cfid',
  'cftoken',
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

/** Unreserved characters (RFC 3986 2.3): their escapes and themselves are one URL. */
function isUnreserved(code: number): boolean {
  return (
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x2d ||
    code === 0x2e ||
    code === 0x5f ||
    code === 0x7e
  );
}

/**
 * Percent-encoding in a canonical form (RFC 3986 6.2.2): escapes of unreserved characters are
 * decoded, other escapes are upper-cased; everything else (reserved characters, literal or
 * escaped) stays as it is. `/path%7euser` and `/path~user` are one page; `%2F` and `/` are not.
 */
export function normalizeEscapes(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const code = Number.parseInt(hex, 16);
    return isUnreserved(code) ? String.fromCharCode(code) : `%${hex.toUpperCase()}`;
  });
}

/** The decoded name of a raw query component (`utm_source=x` → `utm_source`), for the tracking check. */
function paramName(component: string): string {
  const eq = component.indexOf('=');
  const raw = (eq < 0 ? component : component.slice(0, eq)).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * The canonical form of a raw query string (without "?"): tracking parameters dropped, escapes
 * canonical, parameters ordered by name. Components are kept byte for byte otherwise: a valueless
 * `a` stays `a` (not `a=`), `tl;dr` and `?/category/3` are not re-encoded, `%E9` is not decoded
 * as UTF-8, and values of a repeated name keep their order (`?z=1&z=0` is not `?z=0&z=1`).
 */
function canonicalQuery(query: string): string {
  const kept: Array<{ name: string; component: string }> = [];
  for (const component of query.split('&')) {
    if (!component) continue;
    const name = paramName(component);
    if (isTrackingParam(name)) continue;
    kept.push({ name, component: normalizeEscapes(component) });
  }
  // Array.prototype.sort is stable: same-name values stay in page order.
  kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return kept.map((k) => k.component).join('&');
}

/**
 * The URL to request for a link: resolved and serialized as a browser sends it (WHATWG URL: host
 * lower case and punycode, default port and dot segments gone, unsafe characters escaped), without
 * its fragment and user info, the query exactly as written. Throws INVALID_URL.
 */
export function requestUrl(input: string | URL, base?: string | URL): string {
  const url = typeof input === 'string' ? parseHttpUrl(input, base) : new URL(input.href);
  if (!url.hash && !url.username && !url.password && !url.hostname.endsWith('.')) return url.href;
  url.hash = '';
  url.username = '';
  url.password = '';
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.slice(0, -1);
  return url.href;
}

/**
 * The key of an http(s) URL in the frontier (never requested): its request form with canonical
 * percent-encoding in the path and query, no tracking parameters, query parameters ordered by
 * name, "/" for an empty path.
 */
export function normalizeUrl(input: string | URL, base?: string | URL): string {
  const url = new URL(requestUrl(input, base));
  url.pathname = normalizeEscapes(url.pathname);
  if (url.search.length > 1) {
    const query = canonicalQuery(url.search.slice(1));
    // Assigned through href so the URL parser cannot re-encode what canonicalQuery kept.
    const href = url.href;
    const at = href.indexOf('?');
    return query ? `${href.slice(0, at)}?${query}` : href.slice(0, at);
  }
  // A bare "?" asks for the same resource as no query at all on every server we know of.
  return url.search === '' && url.href.endsWith('?') ? url.href.slice(0, -1) : url.href;
}

/** The request URL of a link found on a page; undefined for non-http(s) or malformed links. */
export function resolveLink(href: string, base: string | URL): string | undefined {
  const trimmed = href.trim();
  if (!trimmed || trimmed.startsWith('#')) return undefined;
  const lower = trimmed.slice(0, 11).toLowerCase();
  if (lower.startsWith('javascript:') || lower.startsWith('mailto:') || lower.startsWith('tel:')) {
    return undefined;
  }
  try {
    return requestUrl(trimmed, base);
  } catch {
    return undefined; // data:, ftp:, malformed: not crawlable, not an error
  }
}

/** The host of a normalized URL without a leading "www." (example.com and www.example.com are one site). */
export function siteHost(host: string): string {
  return host.startsWith('www.') ? host.slice(4) : host;
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

/**
 * How far a crawl may wander from its seeds: `host` keeps to the seeds' hosts (with or without
 * "www."), `domain` to their registrable domains (docs.example.com and blog.example.com). `hosts`
 * is `host` under the name the API gives it when extra hosts are listed: `allowedHosts` add to
 * any mode.
 */
export type ScopeMode = 'host' | 'domain' | 'hosts';

export interface ScopeOptions {
  readonly mode?: ScopeMode | undefined;
  /** Authorities (`host` or `host:port`, as URL.host gives them) of the seeds. */
  readonly hosts: ReadonlySet<string> | readonly string[];
  /** Other hosts that may be crawled, whatever the mode. */
  readonly allowedHosts?: readonly string[] | undefined;
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
}

/** The registrable domain of a host ("docs.example.co.uk" → "example.co.uk"); IPs and single labels stay as they are. */
export function registrableDomain(host: string): string {
  return getDomain(host, { allowPrivateDomains: true }) ?? host;
}

function stripPort(authority: string): string {
  if (authority.startsWith('[')) return authority.slice(0, authority.indexOf(']') + 1);
  const colon = authority.lastIndexOf(':');
  return colon >= 0 ? authority.slice(0, colon) : authority;
}

/**
 * Whether an authority (`host` or `host:port`) is inside a scope. Ports count in `host` and
 * `hosts` modes (127.0.0.1:8080 is another site than 127.0.0.1:9), not in `domain` mode, for the
 * extra hosts too; schemes never do, so an http → https redirect stays in scope.
 */
export function makeHostScope(options: ScopeOptions): (authority: string) => boolean {
  const seeds = [...options.hosts].map((h) => h.toLowerCase());
  const extra = (options.allowedHosts ?? []).map((h) => siteHost(h.toLowerCase()));
  const mode = options.mode ?? 'host';
  if (mode === 'domain') {
    const domains = new Set(seeds.map((h) => registrableDomain(stripPort(h))));
    const hosts = new Set(extra);
    return (authority) => {
      const host = stripPort(authority);
      return hosts.has(siteHost(host)) || domains.has(registrableDomain(host));
    };
  }
  const sites = new Set([...seeds.map(siteHost), ...extra]);
  return (authority) => sites.has(siteHost(authority));
}

/** Whether a normalized URL is inside a crawl's scope. */
export function makeScope(options: ScopeOptions): (url: string) => boolean {
  const hostOk = makeHostScope(options);
  const include = (options.include ?? []).map(compilePattern);
  const exclude = (options.exclude ?? []).map(compilePattern);
  return (url: string) => {
    const authority = authorityOf(url);
    if (authority === undefined || !hostOk(authority)) return false;
    if (include.length > 0 && !include.some((test) => test(url))) return false;
    return !exclude.some((test) => test(url));
  };
}

/** `host[:port]` of an absolute URL, lower case, without allocating a URL object. */
export function authorityOf(url: string): string | undefined {
  const start = url.indexOf('//');
  if (start < 0) return undefined;
  let end = start + 2;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    end++;
  }
  let authority = url.slice(start + 2, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  return authority.toLowerCase() || undefined;
}

/** The host of an absolute URL without allocating a URL object (frontier hot path). */
export function hostOf(url: string): string | undefined {
  const start = url.indexOf('//');
  if (start < 0) return undefined;
  let end = start + 2;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    end++;
  }
  let authority = url.slice(start + 2, end);
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    return close > 0 ? authority.slice(0, close + 1).toLowerCase() : undefined; // "[::1]", as URL.hostname
  }
  const colon = authority.indexOf(':');
  return (colon >= 0 ? authority.slice(0, colon) : authority).toLowerCase() || undefined;
}
