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

/** The first implementation (regex tokens, a +1/-1 sum per bit), kept to check the fast one against. */
function referenceSimhash(text: string): string | undefined {
  const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}]+/gu;
  const fmix = (x: number) => {
    let h = x;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
  };
  const hash32 = (t: string) => {
    let h = (0x811c9dc5 ^ 0x9e3779b9) >>> 0;
    for (let i = 0; i < t.length; i++) {
      h ^= t.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return fmix(h);
  };
  const tokens = text.toLowerCase().match(TOKEN);
  if (!tokens || tokens.length < 8) return undefined;
  const words = tokens.map(hash32);
  const weights = new Int32Array(64);
  for (let i = 0; i + 2 < words.length; i++) {
    const [a, b, c] = [words[i] ?? 0, words[i + 1] ?? 0, words[i + 2] ?? 0];
    const hi = fmix((Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 0);
    const lo = fmix((Math.imul(a, 0x27d4eb2f) + Math.imul(b, 0x165667b1) + Math.imul(c, 0xd3a2646c)) >>> 0);
    for (let bit = 0; bit < 32; bit++) {
      weights[bit] = (weights[bit] ?? 0) + ((hi >>> bit) & 1 ? 1 : -1);
      weights[bit + 32] = (weights[bit + 32] ?? 0) + ((lo >>> bit) & 1 ? 1 : -1);
    }
  }
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if ((weights[bit] ?? 0) > 0) hi |= 1 << bit;
    if ((weights[bit + 32] ?? 0) > 0) lo |= 1 << bit;
  }
  return fingerprintToHex({ hi: hi >>> 0, lo: lo >>> 0 });
}

describe('simhash fast path', () => {
  it('gives the fingerprints of the reference implementation, on ASCII and other texts', () => {
    let seed = 7;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const alphabet = [
      'The',
      'lens',
      'FRESNEL',
      'x86_64',
      'v2.3',
      '1822',
      'keeper',
      "don't",
      'it’s',
      '“quoted”',
      'a—b',
      '…',
      '\u00a0',
      'a-b',
      '--flag',
      'été',
      'İstanbul',
      'ΟΔΟΣ',
      'K',
      '灯塔',
      'ひかり',
      '등대',
      '😀',
      '\t',
      '\n',
      '  ',
    ];
    for (let n = 0; n < 600; n++) {
      const words = Array.from({ length: 5 + (next() % 60) }, () => alphabet[next() % alphabet.length]);
      // Pure ASCII, ASCII words with typographic punctuation (both the fast path), and anything.
      const kept =
        n % 3 === 0
          ? words.filter((w) => /^[\x00-\x7f]*$/.test(w ?? ''))
          : n % 3 === 1
            ? words.filter((w) => /^[\x00-\x7f’“”—…\u00a0]*$/.test(w ?? ''))
            : words;
      const text = kept.join(next() % 3 ? ' ' : '');
      const fast = simhash(text);
      expect(fast ? fingerprintToHex(fast) : undefined).toBe(referenceSimhash(text));
    }
  });

  it('gives the reference fingerprints of long pages (bit counts carried over many shingles)', () => {
    let seed = 11;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    for (let n = 0; n < 20; n++) {
      const length = 100 + (next() % 4000);
      // A small vocabulary: shingles repeat, so some bits are set in nearly all of them.
      const vocabulary = 3 + (n % 5) * 40;
      const text = Array.from({ length }, () => `w${next() % vocabulary}`).join(' ');
      const fast = simhash(text);
      expect(fast ? fingerprintToHex(fast) : undefined).toBe(referenceSimhash(text));
    }
    // One shingle over and over: every bit it has is counted in every shingle.
    for (const period of ['x', 'x y', 'x y z', 'lens keeper lamp tower']) {
      for (const repeats of [8, 14, 15, 16, 17, 31, 46, 500]) {
        const text = Array.from({ length: repeats }, () => period).join(' ');
        const fast = simhash(text);
        expect(fast ? fingerprintToHex(fast) : undefined).toBe(referenceSimhash(text));
      }
    }
  });
});
