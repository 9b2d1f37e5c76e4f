import { describe, expect, it } from 'vitest';
import { datePattern, TrapGuard, urlTrapReason } from './traps.js';

const NOW = new Date('2025-06-15T00:00:00Z');

describe('urlTrapReason', () => {
  it.each([
    ['https://e.com/docs/intro', undefined],
    [`https://e.com/${'a'.repeat(2100)}`, /longer than/],
    [`https://e.com/${Array.from({ length: 21 }, (_, i) => `s${i}`).join('/')}`, /path segments/],
    ['https://e.com/a/b/a/b/a/b', /repeats/],
    ['https://e.com/x/x/y', undefined],
    [`https://e.com/s?${Array.from({ length: 13 }, (_, i) => `p${i}=1`).join('&')}`, /query parameters/],
    ['https://e.com/calendar?month=2031-01', /future/],
    ['https://e.com/events/2026/07', undefined],
    ['https://e.com/events/2029/07/01', /future/],
    ['https://e.com/blog/2019/03/14/pi-day', undefined],
  ])('%s', (url, expected) => {
    const reason = urlTrapReason(new URL(url), undefined, NOW);
    if (expected === undefined) expect(reason).toBeUndefined();
    else expect(reason).toMatch(expected);
  });
});

describe('datePattern', () => {
  it.each([
    ['https://e.com/calendar?month=2024-05', 'e.com/calendar?month=#-#'],
    ['https://e.com/events/2024/05', 'e.com/events/#/#'],
    ['https://e.com/cal?year=2024&m=5', 'e.com/cal?m=#&year=#'],
    ['https://e.com/post/12345', undefined],
    ['https://e.com/docs/v2/intro', undefined],
  ])('%s → %s', (url, expected) => {
    expect(datePattern(new URL(url))).toBe(expected);
  });
});

describe('TrapGuard', () => {
  it('stops an endless calendar at the pattern cap', () => {
    const guard = new TrapGuard({ maxPerDatePattern: 24 }, () => NOW);
    let admitted = 0;
    for (let i = 0; i < 600; i++) {
      const y = 2025 - Math.floor(i / 12);
      const m = String((i % 12) + 1).padStart(2, '0');
      if (guard.admit(`https://e.com/calendar?month=${y}-${m}`, 'e.com') === undefined) admitted++;
    }
    expect(admitted).toBe(24);
    // Other pages of the host are unaffected.
    expect(guard.admit('https://e.com/about', 'e.com')).toBeUndefined();
  });

  it('caps URLs per host, counting remembered ones', () => {
    const guard = new TrapGuard({ maxUrlsPerHost: 3 });
    guard.remember('https://e.com/1', 'e.com');
    expect(guard.admit('https://e.com/2', 'e.com')).toBeUndefined();
    expect(guard.admit('https://e.com/3', 'e.com')).toBeUndefined();
    expect(guard.admit('https://e.com/4', 'e.com')).toMatch(/more than 3 URLs/);
    expect(guard.admit('https://f.com/1', 'f.com')).toBeUndefined();
  });
});
