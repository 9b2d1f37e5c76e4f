import { describe, expect, it } from 'vitest';
import { type EngineBenchResult, formatBench, ndcgAt10, parseBackends } from './bench-search-engines.js';

describe('parseBackends', () => {
  it.each([
    ['opensearch', ['opensearch']],
    ['elasticsearch', ['elasticsearch']],
    ['opensearch,elasticsearch', ['opensearch', 'elasticsearch']],
    [' elasticsearch , opensearch ,elasticsearch', ['elasticsearch', 'opensearch']],
  ])('%s', (value, expected) => {
    expect(parseBackends(value)).toEqual(expected);
  });

  it.each(['', 'sqlite', 'opensearch,solr', ','])('refuses %j', (value) => {
    expect(() => parseBackends(value)).toThrow(/--backend: opensearch, elasticsearch or both/);
  });
});

describe('ndcgAt10', () => {
  it.each<[string[], Record<string, number>, number]>([
    [['a', 'b'], { a: 1 }, 1],
    [['b', 'a'], { a: 1 }, 1 / Math.log2(3)],
    [['x', 'y'], { a: 1 }, 0],
    [['a'], {}, 0],
  ])('%j against %j', (ranked, grades, expected) => {
    expect(ndcgAt10(ranked, new Map(Object.entries(grades)))).toBeCloseTo(expected, 6);
  });
});

describe('formatBench', () => {
  it('puts SQLite and each engine side by side with the ratios', () => {
    const figures = {
      passages: 10,
      index_seconds: 1,
      index_passages_per_s: 100,
      query_p50_ms: 2,
      query_p95_ms: 4,
      qps: 50,
      ndcg_at_10: 0.7,
    };
    const result: EngineBenchResult = {
      corpus: 'scifact',
      docs: 5,
      queries: 3,
      sqlite: { backend: 'sqlite', ...figures },
      engines: [
        {
          backend: 'elasticsearch',
          ...figures,
          index_passages_per_s: 50,
          ndcg_at_10: 0.69,
          version: 'elasticsearch 9.5.3',
          reindex_seconds: 2,
          reindex_docs_per_s: 8,
          ratio: { index_passages_per_s: 0.5, query_p50_ms: 1, query_p95_ms: 1, ndcg_at_10: 0.99 },
          ndcg_delta: -0.01,
        },
      ],
    };
    const lines = formatBench(result).split('\n');
    expect(lines[0]).toContain('scifact: 5 documents, 10 passages, 3 queries');
    expect(lines[1]).toMatch(/sqlite\s+elasticsearch 9\.5\.3$/);
    expect(lines[2]).toMatch(/index passages\/s\s+100\s+50 \(0\.5×\)$/);
    expect(lines.find((l) => l.includes('nDCG@10'))).toMatch(/0\.7\s+0\.69 \(-0\.01\)$/);
  });
});
