export { analyzeForIndex, buildFtsMatch } from './analysis.js';
export type { BulkReport, PageWithPassages, SearchBackend, SearchResultCodec } from './backend.js';
export { EngineBackend, type ReindexReport } from './elastic/engine-backend.js';
export type {
  DocRef,
  DocVersion,
  DocWrite,
  DocWriteResult,
  EngineClient,
  ScannedDoc,
  SearchOptions,
  VersionedDoc,
  WriteDocsOptions,
} from './elastic/engine-client.js';
export {
  createEngineBackend,
  createEngineClient,
  createSearchBackend,
  sqliteIndexPath,
} from './factory.js';
export {
  EmbeddingSearchBackend,
  type EmbeddingSearchBackendOptions,
  fuseLexicalAndDense,
  passageEmbeddingText,
  RRF_K,
  reciprocalRankFusion,
  withDenseRetrieval,
} from './hybrid.js';
export {
  CachedSearchBackend,
  normalizeQueryText,
  type SearchResultCacheOptions,
  type SearchResultCacheStats,
  searchCacheKey,
  withSearchResultCache,
} from './result-cache.js';
export {
  removeSharedResultStores,
  SharedResultStore,
  sharedResultStorePath,
} from './shared-result-store.js';
export { DEFAULT_RETRIEVAL, type RetrievalParams } from './sqlite/planner.js';
export { DEFAULT_RANKING, type RankingParams } from './sqlite/ranking.js';
export {
  FIELD_WEIGHTS,
  type MergeStats,
  SqliteBackend,
  type SqliteBackendOptions,
} from './sqlite/sqlite-backend.js';
