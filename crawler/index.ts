// Public entry point of the crawler.
export { CrawlMetrics } from './crawl-metrics.js';
export { CrawlRunner, canonicalFromLinkHeader, parseXRobotsTag } from './crawl-runner.js';
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
export { decodeHtml } from './decode.js';
export { type ExtractedHtml, extractHtml } from './extract.js';
export { Fetcher, type FetcherOptions, type FetchResult, HTML_TYPES } from './fetcher.js';
export { isPrivateAddress, type Resolver } from './network-guard.js';
export {
  DEFAULT_POLITENESS,
  type PolitenessOptions,
  PolitenessScheduler,
  retryAfterMs,
} from './politeness.js';
export { tuneCrawlProcess } from './process-tuning.js';
export { parseRobots, RobotsCache, type RobotsRules } from './robots.js';
export { readSitemap } from './sitemaps.js';
export type { CrawlJob, CrawlOptions, CrawlStats, CrawlStatus, JobOrigin } from './state/index.js';
export { CrawlStore } from './state/index.js';
export { TrapGuard, type TrapLimits, urlTrapReason } from './traps.js';
export {
  compilePattern,
  makeScope,
  normalizeUrl,
  parseHttpUrl,
  resolveLink,
  type ScopeMode,
} from './urls.js';
