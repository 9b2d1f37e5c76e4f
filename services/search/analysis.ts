// Analysis shared by the embedded backend's index and query sides: text is cut into normalized
// word tokens (Intl.Segmenter, so Chinese and Japanese are segmented too) and joined by spaces,
// which FTS5's unicode61 tokenizer then splits again identically.
import { queryTerms, wordTokens } from '../text/index.js';

/** The token stream of a field as the full-text index stores it. */
export function analyzeForIndex(text: string): string {
  return wordTokens(text).join(' ');
}

/** Quotes a term for an FTS5 MATCH expression. */
export function ftsQuote(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/**
 * An FTS5 MATCH expression for a free-text query: any of the query's content terms (BM25 ranks
 * passages with more and rarer terms first). Returns undefined when the query has no terms.
 */
export function buildFtsMatch(text: string): string | undefined {
  const terms = [...new Set(queryTerms(text))].slice(0, 32);
  if (terms.length === 0) return undefined;
  return terms.map(ftsQuote).join(' OR ');
}
