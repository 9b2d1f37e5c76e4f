import { describe, expect, it } from 'vitest';
import { type CrawlRequest, normalizeCrawlRequest } from './crawl-service.js';

describe('normalizeCrawlRequest: scope and extra hosts (the API and `citebox crawl` alike)', () => {
  const seeds = ['https://docs.example.com/'];
  it.each<[string, Omit<CrawlRequest, 'seeds'>, Record<string, unknown>]>([
    ['no scope', {}, {}],
    ['domain', { scope: 'domain' }, { scope: 'domain' }],
    ['hosts alone', { hosts: ['CDN.other.net'] }, { scope: 'hosts', hosts: ['cdn.other.net'] }],
    [
      'host + hosts',
      { scope: 'host', hosts: ['cdn.other.net'] },
      { scope: 'hosts', hosts: ['cdn.other.net'] },
    ],
    [
      'hosts + hosts',
      { scope: 'hosts', hosts: ['cdn.other.net'] },
      { scope: 'hosts', hosts: ['cdn.other.net'] },
    ],
    // --scope domain --host X: the domain stays, X is added (it used to become `hosts`, or be ignored).
    [
      'domain + hosts',
      { scope: 'domain', hosts: ['cdn.other.net'] },
      { scope: 'domain', hosts: ['cdn.other.net'] },
    ],
  ])('%s', (_name, request, expected) => {
    const { options } = normalizeCrawlRequest({ seeds, ...request });
    expect(options).toEqual({ max_pages: 1000, max_depth: 10, ...expected });
  });

  it('writes one JSON for one meaning, so `citebox crawl` resumes the job it left', () => {
    const json = (r: Omit<CrawlRequest, 'seeds'>) =>
      JSON.stringify(normalizeCrawlRequest({ seeds, ...r }).options);
    const written = '{"max_pages":1000,"max_depth":10,"scope":"hosts","hosts":["cdn.other.net"]}';
    expect(json({ hosts: ['cdn.other.net'] })).toBe(written);
    expect(json({ scope: 'host', hosts: ['cdn.other.net'] })).toBe(written);
    expect(json({ scope: 'hosts', hosts: ['cdn.other.net'] })).toBe(written);
  });
});
