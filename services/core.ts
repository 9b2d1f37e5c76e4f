// The part of the shared core that needs no vendor SDK: coded errors, text tools and the domain
// types. The crawler's worker threads (page and document readers) import this instead of index.ts:
// index.ts brings the search engines' and the LLM's client libraries too, about 50 MB of memory per
// thread that a reader never uses (measured: 64 MB of RSS for index.ts, 12 MB for this). Everything
// here is also exported by index.ts, which stays the entry point for everything else.
export * from './errors.js';
export * from './text/index.js';
export type * from './types.js';
