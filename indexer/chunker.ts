// passageChunker: cuts a page's content blocks into passages made for answers. A passage holds
// roughly 80–250 words, never crosses a heading (it keeps the heading path above it, which the
// index weighs and answers cite) and ends at a sentence boundary. When a section runs over several
// passages, each continuation starts with the previous passage's last sentence (if it is short), so
// a fact stated across the cut can still be found and quoted with its context.
//
// Structure is kept: a definition-list entry (an option, a setting, a function) is a passage of its
// own with its term as the innermost heading; a table's rows are passages of their own, each row one
// line that names its columns, under the table's caption; a code block is kept verbatim and fenced
// (```), never cut inside a line; a thematic break ends a passage. Each passage keeps the id of the
// place in the page where it starts (`anchor`), so citations can link there.

import type { ContentBlock, PageChunk, PassageKind } from '../services/core.js';
import { countWords, fenceCode, splitParagraphs, splitSentences, tableRows } from '../services/core.js';

export interface ChunkOptions {
  /** A passage grows up to this many words. */
  readonly maxWords?: number;
  /** A passage shorter than this is merged into its neighbour in the same section when they fit. */
  readonly minWords?: number;
  /** A continuation repeats the previous passage's last sentence when it has at most this many words (0: no overlap). */
  readonly overlapWords?: number;
}

/** A passage as the chunker cuts it from a page's blocks (PageChunk without a document page). */
export type Chunk = Omit<PageChunk, 'page'>;

interface Piece {
  readonly text: string;
  readonly words: number;
  /** Index of the block it came from: pieces of one block are joined by a space, blocks by a blank line. */
  readonly block: number;
  /** Repeated from the previous passage. */
  readonly overlap?: boolean;
  /** A fenced code block (never cut at sentences, never repeated as overlap). */
  readonly code?: boolean;
  /** The anchor in effect where the piece starts. */
  readonly anchor?: string | undefined;
}

export const DEFAULT_MAX_WORDS = 250;
export const DEFAULT_MIN_WORDS = 80;
export const DEFAULT_OVERLAP_WORDS = 40;

/** The text of a prose block (headings, terms, tables and breaks are handled apart). */
function blockText(block: ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text;
    case 'list':
      return block.items.map((item) => `• ${item}`).join('\n');
    case 'code':
      return fenceCode(block.text, block.lang);
    default:
      return '';
  }
}

/** Code longer than a passage, cut between lines into fenced pieces of at most maxWords. */
function codePieces(
  block: Extract<ContentBlock, { type: 'code' }>,
  maxWords: number,
  index: number,
  anchor: string | undefined,
): Piece[] {
  const out: Piece[] = [];
  let lines: string[] = [];
  let words = 0;
  const push = () => {
    if (lines.length === 0) return;
    const text = fenceCode(lines.join('\n'), block.lang);
    out.push({ text, words: Math.max(1, words), block: index, code: true, anchor });
    lines = [];
    words = 0;
  };
  for (const line of block.text.split('\n')) {
    const w = countWords(line);
    if (words > 0 && words + w > maxWords) push();
    lines.push(line);
    words += w;
  }
  push();
  return out;
}

/** Splits one over-long block at sentence boundaries into pieces of at most maxWords. */
function splitLong(text: string, maxWords: number, block: number): Piece[] {
  const out: Piece[] = [];
  let current: string[] = [];
  let words = 0;
  const push = () => {
    if (words > 0) out.push({ text: current.join(' '), words, block });
    current = [];
    words = 0;
  };
  for (const sentence of splitSentences(text)) {
    const w = countWords(sentence);
    if (w > maxWords) {
      // A "sentence" longer than a passage (a run-on list, a table): cut it by words.
      push();
      const tokens = sentence.split(/\s+/);
      for (let i = 0; i < tokens.length; i += maxWords) {
        const slice = tokens.slice(i, i + maxWords).join(' ');
        out.push({ text: slice, words: countWords(slice), block });
      }
      continue;
    }
    if (words > 0 && words + w > maxWords) push();
    current.push(sentence);
    words += w;
  }
  push();
  return out;
}

/** Sentence-sized pieces of a block that fits a passage: one piece, or its sentences when overlap needs them. */
function blockPieces(
  text: string,
  words: number,
  block: number,
  maxWords: number,
  anchor: string | undefined,
): Piece[] {
  if (words > maxWords) {
    // Cut at sentences; pieces stay sentence-sized so a cut can fall between any two.
    return splitLong(text, maxWords, block).flatMap((p) =>
      splitSentences(p.text).map((s) => ({ text: s, words: countWords(s), block, anchor })),
    );
  }
  return [{ text, words, block, anchor }];
}

function joinPieces(pieces: readonly Piece[]): string {
  let out = '';
  pieces.forEach((p, i) => {
    if (i > 0) out += pieces[i - 1]?.block === p.block ? ' ' : '\n\n';
    out += p.text;
  });
  return out.trim();
}

function wordsOf(pieces: readonly Piece[]): number {
  return pieces.reduce((a, p) => a + p.words, 0);
}

/** Most words of a sentence that names the table after it. */
const MAX_LEAD_WORDS = 24;

/** The sentence that introduces a table: the last of the text right before it, ending with a colon. */
export function tableLead(before: ContentBlock | undefined): string | undefined {
  if (before?.type !== 'text') return undefined;
  const sentence = splitSentences(before.text).at(-1)?.trim();
  if (!sentence?.endsWith(':')) return undefined;
  const words = countWords(sentence);
  if (words < 3 || words > MAX_LEAD_WORDS) return undefined;
  return sentence.replace(/\s*:$/, '');
}

export function chunkBlocks(blocks: readonly ContentBlock[], options: ChunkOptions = {}): Chunk[] {
  const maxWords = options.maxWords ?? DEFAULT_MAX_WORDS;
  const minWords = options.minWords ?? DEFAULT_MIN_WORDS;
  const overlapWords = options.overlapWords ?? DEFAULT_OVERLAP_WORDS;
  const chunks: Chunk[] = [];
  const path: Array<{ level: number; text: string; anchor: string | undefined }> = [];
  /** The id of the place the text being read starts at (the section's, or a later anchor's). */
  let anchor: string | undefined;
  let section: Piece[][] = [];
  let current: Piece[] = [];
  let currentWords = 0;

  const closeChunk = (continued: boolean) => {
    if (current.length === 0) return;
    section.push(current);
    const last = current.at(-1);
    current = [];
    currentWords = 0;
    if (!continued || !last || last.code || overlapWords <= 0) return;
    // The continuation opens with the last sentence of what came before, if it is short.
    const sentence = splitSentences(last.text).at(-1);
    if (!sentence) return;
    const words = countWords(sentence);
    if (words > 0 && words <= overlapWords && words < maxWords / 3) {
      current.push({ text: sentence, words, block: last.block, overlap: true, anchor: last.anchor });
      currentWords = words;
    }
  };
  const closeSection = () => {
    closeChunk(false);
    const headings = path.map((h) => h.text);
    // Merge a short chunk into the previous one of the same section when both fit; the merged
    // chunk's repeated opening sentence is dropped, as the previous chunk already ends with it.
    const merged: Piece[][] = [];
    for (const chunk of section) {
      const own = chunk.filter((p) => !p.overlap);
      const words = wordsOf(chunk);
      const prev = merged.at(-1);
      const prevWords = prev ? wordsOf(prev) : 0;
      if (prev && (words < minWords || prevWords < minWords) && prevWords + wordsOf(own) <= maxWords * 1.2) {
        prev.push(...own);
      } else {
        merged.push([...chunk]);
      }
    }
    for (const chunk of merged) {
      // A chunk that is nothing but a repeated sentence adds nothing.
      if (chunk.every((p) => p.overlap)) continue;
      const text = joinPieces(chunk);
      const at = chunk[0]?.anchor;
      if (text)
        chunks.push({
          headings,
          text,
          wordCount: wordsOf(chunk),
          kind: 'text',
          ...(at ? { anchor: at } : {}),
        });
    }
    section = [];
  };
  /** Passages of a unit that stands alone (a term's text, table rows), each under `headings`. */
  const pushUnit = (
    headings: string[],
    pieces: Piece[],
    kind: PassageKind,
    unitAnchor: string | undefined,
  ) => {
    let group: Piece[] = [];
    let words = 0;
    const emit = () => {
      const text = joinPieces(group);
      if (text)
        chunks.push({
          headings,
          text,
          wordCount: words,
          kind,
          ...(unitAnchor ? { anchor: unitAnchor } : {}),
        });
      group = [];
      words = 0;
    };
    for (const piece of pieces) {
      if (words > 0 && words + piece.words > maxWords) emit();
      group.push(piece);
      words += piece.words;
    }
    emit();
  };

  blocks.forEach((block, index) => {
    switch (block.type) {
      case 'heading': {
        closeSection();
        while (path.length > 0 && (path.at(-1)?.level ?? 0) >= block.level) path.pop();
        const text = block.text.replace(/\s+/g, ' ').trim();
        // A heading without an id keeps the section's (its place is inside it).
        anchor = block.anchor ?? path.at(-1)?.anchor;
        if (text) path.push({ level: block.level, text, anchor });
        return;
      }
      case 'break':
        closeSection();
        return;
      case 'term': {
        closeSection();
        const headings = [...path.map((h) => h.text), ...(block.context ?? []), block.term];
        const termAnchor = block.anchor ?? anchor;
        const pieces = termPieces(block.text, maxWords, index, termAnchor);
        pushUnit(headings, pieces, 'term', termAnchor);
        return;
      }
      case 'table': {
        closeSection();
        // A table without a caption is named by the sentence that introduces it ("The following is
        // a complete list of …:"), which its rows do not repeat.
        const name = block.caption ?? tableLead(blocks[index - 1]);
        const headings = [...path.map((h) => h.text), ...(name ? [name] : [])];
        const tableAnchor = block.anchor ?? anchor;
        const pieces = tableRows(block).map((row) => ({
          text: row,
          words: Math.max(1, countWords(row)),
          block: index,
        }));
        // Rows are lines: joinPieces puts a blank line between blocks, so each row is its own "block".
        pushUnit(
          headings,
          pieces.map((p, i) => ({ ...p, block: i })),
          'table',
          tableAnchor,
        );
        return;
      }
      default:
        break;
    }
    if (block.anchor) anchor = block.anchor;
    const pieceAnchor = block.anchor ?? anchor;
    if (block.type === 'code') {
      for (const piece of codePieces(block, maxWords, index, pieceAnchor)) {
        if (currentWords > 0 && currentWords + piece.words > maxWords) closeChunk(true);
        current.push(piece);
        currentWords += piece.words;
      }
      return;
    }
    const text = blockText(block).trim();
    if (!text) return;
    for (const piece of blockPieces(text, countWords(text), index, maxWords, pieceAnchor)) {
      if (currentWords > 0 && currentWords + piece.words > maxWords) closeChunk(true);
      current.push(piece);
      currentWords += piece.words;
    }
  });
  closeSection();
  return chunks;
}

/**
 * A term's text as pieces: its paragraphs (blank-line separated, as content-blocks.ts renders
 * them), code fences whole, long paragraphs cut at sentences.
 */
function termPieces(text: string, maxWords: number, index: number, anchor: string | undefined): Piece[] {
  const out: Piece[] = [];
  let block = index * 1000;
  for (const part of splitParagraphs(text)) {
    block++;
    const words = countWords(part);
    if (part.startsWith('```')) {
      out.push({ text: part, words: Math.max(1, words), block, code: true, anchor });
      continue;
    }
    out.push(...blockPieces(part, words, block, maxWords, anchor));
  }
  return out;
}
