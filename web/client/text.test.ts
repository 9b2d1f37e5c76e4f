import { describe, expect, it } from 'vitest';
import { guessLang, highlightParts, queryTerms, siteName } from './text.js';

describe('queryTerms', () => {
  it.each<[string, string[]]>([
    ['When did Apollo 11 land on the Moon?', ['apollo', 'land', 'moon', '11']],
    ['THE Moon', ['moon']],
    ['a the', []],
    ['长城有多长', ['长城']],
    ['<script>alert(1)</script>', ['script', 'alert']],
  ])('%s', (query, expected) => {
    expect(queryTerms(query).sort()).toEqual([...expected].sort());
  });
});

describe('highlightParts', () => {
  const marked = (text: string, terms: string[]) =>
    highlightParts(text, terms)
      .map((p) => (p.hit ? `[${p.text}]` : p.text))
      .join('');

  it.each<[string, string, string[], string]>([
    [
      'word starts',
      'Apollo landed; bees and beekeepers',
      ['land', 'bee'],
      'Apollo [land]ed; [bee]s and [bee]keepers',
    ],
    ['not inside words', 'island', ['land'], 'island'],
    ['case-insensitive', 'MOON moon Moon', ['moon'], '[MOON] [moon] [Moon]'],
    ['CJK anywhere', '明朝修建的长城最著名', ['长城'], '明朝修建的[长城]最著名'],
    ['regex characters are literal', 'a.b a*b (c)', ['a.b', '(c)'], '[a.b] a*b [(c)]'],
    ['markup stays raw text for the renderer to escape', '<b>moon</b>', ['moon'], '<b>[moon]</b>'],
    ['no terms', 'moon', [], 'moon'],
  ])('%s', (_name, text, terms, expected) => {
    expect(marked(text, terms)).toBe(expected);
  });

  it('puts the text back together exactly', () => {
    const text = 'Apollo 11 landed on the Moon on July 20, 1969.';
    expect(
      highlightParts(text, ['apollo', 'moon', '11'])
        .map((p) => p.text)
        .join(''),
    ).toBe(text);
  });
});

describe('guessLang', () => {
  it.each<[string, string | undefined]>([
    ['长城是中国古代的军事防御工程', 'zh'],
    ['東京タワーは高い', 'ja'],
    ['서울은 한국의 수도입니다', 'ko'],
    ['The Great Wall, or 长城, is long', undefined],
    ['Die Mauer ist lang', undefined],
    ['', undefined],
  ])('%s → %s', (text, expected) => {
    expect(guessLang(text)).toBe(expected);
  });
});

describe('siteName', () => {
  it.each([
    ['https://www.example.com/a', 'example.com'],
    ['http://127.0.0.1:8080/x', '127.0.0.1'],
    ['not a url', ''],
  ])('%s → %s', (url, expected) => {
    expect(siteName(url)).toBe(expected);
  });
});
