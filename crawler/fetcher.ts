// Fetching with undici: connect/header/body timeouts, redirects followed by hand (so each hop is
// checked), a cap on the body before and after decompression, and a content-type check. Vendor
// errors become coded CiteboxErrors with the original as cause.
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Agent, type Dispatcher, request, errors as undiciErrors } from 'undici';
import { CiteboxError, isCiteboxError } from '../services/index.js';
import { assertPublicHost, makeGuardedLookup, type Resolver } from './network-guard.js';
import { parseHttpUrl } from './urls.js';

export interface FetcherOptions {
  readonly userAgent: string;
  readonly allowPrivateNetworks: boolean;
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly bodyTimeoutMs?: number;
  readonly maxRedirects?: number;
  /** Bytes, after decompression. */
  readonly maxBodyBytes?: number;
  /** Connections kept per origin. */
  readonly connectionsPerOrigin?: number;
  /** Stands in for DNS (tests: a public-looking name that resolves to 127.0.0.1). */
  readonly resolver?: Resolver | undefined;
  /** Exact addresses exempt from the private-network guard (tests only). */
  readonly trustedAddresses?: readonly string[] | undefined;
}

export interface FetchRequest {
  readonly url: string;
  /** Accepted media types; others end as FETCH_UNSUPPORTED (after reading no body). */
  readonly accept: readonly string[];
  readonly headers?: Readonly<Record<string, string>> | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Body cap for this request, bytes after decompression (default: the fetcher's). */
  readonly maxBytes?: number | undefined;
  /** Body cap by the answer's media type and URL (documents may be larger than pages); wins over maxBytes. */
  readonly maxBytesFor?: ((mediaType: string, url: string) => number | undefined) | undefined;
  /** Called before each redirect is followed, with the next URL; throw to refuse it (scope, robots). */
  readonly onRedirect?: ((next: URL) => void | Promise<void>) | undefined;
}

export interface FetchResult {
  /** The URL asked for. */
  readonly url: string;
  /** The URL that answered, after redirects. */
  readonly finalUrl: string;
  readonly redirects: readonly string[];
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Media type without parameters, lower case ("text/html"). */
  readonly mediaType: string;
  /** Decoded body bytes (empty for non-2xx and for 304). */
  readonly body: Buffer;
  readonly elapsedMs: number;
}

export const HTML_TYPES = ['text/html', 'application/xhtml+xml'] as const;

function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

type ResolvedOptions = Required<Omit<FetcherOptions, 'resolver' | 'trustedAddresses'>>;

export class Fetcher {
  readonly #options: ResolvedOptions;
  readonly #agent: Agent;
  readonly #trusted: ReadonlySet<string>;

  constructor(options: FetcherOptions) {
    const { resolver, trustedAddresses, ...rest } = options;
    this.#options = {
      connectTimeoutMs: 10_000,
      headersTimeoutMs: 15_000,
      bodyTimeoutMs: 20_000,
      maxRedirects: 5,
      maxBodyBytes: 5 * 1024 * 1024,
      connectionsPerOrigin: 4,
      ...rest,
    };
    this.#trusted = new Set(trustedAddresses ?? []);
    const guard = !this.#options.allowPrivateNetworks;
    this.#agent = new Agent({
      connections: this.#options.connectionsPerOrigin,
      headersTimeout: this.#options.headersTimeoutMs,
      bodyTimeout: this.#options.bodyTimeoutMs,
      keepAliveTimeout: 10_000,
      connect: {
        timeout: this.#options.connectTimeoutMs,
        ...(guard || resolver ? { lookup: makeGuardedLookup(resolver, this.#trusted, guard) } : {}),
      },
    });
  }

  get userAgent(): string {
    return this.#options.userAgent;
  }

  async fetch(req: FetchRequest): Promise<FetchResult> {
    const started = performance.now();
    const redirects: string[] = [];
    let current = parseHttpUrl(req.url);
    for (let hop = 0; ; hop++) {
      if (!this.#options.allowPrivateNetworks) assertPublicHost(current, this.#trusted);
      const res = await this.send(current, req);
      const headers = flatHeaders(res.headers);
      const location = headers['location'];
      if (res.statusCode >= 300 && res.statusCode < 400 && res.statusCode !== 304 && location) {
        await res.body.dump();
        if (hop >= this.#options.maxRedirects) {
          throw new CiteboxError(
            'FETCH_UNSUPPORTED',
            `Too many redirects (more than ${this.#options.maxRedirects})`,
            {
              details: { url: req.url, redirects },
            },
          );
        }
        redirects.push(current.href);
        let next: URL;
        try {
          next = parseHttpUrl(location, current);
        } catch (err) {
          throw new CiteboxError(
            'FETCH_UNSUPPORTED',
            `Redirect to an uncrawlable URL: ${location.slice(0, 200)}`,
            {
              cause: err,
            },
          );
        }
        next.hash = '';
        if (redirects.includes(next.href)) {
          throw new CiteboxError('FETCH_UNSUPPORTED', `Redirect loop at ${next.href}`, {
            details: { redirects },
          });
        }
        await req.onRedirect?.(next);
        current = next;
        continue;
      }
      const mediaType = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const ok = res.statusCode >= 200 && res.statusCode < 300;
      if (ok && mediaType && !req.accept.includes('*/*') && !req.accept.includes(mediaType)) {
        await res.body.dump();
        throw new CiteboxError('FETCH_UNSUPPORTED', `Unsupported content type ${mediaType}`, {
          details: { url: current.href, mediaType },
        });
      }
      const cap = req.maxBytesFor?.(mediaType, current.href) ?? req.maxBytes ?? this.#options.maxBodyBytes;
      const body = ok ? await this.readBody(res, headers, current.href, cap) : Buffer.alloc(0);
      if (!ok) await res.body.dump();
      return {
        url: req.url,
        finalUrl: current.href,
        redirects,
        status: res.statusCode,
        headers,
        mediaType,
        body,
        elapsedMs: performance.now() - started,
      };
    }
  }

  private async send(url: URL, req: FetchRequest): Promise<Dispatcher.ResponseData> {
    try {
      return await request(url, {
        dispatcher: this.#agent,
        method: 'GET',
        headers: {
          'user-agent': this.#options.userAgent,
          accept: `${req.accept.join(', ')};q=1.0, */*;q=0.1`,
          'accept-encoding': 'gzip, deflate, br',
          ...req.headers,
        },
        signal: req.signal,
      });
    } catch (err) {
      throw toFetchError(err, url.href);
    }
  }

  private async readBody(
    res: Dispatcher.ResponseData,
    headers: Record<string, string>,
    url: string,
    cap: number,
  ): Promise<Buffer> {
    const declared = Number(headers['content-length']);
    if (Number.isFinite(declared) && declared > cap) {
      res.body.destroy();
      throw new CiteboxError('FETCH_TOO_LARGE', `Body of ${declared} bytes is over the ${cap}-byte cap`, {
        details: { url },
      });
    }
    const encoding = (headers['content-encoding'] ?? '').trim().toLowerCase();
    const decoder =
      encoding === 'gzip' || encoding === 'x-gzip'
        ? createGunzip()
        : encoding === 'br'
          ? createBrotliDecompress()
          : encoding === 'deflate'
            ? createInflate()
            : undefined;
    const source: AsyncIterable<Buffer> = decoder ? res.body.pipe(decoder) : res.body;
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > cap) {
          throw new CiteboxError(
            'FETCH_TOO_LARGE',
            `Body is over the ${cap}-byte cap (after decompression)`,
            {
              details: { url },
            },
          );
        }
        chunks.push(chunk);
      }
    } catch (err) {
      res.body.destroy();
      decoder?.destroy();
      throw isCiteboxError(err) ? err : toFetchError(err, url);
    }
    return Buffer.concat(chunks);
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/** Wraps undici and socket errors into coded errors, keeping the original as cause. */
export function toFetchError(err: unknown, url: string): CiteboxError {
  if (isCiteboxError(err)) return err;
  const cause = (err as { cause?: unknown }).cause;
  if (isCiteboxError(cause)) return cause;
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError
  ) {
    return new CiteboxError('FETCH_TIMEOUT', `Timed out fetching ${url}`, { cause: err, details: { url } });
  }
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  return new CiteboxError('FETCH_FAILED', `Fetching ${url} failed: ${code ? `${code} ` : ''}${message}`, {
    cause: err,
    details: { url, code },
  });
}
