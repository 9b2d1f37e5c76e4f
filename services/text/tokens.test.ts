import { describe, expect, it } from 'vitest';
import { countWordRuns, forEachWord, wordTokens } from './tokens.js';

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

describe('countWordRuns', () => {
  // Its definition: the matches of this expression.
  const WORD_RUN = /[\p{L}\p{N}\p{M}]+(?:['’.][\p{L}\p{N}\p{M}]+)*/gu;
  const byRegex = (text: string) => [...text.matchAll(WORD_RUN)].length;

  it.each([
    ['', 0],
    ['hello world', 2],
    ["don't stop", 2],
    ['don’t e.g. i.e.', 3],
    ['a..b', 2],
    ["a.'b", 2],
    ["'a' .b. c.", 3],
    ['v1.2.3-rc', 2],
    ['naïve café, Zürich', 3],
    ['e\u0301t\u0301e', 1],
    ['\u0301x', 1],
    ['𝒳𝒴 z', 2],
    ['\ud800 a \udc00b', 2],
    ['x\u00a0y\u2014z', 3],
    ['Привет, мир', 2],
  ])('%j has %i', (text, n) => {
    expect(countWordRuns(text)).toBe(n);
    expect(byRegex(text)).toBe(n);
  });

  it('counts as the expression does on random text', () => {
    const alphabet = [..."ab Z09.'’-_ \u00e9\u0301\u00a0\u2014\u4e2d𝒳\ud800\udc00,\n"];
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let t = 0; t < 3000; t++) {
      let text = '';
      const len = rand(40);
      for (let i = 0; i < len; i++) text += alphabet[rand(alphabet.length)];
      expect(countWordRuns(text), JSON.stringify(text)).toBe(byRegex(text));
    }
  });
});
