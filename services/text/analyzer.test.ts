import { describe, expect, it } from 'vitest';
import { analyze, analyzeTerms, DEFAULT_ANALYZER, prepareForIndex } from './analyzer.js';
import { segmentCjkRun } from './cjk.js';
import { englishStem } from './stem.js';

function tokens(text: string, stem = true): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  analyze(text, DEFAULT_ANALYZER, (term, surface) => out.push([term, surface]), stem);
  return out;
}

describe('analyzer', () => {
  it.each([
    ['Honey bees communicated', ['honei', 'bee', 'commun']],
    ['Café crème, naïve', ['cafe', 'creme', 'naiv']],
    ['ＦＵＬＬ width', ['full', 'width']],
    ['FoxO3a and IL-6', ['foxo3a', 'foxo', 'and', 'il', '6']],
    ['阿波罗计划', ['阿波', '波罗', '罗计', '计划']],
    ['iPhone手机', ['iphon', '手机']],
    ['東京は日本', ['東京', '京は', 'は日', '日本']],
  ])('analyzes %s', (text, terms) => {
    expect(analyzeTerms(text)).toEqual(terms);
  });

  it('keeps the surface next to the stem, and can skip stemming', () => {
    expect(tokens('Studies')).toEqual([['studi', 'studies']]);
    expect(tokens('Studies', false)).toEqual([['studies', 'studies']]);
  });

  it.each([
    ['plain ASCII text, as it is.', 'plain ASCII text, as it is.', 6],
    ['PGE2 levels', 'PGE2 pge levels', 3],
    ['Café au lait', 'cafe au lait', 3],
    ['长城很长', '长城 城很 很长', 3],
  ])('prepares %s for the index', (text, prepared, length) => {
    expect(prepareForIndex(text)).toEqual({ text: prepared, length });
  });

  it('counts the tokens the query side sees', () => {
    for (const text of ['A mix of 3T3 cells, e.g. HeLa; and 阿波罗 too', 'x86_64 build', 'Hello, world!']) {
      expect(prepareForIndex(text).length).toBe(analyzeTerms(text).length);
    }
  });

  it.each([
    ['bigram', '中华人民', ['中华', '华人', '人民']],
    ['bigram', '中', ['中']],
    ['icu', '中华人民共和国', ['中华', '人民', '共和国']],
    ['jieba', '我来到北京清华大学', ['我', '来到', '北京', '清华大学']],
  ] as const)('segments Chinese with %s', (how, run, expected) => {
    const out: string[] = [];
    segmentCjkRun(run, how, (t) => out.push(t));
    expect(out).toEqual(expected);
  });

  it('stems like Porter, on ASCII words only', () => {
    expect(englishStem('generalizations')).toBe('gener');
    expect(englishStem('ponies')).toBe('poni');
    expect(englishStem('résumé')).toBe('résumé');
    expect(englishStem('42')).toBe('42');
  });
});
