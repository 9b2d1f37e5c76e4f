import { describeCrawlStateContract } from '../state-contract.testkit.js';
import { SqliteStateStore } from './sqlite-state-store.js';

describeCrawlStateContract('crawl.sqlite', {
  open: async () => new SqliteStateStore(':memory:'),
  settle: async () => {},
});
