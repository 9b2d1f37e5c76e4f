import { describe, expect, it } from 'vitest';
import { analyze, DEFAULT_ANALYZER } from '../../text/index.js';
import { SurfaceVocabulary, tokenizeText } from './field-tokens.js';

/** Random text: ASCII words (mixed case, digits, letters and digits), punctuation, now and then non-ASCII. */
function texts(count: number, nonAscii: boolean): string[] {
  let seed = 99;
  const rand = (n: number) => {
    // 32-bit LCG (Math.imul keeps the product exact); its high bits.
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return Math.floor((seed / 4294967296) * n);
  };
  const pieces = [
    'the', 'The', 'THE', 'keeper', 'Keepers', 'FoxO3a', 'IL6', 'pge2', 'x', '42', 'a1b2c3', 'covid-19',
    'e.g.', "don't", 'U.S.', 'tRNA', 'HbA1c', 'mp3s', 'ab12cd34ef', 'lamp', 'LAMP', 'lampwick', '1e10',
  ]; // biome-ignore format: a word list
  const odd = ['café', 'naïve', '中文检索', 'Straße', '“quoted”', 'ﬁnance', 'ｆｕｌｌ'];
  const seps = [' ', '  ', ', ', '. ', '\n', '\t', '-', '/', '(', ')', ': '];
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 1 + rand(40) }, () => {
      if (nonAscii && rand(12) === 0) return odd[rand(odd.length)] as string;
      if (rand(5) === 0)
        return Array.from(
          { length: 1 + rand(8) },
          () => 'abcdefghijklmnopqrstuvwxyz0123456789XYZ'[rand(39)],
        ).join('');
      return pieces[rand(pieces.length)] as string;
    });
    return words.map((w) => w + (seps[rand(seps.length)] as string)).join('');
  });
}

/** The ids the analyzer's surfaces get, interned one by one (the path tokenizeText takes for non-ASCII text). */
function slowIds(text: string, vocabulary: SurfaceVocabulary): number[] {
  const ids: number[] = [];
  analyze(text, DEFAULT_ANALYZER, (_term, surface) => ids.push(vocabulary.id(surface)), false);
  return ids;
}

describe('tokenizeText', () => {
  it('gives ASCII text the ids of the analyzer’s surfaces, interned in the same order', () => {
    for (const nonAscii of [false, true]) {
      const fast = new SurfaceVocabulary();
      const slow = new SurfaceVocabulary();
      for (const text of texts(3000, nonAscii)) {
        const got = [...tokenizeText(text, DEFAULT_ANALYZER, fast)];
        expect(got).toEqual(slowIds(text, slow));
      }
      expect(fast.size).toBe(slow.size);
      expect(fast.size).toBeGreaterThan(8192); // the ASCII table grew several times
      for (let id = 0; id < fast.size; id++) {
        expect(fast.surface(id)).toBe(slow.surface(id));
        expect(fast.stem(id)).toBe(slow.stem(id));
      }
    }
  });

  it('finds a surface first interned from non-ASCII text by its characters, and tells hash neighbours apart', () => {
    const vocabulary = new SurfaceVocabulary();
    const viaSlow = vocabulary.id('lamp');
    expect(vocabulary.asciiId('the lamp', 4, 8)).toBe(viaSlow);
    expect(vocabulary.asciiId('lamps', 0, 5)).not.toBe(viaSlow);
    expect(vocabulary.asciiId('lam', 0, 3)).not.toBe(viaSlow);
    expect(vocabulary.asciiId('xlampx', 1, 5)).toBe(viaSlow);
    expect(vocabulary.surface(vocabulary.asciiId('lamps', 0, 5))).toBe('lamps');
  });
});

describe('SurfaceVocabulary stem numbers', () => {
  const vocabulary = new SurfaceVocabulary();
  const ids = ['landing', 'landed', 'lands', 'lamp', 'lamps', '中文'].map((s) => vocabulary.id(s));
  it.each([
    // [surface a, surface b, same stem]
    ['landing', 'landed', true],
    ['landing', 'lands', true],
    ['lamp', 'lamps', true],
    ['landing', 'lamp', false],
    ['中文', 'lamp', false],
  ])('%s and %s have the same stem number: %s', (a, b, same) => {
    const na = vocabulary.stemId(vocabulary.peek(a));
    const nb = vocabulary.stemId(vocabulary.peek(b));
    expect(na === nb).toBe(same);
    expect(vocabulary.stem(vocabulary.peek(a)) === vocabulary.stem(vocabulary.peek(b))).toBe(same);
  });

  it.each([
    ['land', true],
    ['lamp', true],
    ['中文', true],
    ['lighthouse', false],
  ])('numbers stem %s only when a surface has it (%s)', (stem, known) => {
    const n = vocabulary.stemIdOf(stem);
    expect(n >= 0).toBe(known);
    if (known)
      expect(ids.some((id) => vocabulary.stemId(id) === n && vocabulary.stem(id) === stem)).toBe(true);
  });

  it('peeks at surfaces without interning them', () => {
    expect(vocabulary.peek('lamp')).toBe(ids[3]);
    expect(vocabulary.peek('lighthouse')).toBe(-1);
    expect(vocabulary.size).toBe(ids.length);
    expect(vocabulary.stemId(-1)).toBe(-1);
  });
});
