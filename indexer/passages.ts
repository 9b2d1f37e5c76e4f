// A page's blocks cut into passages with the default options, and the language of their text: the
// part of indexing that the crawler can do ahead, on its page thread, beside the extraction (the
// main thread then only writes the records). pageToRecords takes these passages when a page has
// them and cuts the blocks itself otherwise: the records are the same either way.
import { detectLanguage, type PagedBlock, type PrecutPassages, primaryLanguage } from '../services/core.js';
import type { ChunkOptions } from './chunker.js';
import { chunkPagedBlocks, type PagedChunk } from './paged.js';

/** Characters of a page's passages that language detection reads. */
const LANG_SAMPLE_CHARS = 4000;

/** Whether options cut as the defaults do (precut passages stand for a cut with them). */
export function isDefaultChunking(options: ChunkOptions): boolean {
  return (
    options.maxWords === undefined && options.minWords === undefined && options.overlapWords === undefined
  );
}

/** The language of a page's passages: their texts joined by spaces, the first 4,000 characters. */
export function passagesLanguage(chunks: readonly { readonly text: string }[]): string | undefined {
  // As chunks.map((c) => c.text).join(' ').slice(0, 4000), without joining a long page whole.
  let sample = '';
  for (let i = 0; i < chunks.length && sample.length < LANG_SAMPLE_CHARS; i++) {
    sample = i === 0 ? (chunks[i]?.text ?? '') : `${sample} ${chunks[i]?.text ?? ''}`;
  }
  return detectLanguage(sample.slice(0, LANG_SAMPLE_CHARS));
}

/**
 * Pure: the passages a page's blocks become with the default options, and their language when the
 * page's own (`lang`, from its markup) names none.
 */
export function cutPassages(blocks: readonly PagedBlock[], lang: string | undefined): PrecutPassages {
  const chunks: PagedChunk[] = chunkPagedBlocks(blocks);
  return primaryLanguage(lang) === undefined
    ? { chunks, detectedLang: passagesLanguage(chunks) ?? null }
    : { chunks };
}
