// max_pages_per_host: once a host has had N pages fetched in a job, its other URLs are skipped
// with a reason and never requested, while the crawl of other hosts goes on. The count comes from
// the durable frontier, so a job stopped and resumed by another process does not exceed it.
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Resolver } from '../../crawler/index.js';
import { htmlPage, type SiteRoute, startSite, type TestSite } from '../helpers/site-server.js';
import { pageWords } from '../helpers/test-site-generator.js';
import { openHarness } from './helpers.js';

// Two host names for sites on 127.0.0.1 (hosts are told apart by name; ports do not make a host).
const resolver: Resolver = (hostname, _options, callback) => {
  if (hostname !== 'big.test' && hostname !== 'small.test') {
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    return;
  }
  const answer: LookupAddress[] = [{ address: '127.0.0.1', family: 4 }];
  callback(null, answer);
};

/** A home page linking to `pages` pages of distinct text, each answering after `delayMs`. */
function manyPages(pages: number, seed: number, delayMs = 0): Record<string, SiteRoute> {
  const links = Array.from({ length: pages }, (_, i) => `<a href="/p/${i}">Page ${i}</a>`).join(' ');
  const routes: Record<string, SiteRoute> = {
    '/': {
      body: htmlPage('Home', `<main><h1>Home</h1><p>${pageWords(seed, 80).join(' ')}</p>${links}</main>`),
    },
  };
  for (let i = 0; i < pages; i++) {
    routes[`/p/${i}`] = {
      delayMs,
      body: htmlPage(
        `Page ${i}`,
        `<main><h1>Page ${i}</h1><p>${pageWords(seed * 1000 + i, 120).join(' ')}</p></main>`,
      ),
    };
  }
  return routes;
}

/** Paths of pages requested (robots.txt and sitemaps are not pages). */
function pageRequests(site: TestSite): string[] {
  return site.requests.filter((p) => p !== '/robots.txt' && !p.startsWith('/sitemap'));
}

describe('max_pages_per_host', () => {
  let big: TestSite;
  let small: TestSite;
  beforeAll(async () => {
    big = await startSite(manyPages(10, 1));
    small = await startSite({
      '/': {
        body: htmlPage(
          'Small',
          `<main><p>${pageWords(7, 80).join(' ')}</p><a href="/other">Other</a></main>`,
        ),
      },
      '/other': { body: htmlPage('Other', `<main><p>${pageWords(8, 80).join(' ')}</p></main>`) },
    });
  });
  afterAll(async () => {
    await big?.close();
    await small?.close();
  });

  it('fetches exactly N pages of a host, skips the rest with a reason, and crawls other hosts on', async () => {
    // Four requests per host at once: the cap must hold while several fetches are in flight.
    const h = await openHarness({ CITEBOX_CRAWL_CONCURRENCY: '4' }, { fetcher: { resolver } });
    try {
      const bigOrigin = `http://big.test:${new URL(big.origin).port}`;
      const smallOrigin = `http://small.test:${new URL(small.origin).port}`;
      const started = await h.crawls.start({
        seeds: [`${bigOrigin}/`, `${smallOrigin}/`],
        max_pages_per_host: 3,
      });
      const job = await h.crawls.waitFor(started.id);
      expect(job.status).toBe('done');

      const requested = pageRequests(big);
      expect(requested).toHaveLength(3);
      expect(new Set(requested).size).toBe(3);
      expect(pageRequests(small).sort()).toEqual(['/', '/other']);
      expect(h.store.fetchedPerHost(job.id)).toEqual(
        new Map([
          ['big.test', 3],
          ['small.test', 2],
        ]),
      );

      const rows = h.store.frontierOf(job.id);
      const capped = rows.filter((r) => r.reason === 'max_pages_per_host (3) reached');
      expect(capped).toHaveLength(11 - 3); // the home page and ten pages, three fetched
      expect(capped.every((r) => r.status === 'skipped' && r.url.startsWith(bigOrigin))).toBe(true);
      expect(job.stats.fetched).toBe(5);
      expect(job.stats.indexed).toBe(5);
      expect(job.stats.skipped).toBe(8);
      expect(h.sink.indexed.filter((p) => p.url.startsWith(smallOrigin))).toHaveLength(2);
    } finally {
      await h.close();
      h.env.cleanup();
    }
  }, 30_000);

  it('keeps the cap across a stop and a resume in another crawl service', async () => {
    const slow = await startSite(manyPages(12, 2, 120));
    const first = await openHarness();
    try {
      const id = (await first.crawls.start({ seeds: [slow.url], max_pages_per_host: 5 })).id;
      for (let i = 0; i < 200 && (await first.crawls.get(id)).stats.fetched < 2; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      await first.crawls.close(); // stops the job mid-way; it stays resumable
      const mid = first.store.requireJob(id);
      expect(mid.status).toBe('running');
      expect(mid.stats.fetched).toBeGreaterThanOrEqual(2);
      expect(mid.stats.fetched).toBeLessThan(5); // it really was interrupted
      first.store.close();
      await first.backend.close();

      // A new service (as after a restart) knows nothing in memory: only the frontier.
      const second = await openHarness({}, {}, first.env);
      try {
        expect(await second.crawls.resumeOrphans()).toEqual([id]);
        const job = await second.crawls.waitFor(id);
        expect(job.status).toBe('done');
        expect(job.stats.fetched).toBe(5);
        expect(second.store.fetchedPerHost(id)).toEqual(new Map([['127.0.0.1', 5]]));
        // A fetch cut off by the stop is asked for again, but no page beyond the five is.
        expect(new Set(pageRequests(slow)).size).toBe(5);
        const capped = second.store
          .frontierOf(id)
          .filter((r) => r.reason === 'max_pages_per_host (5) reached');
        expect(capped).toHaveLength(13 - 5);
      } finally {
        await second.close();
      }
    } finally {
      await slow.close();
      first.env.cleanup();
    }
  }, 30_000);
});
