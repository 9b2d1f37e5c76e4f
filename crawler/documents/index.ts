// Documents besides HTML (PDF, Word, PowerPoint, OpenDocument, text, Markdown): what they are, how
// they are read, and the pool of threads that reads them.
export {
  analyzeDocument,
  type DocumentAnalysis,
  type DocumentRequest,
  documentText,
  titleFromUrl,
} from './analyze.js';
export { DocumentPool, type DocumentPoolOptions } from './document-pool.js';
export {
  DOCUMENT_MAX_BYTES,
  DOCUMENT_MEDIA_TYPES,
  type DocumentType,
  documentTypeOf,
  looksLikeDocument,
  mediaTypeOf,
  typeFromExtension,
} from './kinds.js';
