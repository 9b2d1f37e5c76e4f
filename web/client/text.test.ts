import { describe, expect, it } from 'vitest';
import { guessLang, highlightParts, lightStem, queryTerms, siteName, titleParts } from './text.js';

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
      'whole words and their forms',
      'Apollo landed; bees and beekeepers',
      ['land', 'bee'],
      'Apollo [landed]; [bees] and beekeepers',
    ],
    [
      'not the start of a longer word',
      'read the readline docs, then reads',
      ['read'],
      '[read] the readline docs, then [reads]',
    ],
    ['forms of the query word', 'He is reading; it was read.', ['reads'], 'He is [reading]; it was [read].'],
    ['not inside words', 'island', ['land'], 'island'],
    ['possessives', "Earth's moon", ['earth'], "[Earth's] moon"],
    ['numbers whole', 'Apollo 11 and 110', ['11'], 'Apollo [11] and 110'],
    ['case-insensitive', 'MOON moon Moon', ['moon'], '[MOON] [moon] [Moon]'],
    ['CJK anywhere', '明朝修建的长城最著名', ['长城'], '明朝修建的[长城]最著名'],
    ['regex characters are literal', 'a.b a*b (c)', ['a.b', '(c)'], '[a.b] a*b (c)'],
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

describe('lightStem', () => {
  it.each([
    ['read', 'read'],
    ['reads', 'read'],
    ['reading', 'read'],
    ['readline', 'readlin'],
    ['crawled', 'crawl'],
    ['crawling', 'crawl'],
    ['crawls', 'crawl'],
    ['stopped', 'stop'],
    ['falling', 'fall'],
    ['boxes', 'box'],
    ['bees', 'bee'],
    ['bee', 'bee'],
    ['libraries', 'library'],
    ['analysis', 'analysis'],
    ['houses', 'hous'],
    ['house', 'hous'],
    ['need', 'need'],
    ['Apollo', 'apollo'],
    ['1969', '1969'],
    ['长城', '长城'],
  ])('%s → %s', (word, stem) => {
    expect(lightStem(word)).toBe(stem);
  });

  it('gives the forms of a word one stem and a longer word another', () => {
    expect(new Set(['read', 'reads', 'reading'].map(lightStem)).size).toBe(1);
    expect(lightStem('readline')).not.toBe(lightStem('read'));
    expect(lightStem('beekeepers')).not.toBe(lightStem('bees'));
  });
});

describe('titleParts', () => {
  it.each<[string, string, string[], { title: string; site: string; fromTitle: boolean }]>([
    [
      'Apollo 11 – Wikipedia',
      'https://en.wikipedia.org/wiki/Apollo_11',
      [],
      { title: 'Apollo 11', site: 'Wikipedia', fromTitle: true },
    ],
    [
      'Getting started | Acme Docs',
      'https://acme.test/start',
      [],
      { title: 'Getting started', site: 'Acme Docs', fromTitle: true },
    ],
    // Shared by the host's other pages: the prefix is the site's name.
    [
      'Git - git-commit Documentation',
      'https://git-scm.com/docs/git-commit',
      ['Git - git-log Documentation'],
      { title: 'git-commit Documentation', site: 'Git', fromTitle: true },
    ],
    // Named by the host.
    [
      'Git - git-commit Documentation',
      'https://git-scm.com/docs/git-commit',
      [],
      { title: 'git-commit Documentation', site: 'Git', fromTitle: true },
    ],
    [
      'Install - Configure - Citebox',
      'http://127.0.0.1/install',
      [],
      { title: 'Install - Configure', site: 'Citebox', fromTitle: true },
    ],
    [
      'The Apollo program',
      'https://www.example.com/apollo',
      [],
      { title: 'The Apollo program', site: 'example.com', fromTitle: false },
    ],
    ['Ratio: 3:1', 'https://e.test/r', [], { title: 'Ratio: 3:1', site: 'e.test', fromTitle: false }],
    [
      'A long page title - and a long second part that is no site name at all',
      'https://e.test/x',
      [],
      {
        title: 'A long page title - and a long second part that is no site name at all',
        site: 'e.test',
        fromTitle: false,
      },
    ],
  ])('%s', (title, url, siblings, expected) => {
    expect(titleParts(title, url, siblings)).toEqual(expected);
  });
});
