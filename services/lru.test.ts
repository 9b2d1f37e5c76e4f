import { describe, expect, it } from 'vitest';
import { LruMap } from './lru.js';

describe('LruMap', () => {
  it('drops the least recently used beyond its bound; get uses, peek does not', () => {
    const lru = new LruMap<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1); // a is now the most recent
    lru.set('c', 3); // drops b
    expect([...lru.keys()]).toEqual(['a', 'c']);
    expect(lru.peek('a')).toBe(1); // order unchanged
    lru.set('d', 4); // drops a
    expect([...lru.keys()]).toEqual(['c', 'd']);
    lru.set('c', 5); // rewriting makes it the newest
    expect([...lru.keys()]).toEqual(['d', 'c']);
    expect(lru.get('c')).toBe(5);
    expect(lru.has('a')).toBe(false);
    expect(lru.delete('d')).toBe(true);
    expect(lru.size).toBe(1);
    lru.clear();
    expect(lru.size).toBe(0);
  });

  it('keeps nothing when its bound is 0', () => {
    const lru = new LruMap<string, number>(0);
    lru.set('a', 1);
    expect(lru.get('a')).toBeUndefined();
    expect(lru.size).toBe(0);
  });
});
