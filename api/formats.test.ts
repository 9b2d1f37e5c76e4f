import { describe, expect, it } from 'vitest';
import { isAbsoluteUrl, isRealDate, isRealDateTime, normalizeSince } from './formats.js';

describe('isRealDate', () => {
  it.each([
    ['2024-05-01', true],
    ['2024-02-29', true],
    ['2000-02-29', true],
    ['2023-02-29', false],
    ['1900-02-29', false],
    ['2024-04-31', false],
    ['2024-13-01', false],
    ['2024-00-10', false],
    ['2024-01-00', false],
    ['2024-1-01', false],
    ['2024-05-01T00:00:00Z', false],
    ['', false],
  ])('%s → %s', (value, ok) => {
    expect(isRealDate(value)).toBe(ok);
  });
});

describe('isRealDateTime', () => {
  it.each([
    ['2024-05-01T12:00:00Z', true],
    ['2024-05-01t12:00:00z', true],
    ['2024-05-01T12:00:00.123+02:00', true],
    ['2016-12-31T23:59:60Z', true],
    ['2024-05-01T24:00:00Z', false],
    ['2024-05-01T12:60:00Z', false],
    ['2024-05-01T12:00Z', false],
    ['2024-05-01T12:00:00', false],
    ['2024-05-01T12:00:00+0200', false],
    ['2024-05-01T12:00:00+24:00', false],
    ['2023-02-29T12:00:00Z', false],
    ['2024-05-01', false],
  ])('%s → %s', (value, ok) => {
    expect(isRealDateTime(value)).toBe(ok);
  });
});

describe('normalizeSince', () => {
  it.each([
    ['2024-05-01', '2024-05-01'],
    ['2024-05-01T12:00:00+02:00', '2024-05-01T10:00:00.000Z'],
    ['2024-05-01t12:00:00z', '2024-05-01T12:00:00.000Z'],
    ['2016-12-31T23:59:60Z', '2016-12-31T23:59:59.000Z'],
  ])('%s → %s', (value, expected) => {
    expect(normalizeSince(value)).toBe(expected);
  });
});

describe('isAbsoluteUrl', () => {
  it.each([
    ['https://example.com/', true],
    ['http://example.com/a?b=c#d', true],
    ['ftp://example.com/', true],
    ['example.com', false],
    ['/relative', false],
    ['https://exa mple.com/', false],
    ['https://example.com/\u0000', false],
    ['', false],
  ])('%j → %s', (value, ok) => {
    expect(isAbsoluteUrl(value)).toBe(ok);
  });
});
