// Passages of paged documents (PDF pages, slides): cut page by page, so that every passage lies on
// one page and can cite it (`#page=N`). The heading path carries over from page to page: a section
// that runs onto the next page keeps its headings there.
import type { ContentBlock, PageChunk, PagedBlock } from '../services/core.js';
import { type ChunkOptions, chunkBlocks } from './chunker.js';

/** A passage of a paged document: a chunk with the page (1-based) it is on (services/types.ts). */
export type PagedChunk = PageChunk;

/** Whether any block says which page it is on. */
export function isPaged(blocks: readonly PagedBlock[]): boolean {
  return blocks.some((b) => b.page !== undefined);
}

export function chunkPagedBlocks(blocks: readonly PagedBlock[], options: ChunkOptions = {}): PagedChunk[] {
  if (!isPaged(blocks)) return chunkBlocks(blocks, options);
  const out: PagedChunk[] = [];
  // The headings in effect (by level) where the previous page ended.
  let path: Array<{ level: number; text: string }> = [];
  let start = 0;
  while (start < blocks.length) {
    const page = blocks[start]?.page;
    let end = start;
    while (end < blocks.length && blocks[end]?.page === page) end++;
    const own = blocks.slice(start, end);
    // The carried headings open the page (heading blocks make no passage of their own).
    const carried: ContentBlock[] = path.map((h) => ({ type: 'heading', level: h.level, text: h.text }));
    for (const chunk of chunkBlocks([...carried, ...own], options)) {
      out.push(page === undefined ? chunk : { ...chunk, page });
    }
    for (const b of own) {
      if (b.type !== 'heading') continue;
      path = path.filter((h) => h.level < b.level);
      path.push({ level: b.level, text: b.text });
    }
    start = end;
  }
  return out;
}
