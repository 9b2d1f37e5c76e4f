import { describe, expect, it } from 'vitest';
import { forEachWord, wordTokens } from './tokens.js';

/** ICU's word-like segments of a text, as offsets: what forEachWord must give. */
function icuWords(text: string): Array<[number, number]> {
  const segmenter = new Intl.Segmenter('und', { granularity: 'word' });
  return [...segmenter.segment(text)]
    .filter((s) => s.isWordLike)
    .map((s): [number, number] => [s.index, s.index + s.segment.length]);
}

function words(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  forEachWord(text, (start, end) => out.push([start, end]));
  return out;
}

describe('word segmentation', () => {
  it('splits ASCII text exactly as ICU does', () => {
    const cases = [
      'e.g. the U.S. and U.K.',
      "don't 'tis dogs' rock'n'roll o'clock",
      '3.14 1,000 1,a a,1 a.1 1.a v1.2.3 a..b 1..2 a.b.c 12;34 a;b 1;a',
      "x'y'z 1'2 a'1 1'a",
      "--a-- foo-bar a/b C++ #hash @user a.b. end. 1. .5 a' ...",
      'a\tb line\nbreak x\r\ny  two  spaces',
      'FoxO3a IL6 pge2 COVID-19 HTTP/2 3rd 1st',
      '"quoted" (paren) [bracket] {brace} <angle> a|b a\\b a^b a`b a~b a=b a+b a*b a&b a%b a$b a!b a?b',
      '',
      '.',
      'a',
      '9',
    ];
    for (const text of cases) expect(words(text), text).toEqual(icuWords(text));
  });

  it('agrees with ICU on random ASCII text', () => {
    // A fixed linear congruential sequence, so a failure can be replayed.
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const alphabet = "aaaaabbbcXYZ0001299 ....'''',,,;;;---!?\"()/\n\t#@$%&*+<=>[]^`{|}~\\";
    for (let n = 0; n < 20_000; n++) {
      const length = 1 + Math.floor(next() * 24);
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
      expect(words(text), JSON.stringify(text)).toEqual(icuWords(text));
    }
  });

  it('leaves text with ":", "_" or non-ASCII characters to ICU', () => {
    for (const text of [
      'foo:bar 12:30 a_b __ _x x_',
      'naïve café',
      'Grüße aus Köln',
      '长城是中国的',
      '東京タワー',
      'it’s “quoted”',
    ]) {
      expect(words(text), text).toEqual(icuWords(text));
    }
  });

  it('gives the tokens ICU gives, normalized, with edge punctuation trimmed', () => {
    expect(wordTokens("E.g. the U.S. don't; 3.14 and 1,000 FoxO3a")).toEqual([
      'e.g',
      'the',
      'u.s',
      "don't",
      '3.14',
      'and',
      '1,000',
      'foxo3a',
    ]);
    expect(wordTokens('__init__ foo_bar')).toEqual(['init', 'foo_bar']);
  });
});
