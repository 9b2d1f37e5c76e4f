import { describe, expect, it } from 'vitest';
import { trustProxyOption } from './app.js';

describe('trustProxyOption', () => {
  it.each([
    [undefined, false],
    [[], false],
    [['true'], true],
    [['TRUE'], true],
    [['false'], false],
    [
      ['10.0.0.0/8', '127.0.0.1'],
      ['10.0.0.0/8', '127.0.0.1'],
    ],
    [['192.168.1.1'], ['192.168.1.1']],
  ] as const)('%j → %j', (value, expected) => {
    expect(trustProxyOption(value)).toEqual(expected);
  });

  it('turns a number into a hop count', () => {
    const trust = trustProxyOption(['2']);
    expect(typeof trust).toBe('function');
    const hops = trust as (address: string, hop: number) => boolean;
    expect([hops('10.0.0.1', 0), hops('10.0.0.1', 1), hops('10.0.0.1', 2)]).toEqual([true, true, false]);
  });
});
