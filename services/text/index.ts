export { stableId } from './hash.js';
export { detectLanguage, primaryLanguage } from './language.js';
export { splitSentences } from './sentences.js';
export { makeSnippet } from './snippet.js';
export {
  CJK_CHAR,
  countWords,
  ENGLISH_STOP_WORDS,
  isStopWord,
  lightStem,
  normalizeForMatch,
  queryTerms,
  wordTokens,
} from './tokens.js';
