// robots.txt parsing and matching (RFC 9309), pure. Rules are matched against the path and query
// of the URL exactly as it is requested (2.2.2), both sides in one percent-encoding form: non-ASCII
// octets escaped as UTF-8, escapes upper-cased, escapes of unreserved characters decoded; reserved
// characters stay as written (`/a?c=http://d.e/` and `/a?c=http%3A%2F%2Fd.e%2F` are different
// paths). The longest match wins, Allow wins a tie, `*` is any run and a final `$` anchors.
//
// Beyond the RFC, as Google's reference parser (google/robotstxt) does: a user-agent value counts
// up to its first character outside [A-Za-z_-] ("FOO BAR" is a group for "foo", "Bot/2.1" for
// "bot"); lines are cut at 16,663 characters; `Allow: /dir/index.htm[l]` also allows `/dir/`; a
// missing colon ("disallow /x") and common misspellings of the directive names are accepted; a
// (partial) UTF-8 byte-order mark is skipped. Unlike Google's parser, escapes of unreserved
// characters are decoded on both sides, as RFC 9309 2.2.2 requires (`/%62az` is `/baz`).

/** What the rules say for one user agent. */
export interface RobotsPolicy {
  /** Whether the user agent may fetch the URL (an absolute request URL or a path). */
  isAllowed(url: string): boolean;
  /** Crawl-delay in seconds of the group that applies, if any. */
  readonly crawlDelaySeconds: number | undefined;
  /** Sitemap lines, as written. */
  readonly sitemaps: readonly string[];
}

interface Rule {
  readonly allow: boolean;
  /** Normalized pattern, without a final `$`. */
  readonly pattern: string;
  readonly anchored: boolean;
  /** Octets of the pattern as written normalized (what "longest match" compares). */
  readonly length: number;
  readonly wildcard: boolean;
}

interface Group {
  readonly agents: string[];
  readonly rules: Rule[];
  crawlDelay: number | undefined;
}

/** Google cuts robots.txt lines at 8 × 2083 bytes, its buffer keeps one less. */
export const MAX_LINE_CHARS = 2083 * 8 - 1;

const DIRECTIVES: Readonly<Record<string, 'user-agent' | 'allow' | 'disallow' | 'sitemap' | 'crawl-delay'>> =
  {
    'user-agent': 'user-agent',
    useragent: 'user-agent',
    'user agent': 'user-agent',
    allow: 'allow',
    disallow: 'disallow',
    dissallow: 'disallow',
    dissalow: 'disallow',
    disalow: 'disallow',
    diasllow: 'disallow',
    disallaw: 'disallow',
    sitemap: 'sitemap',
    'site-map': 'sitemap',
    'crawl-delay': 'crawl-delay',
  };

const HEX = '0123456789ABCDEF';

function isUnreservedByte(c: number): boolean {
  return (
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x5f ||
    c === 0x7e
  );
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * One percent-encoding form for paths and patterns: non-ASCII (and control) octets escaped from
 * UTF-8, escapes upper-cased, escapes of unreserved characters decoded, the rest as written.
 */
export function normalizeRobotsPath(path: string): string {
  let plain = true;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 0x25 || c <= 0x20 || c >= 0x7f) {
      plain = false;
      break;
    }
  }
  if (plain) return path;
  const bytes = Buffer.from(path, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c === 0x25 && i + 2 < bytes.length) {
      const hi = hexValue(bytes[i + 1] ?? 0);
      const lo = hexValue(bytes[i + 2] ?? 0);
      if (hi >= 0 && lo >= 0) {
        const value = hi * 16 + lo;
        out += isUnreservedByte(value) ? String.fromCharCode(value) : `%${HEX[hi]}${HEX[lo]}`;
        i += 2;
        continue;
      }
    }
    out += c <= 0x20 || c >= 0x7f ? `%${HEX[c >> 4]}${HEX[c & 15]}` : String.fromCharCode(c);
  }
  return out;
}

/**
 * The path and query of a URL as robots.txt rules see it: everything after the authority up to a
 * fragment, "/" when empty. The URL is taken as written: no parsing that could re-encode it.
 */
export function robotsPathOf(url: string): string {
  let start = 0;
  const scheme = url.indexOf('://');
  if (scheme >= 0 && scheme < url.search(/[/?#]/)) {
    start = scheme + 3;
    while (start < url.length) {
      const c = url.charCodeAt(start);
      if (c === 47 || c === 63 || c === 35) break; // / ? #
      start++;
    }
  }
  const hash = url.indexOf('#', start);
  let path = hash < 0 ? url.slice(start) : url.slice(start, hash);
  if (!path.startsWith('/')) path = `/${path}`;
  return normalizeRobotsPath(path);
}

/** Whether `path` matches a pattern with `*` wildcards, from the start; anchored: to the end. */
function wildcardMatch(pattern: string, path: string, anchored: boolean): boolean {
  // Positions in `path` reachable after each pattern character; linear in path × pattern, no
  // backtracking (patterns like `/*a*a*a*a$` cannot blow up).
  let positions = [0];
  for (let p = 0; p < pattern.length; p++) {
    const ch = pattern[p];
    if (ch === '*') {
      const from = positions[0] as number;
      positions = [];
      for (let i = from; i <= path.length; i++) positions.push(i);
      continue;
    }
    const next: number[] = [];
    for (const at of positions) if (at < path.length && path[at] === ch) next.push(at + 1);
    if (next.length === 0) return false;
    positions = next;
  }
  return anchored ? positions.includes(path.length) : true;
}

function ruleMatches(rule: Rule, path: string): boolean {
  if (!rule.wildcard) {
    return rule.anchored ? path === rule.pattern : path.startsWith(rule.pattern);
  }
  return wildcardMatch(rule.pattern, path, rule.anchored);
}

function makeRule(allow: boolean, value: string): Rule | undefined {
  if (!value) return undefined; // "Disallow:" allows everything: no rule
  const normalized = normalizeRobotsPath(value);
  const anchored = normalized.endsWith('$');
  const pattern = anchored ? normalized.slice(0, -1) : normalized;
  return { allow, pattern, anchored, length: normalized.length, wildcard: pattern.includes('*') };
}

/** The product token a user-agent line names, lower case ("*" for the global group). */
function agentOf(value: string): string | undefined {
  const v = value.trim();
  if (v === '*' || /^\*\s/.test(v)) return '*';
  const m = /^[A-Za-z_-]+/.exec(v);
  return m ? m[0].toLowerCase() : undefined;
}

/** Splits a line into directive and value: "name: value", or "name value" for known names. */
function splitLine(line: string): [string, string] | undefined {
  const colon = line.indexOf(':');
  if (colon >= 0) return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
  // Google accepts a missing colon when a known directive is followed by white space.
  const m = /^\s*([A-Za-z-]+(?: agent)?)\s+(\S.*)$/.exec(line);
  if (m && DIRECTIVES[(m[1] ?? '').toLowerCase()]) return [(m[1] ?? '').toLowerCase(), (m[2] ?? '').trim()];
  return undefined;
}

function stripBom(body: string | Uint8Array): string {
  if (typeof body === 'string') return body.charCodeAt(0) === 0xfeff ? body.slice(1) : body;
  // A whole or partial UTF-8 byte-order mark.
  let skip = 0;
  if (body[0] === 0xef) {
    skip = 1;
    if (body[1] === 0xbb) {
      skip = 2;
      if (body[2] === 0xbf) skip = 3;
    }
  }
  return Buffer.from(body.buffer, body.byteOffset + skip, body.byteLength - skip).toString('utf8');
}

/** Parses robots.txt and picks the rules for a product token (`CiteboxBot`). */
export function robotsPolicy(body: string | Uint8Array, productToken: string): RobotsPolicy {
  const text = stripBom(body);
  const groups: Group[] = [];
  const sitemaps: string[] = [];
  let current: Group | undefined;
  let lastWasAgent = false;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    let line = raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw;
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    if (!line.trim()) continue;
    const parts = splitLine(line);
    if (!parts) continue;
    const directive = DIRECTIVES[parts[0]];
    const value = parts[1];
    if (directive === 'user-agent') {
      const agent = agentOf(value);
      if (!lastWasAgent || !current) {
        current = { agents: [], rules: [], crawlDelay: undefined };
        groups.push(current);
      }
      if (agent) current.agents.push(agent);
      lastWasAgent = true;
      continue;
    }
    lastWasAgent = false;
    if (directive === 'sitemap') {
      if (value) sitemaps.push(value);
      continue;
    }
    if (!current) continue; // rules before any user-agent line belong to no group
    if (directive === 'allow' || directive === 'disallow') {
      const rule = makeRule(directive === 'allow', value);
      if (rule) current.rules.push(rule);
      // Google: an allowed index page allows its directory.
      if (directive === 'allow') {
        const slash = value.lastIndexOf('/');
        if (slash >= 0 && value.slice(slash).startsWith('/index.htm')) {
          const dir = makeRule(true, `${value.slice(0, slash + 1)}$`);
          if (dir) current.rules.push(dir);
        }
      }
    } else if (directive === 'crawl-delay') {
      const seconds = Number(value);
      if (Number.isFinite(seconds) && seconds >= 0) current.crawlDelay ??= seconds;
    }
  }
  const token = productToken.toLowerCase();
  // Every group naming the token, combined (RFC 9309 2.2.1); else every "*" group.
  let chosen = groups.filter((g) => g.agents.includes(token));
  if (chosen.length === 0) chosen = groups.filter((g) => g.agents.includes('*'));
  const rules = chosen.flatMap((g) => g.rules);
  const crawlDelaySeconds = chosen.find((g) => g.crawlDelay !== undefined)?.crawlDelay;
  return {
    isAllowed(url: string): boolean {
      if (rules.length === 0) return true;
      const path = robotsPathOf(url);
      let best: Rule | undefined;
      for (const rule of rules) {
        if (best && rule.length < best.length) continue;
        if (best && rule.length === best.length && (best.allow || !rule.allow)) continue;
        if (ruleMatches(rule, path)) best = rule;
      }
      return best ? best.allow : true;
    },
    crawlDelaySeconds,
    sitemaps,
  };
}
