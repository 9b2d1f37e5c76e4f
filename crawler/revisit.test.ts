import { describe, expect, it } from 'vitest';
import { goneVerdict, nextInterval, outageHosts, revisitPolicy } from './revisit.js';

const H = 3_600_000;

describe('nextInterval', () => {
  const policy = revisitPolicy(24);
  it.each([
    [undefined, false, 24 * H],
    [24 * H, false, 36 * H],
    [24 * H, true, 12 * H],
    [1.5 * H, true, 1 * H], // floor
    [29 * 24 * H, false, 30 * 24 * H], // ceiling
  ])('previous %s, changed %s → %s', (previous, changed, expected) => {
    expect(nextInterval(previous, changed, policy)).toBe(expected);
  });

  it('re-fetches every time with an interval of 0', () => {
    expect(nextInterval(5 * H, false, revisitPolicy(0))).toBe(0);
  });
});

describe('goneVerdict', () => {
  it.each([
    [410, 0, { misses: 1, remove: true }],
    [404, 0, { misses: 1, remove: false }],
    [404, 1, { misses: 2, remove: true }],
    [403, 1, { misses: 2, remove: true }],
    [500, 3, undefined],
    [200, 0, undefined],
  ])('HTTP %s after %s misses → %j', (status, misses, expected) => {
    expect(goneVerdict(status, misses)).toEqual(expected);
  });
});

describe('outageHosts', () => {
  it('flags hosts where most requests failed, not those with a few gone pages', () => {
    const tallies = new Map([
      ['down.example', { attempted: 10, errors: 9 }],
      ['fine.example', { attempted: 10, errors: 2 }],
      ['tiny.example', { attempted: 2, errors: 2 }],
    ]);
    expect([...outageHosts(tallies)]).toEqual(['down.example']);
  });
});
