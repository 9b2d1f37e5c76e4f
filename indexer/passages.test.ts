import { describe, expect, it } from 'vitest';
import type { ExtractedPage, PagedBlock } from '../services/index.js';
import { pageToRecords } from './indexer.js';
import { cutPassages, isDefaultChunking, passagesLanguage } from './passages.js';

const words = (n: number, word: string) => Array.from({ length: n }, (_, i) => `${word}${i % 7}`).join(' ');
const sentences = (n: number, word: string) =>
  Array.from({ length: n }, (_, i) => `The ${word} number ${i} is ${words(12, word)}.`).join(' ');

const html: PagedBlock[] = [
  { type: 'heading', level: 1, text: 'git-commit', anchor: 'top' },
  { type: 'text', text: sentences(40, 'commit'), anchor: 'synopsis' },
  { type: 'heading', level: 2, text: 'Options', anchor: 'options' },
  { type: 'term', term: '--amend', text: sentences(3, 'amend'), anchor: 'amend' },
  { type: 'term', term: '--all', text: sentences(2, 'all'), context: ['commit'] },
  { type: 'code', text: 'git commit -a\ngit push', lang: 'sh' },
  { type: 'list', items: ['one item', 'two items', sentences(5, 'list')] },
  {
    type: 'table',
    headers: ['Name', 'Value'],
    rows: [
      ['a', '1'],
      ['b', sentences(2, 'cell')],
    ],
    caption: 'T',
  },
  { type: 'break' },
  { type: 'text', text: 'A short tail.' },
] as PagedBlock[];

const pdf: PagedBlock[] = [
  { type: 'heading', level: 1, text: 'Report', page: 1 },
  { type: 'text', text: sentences(30, 'lens'), page: 1 },
  { type: 'text', text: sentences(30, 'prism'), page: 2 },
  { type: 'heading', level: 2, text: 'Keepers', page: 3 },
  { type: 'text', text: 'Keepers trimmed wicks.', page: 3 },
];

const russian: PagedBlock[] = [{ type: 'text', text: 'Маяк стоит на скале. '.repeat(300) }];

const base = {
  url: 'https://e.example/doc/page.html',
  title: 'A page',
  fetchedAt: '2026-12-07T00:00:00Z',
  contentHash: 'h',
};

describe('pageToRecords with passages cut ahead (cutPassages)', () => {
  const cases: Array<{ name: string; blocks: PagedBlock[]; lang?: string }> = [
    { name: 'an HTML page in English, no lang in its markup', blocks: html },
    { name: 'an HTML page whose markup names its language', blocks: html, lang: 'en-GB' },
    { name: 'a lang attribute that is no language tag', blocks: html, lang: '!!' },
    { name: 'a paged document', blocks: pdf },
    { name: 'a page in Russian', blocks: russian },
    { name: 'a page with no blocks', blocks: [] },
  ];
  for (const { name, blocks, lang } of cases) {
    it(`gives the same records as cutting in the indexer: ${name}`, () => {
      const page: ExtractedPage = { ...base, lang, blocks };
      const expected = pageToRecords(page);
      const passages = cutPassages(blocks, lang);
      expect(pageToRecords({ ...page, passages })).toEqual(expected);
      // As the crawler's page threads send it: the passages without the blocks.
      expect(pageToRecords({ ...page, blocks: [], passages })).toEqual(expected);
      // Through a structured clone (worker threads).
      expect(pageToRecords({ ...page, blocks: [], passages: structuredClone(passages) })).toEqual(expected);
    });
  }

  it('detects the language only when the markup names none', () => {
    expect(cutPassages(russian, 'ru').detectedLang).toBeUndefined();
    expect(cutPassages(russian, undefined).detectedLang).toBe('ru');
    expect(cutPassages([], undefined).detectedLang).toBeNull();
  });

  it('cuts the blocks again with other options, and refuses passages without blocks then', () => {
    const page: ExtractedPage = { ...base, blocks: html };
    const small = { maxWords: 60, minWords: 20 };
    const passages = cutPassages(html, undefined);
    expect(pageToRecords({ ...page, passages }, small)).toEqual(pageToRecords(page, small));
    expect(pageToRecords(page, small).passages.length).toBeGreaterThan(passages.chunks.length);
    expect(() => pageToRecords({ ...page, blocks: [], passages }, small)).toThrow(/other options/);
  });
});

describe('isDefaultChunking', () => {
  const cases: Array<[Parameters<typeof isDefaultChunking>[0], boolean]> = [
    [{}, true],
    [{ maxWords: undefined }, true],
    [{ maxWords: 250 }, false],
    [{ minWords: 10 }, false],
    [{ overlapWords: 0 }, false],
  ];
  for (const [options, expected] of cases) {
    it(`${JSON.stringify(options)} → ${expected}`, () => expect(isDefaultChunking(options)).toBe(expected));
  }
});

describe('passagesLanguage', () => {
  it('reads the texts joined by spaces, up to 4,000 characters', () => {
    const long = { text: 'Маяк стоит на скале. '.repeat(400) };
    expect(passagesLanguage([long, { text: 'The lighthouse stands on the rock. '.repeat(400) }])).toBe('ru');
    expect(passagesLanguage([{ text: 'a' }, { text: '' }, { text: 'Маяк стоит на скале.' }])).toBe('ru');
    expect(passagesLanguage([])).toBeUndefined();
  });
});
