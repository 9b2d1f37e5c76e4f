// The part of the indexer that needs no search backend: cutting a page into passages. The
// crawler's page threads import this instead of index.ts (which brings the shared core's client
// libraries, memory a page thread never uses). Everything here is also exported by index.ts.
export { cutPassages, isDefaultChunking, passagesLanguage } from './passages.js';
