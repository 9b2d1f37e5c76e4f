// passageChunker: cuts a page's content blocks into passages of roughly 80–250 words that never
// cross a heading, each keeping the heading path above it and its position in the page.

import type { ContentBlock } from '../services/index.js';
import { countWords, splitSentences } from '../services/index.js';

export interface ChunkOptions {
  /** A passage grows up to this many words. */
  readonly maxWords?: number;
  /** A passage shorter than this is merged into its neighbour in the same section when they fit. */
  readonly minWords?: number;
}

export interface Chunk {
  readonly headings: readonly string[];
  readonly text: string;
  readonly wordCount: number;
}

interface Piece {
  readonly text: string;
  readonly words: number;
}

export const DEFAULT_MAX_WORDS = 250;
export const DEFAULT_MIN_WORDS = 80;

function blockText(block: ContentBlock): string {
  switch (block.type) {
    case 'heading':
    case 'text':
    case 'code':
      return block.text;
    case 'list':
      return block.items.map((item) => `• ${item}`).join('\n');
  }
}

/** Splits one over-long paragraph at sentence boundaries into pieces of at most maxWords. */
function splitLong(text: string, maxWords: number): Piece[] {
  const out: Piece[] = [];
  let current: string[] = [];
  let words = 0;
  for (const sentence of splitSentences(text)) {
    const w = countWords(sentence);
    if (words > 0 && words + w > maxWords) {
      out.push({ text: current.join(' '), words });
      current = [];
      words = 0;
    }
    if (w > maxWords) {
      // A "sentence" longer than a passage (a run-on list, a table): cut it by words.
      const tokens = sentence.split(/\s+/);
      for (let i = 0; i < tokens.length; i += maxWords) {
        const slice = tokens.slice(i, i + maxWords).join(' ');
        out.push({ text: slice, words: countWords(slice) });
      }
      continue;
    }
    current.push(sentence);
    words += w;
  }
  if (words > 0) out.push({ text: current.join(' '), words });
  return out;
}

export function chunkBlocks(blocks: readonly ContentBlock[], options: ChunkOptions = {}): Chunk[] {
  const maxWords = options.maxWords ?? DEFAULT_MAX_WORDS;
  const minWords = options.minWords ?? DEFAULT_MIN_WORDS;
  const chunks: Chunk[] = [];
  const path: Array<{ level: number; text: string }> = [];
  let section: Piece[][] = [];
  let current: Piece[] = [];
  let currentWords = 0;

  const closeChunk = () => {
    if (current.length > 0) section.push(current);
    current = [];
    currentWords = 0;
  };
  const closeSection = () => {
    closeChunk();
    const headings = path.map((h) => h.text);
    // Merge a short trailing chunk into the previous one of the same section when both fit.
    const merged: Piece[][] = [];
    for (const chunk of section) {
      const words = chunk.reduce((a, p) => a + p.words, 0);
      const prev = merged.at(-1);
      const prevWords = prev?.reduce((a, p) => a + p.words, 0) ?? 0;
      if (prev && (words < minWords || prevWords < minWords) && prevWords + words <= maxWords * 1.2) {
        prev.push(...chunk);
      } else {
        merged.push([...chunk]);
      }
    }
    for (const chunk of merged) {
      const text = chunk
        .map((p) => p.text)
        .join('\n\n')
        .trim();
      if (text) chunks.push({ headings, text, wordCount: chunk.reduce((a, p) => a + p.words, 0) });
    }
    section = [];
  };

  for (const block of blocks) {
    if (block.type === 'heading') {
      closeSection();
      while (path.length > 0 && (path.at(-1)?.level ?? 0) >= block.level) path.pop();
      const text = block.text.replace(/\s+/g, ' ').trim();
      if (text) path.push({ level: block.level, text });
      continue;
    }
    const text = blockText(block).trim();
    if (!text) continue;
    const words = countWords(text);
    const pieces = words > maxWords ? splitLong(text, maxWords) : [{ text, words }];
    for (const piece of pieces) {
      if (currentWords > 0 && currentWords + piece.words > maxWords) closeChunk();
      current.push(piece);
      currentWords += piece.words;
    }
  }
  closeSection();
  return chunks;
}
