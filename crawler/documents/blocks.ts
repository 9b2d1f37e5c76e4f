// Collects a document's content blocks in reading order: paragraphs become text blocks, runs of
// list items one list block, table rows one list block ("cell — cell", as HTML tables are read),
// each with the page (PDF page, slide) it is on. Shared by every document reader.
import type { PagedBlock } from '../../services/core.js';
import { cleanText } from './xml.js';

/** Characters of text kept at most from one document (about a million words). */
export const MAX_DOCUMENT_CHARS = 6_000_000;

export class BlockCollector {
  readonly blocks: PagedBlock[] = [];
  #chars = 0;
  #list: string[] = [];
  #listPage: number | undefined;
  page: number | undefined;

  heading(level: number, raw: string): void {
    const text = cleanText(raw);
    if (!text) return;
    this.flushList();
    this.push({ type: 'heading', level: Math.min(6, Math.max(1, level)), text });
  }

  text(raw: string): void {
    const text = cleanText(raw);
    if (!text) return;
    this.flushList();
    this.push({ type: 'text', text });
  }

  listItem(raw: string): void {
    const text = cleanText(raw);
    if (!text || this.full) return;
    if (this.#list.length > 0 && this.#listPage !== this.page) this.flushList();
    this.#listPage = this.page;
    this.#list.push(text);
  }

  code(raw: string): void {
    const text = raw.replace(/\s+$/, '');
    if (!text.trim()) return;
    this.flushList();
    this.push({ type: 'code', text });
  }

  table(rows: ReadonlyArray<readonly string[]>): void {
    const items = rows
      .map((cells) =>
        cells
          .map((c) => cleanText(c))
          .filter(Boolean)
          .join(' — '),
      )
      .filter((r) => r.length > 0);
    if (items.length === 0) return;
    this.flushList();
    this.push({ type: 'list', items });
  }

  /** Whether the document's text reached the cap: readers stop, what was read is kept. */
  get full(): boolean {
    return this.#chars >= MAX_DOCUMENT_CHARS;
  }

  flushList(): void {
    if (this.#list.length === 0) return;
    for (const item of this.#list) this.#chars += item.length;
    const page = this.#listPage;
    this.blocks.push(
      page === undefined ? { type: 'list', items: this.#list } : { type: 'list', items: this.#list, page },
    );
    this.#list = [];
  }

  private push(block: PagedBlock): void {
    if (this.full) return;
    this.#chars += 'text' in block ? block.text.length : 0;
    this.blocks.push(this.page === undefined ? block : { ...block, page: this.page });
  }

  finish(): PagedBlock[] {
    this.flushList();
    return this.blocks;
  }
}

/** What a document reader found: its blocks and metadata. */
export interface DocumentContent {
  readonly blocks: PagedBlock[];
  readonly title?: string | undefined;
  readonly author?: string | undefined;
  readonly publishedAt?: string | undefined;
  readonly lang?: string | undefined;
  /** Pages (PDF) or slides; undefined for flowing documents. */
  readonly pages?: number | undefined;
}
