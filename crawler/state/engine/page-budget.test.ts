import { describe, expect, it } from 'vitest';
import {
  type BudgetLedger,
  EMPTY_LEDGER,
  heldPages,
  holders,
  pagesLeft,
  parseLedger,
  reclaim,
  reserve,
  settle,
} from './page-budget.js';

describe('the page budget ledger', () => {
  it('grants what is left, never more', () => {
    const a = reserve(EMPTY_LEDGER, 'A', 6, 10);
    expect(a.granted).toBe(6);
    const b = reserve(a.ledger, 'B', 6, 10);
    expect(b.granted).toBe(4);
    expect(pagesLeft(b.ledger, 10)).toBe(0);
    expect(reserve(b.ledger, 'C', 1, 10).granted).toBe(0);
    expect(heldPages(b.ledger)).toBe(10);
  });

  it.each<[string, number, number, { consumed: number; held: number; settled: number }]>([
    ['consumed pages leave the reservation for good', 2, 0, { consumed: 2, held: 4, settled: 2 }],
    ['returned pages go back to the job', 0, 3, { consumed: 0, held: 3, settled: 0 }],
    ['both at once', 2, 4, { consumed: 2, held: 0, settled: 2 }],
    [
      'more consumed than reserved (a page resolved by another) does not go below zero',
      8,
      0,
      { consumed: 8, held: 0, settled: 8 },
    ],
    ['an outcome taken back returns its page to the holder', -1, 0, { consumed: 0, held: 7, settled: -1 }],
  ])('settles: %s', (_name, consumed, returned, expected) => {
    const start: BudgetLedger = reserve(EMPTY_LEDGER, 'A', 6, 10).ledger;
    const next = settle(start, 'A', consumed, returned);
    expect({ consumed: next.consumed, held: next.grants[0]?.held, settled: next.grants[0]?.settled }).toEqual(
      expected,
    );
  });

  it('reclaims a dead holder: what it consumed beyond what it settled counts, the rest is free', () => {
    let l = reserve(EMPTY_LEDGER, 'A', 5, 10).ledger;
    l = reserve(l, 'B', 5, 10).ledger;
    l = settle(l, 'B', 2, 0);
    expect(holders(l)).toEqual(['A', 'B']);
    // B wrote 3 consuming outcomes, settled 2, then died holding 3.
    l = reclaim(l, 'B', 3);
    expect(l.consumed).toBe(3);
    expect(pagesLeft(l, 10)).toBe(2);
    expect(holders(l)).toEqual(['A']);
    expect(reclaim(l, 'nobody', 5)).toBe(l);
  });

  it.each([null, '', 'not json', '{"consumed":"x","grants":[{"owner":1}]}'])(
    'reads %j as an empty ledger',
    (json) => {
      expect(parseLedger(json)).toEqual(EMPTY_LEDGER);
    },
  );
});
