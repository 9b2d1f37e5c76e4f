import { describe, expect, it } from 'vitest';
import { ndcgAt, recallAt, reciprocalRankAt, scoreRun } from './metrics.js';

const graded = new Map([
  ['a', 2],
  ['b', 1],
  ['c', 1],
  ['x', 0],
]);

describe('retrieval metrics (hand-computed)', () => {
  it.each([
    // ranked, expected nDCG@10
    [['a', 'b', 'c'], 1],
    // DCG = 1/log2(2) + 2/log2(4) = 1 + 1 = 2; IDCG = 2 + 1/log2(3) + 1/log2(4) = 3.1309298
    [['b', 'x', 'a'], 2 / (2 + 1 / Math.log2(3) + 0.5)],
    // only c at rank 2: 1/log2(3) = 0.6309298 over 3.1309298
    [['x', 'c'], 1 / Math.log2(3) / (2 + 1 / Math.log2(3) + 0.5)],
    [['x', 'y'], 0],
    [[], 0],
  ])('nDCG@10 of %j', (ranked, expected) => {
    expect(ndcgAt(ranked, graded, 10)).toBeCloseTo(expected, 10);
  });

  it('cuts nDCG at k, for the ideal ranking too', () => {
    // k = 1: DCG = gain of b = 1; IDCG = gain of a = 2.
    expect(ndcgAt(['b', 'a'], graded, 1)).toBeCloseTo(0.5, 10);
  });

  it.each([
    [['a'], 1],
    [['x', 'b'], 0.5],
    [['x', 'y', 'z', 'c'], 0.25],
    [['x', 'y'], 0],
  ])('reciprocal rank of %j', (ranked, expected) => {
    expect(reciprocalRankAt(ranked, graded, 10)).toBe(expected);
  });

  it('gives no reciprocal rank past the cut-off', () => {
    const ranked = [...Array.from({ length: 10 }, (_, i) => `n${i}`), 'a'];
    expect(reciprocalRankAt(ranked, graded, 10)).toBe(0);
  });

  it.each([
    [['a', 'x', 'b', 'y', 'z', 'c'], 5, 2 / 3],
    [['a', 'x', 'b', 'y', 'z', 'c'], 100, 1],
    [['a', 'a', 'a'], 5, 1 / 3],
    [['x'], 5, 0],
  ])('recall of %j at %i', (ranked, k, expected) => {
    expect(recallAt(ranked, graded, k)).toBeCloseTo(expected, 10);
  });

  it('averages over queries with relevant judgments only', () => {
    const qrels = new Map([
      ['q1', new Map([['a', 1]])],
      ['q2', new Map([['b', 1]])],
      ['q3', new Map([['c', 0]])],
    ]);
    const runs = new Map([
      ['q1', ['a']],
      ['q2', ['x', 'b']],
      ['q3', ['c']],
    ]);
    const figures = scoreRun(runs, qrels);
    expect(figures.queries).toBe(2);
    expect(figures['mrr@10']).toBeCloseTo(0.75, 10);
    expect(figures['ndcg@10']).toBeCloseTo((1 + 1 / Math.log2(3)) / 2, 10);
    expect(figures['recall@5']).toBe(1);
  });
});
