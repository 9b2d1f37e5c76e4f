// Shared by the crawler integration tests: a crawl service over a real SQLite index whose page
// sink records every call, so tests can assert what was indexed and deleted, and how often.
import { CrawlService, type CrawlServiceDeps, CrawlStore, crawlStorePath } from '../../crawler/index.js';
import { Indexer } from '../../indexer/index.js';
import {
  createLogger,
  createSearchBackend,
  type ExtractedPage,
  type PageSink,
  type SearchBackend,
} from '../../services/index.js';
import { type TestEnv, testConfig } from '../helpers/config.js';

export class RecordingSink implements PageSink {
  readonly indexed: ExtractedPage[] = [];
  readonly deleted: string[] = [];
  readonly #inner: PageSink;

  constructor(inner: PageSink) {
    this.#inner = inner;
  }

  async indexPage(page: ExtractedPage): Promise<{ readonly passages: number }> {
    this.indexed.push(page);
    return this.#inner.indexPage(page);
  }

  async indexPages(
    pages: readonly ExtractedPage[],
  ): Promise<ReadonlyArray<{ readonly passages: number; readonly error?: string | undefined }>> {
    this.indexed.push(...pages);
    if (!this.#inner.indexPages) throw new Error('the inner sink writes no batches');
    return this.#inner.indexPages(pages);
  }

  async deletePage(url: string): Promise<boolean> {
    this.deleted.push(url);
    return this.#inner.deletePage(url);
  }

  async flush(): Promise<void> {
    await this.#inner.flush();
  }

  /** Pages indexed under this URL, in this sink's lifetime. */
  timesIndexed(url: string): number {
    return this.indexed.filter((p) => p.url === url).length;
  }

  reset(): void {
    this.indexed.length = 0;
    this.deleted.length = 0;
  }
}

export interface CrawlHarness {
  readonly env: TestEnv;
  readonly backend: SearchBackend;
  readonly sink: RecordingSink;
  readonly crawls: CrawlService;
  /** A second connection to crawl.sqlite, for looking at frontiers. */
  readonly store: CrawlStore;
  close(): Promise<void>;
}

export async function openHarness(
  envVars: Record<string, string> = {},
  deps: Partial<Omit<CrawlServiceDeps, 'config' | 'logger' | 'sink'>> = {},
  existing?: TestEnv,
): Promise<CrawlHarness> {
  const env = existing ?? testConfig({ CITEBOX_RECRAWL_INTERVAL_HOURS: '0', ...envVars });
  const logger = createLogger(env.config);
  const backend = createSearchBackend(env.config, logger);
  await backend.open();
  const sink = new RecordingSink(new Indexer({ backend, logger }));
  const crawls = new CrawlService({
    config: env.config,
    logger,
    sink,
    ...deps,
    politeness: { retryBaseMs: 50, pauseMs: 200, ...deps.politeness },
  });
  const store = new CrawlStore(crawlStorePath(env.dataDir));
  return {
    env,
    backend,
    sink,
    crawls,
    store,
    async close() {
      await crawls.close();
      store.close();
      await backend.close();
    },
  };
}
