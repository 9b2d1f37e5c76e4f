import { describe, expect, it } from 'vitest';
import { fingerprintFromHex, fingerprintToHex, hammingDistance, SimHashIndex, simhash } from './simhash.js';

const SENTENCES = [
  'The lighthouse at the end of the pier was built in 1871 from local granite.',
  'Its keepers lit the lamp every evening at dusk and trimmed the wick at midnight.',
  'They logged wind, visibility and every passing ship in a leather book.',
  'That book is now kept at the town museum next to the original lens.',
  'In 1932 the light was electrified, and the last keeper left in 1958.',
  'Today the tower opens to visitors on summer weekends, weather permitting.',
  'From the gallery you can see three other lights along the coast on a clear night.',
  'The fog signal, a compressed-air horn, was removed in the 1990s after complaints.',
  'A small exhibition in the former oil store tells the story of the wrecks nearby.',
  'The most famous of them, a grain ship, ran aground on the reef in a winter storm.',
];
/** A page of about 300 words. */
const BASE = [...SENTENCES, ...SENTENCES.map((s) => s.replace('The', 'Then the')), ...SENTENCES].join(' ');

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

  it('keeps unrelated pages of one language and vocabulary far apart', () => {
    const vocabulary = BASE.toLowerCase().match(/[a-z]+/g) ?? [];
    let state = 7;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    const page = () => Array.from({ length: 300 }, () => vocabulary[next() % vocabulary.length]).join(' ');
    const prints = Array.from({ length: 40 }, () => simhash(page()));
    let closest = 64;
    for (let i = 0; i < prints.length; i++)
      for (let j = i + 1; j < prints.length; j++) {
        const a = prints[i];
        const b = prints[j];
        if (a && b) closest = Math.min(closest, hammingDistance(a, b));
      }
    expect(closest).toBeGreaterThan(8);
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
