// Writes crawled pages to the index in small batches: one backend write (one SQLite transaction,
// one bulk request) for the pages that finish within a few milliseconds of each other, which is
// much cheaper than a write per page. Each page's promise settles when its batch is written, so
// the crawler records a page as indexed only after it really is (kill -9 safety).
import { CiteboxError, type ExtractedPage, type PageSink } from '../services/index.js';

interface Waiting {
  readonly page: ExtractedPage;
  resolve(): void;
  reject(err: Error): void;
}

export class PageBatcher {
  readonly #sink: PageSink;
  readonly #maxPages: number;
  readonly #maxWaitMs: number;
  #batch: Waiting[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(sink: PageSink, options: { maxPages?: number; maxWaitMs?: number } = {}) {
    this.#sink = sink;
    this.#maxPages = options.maxPages ?? 32;
    this.#maxWaitMs = options.maxWaitMs ?? 15;
  }

  /** Resolves once the page is in the index. */
  index(page: ExtractedPage): Promise<void> {
    if (!this.#sink.indexPages) return this.#sink.indexPage(page).then(() => undefined);
    return new Promise<void>((resolve, reject) => {
      this.#batch.push({ page, resolve, reject });
      if (this.#batch.length >= this.#maxPages) this.write();
      else this.#timer ??= setTimeout(() => this.write(), this.#maxWaitMs);
    });
  }

  private write(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length === 0 || !this.#sink.indexPages) return;
    this.#sink.indexPages(batch.map((w) => w.page)).then(
      (results) =>
        batch.forEach((w, i) => {
          const error = results[i]?.error;
          if (error === undefined) w.resolve();
          else w.reject(new CiteboxError('INDEX_WRITE_FAILED', `Indexing ${w.page.url} failed: ${error}`));
        }),
      (err: unknown) => {
        for (const w of batch) w.reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  }
}
