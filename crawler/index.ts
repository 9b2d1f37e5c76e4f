// Public entry point of the crawler.
export { CrawlRunner, type PolitenessOptions, retryAfterMs } from './crawl-runner.js';
export {
  type CrawlRequest,
  CrawlService,
  type CrawlServiceDeps,
  crawlStorePath,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_PAGES,
  MAX_SEEDS,
  normalizeCrawlRequest,
} from './crawl-service.js';
export type { CrawlJob, CrawlOptions, CrawlStats, CrawlStatus } from './crawl-store.js';
export { CrawlStore } from './crawl-store.js';
export { decodeHtml } from './decode.js';
export { type ExtractedHtml, extractHtml } from './extract.js';
export { Fetcher, type FetcherOptions, type FetchResult, HTML_TYPES } from './fetcher.js';
export { isPrivateAddress } from './network-guard.js';
export { parseRobots, RobotsCache, type RobotsRules } from './robots.js';
export { compilePattern, makeScope, normalizeUrl, parseHttpUrl, resolveLink } from './urls.js';
