import { describe, expect, it } from 'vitest';
import { cleanText, hasText } from './dom.js';

/** The definition cleanText must keep: every run of white space one space, the ends trimmed. */
const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('cleanText', () => {
  it.each([
    ['', ''],
    ['word', 'word'],
    ['two words', 'two words'],
    ['  padded  ', 'padded'],
    ['a\tb\nc\r\nd', 'a b c d'],
    ['a  \n\t b', 'a b'],
    ['no\u00a0break', 'no break'],
    ['\u2003em\u2003space\u3000', 'em space'],
    ['\ufeffbom', 'bom'],
    ['line\u2028separator', 'line separator'],
    [' \n ', ''],
  ])('%j -> %j', (text, expected) => {
    expect(cleanText(text)).toBe(expected);
    expect(hasText(text)).toBe(expected !== '');
  });

  it('treats null and undefined as empty', () => {
    expect(cleanText(null)).toBe('');
    expect(cleanText(undefined)).toBe('');
    expect(hasText(null)).toBe(false);
    expect(hasText(undefined)).toBe(false);
  });

  it('collapses exactly as replacing every run of white space does, on random text', () => {
    const pieces = ['a', 'bc', ' ', '  ', '\t', '\n', '\u00a0', '\u2009', '\r\n', '.', 'é'];
    let seed = 3;
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const length = n % 40;
      for (let i = 0; i < length; i++) {
        seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
        text += pieces[seed % pieces.length];
      }
      expect(cleanText(text)).toBe(collapse(text));
      expect(hasText(text)).toBe(collapse(text) !== '');
    }
  });
});
