// Everything the crawler computes from a fetched page's bytes, in one pure function: decoding,
// extraction, the main text, its hash and its SimHash, and (when asked) its passages as the indexer
// cuts them. It is the CPU-heavy part of a crawl, so the pool in extract-pool.ts runs it on worker
// threads; it runs inline the same way.
import { cutPassages } from '../indexer/core.js';
import { type PrecutPassages, renderBlocks, stableId } from '../services/core.js';
import { decodeHtml } from './decode.js';
import { type ExtractedHtml, extractHtml } from './extract.js';
import { fingerprintToHex, simhash } from './simhash.js';

export interface PageAnalysis {
  readonly page: ExtractedHtml;
  /**
   * Characters of the main text (the blocks joined by newlines; 0: the page has none). Only its
   * length crosses back from a worker thread: the text is the blocks again, and copying it to the
   * main thread (two bytes a character once a page has a curly quote) was half of each answer.
   */
  readonly textLength: number;
  /** Hash of the main text (empty text: empty hash). */
  readonly contentHash: string;
  /** 64-bit SimHash of the main text as 16 hex digits, when it has enough words. */
  readonly simhash: string | null;
  readonly charset: string;
  /**
   * The main content cut into passages with the indexer's default options (when asked for, and the
   * page is indexable and not noindex by its markup). From a worker thread, the page's blocks then
   * come back empty: nothing on the main thread reads them besides the indexer, which takes these
   * (analysisToPost).
   */
  readonly passages?: PrecutPassages | undefined;
}

export interface AnalysisRequest {
  readonly body: Uint8Array;
  readonly contentType: string | undefined;
  /** The page's URL (after redirects), for resolving links. */
  readonly url: string;
  /** Cut the page into passages here (the sink takes them: PageSink.takesPassages). */
  readonly passages?: boolean | undefined;
}

/** The main text: the blocks as text (terms, rows, code included). */
export function blocksText(blocks: ExtractedHtml['blocks']): string {
  return renderBlocks(blocks);
}

export function analyzePage(request: AnalysisRequest): PageAnalysis {
  const { text: html, charset } = decodeHtml(request.body, request.contentType);
  const page = extractHtml(html, request.url);
  const text = blocksText(page.blocks);
  const fp = text ? simhash(text) : undefined;
  // Pages the crawler does not index by their markup are not cut (headers may still say noindex,
  // and duplicates are only known on the main thread: those are cut for nothing).
  const passages =
    request.passages && page.indexable && !page.noindex ? cutPassages(page.blocks, page.lang) : undefined;
  return {
    page,
    textLength: text.length,
    contentHash: text ? stableId(text, 32) : '',
    simhash: fp ? fingerprintToHex(fp) : null,
    charset,
    ...(passages ? { passages } : {}),
  };
}

/**
 * The analysis as a worker thread sends it back: without the page's blocks (a structured clone of
 * all its text) when nothing on the main thread will read them: the page was cut into passages, or
 * it will not be indexed (not indexable, noindex: the crawler skips it before its blocks).
 */
export function analysisToPost(analysis: PageAnalysis): PageAnalysis {
  const { page } = analysis;
  const unused = analysis.passages !== undefined || !page.indexable || page.noindex;
  return unused && page.blocks.length > 0 ? { ...analysis, page: { ...page, blocks: [] } } : analysis;
}
