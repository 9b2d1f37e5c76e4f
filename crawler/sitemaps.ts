// Sitemaps (sitemaps.org): <urlset> files, <sitemapindex> files that list other sitemaps, plain
// text lists of URLs, each possibly gzip-compressed. Parsed as a stream with sax, so a 50 MB
// sitemap never becomes a tree in memory; URLs are handed over one by one and the count is capped.
import { createGunzip } from 'node:zlib';
import sax from 'sax';
import { CiteboxError } from '../services/index.js';

export interface SitemapSummary {
  readonly kind: 'urlset' | 'index' | 'text';
  /** Child sitemaps listed by a sitemap index. */
  readonly sitemaps: readonly string[];
  /** URLs handed to onUrl. */
  readonly urls: number;
  /** Whether the cap stopped the reading. */
  readonly truncated: boolean;
}

export interface SitemapOptions {
  /** At most this many URLs are reported (the protocol allows 50,000 per file). */
  readonly maxUrls?: number;
  /** Decompressed size cap (the protocol allows 50 MB). */
  readonly maxBytes?: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Chunks of the sitemap's bytes, gunzipped when they are gzip (a .xml.gz served as is). */
async function* decompressed(body: Buffer, maxBytes: number): AsyncGenerator<Buffer> {
  if (body[0] !== GZIP_MAGIC[0] || body[1] !== GZIP_MAGIC[1]) {
    yield body.subarray(0, maxBytes);
    return;
  }
  const gunzip = createGunzip();
  gunzip.end(body);
  let size = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        yield chunk.subarray(0, chunk.length - (size - maxBytes));
        return;
      }
      yield chunk;
    }
  } catch (err) {
    throw new CiteboxError('FETCH_FAILED', `Broken gzip sitemap: ${(err as Error).message}`, { cause: err });
  } finally {
    gunzip.destroy();
  }
}

/**
 * Reads a sitemap body, calling onUrl(url, lastmod) for each page URL; returns what kind of file it
 * was and the child sitemaps of an index. Malformed XML ends the reading where it breaks.
 */
export async function readSitemap(
  body: Buffer,
  onUrl: (url: string, lastmod: string | undefined) => void,
  options: SitemapOptions = {},
): Promise<SitemapSummary> {
  const maxUrls = options.maxUrls ?? 50_000;
  const maxBytes = options.maxBytes ?? 50 * 1024 * 1024;
  const parser = sax.parser(false, { lowercase: true, trim: true });
  let kind: SitemapSummary['kind'] | undefined;
  const sitemaps: string[] = [];
  let urls = 0;
  let truncated = false;
  let stack: string[] = [];
  let loc = '';
  let lastmod = '';
  let text = '';
  let broken = false;
  const local = (name: string) => name.slice(name.indexOf(':') + 1);

  parser.onopentag = (tag) => {
    const name = local(tag.name);
    if (kind === undefined) kind = name === 'sitemapindex' ? 'index' : 'urlset';
    stack.push(name);
    if (name === 'url' || name === 'sitemap') {
      loc = '';
      lastmod = '';
    }
    text = '';
  };
  const onText = (t: string) => {
    text += t;
  };
  parser.ontext = onText;
  parser.oncdata = onText;
  parser.onclosetag = (raw) => {
    const name = local(raw);
    const parent = stack[stack.length - 2];
    if (name === 'loc' && (parent === 'url' || parent === 'sitemap')) loc = text.trim();
    else if (name === 'lastmod') lastmod = text.trim();
    else if (name === 'url' && loc) {
      if (urls < maxUrls) {
        urls++;
        onUrl(loc, lastmod || undefined);
      } else truncated = true;
    } else if (name === 'sitemap' && loc && sitemaps.length < 1000) sitemaps.push(loc);
    stack.pop();
    text = '';
  };
  parser.onerror = () => {
    broken = true;
  };

  let first = true;
  let pending = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of decompressed(body, maxBytes)) {
    const piece = decoder.decode(chunk, { stream: true });
    if (first) {
      first = false;
      if (!piece.trimStart().startsWith('<')) kind = 'text';
    }
    if (kind === 'text') {
      pending += piece;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const url = line.trim();
        if (!/^https?:\/\//i.test(url)) continue;
        if (urls >= maxUrls) {
          truncated = true;
          break;
        }
        urls++;
        onUrl(url, undefined);
      }
      if (truncated) break;
      continue;
    }
    parser.write(piece);
    if (broken || urls >= maxUrls) {
      truncated ||= urls >= maxUrls;
      break;
    }
  }
  if (kind === 'text' && !truncated && /^https?:\/\//i.test(pending.trim()) && urls < maxUrls) {
    urls++;
    onUrl(pending.trim(), undefined);
  }
  if (kind !== 'text' && !broken) {
    try {
      parser.close();
    } catch {
      broken = true; // a truncated file: what was read counts
    }
  }
  stack = [];
  return { kind: kind ?? 'text', sitemaps, urls, truncated };
}
