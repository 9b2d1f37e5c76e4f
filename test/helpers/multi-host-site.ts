// A generated site of several hosts for fleet tests and the fleet benchmark: host i listens on
// 127.0.0.(10 + i) (all loopback on Linux: distinct host names for politeness, no DNS needed), each
// with pages /p/0 … /p/N-1 of distinct text, linked in a chain, at random within the host and to
// the same page of the next host. Its own log records every request (host, path, arrival time), so
// a test can prove each URL was fetched once and requests to a host were never closer than the
// delay. Per host: an optional robots.txt Crawl-delay, and a page answering 429 with Retry-After
// on its first request.
// Run as a program (node dist/test/helpers/multi-host-site.js --hosts 8 --pages 250 [--log FILE])
// it serves until SIGTERM, prints {"seeds": […]} first, and writes its log to FILE when it stops.
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { pageWords } from './test-site-generator.js';

export interface MultiHostSiteOptions {
  readonly hosts: number;
  readonly pagesPerHost: number;
  /** Links from each page to others of its host (default 4) besides the chain and the next host. */
  readonly linksPerPage?: number;
  readonly wordsPerPage?: number;
  /** robots.txt `Crawl-delay` (seconds) by host index. */
  readonly crawlDelay?: Readonly<Record<number, number>>;
  /** Host index → page that answers 429 with `Retry-After: <seconds>` the first time it is asked. */
  readonly throttle?: Readonly<Record<number, { page: number; retryAfterSeconds: number }>>;
  /** Each page answers after this long, ms. */
  readonly delayMs?: number;
  /** The last byte of the first host's address, 127.0.0.N (default 10); hosts take the next ones. */
  readonly firstAddress?: number;
}

export interface SiteRequest {
  /** host:port as requested */
  readonly host: string;
  readonly path: string;
  /** Arrival, ms (performance.timeOrigin + now, sub-millisecond). */
  readonly at: number;
  readonly status: number;
  /** The requester's User-Agent (tells the workers of a fleet apart). */
  readonly agent: string;
}

export interface MultiHostSite {
  /** The first page of every host. */
  readonly seeds: string[];
  /** Every host's origin, by index. */
  readonly origins: string[];
  /** Every page a complete crawl indexes. */
  readonly pages: string[];
  /** Every request so far, in arrival order. */
  readonly log: SiteRequest[];
  close(): Promise<void>;
}

const FIRST_ADDRESS = 10;

function pageHtml(
  host: number,
  i: number,
  options: MultiHostSiteOptions,
  origins: readonly string[],
): string {
  const n = options.pagesPerHost;
  const seed = host * 1_000_003 + i;
  const words = pageWords(seed, options.wordsPerPage ?? 220);
  const paragraphs: string[] = [];
  for (let k = 0; k < words.length; k += 55) {
    const text = words.slice(k, k + 55).join(' ');
    paragraphs.push(`<p>${text.charAt(0).toUpperCase()}${text.slice(1)}.</p>`);
  }
  const links = [`/p/${(i + 1) % n}`];
  let x = seed;
  for (let k = 0; k < (options.linksPerPage ?? 4); k++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    links.push(`/p/${x % n}`);
  }
  const next = origins[(host + 1) % origins.length];
  const cross = next ? [`${next}/p/${i}`] : [];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host ${host} page ${i}</title></head><body><main><article><h1>Host ${host}, page ${i}</h1>${paragraphs.join('')}<p>${[...links, ...cross].map((l) => `<a href="${l}">${l}</a>`).join(' ')}</p></article></main></body></html>`;
}

export async function startMultiHostSite(options: MultiHostSiteOptions): Promise<MultiHostSite> {
  const log: SiteRequest[] = [];
  const servers: Server[] = [];
  const origins: string[] = [];
  const throttled = new Set<number>();
  for (let h = 0; h < options.hosts; h++) {
    const address = `127.0.0.${(options.firstAddress ?? FIRST_ADDRESS) + h}`;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const at = performance.timeOrigin + performance.now();
      const path = req.url ?? '/';
      const answer = (status: number, body: string, headers: Record<string, string> = {}) => {
        log.push({
          host: req.headers.host ?? address,
          path,
          at,
          status,
          agent: req.headers['user-agent'] ?? '',
        });
        const send = () => {
          res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
          res.end(body);
        };
        if (options.delayMs) setTimeout(send, options.delayMs);
        else send();
      };
      if (path === '/robots.txt') {
        const delay = options.crawlDelay?.[h];
        return answer(
          200,
          `User-agent: *\nAllow: /\n${delay === undefined ? '' : `Crawl-delay: ${delay}\n`}`,
          {
            'content-type': 'text/plain',
          },
        );
      }
      const m = /^\/p\/(\d+)$/.exec(path);
      const i = m ? Number(m[1]) : -1;
      if (i < 0 || i >= options.pagesPerHost)
        return answer(404, 'not found', { 'content-type': 'text/plain' });
      const t = options.throttle?.[h];
      if (t && t.page === i && !throttled.has(h)) {
        throttled.add(h);
        return answer(429, 'slow down', {
          'content-type': 'text/plain',
          'retry-after': String(t.retryAfterSeconds),
        });
      }
      answer(200, pageHtml(h, i, options, origins));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, address, () => resolve());
    });
    servers.push(server);
    origins.push(`http://${address}:${(server.address() as AddressInfo).port}`);
  }
  const pages = origins.flatMap((o) => Array.from({ length: options.pagesPerHost }, (_, i) => `${o}/p/${i}`));
  return {
    seeds: origins.map((o) => `${o}/p/0`),
    origins,
    pages,
    log,
    close: async () => {
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.closeAllConnections();
              s.close(() => resolve());
            }),
        ),
      );
    },
  };
}

/** Page requests per URL (robots.txt aside): what a test reads "fetched once" from. */
export function fetchesPerUrl(log: readonly SiteRequest[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of log) {
    if (r.path === '/robots.txt') continue;
    const url = `http://${r.host}${r.path}`;
    counts.set(url, (counts.get(url) ?? 0) + 1);
  }
  return counts;
}

/** Per host, the shortest time between two page requests' arrivals, ms. */
export function shortestGaps(log: readonly SiteRequest[]): Map<string, number> {
  const last = new Map<string, number>();
  const gaps = new Map<string, number>();
  for (const r of log) {
    if (r.path === '/robots.txt') continue;
    const prev = last.get(r.host);
    if (prev !== undefined)
      gaps.set(r.host, Math.min(gaps.get(r.host) ?? Number.POSITIVE_INFINITY, r.at - prev));
    last.set(r.host, r.at);
  }
  return gaps;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const logIndex = process.argv.indexOf('--log');
  const logFile = logIndex >= 0 ? process.argv[logIndex + 1] : undefined;
  const site = await startMultiHostSite({ hosts: arg('hosts', 8), pagesPerHost: arg('pages', 250) });
  process.stdout.write(`${JSON.stringify({ seeds: site.seeds, pages: site.pages.length })}\n`);
  process.once('SIGTERM', () => {
    if (logFile) writeFileSync(logFile, JSON.stringify(site.log));
    void site.close().then(() => process.exit(0));
  });
}
