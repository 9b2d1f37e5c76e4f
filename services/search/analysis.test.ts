import { describe, expect, it } from 'vitest';
import { analyzeQuery, buildFtsMatch, ftsQuote } from './analysis.js';

describe('query analysis', () => {
  it('drops stop words of the query’s language and keeps surfaces', () => {
    const q = analyzeQuery('How do honey bees communicate?');
    expect(q.lang).toBe('en');
    expect(q.terms.map((t) => t.term)).toEqual(['honei', 'bee', 'commun']);
    expect(q.terms[1]?.surfaces).toEqual(['bees']);
    expect(q.sequence).toEqual(['how', 'do', 'honei', 'bee', 'commun']);
  });

  it('keeps stop words when nothing else is left', () => {
    expect(analyzeQuery('to be or not to be').terms.map((t) => t.term)).toEqual(['to', 'be', 'or', 'not']);
  });

  it('uses the stop words of the detected language', () => {
    // "die" is an English word but a German article.
    const de = analyzeQuery('Wie hoch ist die Zugspitze und der Berg');
    expect(de.lang).toBe('de');
    expect(de.terms.map((t) => t.term)).toEqual(['hoch', 'zugspitz', 'berg']);
  });

  it('cuts Chinese question words before making bigrams', () => {
    const q = analyzeQuery('阿波罗计划是什么时候登月的？');
    expect(q.lang).toBe('zh');
    expect(q.terms.map((t) => t.term)).toEqual(['阿波', '波罗', '罗计', '计划', '时候', '候登', '登月']);
  });

  it('merges repeated terms and quotes FTS5 syntax as plain words', () => {
    expect(analyzeQuery('bees Bees bee').terms).toHaveLength(1);
    expect(ftsQuote('a"b')).toBe('"a""b"');
    expect(buildFtsMatch('NEAR(a b) OR "x')).toBe('"near" OR "b" OR "x"');
    expect(buildFtsMatch('!!!')).toBeUndefined();
  });
});
