// The crawler's Prometheus metrics, defined once on the process's Metrics registry (get-or-create,
// so several crawl services in one process share them). GET /metrics serves them.
import type { Counter, Gauge, Histogram } from 'prom-client';
import { Metrics } from '../services/index.js';

export class CrawlMetrics {
  readonly pagesFetched: Counter;
  readonly responses: Counter<'status'>;
  readonly bytes: Counter;
  readonly robotsDenied: Counter;
  readonly duplicates: Counter<'kind'>;
  readonly pagesIndexed: Counter;
  readonly documents: Counter<'type' | 'outcome'>;
  readonly pagesDeleted: Counter;
  readonly fetchErrors: Counter<'code'>;
  readonly trapsAvoided: Counter;
  readonly queueDepth: Gauge;
  readonly politenessWait: Counter;
  readonly fetchSeconds: Histogram;
  readonly #queued = new Map<string, number>();

  constructor(metrics: Metrics = new Metrics({ defaultMetrics: false })) {
    this.pagesFetched = metrics.counter(
      'citebox_crawl_pages_fetched_total',
      'HTTP responses the crawler received for pages',
    );
    this.responses = metrics.counter(
      'citebox_crawl_responses_total',
      'Crawler responses by HTTP status code',
      ['status'],
    );
    this.bytes = metrics.counter(
      'citebox_crawl_bytes_total',
      'Body bytes the crawler downloaded (after decompression)',
    );
    this.robotsDenied = metrics.counter(
      'citebox_crawl_robots_denied_total',
      'URLs not fetched because robots.txt disallows them',
    );
    this.duplicates = metrics.counter('citebox_crawl_duplicates_total', 'Pages not indexed as duplicates', [
      'kind',
    ]);
    this.pagesIndexed = metrics.counter(
      'citebox_crawl_pages_indexed_total',
      'Pages the crawler wrote to the index',
    );
    this.documents = metrics.counter(
      'citebox_crawl_documents_total',
      'Documents (PDF, Office, OpenDocument, text) read or refused, by type',
      ['type', 'outcome'],
    );
    this.pagesDeleted = metrics.counter(
      'citebox_crawl_pages_deleted_total',
      'Pages the crawler removed from the index',
    );
    this.fetchErrors = metrics.counter(
      'citebox_crawl_fetch_errors_total',
      'Fetches that failed without a response',
      ['code'],
    );
    this.trapsAvoided = metrics.counter(
      'citebox_crawl_trap_urls_total',
      'URLs refused by the crawler-trap guards',
    );
    this.queueDepth = metrics.gauge(
      'citebox_crawl_queue_depth',
      'URLs waiting in the frontiers of the crawls this process runs',
    );
    this.politenessWait = metrics.counter(
      'citebox_crawl_politeness_wait_seconds_total',
      'Time hosts were held back between requests by politeness delays, backoff and Retry-After',
    );
    this.fetchSeconds = metrics.histogram(
      'citebox_crawl_fetch_seconds',
      'Time to fetch a page, redirects included',
    );
  }

  /** Records a job's queue depth; the gauge shows the sum over running jobs. */
  setQueued(jobId: string, queued: number | undefined): void {
    if (queued === undefined) this.#queued.delete(jobId);
    else this.#queued.set(jobId, queued);
    let sum = 0;
    for (const n of this.#queued.values()) sum += n;
    this.queueDepth.set(sum);
  }
}
