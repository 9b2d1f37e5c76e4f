import { describe, expect, it } from 'vitest';
import {
  busyStep,
  countersFromBuckets,
  crawlIndexNames,
  frontierId,
  groupReasons,
  hostsPastCursors,
  optionsKey,
  urlStatePatch,
} from './documents.js';

describe('engine crawl-state documents', () => {
  it('names the indices after the index name', () => {
    expect(crawlIndexNames('Citebox-Passages')).toEqual({
      jobs: 'citebox-passages-crawl-jobs',
      frontier: 'citebox-passages-crawl-frontier',
      urls: 'citebox-passages-crawl-urls',
      hosts: 'citebox-passages-crawl-hosts',
      workers: 'citebox-passages-crawl-workers',
    });
  });

  it('keys a URL per job, and a resumable job by its seeds and options as written', () => {
    expect(frontierId('j1', 'https://e.example/')).not.toBe(frontierId('j2', 'https://e.example/'));
    expect(frontierId('j1', 'https://e.example/')).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(optionsKey(['a'], { max_pages: 1, max_depth: 2 })).toBe(
      optionsKey(['a'], { max_pages: 1, max_depth: 2 }),
    );
    expect(optionsKey(['a'], { max_pages: 1, max_depth: 2 })).not.toBe(
      optionsKey(['a'], { max_depth: 2, max_pages: 1 }),
    );
  });

  const base = {
    url: 'https://e.example/a',
    host: 'e.example',
    state: 'indexed',
    indexed_as: 'https://e.example/a',
    etag: null,
    last_modified: null,
    content_hash: 'h',
    simhash: null,
  };

  it.each<[string, Record<string, unknown>, Record<string, unknown>, string[]]>([
    ['keeps stored outlinks when none are given', {}, {}, ['outlinks', 'fetch_url', 'last_changed_at']],
    ['writes given outlinks', { outlinks: '[]' }, { outlinks: '[]' }, []],
    [
      'writes the request URL when it differs from the key',
      { fetch_url: 'https://e.example/a?x' },
      { fetch_url: 'https://e.example/a?x' },
      [],
    ],
    ['keeps it when it is the key itself', { fetch_url: 'https://e.example/a' }, {}, ['fetch_url']],
    ['stamps a change', { changed: true }, { last_changed_at: 42 }, []],
  ])('a URL-state patch %s', (_name, extra, present, absent) => {
    const patch = urlStatePatch({ ...base, ...extra }, 42);
    expect(patch).toMatchObject({ ...present, last_fetched_at: 42, updated_at: 42, misses: 0 });
    for (const key of absent) expect(patch).not.toHaveProperty(key);
  });

  it('counts a job from status buckets', () => {
    expect(
      countersFromBuckets(
        [
          { key: 'queued', doc_count: 3, fetched: { value: 0 } },
          { key: 'indexed', doc_count: 5, fetched: { value: 5 } },
          { key: 'skipped', doc_count: 2, fetched: { value: 1 } },
        ],
        1,
      ),
    ).toEqual({ discovered: 10, fetched: 6, indexed: 5, skipped: 2, failed: 0, unchanged: 0, deleted: 1 });
  });

  it('groups skip reasons that name another URL', () => {
    expect(
      groupReasons(
        [
          { reason: 'duplicate of https://e.example/x', count: 2 },
          { reason: 'noindex', count: 3 },
          { reason: 'duplicate of https://e.example/y', count: 2 },
          { reason: 'variant of https://e.example/z (via https://e.example/q)', count: 1 },
        ],
        2,
      ),
    ).toEqual([
      { reason: 'duplicate of another URL', count: 4 },
      { reason: 'noindex', count: 3 },
    ]);
  });

  it('reads each host past its own cursor', () => {
    const q = hostsPastCursors(['a', 'b'], new Map([['b', { depth: 2, seq: 7 }]]));
    const should = (q['bool'] as { should: unknown[] }).should;
    expect(should[0]).toEqual({ term: { host: 'a' } });
    expect(JSON.stringify(should[1])).toContain('"gt":2');
    expect(JSON.stringify(should[1])).toContain('"gt":7');
  });

  it('sees a step under a live lease as busy', () => {
    expect(busyStep({ steps: { revisit: { state: 'busy', owner: 'A', until: 100 } } }, 50)).toBe('revisit');
    expect(busyStep({ steps: { revisit: { state: 'busy', owner: 'A', until: 100 } } }, 150)).toBeUndefined();
    expect(busyStep({ steps: { sitemaps: { state: 'done' } } }, 0)).toBeUndefined();
  });
});
