import { describe, expect, it } from 'vitest';
import { PolitenessScheduler, retryAfterMs } from './politeness.js';

describe('PolitenessScheduler', () => {
  it('keeps the largest of the configured delay, Crawl-delay and k × response time', () => {
    const s = new PolitenessScheduler({ delayMs: 100, responseTimeFactor: 3, maxCrawlDelaySeconds: 10 });
    expect(s.delayFor('a')).toBe(100);
    s.setCrawlDelay('a', 2);
    expect(s.delayFor('a')).toBe(2000);
    s.setCrawlDelay('a', 3600); // capped
    expect(s.delayFor('a')).toBe(10_000);
    s.begin('b', 0);
    s.end('b', 'ok', 500, 0, 500);
    expect(s.delayFor('b')).toBe(1500);
  });

  it('spaces requests to one host and caps concurrency per host and overall', () => {
    const s = new PolitenessScheduler({ delayMs: 1000, perHost: 2, global: 3, responseTimeFactor: 0 });
    expect(s.canStart('a', 0)).toBe(true);
    s.begin('a', 0);
    expect(s.canStart('a', 10)).toBe(false); // delay
    expect(s.canStart('a', 1000)).toBe(true);
    s.begin('a', 1000);
    expect(s.canStart('a', 5000)).toBe(false); // two in flight
    s.begin('b', 5000);
    expect(s.canStart('c', 5000)).toBe(false); // global cap of 3
    s.end('a', 'ok', 10, 0, 5000);
    expect(s.canStart('c', 5000)).toBe(true);
    expect(s.canStart('a', 5500)).toBe(false); // delay after the end
    expect(s.canStart('a', 6000)).toBe(true);
  });

  it('holds a host back for Retry-After and pauses a failing host', () => {
    const s = new PolitenessScheduler({
      delayMs: 0,
      responseTimeFactor: 0,
      failuresBeforePause: 3,
      pauseMs: 60_000,
    });
    s.begin('a', 0);
    s.end('a', 'throttled', 5, 30_000, 0);
    expect(s.canStart('a', 29_999)).toBe(false);
    expect(s.canStart('a', 30_000)).toBe(true);
    for (let i = 0; i < 3; i++) {
      s.begin('a', 30_000);
      s.end('a', 'failure', 5, 0, 30_000);
    }
    expect(s.canStart('a', 89_999)).toBe(false);
    expect(s.canStart('a', 90_000)).toBe(true);
    s.begin('a', 90_000);
    s.end('a', 'ok', 5, 0, 90_000);
    expect(s.host('a').consecutiveFailures).toBe(0);
  });

  it('backs off exponentially', () => {
    const s = new PolitenessScheduler({ retryBaseMs: 100 });
    expect([0, 1, 2, 3].map((a) => s.backoffMs(a))).toEqual([100, 200, 400, 800]);
  });
});

describe('retryAfterMs', () => {
  it.each([
    ['120', 120_000],
    [' 0 ', 0],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 60_000],
    ['soon', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, expected) => {
    expect(retryAfterMs(header, Date.parse('Wed, 21 Oct 2015 07:27:00 GMT'))).toBe(expected);
  });
});
