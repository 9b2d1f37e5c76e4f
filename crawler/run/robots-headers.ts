// What HTTP headers say about a page, pure: X-Robots-Tag (for all crawlers or for ours) and the
// canonical URL of a Link header.
import { productToken } from '../robots.js';
import { requestUrl } from '../urls.js';

/** Whether an X-Robots-Tag header forbids indexing / following for our user agent. */
export function parseXRobotsTag(
  header: string | undefined,
  userAgent: string,
): { noindex: boolean; nofollow: boolean } {
  const token = productToken(userAgent).toLowerCase();
  let noindex = false;
  let nofollow = false;
  for (const part of (header ?? '').toLowerCase().split(/,(?=\s*[a-z0-9_-]+\s*:)|\n/)) {
    // "googlebot: noindex" applies to that crawler only; "noindex" to all.
    const m = /^\s*([a-z0-9_-]+)\s*:\s*(.*)$/.exec(part);
    const directives =
      m && !/^(noindex|nofollow|none|unavailable_after|max-|noarchive|nosnippet)/.test(m[1] ?? '')
        ? m[1] === token
          ? (m[2] ?? '')
          : ''
        : part;
    if (/\b(noindex|none)\b/.test(directives)) noindex = true;
    if (/\b(nofollow|none)\b/.test(directives)) nofollow = true;
  }
  return { noindex, nofollow };
}

/** The canonical URL (request form) of an HTTP Link header (`<…>; rel="canonical"`), if any. */
export function canonicalFromLinkHeader(header: string | undefined, base: string): string | undefined {
  if (!header) return undefined;
  for (const m of header.matchAll(/<([^>]+)>\s*;([^,]*)/g)) {
    if (/\brel\s*=\s*"?canonical"?/i.test(m[2] ?? '')) {
      try {
        return requestUrl(m[1] ?? '', base);
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
