// URLs are requested as the site wrote them and robots.txt is matched against exactly that
// (RFC 9309 2.2.2), while the frontier still fetches each page once under its canonical key. A
// real crawl of a loopback site whose server records the raw request targets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrawlJob } from '../../crawler/index.js';
import { htmlPage, startSite, type TestSite } from '../helpers/site-server.js';
import { type CrawlHarness, openHarness } from './helpers.js';

const LINKS = [
  '/search?q=x&lang=en', // disallowed as written; its key (?lang=en&q=x) would pass
  '/search?lang=en&q=x', // allowed as written: the same key as above, so fetched once, in this form
  '/list?a&b', // valueless parameters stay valueless
  '/index.php?/category/3', // a path-like query is not re-encoded
  '/s?q=tl;dr', // reserved characters stay literal
  '/latin?q=caf%E9', // a Latin-1 escape is not decoded as UTF-8
  '/r?c=http://d.e/', // allowed by an Allow rule written with the literal URL
  '/r?c=http%3A%2F%2Fd.e%2F', // the escaped form is another URL, and disallowed
  '/track?id=1&utm_source=news', // requested with its tracking parameter
  '/track?utm_source=other&id=1', // same key: not requested again
];

function linkPage(title: string): string {
  return htmlPage(
    title,
    `<p>${title} is a page with enough words to be indexed on its own by the crawler here.</p>`,
  );
}

describe('URLs as the site wrote them', () => {
  let site: TestSite;
  let h: CrawlHarness;
  let job: CrawlJob;

  beforeAll(async () => {
    const page = (title: string) => ({ body: linkPage(title) });
    site = await startSite(
      {
        '/robots.txt': {
          headers: { 'content-type': 'text/plain' },
          body: 'User-agent: *\nDisallow: /search?q=\nDisallow: /r\nAllow: /r?c=http://d.e/\n',
        },
        '/': {
          body: htmlPage(
            'Home',
            `<p>Links written in many ways.</p><ul>${LINKS.map((l) => `<li><a href="${l}">${l}</a></li>`).join('')}</ul>`,
          ),
        },
      },
      {
        // Every other target answers with a page named after its raw request target.
        fallback: (path) => page(`Target ${path}`),
      },
    );
    h = await openHarness();
    const started = await h.crawls.start({ seeds: [site.url], max_depth: 1, max_pages: 50 });
    job = await h.crawls.waitFor(started.id);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
    await site?.close();
    h?.env.cleanup();
  });

  it('requests each link exactly as written, and no variant of it', () => {
    expect(job.status).toBe('done');
    const requested = site.requests.filter((r) => r !== '/robots.txt' && r !== '/sitemap.xml');
    expect(requested).toContain('/list?a&b');
    expect(requested).toContain('/index.php?/category/3');
    expect(requested).toContain('/s?q=tl;dr');
    expect(requested).toContain('/latin?q=caf%E9');
    expect(requested).toContain('/r?c=http://d.e/');
    expect(requested).toContain('/track?id=1&utm_source=news');
    for (const r of requested) expect(r).not.toMatch(/%2F%2F|=&|%3B|%EF%BF%BD/);
    // One fetch per key.
    expect(requested.filter((r) => r.startsWith('/track'))).toHaveLength(1);
    expect(new Set(requested).size).toBe(requested.length);
  });

  it('matches robots.txt against the URL as requested', () => {
    expect(site.requests).not.toContain('/search?q=x&lang=en');
    expect(site.requests).not.toContain('/r?c=http%3A%2F%2Fd.e%2F');
    // The other form of the search URL shares the refused one's key: one decision per key, made
    // on the form seen first.
    expect(site.requests).not.toContain('/search?lang=en&q=x');
    const reasons = h.store.frontierOf(job.id).map((r) => r.reason);
    expect(reasons).toContain('disallowed by robots.txt');
  });

  it('indexes and cites pages under the URL that was requested', () => {
    const urls = h.sink.indexed.map((p) => p.url);
    expect(urls).toContain(`${site.origin}/list?a&b`);
    expect(urls).toContain(`${site.origin}/s?q=tl;dr`);
    expect(urls).toContain(`${site.origin}/track?id=1&utm_source=news`);
    const listed = h.sink.indexed.find((p) => p.url === `${site.origin}/index.php?/category/3`);
    expect(listed?.title).toBe('Target /index.php?/category/3');
  });
});
