import { describe, expect, it } from 'vitest';
import type { AnswerResponse } from '../types.js';
import { AnswerCache, answerCacheKey } from './answer-cache.js';

const response = (answer: string) => ({ answer }) as unknown as AnswerResponse;
const key = (question: string, extra: Partial<Parameters<typeof answerCacheKey>[0]> = {}) =>
  answerCacheKey({ question, mode: 'extractive', topK: 5, generation: 1, ...extra });

describe('answer cache', () => {
  it('keys on the normalized question', () => {
    expect(key('When did Apollo 11 land?')).toBe(key('  when did APOLLO 11 land  '));
  });

  it.each([
    ['filters', { filters: { sites: ['a.com'] } }],
    ['mode', { mode: 'llm' }],
    ['top_k', { topK: 8 }],
    ['index generation', { generation: 2 }],
  ])('keys on the %s', (_name, extra) => {
    expect(key('q', extra)).not.toBe(key('q'));
  });

  it('does not care about the order of sites', () => {
    expect(key('q', { filters: { sites: ['b.com', 'a.com'] } })).toBe(
      key('q', { filters: { sites: ['a.com', 'b.com'] } }),
    );
  });

  it('forgets the least recently used answer beyond its size', () => {
    const cache = new AnswerCache(2);
    cache.set('a', response('A'));
    cache.set('b', response('B'));
    expect(cache.get('a')?.answer).toBe('A'); // a is now the most recent
    cache.set('c', response('C'));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.answer).toBe('A');
    expect(cache.size).toBe(2);
  });

  it('keeps nothing at size 0', () => {
    const cache = new AnswerCache(0);
    cache.set('a', response('A'));
    expect(cache.get('a')).toBeUndefined();
  });
});
