export {
  type AnalyzerOptions,
  analyze,
  analyzeTerms,
  asciiTokenOffsets,
  DEFAULT_ANALYZER,
  type IndexText,
  isAscii,
  prepareForIndex,
  type TokenSink,
} from './analyzer.js';
export { CJK_SEGMENTATIONS, type CjkSegmentation, segmentCjkRun } from './cjk.js';
export { stableId } from './hash.js';
export {
  asksForVersion,
  holdsIdentifier,
  namesShapedIdentifier,
  questionIdentifiers,
} from './identifiers.js';
export { detectLanguage, primaryLanguage } from './language.js';
export { TextMemo } from './memo.js';
export { splitSentences } from './sentences.js';
export { collapseSpaces, makeSnippet, snippetText } from './snippet.js';
export { englishStem } from './stem.js';
export { stopWordsFor } from './stopwords.js';
export { fenceCode, parseFence, renderBlocks, splitParagraphs, stripFences, tableRows } from './structure.js';
export { rowCode, type TextTable, textTable } from './text-table.js';
export {
  CHINESE_STOP_WORDS,
  CJK_CHAR,
  countWords,
  ENGLISH_STOP_WORDS,
  forEachWord,
  isStopWord,
  lightStem,
  normalizeForMatch,
  queryTerms,
  trimWordEdges,
  type WordSink,
  wordTokens,
} from './tokens.js';
