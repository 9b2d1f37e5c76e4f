import { describe, expect, it } from 'vitest';
import type { PagedBlock } from '../services/index.js';
import { chunkPagedBlocks } from './paged.js';

const words = (n: number, word: string) => Array.from({ length: n }, () => word).join(' ');

describe('chunkPagedBlocks', () => {
  it('keeps every passage on one page, with the headings carried over from earlier pages', () => {
    const blocks: PagedBlock[] = [
      { type: 'heading', level: 1, text: 'Report', page: 1 },
      { type: 'heading', level: 2, text: 'Lenses', page: 1 },
      { type: 'text', text: `Fresnel lenses. ${words(30, 'glass')}.`, page: 1 },
      // The section runs onto page 2 without a heading of its own.
      { type: 'text', text: `More on lenses. ${words(30, 'prism')}.`, page: 2 },
      { type: 'heading', level: 2, text: 'Keepers', page: 3 },
      { type: 'text', text: 'Keepers trimmed wicks.', page: 3 },
    ];
    const chunks = chunkPagedBlocks(blocks);
    expect(chunks.map((c) => [c.page, c.headings.join(' › '), c.text.split('.')[0]])).toEqual([
      [1, 'Report › Lenses', 'Fresnel lenses'],
      [2, 'Report › Lenses', 'More on lenses'],
      [3, 'Report › Keepers', 'Keepers trimmed wicks'],
    ]);
  });

  it('chunks documents without pages as before', () => {
    const blocks: PagedBlock[] = [{ type: 'text', text: 'One paragraph.' }];
    expect(chunkPagedBlocks(blocks)).toEqual([
      { headings: [], text: 'One paragraph.', wordCount: 2, kind: 'text' },
    ]);
  });
});
