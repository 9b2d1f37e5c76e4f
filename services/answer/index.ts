export { AnswerAssembler, type CitationUse } from './answer-assembler.js';
export { AnswerCache, answerCacheKey } from './answer-cache.js';
export {
  type AnswerOptions,
  AnswerService,
  type AnswerServiceDeps,
  type AnswerSettings,
  DEFAULT_TOP_K,
  EMPTY_INDEX_TEXT,
  MAX_QUERY_CHARS,
  MAX_TOP_K,
  NO_ANSWER_TEXT,
  NO_SOURCES_TEXT,
  normalizeQuery,
  renumberCitations,
  renumberResponse,
} from './answer-service.js';
export { CitationParser, type CitationToken, parseCitations } from './citation-parser.js';
export { PassageEvidence, supportOf, verifyClaim } from './citation-verifier.js';
export {
  documentPlace,
  documentTypeOfUrl,
  pageAnchor,
  pageOfAnchor,
  passageLink,
  sectionOf,
} from './deep-link.js';
export { type ExtractiveAnswer, extractiveAnswer } from './extractive.js';
export { answerUserPrompt, type PromptPassage } from './prompt.js';
export { renumberAnswer } from './renumber.js';
