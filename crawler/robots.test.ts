import { describe, expect, it } from 'vitest';
import { parseRobots, productToken } from './robots.js';

const UA = 'CiteboxBot/0.1 (+https://example.org/bot)';
const ROBOTS = `# RFC 9309 examples and common forms
User-agent: *
Disallow: /private
Allow: /private/public
Disallow: /*.pdf$
Disallow: /search?
Crawl-delay: 2

User-agent: citeboxbot
Disallow: /no-citebox
Allow: /no-citebox/but-this
Crawl-delay: 5

User-agent: OtherBot
Disallow: /

Sitemap: https://e.example/sitemap.xml
Sitemap: https://e.example/news-sitemap.xml.gz
`;

describe('parseRobots (RFC 9309)', () => {
  const rules = parseRobots(ROBOTS, UA);
  it.each([
    ['https://e.example/', true],
    // Our own group is used instead of "*", case-insensitively on the product token.
    ['https://e.example/private', true],
    ['https://e.example/no-citebox', false],
    ['https://e.example/no-citebox/page', false],
    // Longest match wins.
    ['https://e.example/no-citebox/but-this', true],
  ])('%s allowed: %s', (url, allowed) => {
    expect(rules.isAllowed(url)).toBe(allowed);
  });

  it('uses the group for our token and its Crawl-delay', () => {
    expect(rules.crawlDelaySeconds).toBe(5);
    expect(rules.sitemaps).toEqual([
      'https://e.example/sitemap.xml',
      'https://e.example/news-sitemap.xml.gz',
    ]);
  });

  it.each([
    ['https://e.example/private', false],
    ['https://e.example/private/public/x', true],
    ['https://e.example/doc.pdf', false],
    ['https://e.example/doc.pdf?x=1', true],
    ['https://e.example/search?q=1', false],
    ['https://e.example/search', true],
  ])('the * group: %s allowed: %s', (url, allowed) => {
    const star = parseRobots(ROBOTS, 'SomeOtherCrawler/1.0');
    expect(star.isAllowed(url)).toBe(allowed);
  });

  it('reads the product token', () => {
    expect(productToken(UA)).toBe('CiteboxBot');
  });
});
