import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { makePage } from '../backend-contract.testkit.js';
import { tempDirs } from '../temp-dirs.testkit.js';
import { SqliteBackend } from './sqlite-backend.js';
import { mergeTermLists, sortByRowid, type TermList, TermListCache } from './term-lists.js';

const list = (pairs: Array<[number, number]>): TermList => ({
  rowids: Float64Array.from(pairs.map((p) => p[0])),
  scores: Float64Array.from(pairs.map((p) => p[1])),
});

describe('mergeTermLists', () => {
  it('ranks rows by the sum of their terms’ bm25 (lower is better), ties to the lower rowid', () => {
    const a = list([
      [1, -2],
      [2, -1],
      [3, -0.5],
    ]);
    const b = list([
      [3, -2],
      [4, -1],
      [5, -1],
    ]);
    // Sums: 1 → -2, 2 → -1, 3 → -2.5, 4 → -1, 5 → -1.
    expect(mergeTermLists([a, b], 10)).toEqual([3, 1, 2, 4, 5]);
    expect(mergeTermLists([a, b], 2)).toEqual([3, 1]);
    expect(mergeTermLists([a], 2)).toEqual([1, 2]);
    expect(mergeTermLists([], 5)).toEqual([]);
    expect(mergeTermLists([a, b], 0)).toEqual([]);
  });

  it('keeps the exact top rows of a long list', () => {
    const pairs: Array<[number, number]> = Array.from({ length: 5000 }, (_, i) => [
      i,
      -((i * 7919) % 1000) / 10,
    ]);
    const expected = [...pairs]
      .sort((x, y) => x[1] - y[1] || x[0] - y[0])
      .slice(0, 25)
      .map((p) => p[0]);
    expect(mergeTermLists([list(pairs)], 25)).toEqual(expected);
  });

  it('matches a per-row sum over the lists, ties and all, on random lists', () => {
    let seed = 12345;
    const rand = (n: number) => {
      // A 32-bit LCG (Math.imul keeps the product exact); its high bits (the low ones repeat soon).
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 4294967296) * n);
    };
    for (let round = 0; round < 200; round++) {
      const lists: TermList[] = Array.from({ length: 1 + rand(5) }, () => {
        // Rowids like the index's (page × 65,536 + i), scores from a few values so ties happen.
        const rows = new Set<number>();
        const count = rand(300);
        while (rows.size < count) rows.add(rand(400) * 65_536 + rand(3));
        const sorted = [...rows].sort((a, b) => a - b);
        return list(sorted.map((r) => [r, -(1 + rand(8)) / 4] as [number, number]));
      });
      const sums = new Map<number, number>();
      for (const l of lists) {
        l.rowids.forEach((r, i) => {
          sums.set(r, (sums.get(r) ?? 0) + (l.scores[i] as number));
        });
      }
      const limit = 1 + rand(120);
      const expected = [...sums]
        .sort((x, y) => x[1] - y[1] || x[0] - y[0])
        .slice(0, limit)
        .map((p) => p[0]);
      expect(mergeTermLists(lists, limit)).toEqual(expected);
    }
  });

  it('sortByRowid orders a list by rowid, keeping each row with its score', () => {
    const sorted = sortByRowid(
      list([
        [30, -3],
        [10, -1],
        [20, -2],
      ]),
    );
    expect([...sorted.rowids]).toEqual([10, 20, 30]);
    expect([...sorted.scores]).toEqual([-1, -2, -3]);
    const already = list([
      [1, -1],
      [2, -2],
    ]);
    expect(sortByRowid(already)).toBe(already);
  });
});

describe('TermListCache', () => {
  it('keeps lists until a new generation, bounded by rows (least recently used out first)', () => {
    const cache = new TermListCache(5);
    let loads = 0;
    const load = (n: number) => () => {
      loads++;
      return list(Array.from({ length: n }, (_, i) => [i, -1] as [number, number]));
    };
    cache.get('a', 1, load(2));
    cache.get('b', 1, load(2));
    cache.get('a', 1, load(2)); // hit; b is now the oldest
    expect(loads).toBe(2);
    cache.get('c', 1, load(2)); // 6 rows > 5: b goes
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 3, terms: 2, entries: 4 });
    cache.get('b', 1, load(2));
    expect(loads).toBe(4);
    cache.get('big', 1, load(6)); // longer than the whole cache: used, not kept
    expect(cache.stats().terms).toBeLessThanOrEqual(2);
    cache.get('a', 2, load(2)); // a write happened: everything is reloaded
    expect(cache.stats()).toMatchObject({ terms: 1, entries: 2 });
  });

  it('is off at size 0', () => {
    const cache = new TermListCache(0);
    expect(cache.enabled).toBe(false);
    expect(cache.worthListing(['a'], [1], 1)).toBe(false);
    expect(cache.worthListing(['a'], [5000], 1)).toBe(false);
  });

  it('lists a query once its common terms have been asked for before', () => {
    const cache = new TermListCache(100_000);
    expect(cache.worthListing(['a', 'b'], [3000, 10], 1)).toBe(false);
    expect(cache.worthListing(['a', 'b'], [3000, 10], 1)).toBe(true);
    expect(cache.worthListing(['a', 'c'], [3000, 5000], 1)).toBe(false);
    // A rare new term does not hold a query back.
    expect(cache.worthListing(['a', 'd'], [3000, 800], 1)).toBe(true);
    // Being asked for outlives a write; the lists do not.
    expect(cache.worthListing(['a', 'c'], [3000, 5000], 2)).toBe(true);
  });
});

describe('sqlite backend with per-term lists', () => {
  const tempDir = tempDirs('term-lists');

  // A small corpus with overlapping words and varied lengths, from a fixed pseudo-random stream.
  const words =
    'harbour pilot tide ship lamp keeper storm chart anchor rope sail crew signal beacon rock'.split(' ');
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const text = () =>
    Array.from({ length: 6 + Math.floor(next() * 30) }, () => words[Math.floor(next() * words.length)]).join(
      ' ',
    );

  it('ranks exactly as FTS5 scoring the OR does, and sees writes from another connection', async () => {
    const path = join(tempDir(), 'index.sqlite');
    const lists = new SqliteBackend({ path, logger: silentLogger() });
    const fts = new SqliteBackend({
      path,
      logger: silentLogger(),
      termListCacheSize: 0,
      passageCacheSize: 0,
    });
    await lists.open();
    await fts.open();
    await fts.replacePages(
      Array.from({ length: 120 }, (_, i) => makePage(`https://sea.example/${i}`, [text(), text(), text()])),
    );
    const queries = [
      'harbour pilot',
      'storm tide rock',
      'lamp keeper beacon signal',
      'anchor',
      'crew sail rope chart',
    ];
    // Round 1: terms never asked for go to FTS5; round 2 loads their lists; round 3 reuses them.
    for (let round = 0; round < 3; round++) {
      for (const q of queries) {
        const query = { text: q, limit: 10, maxPerPage: 2 };
        expect(await lists.search(query)).toEqual(await fts.search(query));
      }
    }
    expect(lists.termListStats().hits).toBeGreaterThan(0);
    // Another connection (a CLI crawl, say) writes: the next search sees it.
    await fts.replacePages([makePage('https://sea.example/new', ['zephyr harbour zephyr pilot zephyr'])]);
    const after = await lists.search({ text: 'zephyr harbour', limit: 5, maxPerPage: 2 });
    expect(after[0]?.passage.url).toBe('https://sea.example/new');
    expect(after).toEqual(await fts.search({ text: 'zephyr harbour', limit: 5, maxPerPage: 2 }));
    await lists.close();
    await fts.close();
  });
});
