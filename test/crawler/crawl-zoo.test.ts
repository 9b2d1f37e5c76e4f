// The crawler against the generated "zoo" site on 127.0.0.1: one route per case it must get right
// (robots, sitemaps, redirects, canonicals, duplicates, a calendar trap, 429, slow pages, legacy
// charsets, noindex/nofollow), then re-crawls: conditional GET, unchanged pages, and pages that
// disappear between crawls (410 at once, 404 after a second miss).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrawlJob } from '../../crawler/index.js';
import { type GeneratedSite, startGeneratedSite } from '../helpers/test-site-generator.js';
import { type CrawlHarness, openHarness } from './helpers.js';

describe('crawling the zoo', () => {
  let site: GeneratedSite;
  let h: CrawlHarness;
  let job: CrawlJob;
  const url = (path: string) => `${site.origin}${path}`;
  const frontier = (id: string) => new Map(h.store.frontierOf(id).map((r) => [r.url, r]));

  beforeAll(async () => {
    site = await startGeneratedSite({ zoo: true });
    h = await openHarness();
    const started = await h.crawls.start({ seeds: [site.url], max_depth: 100, max_pages: 500 });
    job = await h.crawls.waitFor(started.id);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await site?.close();
    h?.env.cleanup();
  });

  it('finishes and indexes each indexable page exactly once', () => {
    expect(job.status).toBe('done');
    const urls = h.sink.indexed.map((p) => p.url);
    expect(new Set(urls).size).toBe(urls.length);
    // The home page is a list of links: followed, not indexed.
    expect(urls).not.toContain(url('/'));
    expect(frontier(job.id).get(url('/'))?.reason).toMatch(/^hub page/);
    for (const path of [
      '/about',
      '/redirect/new',
      '/canonical/main',
      '/slow',
      '/throttled',
      '/charset/gbk',
    ]) {
      expect(urls).toContain(url(path));
    }
    expect(job.stats.indexed).toBe(urls.length);
  });

  it('honours robots.txt, also for sitemap URLs and redirect targets', () => {
    expect(site.count('/private/secret')).toBe(0);
    expect(site.count('/private/in-sitemap')).toBe(0);
    expect(frontier(job.id).get(url('/private/secret'))?.reason).toBe('disallowed by robots.txt');
  });

  it('discovers pages through robots Sitemap lines, sitemap indexes and gzip sitemaps, dropping out-of-scope URLs', () => {
    const urls = h.sink.indexed.map((p) => p.url);
    expect(urls).toContain(url('/from-sitemap/plain'));
    expect(urls).toContain(url('/from-sitemap/gzip'));
    expect([...frontier(job.id).keys()].some((u) => u.includes('elsewhere.example'))).toBe(false);
  });

  it('follows redirects, remembers where they came from, and stops loops and out-of-scope hops', () => {
    const moved = h.sink.indexed.find((p) => p.url === url('/redirect/new'));
    expect(moved?.aliases).toContain(url('/redirect/old'));
    const f = frontier(job.id);
    expect(f.get(url('/loop/a'))?.reason).toMatch(/Redirect loop/);
    expect(f.get(url('/redirect/away'))?.reason).toMatch(/out of scope/);
  });

  it('indexes a variant under its canonical URL without fetching the canonical again', () => {
    const page = h.sink.indexed.find((p) => p.url === url('/canonical/main'));
    expect(page?.aliases).toContain(url('/canonical/variant?color=red'));
    expect(h.sink.timesIndexed(url('/canonical/main'))).toBe(1);
    expect(site.count('/canonical/main')).toBe(0);
  });

  it('merges exact duplicates and skips near duplicates within the host', () => {
    const urls = h.sink.indexed.map((p) => p.url);
    expect(urls.filter((u) => u.includes('/dup/'))).toHaveLength(1);
    expect(urls.filter((u) => u.includes('/near/'))).toHaveLength(1);
    const reasons = h.store.frontierOf(job.id).map((r) => r.reason ?? '');
    expect(reasons.some((r) => r.startsWith('duplicate of'))).toBe(true);
    expect(reasons.some((r) => r.startsWith('near duplicate of'))).toBe(true);
  });

  it('does not run away in an endless calendar', () => {
    const calendar = h.store.frontierOf(job.id).filter((r) => r.url.includes('/calendar'));
    expect(calendar.length).toBeGreaterThan(5);
    expect(calendar.length).toBeLessThanOrEqual(61);
  });

  it('waits for Retry-After after a 429, and indexes slow pages', () => {
    const times = site.times('/throttled');
    expect(times).toHaveLength(2);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(950);
    expect(h.sink.indexed.some((p) => p.url === url('/slow'))).toBe(true);
  });

  it.each([
    ['/charset/gbk', '长城是中国古代的军事防御工程', 'zh-CN'],
    ['/charset/big5', '台北是臺灣最大的城市', 'zh-TW'],
    ['/charset/sjis', '富士山は日本で一番高い山', 'ja'],
  ])('decodes %s', (path, text, lang) => {
    const page = h.sink.indexed.find((p) => p.url === url(path));
    expect(JSON.stringify(page?.blocks)).toContain(text);
    expect(page?.lang).toBe(lang);
  });

  it('honours meta robots noindex/nofollow and X-Robots-Tag, and drops tracking parameters', () => {
    const f = frontier(job.id);
    expect(f.get(url('/noindex'))?.reason).toBe('noindex');
    expect(f.get(url('/xrobots'))?.reason).toBe('noindex');
    expect(site.count('/only-via-nofollow')).toBe(0);
    expect([...f.keys()].some((u) => u.includes('utm_'))).toBe(false);
  });

  it('keeps main content and metadata, without navigation and footers', () => {
    const about = h.sink.indexed.find((p) => p.url === url('/about'));
    expect(about?.title).toBe('About the zoo');
    const text = JSON.stringify(about?.blocks);
    expect(text).not.toContain('All rights reserved');
    expect(text).not.toContain('Generated site');
    expect(text.length).toBeGreaterThan(1000);
  });

  it('re-crawls with conditional GET, leaves unchanged pages alone and removes pages that are gone', async () => {
    site.remove('/gone/410', 410);
    site.remove('/gone/404', 404);
    h.sink.reset();
    const second = await h.crawls.waitFor(
      (await h.crawls.start({ seeds: [site.url], max_depth: 100, max_pages: 500 })).id,
    );
    expect(second.status).toBe('done');
    const f = frontier(second.id);
    expect(f.get(url('/about'))?.http_status).toBe(304);
    expect(f.get(url('/about'))?.status).toBe('unchanged');
    expect(h.sink.timesIndexed(url('/about'))).toBe(0);
    expect(second.stats.unchanged).toBeGreaterThan(10);
    // 410 leaves at once; 404 only after a second miss.
    expect(h.sink.deleted).toContain(url('/gone/410'));
    expect(h.sink.deleted).not.toContain(url('/gone/404'));
    const third = await h.crawls.waitFor(
      (await h.crawls.start({ seeds: [site.url], max_depth: 100, max_pages: 500 })).id,
    );
    expect(third.status).toBe('done');
    expect(h.sink.deleted).toContain(url('/gone/404'));
    expect(third.stats.deleted).toBe(1);
  }, 60_000);
});

describe('the outage guard', () => {
  it('suspends deletions when most of a host fails at once', async () => {
    const site = await startGeneratedSite({ pages: 12, linksPerPage: 3, wordsPerPage: 120 });
    const h = await openHarness();
    try {
      const first = await h.crawls.waitFor((await h.crawls.start({ seeds: [site.url] })).id);
      expect(first.stats.indexed).toBe(13);
      const page0 = h.sink.indexed.find((p) => p.url === `${site.origin}/p/0`);
      expect(page0?.headings).toContain('Part 1 of page 0');
      // A broken deploy: every page answers 404. The first miss never deletes; the second would,
      // but the host looks down, so nothing leaves the index.
      for (let i = 0; i < 12; i++) site.remove(`/p/${i}`, 404);
      const firstMiss = await h.crawls.waitFor((await h.crawls.start({ seeds: [site.url] })).id);
      expect(firstMiss.stats.deleted).toBe(0);
      const secondMiss = await h.crawls.waitFor((await h.crawls.start({ seeds: [site.url] })).id);
      expect(secondMiss.deletions_suspended).toEqual(['127.0.0.1']);
      expect(secondMiss.stats.deleted).toBe(0);
      expect(h.sink.deleted).toEqual([]);
      expect((await h.backend.stats()).pages).toBe(13);
    } finally {
      await h.close();
      await site.close();
      h.env.cleanup();
    }
  }, 60_000);
});

describe('the revisit pass', () => {
  it('re-checks known pages the crawl did not reach, so pages gone from the site leave the index', async () => {
    const site = await startGeneratedSite({ pages: 12, linksPerPage: 3, wordsPerPage: 120, seed: 7 });
    const h = await openHarness();
    try {
      const first = await h.crawls.waitFor((await h.crawls.start({ seeds: [site.url] })).id);
      expect(first.stats.indexed).toBe(13);
      site.remove('/p/5', 410);
      // max_depth 0 reaches only the seed; the revisit pass checks the 12 others.
      const second = await h.crawls.waitFor((await h.crawls.start({ seeds: [site.url], max_depth: 0 })).id);
      expect(second.status).toBe('done');
      expect(second.stats.unchanged).toBe(12);
      expect(second.stats.deleted).toBe(1);
      expect(h.sink.deleted).toEqual([`${site.origin}/p/5`]);
      expect((await h.backend.stats()).pages).toBe(12);
    } finally {
      await h.close();
      await site.close();
      h.env.cleanup();
    }
  }, 60_000);
});

describe('the adaptive revisit interval', () => {
  it('skips pages that are not due, still following their links, and --refresh fetches them anyway', async () => {
    const site = await startGeneratedSite({ pages: 10, linksPerPage: 2, wordsPerPage: 120, seed: 11 });
    const h = await openHarness({ CITEBOX_RECRAWL_INTERVAL_HOURS: '24' });
    try {
      const first = await h.crawls.waitFor((await h.crawls.start({ seeds: [site.url] })).id);
      expect(first.stats.indexed).toBe(11);
      const pageFetches = () =>
        Array.from({ length: 10 }, (_, i) => site.count(`/p/${i}`)).reduce((a, b) => a + b);
      const fetchedBefore = pageFetches();
      const second = await h.crawls.waitFor((await h.crawls.start({ seeds: [site.url] })).id);
      expect(second.status).toBe('done');
      // Every page is reached through the stored links of pages that were not fetched again
      // (only the navigation's missing /about, /contact and /privacy are asked for again).
      expect(second.stats.unchanged).toBe(11);
      expect(second.stats.fetched).toBe(3);
      expect(pageFetches()).toBe(fetchedBefore);
      const refreshed = await h.crawls.waitFor(
        (await h.crawls.start({ seeds: [site.url], refresh: true })).id,
      );
      expect(refreshed.stats.fetched).toBeGreaterThanOrEqual(11);
      expect(refreshed.stats.unchanged).toBe(11); // same text: nothing re-indexed
      expect(pageFetches()).toBe(fetchedBefore + 10);
    } finally {
      await h.close();
      await site.close();
      h.env.cleanup();
    }
  }, 60_000);
});
