// Analysis shared by the embedded backend's index, its queries and its re-ranking. Fields are
// prepared by services/text (Chinese and Japanese segmented, word-delimiter parts added) and
// stemmed by FTS5's Porter tokenizer, which gives the same stems as the analyzer used for queries
// and re-ranking. Stop words stay in the index (a query of stop words, or a phrase with them, is
// still found) and are dropped from queries by the query's language; the re-ranker can weigh an
// occurrence in the query's own surface form above a stemmed one.
import {
  type AnalyzerOptions,
  analyze,
  DEFAULT_ANALYZER,
  detectLanguage,
  type IndexText,
  prepareForIndex,
  queryTerms,
  stopWordsFor,
} from '../text/index.js';

/** Prepares one field for the index: its text for FTS5 and its number of tokens. */
export function analyzeField(text: string, options: AnalyzerOptions = DEFAULT_ANALYZER): IndexText {
  return prepareForIndex(text, options);
}

/** The text of a field as the full-text index receives it. */
export function analyzeForIndex(text: string, options: AnalyzerOptions = DEFAULT_ANALYZER): string {
  return prepareForIndex(text, options).text;
}

/** One distinct content term of a query. */
export interface QueryTerm {
  /** The term as indexed (a stem, a CJK word or bigram). */
  readonly term: string;
  /** Surface forms the query used for it (an exact match of one of them may count more). */
  readonly surfaces: readonly string[];
  /** Position of its first occurrence among the query's tokens. */
  readonly position: number;
  /** Weight in scoring (1 for the query's own terms; less for terms added by feedback). */
  readonly weight?: number | undefined;
}

export interface AnalyzedQuery {
  /** Distinct content terms, in query order (stop words dropped unless nothing else is left). */
  readonly terms: readonly QueryTerm[];
  /** Every token's term in order, stop words included (for phrase and proximity scoring). */
  readonly sequence: readonly string[];
  /** The query's language, as detected. */
  readonly lang: string | undefined;
}

/** Chinese question words and particles cut out of a query before segmentation. */
const CHINESE_QUERY_NOISE =
  /是什么|什么样|什么|为什么|怎么样|怎么|怎样|如何|哪些|哪个|哪里|哪儿|多少|何时|谁|吗|呢|吧|啊|的|了/gu;

/** Most terms a query contributes; longer queries keep their first ones. */
export const MAX_QUERY_TERMS = 32;

export function analyzeQuery(text: string, options: AnalyzerOptions = DEFAULT_ANALYZER): AnalyzedQuery {
  const lang = detectLanguage(text);
  // Question words would otherwise become bigrams glued to their neighbours ("的防").
  const cleaned = lang === 'zh' ? text.replace(CHINESE_QUERY_NOISE, ' ') : text;
  const stops = stopWordsFor(lang);
  const tokens: Array<{ term: string; surface: string; stop: boolean }> = [];
  analyze(cleaned, options, (term, surface) => {
    tokens.push({ term, surface, stop: stops.has(surface) });
  });
  const content = tokens.some((t) => !t.stop) ? tokens.filter((t) => !t.stop) : tokens;
  const byTerm = new Map<string, { term: string; surfaces: Set<string>; position: number }>();
  for (const t of content) {
    let entry = byTerm.get(t.term);
    if (!entry) {
      if (byTerm.size >= MAX_QUERY_TERMS) continue;
      entry = { term: t.term, surfaces: new Set(), position: tokens.indexOf(t) };
      byTerm.set(t.term, entry);
    }
    entry.surfaces.add(t.surface);
  }
  return {
    terms: [...byTerm.values()].map((e) => ({
      term: e.term,
      surfaces: [...e.surfaces],
      position: e.position,
    })),
    sequence: tokens.map((t) => t.term),
    lang,
  };
}

/** Quotes a term for an FTS5 MATCH expression. */
export function ftsQuote(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/**
 * The FTS5 expression matching one query term: one of its surface forms, which FTS5's tokenizer
 * stems to the term (a stem is not always its own stem, so the term itself is not quoted).
 */
export function ftsTermExpression(term: QueryTerm): string {
  return ftsQuote(term.surfaces[0] ?? term.term);
}

/**
 * An FTS5 MATCH expression for a free-text query: any of the query's content terms. Returns
 * undefined when the query has no terms.
 */
export function buildFtsMatch(text: string, options: AnalyzerOptions = DEFAULT_ANALYZER): string | undefined {
  const { terms } = analyzeQuery(text, options);
  if (terms.length === 0) return undefined;
  return terms.map(ftsTermExpression).join(' OR ');
}

/** Query terms as words, for snippets (kept for callers of the old API). */
export function snippetTerms(text: string): string[] {
  return queryTerms(text);
}
