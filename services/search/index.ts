export { analyzeForIndex, buildFtsMatch } from './analysis.js';
export type { BulkReport, PageWithPassages, SearchBackend } from './backend.js';
export { EngineBackend, type ReindexReport } from './elastic/engine-backend.js';
export { createEngineBackend, createSearchBackend, sqliteIndexPath } from './factory.js';
export { FIELD_WEIGHTS, SqliteBackend } from './sqlite/sqlite-backend.js';
