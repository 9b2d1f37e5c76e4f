// The indexer: pages in, passages out to the search backend. Re-indexing a URL replaces its
// passages (idempotent by URL). Implements the PageSink the crawler writes to.
import {
  CiteboxError,
  type ExtractedPage,
  type Logger,
  type PageRecord,
  type PageSink,
  type PassageRecord,
  pageAnchor,
  primaryLanguage,
  type SearchBackend,
  stableId,
} from '../services/index.js';
import type { ChunkOptions } from './chunker.js';
import { chunkPagedBlocks } from './paged.js';
import { isDefaultChunking, passagesLanguage } from './passages.js';

export interface IndexerDeps {
  readonly backend: SearchBackend;
  readonly logger: Logger;
  readonly chunking?: ChunkOptions;
}

/** The id of a page in every backend: a hash of its URL. */
export function pageIdForUrl(url: string): string {
  return stableId(url);
}

/**
 * Pure: the records a page becomes in the index. The page's precut passages stand for its blocks
 * when the options are the defaults they were cut with; the records are the same either way.
 */
export function pageToRecords(
  page: ExtractedPage,
  chunking: ChunkOptions = {},
): { page: PageRecord; passages: PassageRecord[] } {
  const url = new URL(page.url);
  const id = pageIdForUrl(url.href);
  const precut = page.passages && isDefaultChunking(chunking) ? page.passages : undefined;
  if (page.passages && !precut && page.blocks.length === 0) {
    throw new CiteboxError(
      'INDEX_WRITE_FAILED',
      `${page.url} came cut into passages without its blocks, and this indexer cuts with other options`,
    );
  }
  // Paged documents are cut page by page, so a passage lies on one page.
  const chunks = precut?.chunks ?? chunkPagedBlocks(page.blocks, chunking);
  const lang =
    primaryLanguage(page.lang) ??
    (precut?.detectedLang !== undefined ? (precut.detectedLang ?? undefined) : passagesLanguage(chunks));
  const title = page.title.trim() || url.hostname + url.pathname;
  const record: PageRecord = {
    id,
    url: url.href,
    host: url.hostname,
    title,
    description: page.description,
    lang,
    publishedAt: page.publishedAt,
    fetchedAt: page.fetchedAt,
    contentHash: page.contentHash,
  };
  const passages = chunks.map(
    (chunk, position): PassageRecord => ({
      id: `${id}-${position}`,
      pageId: id,
      url: url.href,
      host: url.hostname,
      title,
      headings: chunk.headings,
      text: chunk.text,
      position,
      lang,
      publishedAt: page.publishedAt,
      wordCount: chunk.wordCount,
      ...(chunk.kind !== 'text' ? { kind: chunk.kind } : {}),
      ...(chunk.anchor
        ? { anchor: chunk.anchor }
        : chunk.page !== undefined
          ? { anchor: pageAnchor(chunk.page) }
          : {}),
    }),
  );
  return { page: record, passages };
}

export class Indexer implements PageSink {
  readonly #backend: SearchBackend;
  readonly #logger: Logger;
  readonly #chunking: ChunkOptions;
  /** Pages cut ahead with the default options are indexed as cut (PageSink). */
  readonly takesPassages: boolean;

  constructor(deps: IndexerDeps) {
    this.#backend = deps.backend;
    this.#logger = deps.logger.child({ component: 'indexer' });
    this.#chunking = deps.chunking ?? {};
    this.takesPassages = isDefaultChunking(this.#chunking);
  }

  async indexPage(page: ExtractedPage): Promise<{ passages: number }> {
    const records = pageToRecords(page, this.#chunking);
    const report = await this.#backend.replacePages([records]);
    const failure = report.failed[0];
    if (failure) {
      throw new CiteboxError('INDEX_WRITE_FAILED', `Indexing ${failure.url} failed: ${failure.reason}`);
    }
    this.#logger.debug({ url: records.page.url, passages: records.passages.length }, 'indexed page');
    return { passages: records.passages.length };
  }

  /** Several pages in one backend write (one transaction on SQLite, one bulk request on engines). */
  async indexPages(
    pages: readonly ExtractedPage[],
  ): Promise<Array<{ passages: number; error?: string | undefined }>> {
    const records = pages.map((page) => pageToRecords(page, this.#chunking));
    const report = await this.#backend.replacePages(records);
    const failed = new Map(report.failed.map((f) => [f.url, f.reason]));
    return records.map((r) => {
      const error = failed.get(r.page.url);
      return error === undefined ? { passages: r.passages.length } : { passages: 0, error };
    });
  }

  async deletePage(url: string): Promise<boolean> {
    return this.#backend.deletePage(new URL(url).href);
  }

  async flush(): Promise<void> {
    await this.#backend.refresh();
  }
}
