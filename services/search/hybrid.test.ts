import { describe, expect, it } from 'vitest';
import type { PassageRecord, SearchHit } from '../types.js';
import { fuseLexicalAndDense, passageEmbeddingText, reciprocalRankFusion } from './hybrid.js';

function hit(id: string, page = id): SearchHit {
  const passage: PassageRecord = {
    id,
    pageId: page,
    url: `https://a.example/${page}`,
    host: 'a.example',
    title: `Title ${page}`,
    headings: [],
    text: `text ${id}`,
    position: 0,
    wordCount: 2,
  };
  return { passage, score: 0, snippet: passage.text };
}

describe('reciprocal rank fusion', () => {
  it('sums 1/(k + rank) over the lists (hand-computed)', () => {
    const fused = reciprocalRankFusion(
      [
        ['a', 'b', 'c'],
        ['c', 'a'],
      ],
      (x) => x,
      60,
    );
    expect(fused.map((f) => f.item)).toEqual(['a', 'c', 'b']);
    expect(fused[0]?.score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[1]?.score).toBeCloseTo(1 / 63 + 1 / 61, 12);
    expect(fused[2]?.score).toBeCloseTo(1 / 62, 12);
  });

  it('breaks ties by first appearance', () => {
    const fused = reciprocalRankFusion([['x'], ['y']], (s) => s);
    expect(fused.map((f) => f.item)).toEqual(['x', 'y']);
  });
});

describe('fuseLexicalAndDense', () => {
  it('fetches both lists deep and uncapped, then caps per page and limits', async () => {
    const asked: Array<{ limit: number; maxPerPage?: number | undefined }> = [];
    const hits = await fuseLexicalAndDense(
      { text: 'q', limit: 2, maxPerPage: 1, vector: [1, 0] },
      async (q) => {
        asked.push({ limit: q.limit, maxPerPage: q.maxPerPage });
        return [hit('p1-0', 'p1'), hit('p1-1', 'p1'), hit('p2-0', 'p2')];
      },
      async (q) => {
        asked.push({ limit: q.limit });
        return [hit('p1-1', 'p1'), hit('p3-0', 'p3')];
      },
    );
    expect(asked).toEqual([{ limit: 30, maxPerPage: undefined }, { limit: 30 }]);
    // p1-1 is in both lists and wins; p1-0 is dropped (one per page); p3-0 (rank 2 of dense)
    // ties p1-0's rank; p2-0 (rank 3 of lexical) comes after.
    expect(hits.map((h) => h.passage.id)).toEqual(['p1-1', 'p3-0']);
    expect(hits[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 12);
  });

  it('embeds a passage with its title and heading path', () => {
    const p = { ...hit('x').passage, title: 'Guide', headings: ['Install', 'Linux'], text: 'Run it.' };
    expect(passageEmbeddingText(p)).toBe('Guide › Install › Linux\n\nRun it.');
  });
});
