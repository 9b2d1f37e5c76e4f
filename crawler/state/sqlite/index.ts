// The embedded crawl state (crawl.sqlite).
import { join } from 'node:path';

export { CrawlStore } from './crawl-store.js';
export { SqliteStateStore } from './sqlite-state-store.js';

/** The crawl state database inside the data directory. */
export function crawlStorePath(dataDir: string): string {
  return join(dataDir, 'crawl.sqlite');
}
