import { describe, expect, it } from 'vitest';
import { TextMemo } from './memo.js';

describe('TextMemo', () => {
  it('computes a text once while it is kept, and gives the value compute gives', () => {
    const memo = new TextMemo<number>(4);
    let calls = 0;
    const length = (t: string) => {
      calls++;
      return t.length;
    };
    expect(memo.get('abc', length)).toBe(3);
    expect(memo.get('abc', length)).toBe(3);
    expect(calls).toBe(1);
  });

  it.each([
    // [generation size, texts asked in order, computations expected]
    [2, ['a', 'b', 'c', 'a'], 3],
    [2, ['a', 'b', 'c', 'd', 'e', 'a'], 6],
    [1, ['a', 'a', 'b', 'a'], 2],
    [3, ['a', 'b', 'c', 'd', 'a', 'b', 'c', 'd'], 4],
  ])('keeps at most two generations of %i (%j: %i computations)', (size, texts, expected) => {
    const memo = new TextMemo<string>(size);
    let calls = 0;
    for (const t of texts) {
      memo.get(t, (x) => {
        calls++;
        return x.toUpperCase();
      });
    }
    expect(calls).toBe(expected);
    expect(memo.size).toBeLessThanOrEqual(2 * size);
  });

  it('computes texts over the length limit every time and keeps none of them', () => {
    const memo = new TextMemo<number>(10, 5);
    let calls = 0;
    for (let i = 0; i < 3; i++) {
      memo.get('a long text', (t) => {
        calls++;
        return t.length;
      });
    }
    expect(calls).toBe(3);
    expect(memo.size).toBe(0);
  });
});
