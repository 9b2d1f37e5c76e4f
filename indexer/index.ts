// Public entry point of the indexer.
export {
  type Chunk,
  type ChunkOptions,
  chunkBlocks,
  DEFAULT_MAX_WORDS,
  DEFAULT_MIN_WORDS,
} from './chunker.js';
export { type DocFile, findDocFiles, indexDocs } from './docs.js';
export { Indexer, type IndexerDeps, pageIdForUrl, pageToRecords } from './indexer.js';
export { markdownToBlocks, stripInlineMarkdown } from './markdown.js';
export { cutPassages, isDefaultChunking, passagesLanguage } from './passages.js';
