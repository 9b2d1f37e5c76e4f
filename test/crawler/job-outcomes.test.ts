// Honest job outcomes: a job whose seeds all fail ends `failed` with the reason; jobs for a
// refused or unreachable host end within seconds even when eight are posted at once (with the
// default politeness: no test-only shortcut); `max_pages` bounds the revisit pass too.
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startGeneratedSite } from '../helpers/test-site-generator.js';
import { openHarness } from './helpers.js';

/** A port on 127.0.0.1 that nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const DEFAULT_POLITENESS = { retryBaseMs: 5_000, pauseMs: 60_000 };

describe('job outcomes', () => {
  it('eight jobs for a refused private address end failed at once, naming the variable that lifts it', async () => {
    const h = await openHarness(
      { CITEBOX_ALLOW_PRIVATE_NETWORKS: 'false' },
      { politeness: DEFAULT_POLITENESS },
    );
    try {
      const port = await closedPort();
      const started = Date.now();
      const jobs = await Promise.all(
        Array.from({ length: 8 }, (_, i) => h.crawls.start({ seeds: [`http://127.0.0.1:${port}/job-${i}`] })),
      );
      const done = await Promise.all(jobs.map((j) => h.crawls.waitFor(j.id)));
      expect(Date.now() - started).toBeLessThan(5_000);
      for (const job of done) {
        expect(job.status).toBe('failed');
        expect(job.stats).toMatchObject({ fetched: 0, failed: 1 });
        expect(job.error).toMatch(/private or reserved address.*CITEBOX_ALLOW_PRIVATE_NETWORKS=true/);
      }
    } finally {
      await h.close();
      h.env.cleanup();
    }
  }, 30_000);

  it('eight jobs for a host that takes no connection end failed within seconds', async () => {
    const h = await openHarness({}, { politeness: DEFAULT_POLITENESS });
    try {
      const port = await closedPort();
      const started = Date.now();
      const jobs = await Promise.all(
        Array.from({ length: 8 }, (_, i) => h.crawls.start({ seeds: [`http://127.0.0.1:${port}/job-${i}`] })),
      );
      const done = await Promise.all(jobs.map((j) => h.crawls.waitFor(j.id)));
      expect(Date.now() - started).toBeLessThan(10_000);
      for (const job of done) {
        expect(job.status).toBe('failed');
        expect(job.error).toMatch(/No page could be indexed: robots.txt unreachable: .*ECONNREFUSED/);
      }
    } finally {
      await h.close();
      h.env.cleanup();
    }
  }, 30_000);

  it('a seed that answers 404 fails the job with the HTTP status', async () => {
    const site = await startGeneratedSite({ pages: 2 });
    const h = await openHarness();
    try {
      const job = await h.crawls.waitFor(
        (await h.crawls.start({ seeds: [`${site.origin}/no-such-page`], max_depth: 0 })).id,
      );
      expect(job).toMatchObject({ status: 'failed', error: 'No page could be indexed: HTTP 404' });
    } finally {
      await h.close();
      await site.close();
      h.env.cleanup();
    }
  });

  it('max_pages bounds the revisit pass: a second crawl of 5 pages touches at most 5', async () => {
    const site = await startGeneratedSite({ pages: 30, linksPerPage: 4, wordsPerPage: 120, seed: 11 });
    const h = await openHarness();
    try {
      const first = await h.crawls.waitFor((await h.crawls.start({ seeds: [site.url] })).id);
      expect(first.stats.indexed).toBe(31);
      for (let i = 0; i < 30; i++) site.remove(`/p/${i}`, 404);
      const before = site.requests.length;
      const second = await h.crawls.waitFor(
        (await h.crawls.start({ seeds: [site.url], max_depth: 0, max_pages: 5 })).id,
      );
      const pages = site.requests.slice(before).filter((r) => r !== '/robots.txt' && r !== '/sitemap.xml');
      // The seed plus four of the known pages, not all thirty.
      expect(pages.length).toBeLessThanOrEqual(5);
      expect(second.stats.unchanged + second.stats.failed + second.stats.indexed).toBeLessThanOrEqual(5);
      expect(second.status).toBe('done');
    } finally {
      await h.close();
      await site.close();
      h.env.cleanup();
    }
  }, 60_000);
});
