import { describe, expect, it } from 'vitest';
import { canonicalFromLinkHeader, parseXRobotsTag } from './robots-headers.js';

const UA = 'CiteboxBot/0.2 (+https://example.org/bot)';

describe('parseXRobotsTag', () => {
  it.each([
    [undefined, false, false],
    ['noindex', true, false],
    ['noindex, nofollow', true, true],
    ['none', true, true],
    ['noarchive, nosnippet', false, false],
    ['googlebot: noindex', false, false],
    ['citeboxbot: noindex', true, false],
    ['CiteboxBot: nofollow, otherbot: noindex', false, true],
    ['unavailable_after: 25 Jun 2010 15:00:00 PST', false, false],
  ])('%s → noindex %s, nofollow %s', (header, noindex, nofollow) => {
    expect(parseXRobotsTag(header, UA)).toEqual({ noindex, nofollow });
  });
});

describe('canonicalFromLinkHeader', () => {
  it.each([
    ['<https://e.example/a>; rel="canonical"', 'https://e.example/a'],
    // As written (the request form); its key drops the tracking parameter.
    ['</b?utm_source=x>; rel=canonical', 'https://e.example/b?utm_source=x'],
    [
      '<https://e.example/x.pdf>; rel="alternate", <https://e.example/c>; rel="canonical"',
      'https://e.example/c',
    ],
    ['<https://e.example/next>; rel="next"', undefined],
    [undefined, undefined],
  ])('%s → %s', (header, expected) => {
    expect(canonicalFromLinkHeader(header, 'https://e.example/page')).toBe(expected);
  });
});
