// The crawl state in Elasticsearch/OpenSearch indices, shared by a fleet of processes.
export { type CrawlIndexNames, crawlIndexNames } from './documents.js';
export { EngineStateStore, type EngineStateStoreOptions } from './engine-state-store.js';
export { EngineFleet, MAX_CLAIM_PER_HOST } from './fleet.js';
export { EngineHostLeases } from './host-leases.js';
