import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from '../logger.js';
import { Metrics } from '../metrics.js';
import type { SearchHit, SearchQuery } from '../types.js';
import type { SearchBackend } from './backend.js';
import { defineBackendContract, makePage } from './backend-contract.testkit.js';
import {
  CachedSearchBackend,
  FULL_ENTRIES_MAX,
  normalizeQueryText,
  searchCacheKey,
  withSearchResultCache,
} from './result-cache.js';
import { SharedResultStore } from './shared-result-store.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';
import { tempDirs } from './temp-dirs.testkit.js';

const tempDir = tempDirs('cache');
function tempDb(): string {
  return join(tempDir(), 'index.sqlite');
}

// The cached backend is a backend: every contract test holds through it (writes show at once).
defineBackendContract(
  'sqlite behind the search-result cache',
  async () =>
    new CachedSearchBackend(new SqliteBackend({ path: tempDb(), logger: silentLogger() }), {
      maxEntries: 50,
    }),
);

/** A backend that counts searches and answers from a fixed list; its generation is settable. */
function countingBackend(): SearchBackend & { calls: SearchQuery[]; gen: number; fail: boolean } {
  const hit = (id: string): SearchHit => ({
    passage: {
      id,
      pageId: id,
      url: `https://a.example/${id}`,
      host: 'a.example',
      title: id,
      headings: [],
      text: id,
      position: 0,
      wordCount: 1,
    },
    score: 1,
    snippet: id,
  });
  const backend = {
    kind: 'sqlite' as const,
    calls: [] as SearchQuery[],
    gen: 1,
    fail: false,
    async open() {},
    async replacePages() {
      backend.gen++;
      return { written: 1, failed: [] };
    },
    async deletePage() {
      backend.gen++;
      return true;
    },
    async search(query: SearchQuery) {
      backend.calls.push(query);
      await new Promise((r) => setTimeout(r, 5));
      if (backend.fail) throw new Error('engine down');
      return [hit(`${query.text}-${backend.gen}`)];
    },
    async getPassages() {
      return [];
    },
    async refresh() {},
    async stats() {
      return { backend: 'sqlite' as const, pages: 0, passages: 0, sites: [], generation: backend.gen };
    },
    async generation() {
      return backend.gen;
    },
    async ping() {
      return { ok: true };
    },
    async close() {},
  };
  return backend;
}

describe('search-result cache', () => {
  it('answers a repeated query from memory and counts hits and misses', async () => {
    const inner = countingBackend();
    const metrics = new Metrics({ defaultMetrics: false });
    const cache = new CachedSearchBackend(inner, { maxEntries: 10, metrics });
    const first = await cache.search({ text: 'rust borrow', limit: 10 });
    const second = await cache.search({ text: '  rust \t borrow\n', limit: 10 });
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    expect(inner.calls).toHaveLength(1);
    expect(cache.cacheStats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    const text = await metrics.registry.metrics();
    expect(text).toContain('citebox_search_cache_requests_total{result="hit"} 1');
    expect(text).toContain('citebox_search_cache_requests_total{result="miss"} 1');
  });

  it('keys on limit, per-page cap and every filter, but not on spacing', () => {
    const base: SearchQuery = { text: 'a b', limit: 10 };
    const keys = [
      searchCacheKey(base, 1),
      searchCacheKey({ ...base, limit: 20 }, 1),
      searchCacheKey({ ...base, maxPerPage: 3 }, 1),
      searchCacheKey({ ...base, sites: ['a.example'] }, 1),
      searchCacheKey({ ...base, lang: 'en' }, 1),
      searchCacheKey({ ...base, since: '2025-01-01' }, 1),
      searchCacheKey({ ...base, text: 'A b' }, 1),
      searchCacheKey(base, 2),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(searchCacheKey({ ...base, vector: [0.1, 0.2] }, 1)).toBeUndefined();
    expect(normalizeQueryText(' a \n\t b  ')).toBe('a b');
    // Only ASCII white space: other spaces may matter to an analyzer.
    expect(normalizeQueryText('a\u00a0 b')).toBe('a\u00a0 b');
  });

  it('misses after a write: the index generation is part of the key', async () => {
    const inner = countingBackend();
    const cache = new CachedSearchBackend(inner, { maxEntries: 10 });
    expect((await cache.search({ text: 'x', limit: 5 }))[0]?.passage.id).toBe('x-1');
    await cache.replacePages([]);
    expect((await cache.search({ text: 'x', limit: 5 }))[0]?.passage.id).toBe('x-2');
    // A write by another process moves the generation too.
    inner.gen = 7;
    expect((await cache.search({ text: 'x', limit: 5 }))[0]?.passage.id).toBe('x-7');
    expect(inner.calls).toHaveLength(3);
  });

  it('shares one backend call between concurrent identical searches', async () => {
    const inner = countingBackend();
    const cache = new CachedSearchBackend(inner, { maxEntries: 10 });
    const results = await Promise.all([1, 2, 3].map(() => cache.search({ text: 'same', limit: 5 })));
    expect(inner.calls).toHaveLength(1);
    expect(results[0]).toEqual(results[2]);
  });

  it('forgets a failed search and evicts the least recently used entry', async () => {
    const inner = countingBackend();
    const cache = new CachedSearchBackend(inner, { maxEntries: 2 });
    inner.fail = true;
    await expect(cache.search({ text: 'f', limit: 5 })).rejects.toThrow('engine down');
    inner.fail = false;
    await cache.search({ text: 'f', limit: 5 });
    expect(inner.calls).toHaveLength(2);
    await cache.search({ text: 'a', limit: 5 });
    await cache.search({ text: 'f', limit: 5 }); // f is now the most recent
    await cache.search({ text: 'b', limit: 5 }); // evicts a
    expect(cache.cacheStats().entries).toBe(2);
    await cache.search({ text: 'f', limit: 5 });
    expect(inner.calls.map((c) => c.text)).toEqual(['f', 'f', 'a', 'b']);
    await cache.search({ text: 'a', limit: 5 });
    expect(inner.calls.map((c) => c.text)).toEqual(['f', 'f', 'a', 'b', 'a']);
  });

  it('is left out when its size is 0', () => {
    const inner = countingBackend();
    expect(withSearchResultCache(inner, { maxEntries: 0 })).toBe(inner);
    expect(withSearchResultCache(inner, { maxEntries: 5 })).toBeInstanceOf(CachedSearchBackend);
  });

  it('gives the same results as the backend it wraps, before and after a page is rewritten', async () => {
    const path = tempDb();
    const plain = new SqliteBackend({ path, logger: silentLogger() });
    const cached = new CachedSearchBackend(new SqliteBackend({ path, logger: silentLogger() }), {
      maxEntries: 10,
    });
    await plain.open();
    await cached.open();
    await plain.replacePages([
      makePage('https://a.example/1', ['lighthouse keepers trim the lamp wick at dusk', 'fog horns sound']),
      makePage('https://a.example/2', ['the lighthouse stood on a rock']),
    ]);
    const query = { text: 'lighthouse lamp', limit: 5, maxPerPage: 2 };
    expect(await cached.search(query)).toEqual(await plain.search(query));
    expect(await cached.search(query)).toEqual(await plain.search(query));
    // Rewritten by the other connection: same URL, same rowids, other text.
    await plain.replacePages([makePage('https://a.example/1', ['the lamp of the lighthouse was electric'])]);
    const after = await cached.search(query);
    expect(after).toEqual(await plain.search(query));
    expect(after.map((h) => h.passage.text)).toContain('the lamp of the lighthouse was electric');
    expect(cached.cacheStats()).toMatchObject({ hits: 1, misses: 2 });
    await plain.close();
    await cached.close();
  });

  it('keeps compact lists for a backend with a compact form, and decodes them to what it returned', async () => {
    const path = tempDb();
    const plain = new SqliteBackend({ path, logger: silentLogger() });
    const inner = new SqliteBackend({ path, logger: silentLogger() });
    // No list kept whole: every hit is decoded from the compact form.
    const cached = new CachedSearchBackend(inner, { maxEntries: 10, hotEntries: 0 });
    await plain.open();
    await cached.open();
    await plain.replacePages([
      makePage('https://a.example/1', ['lighthouse keepers trim the lamp wick at dusk', 'fog horns sound']),
      makePage('https://a.example/2', ['the lighthouse stood on a rock', 'a lamp in the lighthouse']),
    ]);
    const search = vi.spyOn(inner, 'search');
    const query = { text: 'lighthouse lamp', limit: 5, maxPerPage: 2 };
    const first = await cached.search(query);
    const again = await cached.search(query);
    expect(first.length).toBeGreaterThan(2);
    // Passages, scores and snippets, as the backend gives them.
    expect(again).toEqual(await plain.search(query));
    expect(again).toEqual(first);
    expect(search).toHaveBeenCalledTimes(1);
    expect(cached.cacheStats()).toMatchObject({ hits: 1, misses: 1, entries: 1 });
    // A compact list is a few bytes a hit, not the passages.
    expect(inner.resultCodec.encode(first)?.byteLength).toBe(16 * first.length);
    await plain.replacePages([makePage('https://a.example/1', ['the lamp of the lighthouse was electric'])]);
    expect(await cached.search(query)).toEqual(await plain.search(query));
    expect(search).toHaveBeenCalledTimes(2);
    await plain.close();
    await cached.close();
  });

  it('finds a list another process searched in the store they share, without searching', async () => {
    const dir = tempDir();
    const path = join(dir, 'index.sqlite');
    const writer = new SqliteBackend({ path, logger: silentLogger() });
    await writer.open();
    await writer.replacePages([
      makePage('https://a.example/1', ['lighthouse keepers trim the lamp wick at dusk']),
      makePage('https://a.example/2', ['the lighthouse stood on a rock']),
    ]);
    // Two "processes": each its own backend connection, cache and handle on the shared file.
    const storePath = join(dir, 'search-cache', '1.sqlite');
    const processes = [0, 1].map(() => {
      const inner = new SqliteBackend({ path, logger: silentLogger() });
      const shared = new SharedResultStore(storePath, { maxEntries: 100 });
      const metrics = new Metrics({ defaultMetrics: false });
      return {
        inner,
        shared,
        metrics,
        cache: new CachedSearchBackend(inner, { maxEntries: 10, shared, metrics }),
      };
    });
    const [a, b] = processes as [(typeof processes)[0], (typeof processes)[0]];
    for (const p of processes) await p.cache.open();
    const query = { text: 'lighthouse', limit: 5 };
    const fromA = await a.cache.search(query);
    const searchB = vi.spyOn(b.inner, 'search');
    const fromB = await b.cache.search(query);
    expect(searchB).not.toHaveBeenCalled();
    expect(fromB).toEqual(fromA);
    expect(b.cache.cacheStats()).toMatchObject({ hits: 1, sharedHits: 1, misses: 0 });
    expect(await b.metrics.registry.metrics()).toContain('citebox_search_cache_shared_hits_total 1');
    // Then it is B's own: no second read of the store.
    const get = vi.spyOn(b.shared, 'get');
    await b.cache.search(query);
    expect(get).not.toHaveBeenCalled();
    // After a write, the list of the old index is never read again.
    await writer.replacePages([makePage('https://a.example/3', ['a lighthouse of glass'])]);
    const after = await b.cache.search(query);
    expect(searchB).toHaveBeenCalledTimes(1);
    expect(after.map((h) => h.passage.url)).toContain('https://a.example/3');
    for (const p of processes) {
      await p.cache.close();
      p.shared.close();
    }
    await writer.close();
  });

  it('keeps a list whole only once it is read back twice; until then, compact', async () => {
    const path = tempDb();
    const inner = new SqliteBackend({ path, logger: silentLogger() });
    const cached = new CachedSearchBackend(inner, { maxEntries: 10 });
    await cached.open();
    await inner.replacePages([makePage('https://a.example/1', ['lighthouse keepers trim the lamp wick'])]);
    const decode = vi.spyOn(inner.resultCodec, 'decode');
    const query = { text: 'lighthouse', limit: 5 };
    const first = await cached.search(query);
    // Asked again, and again: read back from its compact form; then kept whole.
    expect(await cached.search(query)).toEqual(first);
    expect(await cached.search(query)).toEqual(first);
    expect(decode).toHaveBeenCalledTimes(2);
    expect(await cached.search(query)).toEqual(first);
    expect(await cached.search(query)).toEqual(first);
    expect(decode).toHaveBeenCalledTimes(2);
    expect(cached.cacheStats()).toMatchObject({ hits: 4, misses: 1, entries: 1 });
    await cached.close();
  });

  it('keeps at most FULL_ENTRIES_MAX whole lists for a backend without a compact form', async () => {
    const inner = countingBackend();
    expect(new CachedSearchBackend(inner, { maxEntries: 50_000 }).maxEntries).toBe(FULL_ENTRIES_MAX);
    expect(new CachedSearchBackend(inner, { maxEntries: 50 }).maxEntries).toBe(50);
    const sqlite = new SqliteBackend({ path: tempDb(), logger: silentLogger() });
    expect(new CachedSearchBackend(sqlite, { maxEntries: 50_000 }).maxEntries).toBe(50_000);
  });
});
