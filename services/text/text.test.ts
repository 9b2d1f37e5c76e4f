import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language.js';
import { splitSentences } from './sentences.js';
import { makeSnippet } from './snippet.js';
import { countWords, lightStem, queryTerms, wordTokens } from './tokens.js';

describe('text tools', () => {
  it.each([
    ['Crawling sites, e.g. U.S. pages', ['crawling', 'sites', 'e.g', 'u.s', 'pages']],
    ['ＦＵＬＬ width', ['full', 'width']],
    ['阿波罗计划', ['阿波罗', '计划']],
  ])('tokenizes %s', (text, tokens) => {
    expect(wordTokens(text)).toEqual(tokens);
  });

  it('drops stop words from queries unless nothing else is left', () => {
    expect(queryTerms('How do I crawl a site?')).toEqual(['crawl', 'site']);
    expect(queryTerms('to be or not to be')).toEqual(['to', 'be', 'or', 'not', 'to', 'be']);
  });

  it.each([
    ['landed', 'land'],
    ['landing', 'land'],
    ['bees', 'bee'],
    ['studies', 'study'],
    ['glass', 'glass'],
    ['bus', 'bus'],
  ])('light-stems %s to %s', (word, stem) => {
    expect(lightStem(word)).toBe(stem);
  });

  it('splits sentences without breaking at common abbreviations', () => {
    expect(
      splitSentences('Dr. Smith went home. He met Mr. Jones at 3 p.m. on Monday. 你好。我很好。'),
    ).toEqual(['Dr. Smith went home.', 'He met Mr. Jones at 3 p.m. on Monday.', '你好。', '我很好。']);
  });

  it('does not end a sentence at punctuation inside a code span', () => {
    expect(
      splitSentences(
        '`??` is used for untracked paths. If it is, ignored files are indicated by `!!` . Run `make check?` now.',
      ),
    ).toEqual([
      '`??` is used for untracked paths.',
      'If it is, ignored files are indicated by `!!` .',
      'Run `make check?` now.',
    ]);
    // A stray backtick does not swallow the rest of a long paragraph.
    const long = `A stray \` here. ${'Then a sentence of words. '.repeat(20)}`;
    expect(splitSentences(long).length).toBeGreaterThan(5);
  });

  it('counts CJK characters as words', () => {
    expect(countWords('hello world')).toBe(2);
    expect(countWords('长城很长')).toBe(4);
  });

  it.each([
    ['The quick brown fox jumps over the lazy dog and keeps running.', 'en'],
    ['Der schnelle braune Fuchs springt über den faulen Hund und ist nicht müde.', 'de'],
    ['长城是中国古代的军事防御工程。', 'zh'],
    ['東京は日本の首都です。', 'ja'],
    ['서울은 한국의 수도입니다.', 'ko'],
    ['NEAR(a b) OR x', 'en'],
    ['crawl robots.txt', 'en'],
    ['Où est la gare et comment y aller', 'fr'],
    ['¿Dónde está la estación?', 'es'],
  ])('detects the language of %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it('cuts a snippet around the query terms', () => {
    const text = `${'filler words here. '.repeat(30)}The waggle dance shows where flowers are. ${'more filler text. '.repeat(30)}`;
    const snippet = makeSnippet(text, ['waggle', 'dance'], 120);
    expect(snippet).toContain('waggle dance');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.length).toBeLessThanOrEqual(126);
  });
});
