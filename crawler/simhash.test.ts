import { describe, expect, it } from 'vitest';
import { fingerprintFromHex, fingerprintToHex, hammingDistance, SimHashIndex, simhash } from './simhash.js';

const BASE =
  'The lighthouse at the end of the pier was built in 1871 from local granite. Its keepers lit the lamp every evening at dusk and trimmed the wick at midnight, logging wind, visibility and every passing ship in a leather book that is now kept at the town museum next to the original lens.';

describe('simhash', () => {
  it.each([
    ['the same text', BASE, true],
    ['one word changed', BASE.replace('granite', 'sandstone'), true],
    ['a date and a footer line changed', `${BASE.replace('1871', '1872')} Updated today.`, true],
    [
      'a different text',
      'Honey bees communicate the direction and distance of flowers with a waggle dance inside the hive; the angle of the run shows the direction relative to the sun, and its length shows how far the bees must fly to reach the food.',
      false,
    ],
  ])('%s → near duplicate: %s', (_name, other, near) => {
    const a = simhash(BASE);
    const b = simhash(other);
    expect(a && b).toBeTruthy();
    if (!a || !b) return;
    expect(hammingDistance(a, b) <= 3).toBe(near);
  });

  it('needs a few words', () => {
    expect(simhash('too short')).toBeUndefined();
  });

  it('round-trips through hex', () => {
    const f = simhash(BASE);
    if (!f) throw new Error('no fingerprint');
    expect(fingerprintFromHex(fingerprintToHex(f))).toEqual(f);
  });
});

describe('SimHashIndex', () => {
  it('finds near duplicates among many fingerprints, and forgets deleted ones', () => {
    const index = new SimHashIndex();
    for (let i = 0; i < 500; i++) {
      const f = simhash(
        `Page number ${i} talks about topic ${i * 7919} with words ${i % 13} and ${i % 17} and more ${i}`,
      );
      if (f) index.add(`u${i}`, f);
    }
    const base = simhash(BASE);
    if (!base) throw new Error('no fingerprint');
    index.add('lighthouse', base);
    const near = simhash(BASE.replace('granite', 'sandstone'));
    if (!near) throw new Error('no fingerprint');
    expect(index.findNear(near)).toBe('lighthouse');
    expect(index.findNear(near, 'lighthouse')).toBeUndefined();
    index.delete('lighthouse');
    expect(index.findNear(near)).toBeUndefined();
  });
});
