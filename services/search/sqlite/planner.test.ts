import { describe, expect, it } from 'vitest';
import { candidateCount, DEFAULT_RETRIEVAL, planCandidates, type RetrievalParams } from './planner.js';

const params: RetrievalParams = {
  ...DEFAULT_RETRIEVAL,
  budget: 1000,
  minCandidates: 50,
  candidatesPerResult: 3,
};

describe('candidate planner', () => {
  it.each([
    // dfs, expected plan
    [[0, 0], { kind: 'none' }],
    [[10, 20, 30], { kind: 'ranked', terms: [0, 1, 2], limit: 50, operator: 'OR' }],
    // rarest first, as long as their postings fit the budget; the common one only re-ranks
    [[900, 50, 400], { kind: 'ranked', terms: [1, 2], limit: 50, operator: 'OR' }],
    [[5000, 0, 80], { kind: 'ranked', terms: [2], limit: 50, operator: 'OR' }],
    // even the rarest is over budget, but few passages hold both: read 800 postings, rank ~150
    [[5000, 3000], { kind: 'ranked', terms: [1, 0], limit: 50, operator: 'AND' }],
    // too many hold both: newest passages holding all the terms
    [[50_000, 30_000], { kind: 'capped', all: [1, 0], limit: 60 }],
    [[5000], { kind: 'capped', all: [0], limit: 60 }],
  ])('plans %j in an index of 100,000 passages', (dfs, plan) => {
    expect(planCandidates(dfs, 10, params, 100_000)).toEqual(plan);
  });

  it('fetches more candidates for more results, within bounds', () => {
    expect(candidateCount(5, params)).toBe(50);
    expect(candidateCount(100, params)).toBe(300);
    expect(candidateCount(10_000, params)).toBe(params.maxCandidates);
  });
});
