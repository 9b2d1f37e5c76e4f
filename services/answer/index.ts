export {
  type AnswerOptions,
  AnswerService,
  type AnswerServiceDeps,
  DEFAULT_TOP_K,
  EMPTY_INDEX_TEXT,
  MAX_QUERY_CHARS,
  MAX_TOP_K,
  NO_ANSWER_TEXT,
  normalizeQuery,
  renumberCitations,
} from './answer-service.js';
export { type ExtractiveAnswer, extractiveAnswer } from './extractive.js';
