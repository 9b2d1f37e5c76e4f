// The embedded backend's ranking, as pure functions. FTS5 finds candidates; this scores them with
// BM25F over title, headings and body (one saturation over the weighted, length-normalized field
// frequencies), counts an exact surface match above a stemmed one, adds a proximity bonus for
// query terms that stand close together in the body, and optionally favours fresh pages.
import type { AnalyzerOptions } from '../../text/index.js';
import type { AnalyzedQuery, QueryTerm } from '../analysis.js';
import {
  type FieldTokens,
  type QueryLookup,
  SurfaceVocabulary,
  tokenizeFields,
  tokenizeText,
} from './field-tokens.js';

export type Field = 'title' | 'headings' | 'body';
export const FIELDS: readonly Field[] = ['title', 'headings', 'body'];

export interface RankingParams {
  /** BM25 term-frequency saturation. */
  readonly k1: number;
  /** BM25 length normalization per field. */
  readonly b: Readonly<Record<Field, number>>;
  /** Field weights (a title occurrence counts this many body occurrences). */
  readonly weights: Readonly<Record<Field, number>>;
  /** Extra weight of an occurrence in the query's own surface form (0: stems only). */
  readonly exactWeight: number;
  /**
   * Coordination: the score is multiplied by (idf share of the query's terms the passage holds) to
   * this power, favouring passages that cover more of a long query (0: off).
   */
  readonly coordination: number;
  /** Weight of the proximity bonus (0: off). */
  readonly proximityWeight: number;
  /** Largest distance in tokens at which two query terms still count as near. */
  readonly proximityWindow: number;
  /** Half-life in days of the freshness boost (0: off). */
  readonly freshnessHalfLifeDays: number;
  /** Largest freshness boost, as a fraction of the score, for a page published now. */
  readonly freshnessWeight: number;
  /** Pseudo-relevance feedback: terms of the best first-pass passages added to the query. */
  readonly feedback: Readonly<FeedbackParams>;
}

export interface FeedbackParams {
  /** First-pass passages to learn from (0: off). */
  readonly docs: number;
  /** Terms to add. */
  readonly terms: number;
  /** Weight of the strongest added term (the query's own terms weigh 1). */
  readonly weight: number;
  /**
   * Feedback helps short queries and dilutes long ones, which already say what they want: a query
   * of at most `fullUpTo` terms gets the full weight, one of `offFrom` terms or more none, in
   * between a linear share.
   */
  readonly fullUpTo: number;
  readonly offFrom: number;
  /** Off in an index of fewer passages: its statistics say too little about the added terms. */
  readonly minPassages: number;
}

/** The feedback weight for a query of `terms` content terms. */
export function feedbackWeight(params: FeedbackParams, terms: number): number {
  if (params.docs <= 0 || terms <= 0) return 0;
  if (terms <= params.fullUpTo) return params.weight;
  if (terms >= params.offFrom) return 0;
  return (params.weight * (params.offFrom - terms)) / (params.offFrom - params.fullUpTo);
}

/** Defaults, tuned on the shared collections (docs/retrieval.md lists the runs). */
export const DEFAULT_RANKING: RankingParams = Object.freeze({
  k1: 1.0,
  b: Object.freeze({ title: 0.75, headings: 0.75, body: 0.9 }),
  weights: Object.freeze({ title: 1.5, headings: 1.5, body: 1 }),
  // Exact forms still match through the `exact` column and weigh in FTS5's first ranking; an extra
  // re-ranking bonus measured no better on the shared sets (docs/retrieval.md).
  exactWeight: 0,
  coordination: 0,
  proximityWeight: 0.1,
  proximityWindow: 3,
  freshnessHalfLifeDays: 0,
  freshnessWeight: 0.2,
  feedback: Object.freeze({ docs: 10, terms: 10, weight: 0.5, fullUpTo: 2, offFrom: 4, minPassages: 1000 }),
});

export interface CollectionStats {
  /** Passages in the index. */
  readonly docs: number;
  /** Average length in tokens of each field. */
  readonly avgLength: Readonly<Record<Field, number>>;
}

export interface Candidate<K> {
  readonly key: K;
  readonly title: string;
  readonly headings: string;
  readonly body: string;
  readonly publishedAt?: string | undefined;
}

export interface Scored<K> {
  readonly key: K;
  readonly score: number;
}

/** Lucene's BM25 idf: never negative, however common the term. */
export function idf(docs: number, df: number): number {
  return Math.log(1 + (docs - df + 0.5) / (df + 0.5));
}

interface FieldCounts {
  length: number;
  /** Occurrences of each query term (by index), stemmed. */
  tf: Float64Array;
  /** Occurrences in one of the query's surface forms. */
  exact: Float64Array;
}

/**
 * What one query makes of each surface id, filled as candidates are read: the query term it stands
 * for (its index, -1 for none) and whether it is one of the query's own surface forms (+ 2^16), so
 * each distinct word of the candidates is looked at once per query.
 */
const EXACT_FLAG = 1 << 16;

/**
 * The query's terms as the vocabulary numbers them: each term's stem number (-1: no surface has
 * it), and for each term the ids of its own surface forms.
 */
interface QueryCodes {
  readonly stemIds: Int32Array;
  readonly exact: ReadonlyArray<ReadonlySet<number>>;
}

function queryCodes(query: AnalyzedQuery, vocabulary: SurfaceVocabulary): QueryCodes {
  const stemIds = new Int32Array(query.terms.length);
  const exact: Array<Set<number>> = [];
  query.terms.forEach((t, i) => {
    stemIds[i] = vocabulary.stemIdOf(t.term);
    const ids = new Set<number>();
    for (const surface of t.surfaces) {
      const id = vocabulary.peek(surface);
      if (id >= 0) ids.add(id);
    }
    exact.push(ids);
  });
  return { stemIds, exact };
}

function surfaceCode(id: number, vocabulary: SurfaceVocabulary, query: QueryCodes): number {
  const stemId = vocabulary.stemId(id);
  // The last term with this stem (a repeated term counts as its last occurrence).
  let i = query.stemIds.length - 1;
  while (i >= 0 && query.stemIds[i] !== stemId) i--;
  if (i < 0) return -1;
  return query.exact[i]?.has(id) ? i + EXACT_FLAG : i;
}

/**
 * Counts the query's terms in one field's tokens into `tf` and `exact` (zeroed first), and, when
 * `positions` is given, the positions of their occurrences (term index and position, interleaved;
 * emptied first). Returns the field's length. The arrays are the caller's, reused from candidate
 * to candidate: re-ranking allocates nothing per candidate (a busy server's garbage collector
 * pauses are what its latency tail is made of).
 */
function countField(
  tokens: Int32Array,
  codes: QueryLookup,
  vocabulary: SurfaceVocabulary,
  query: QueryCodes,
  tf: Float64Array,
  exact: Float64Array,
  positions: number[] | undefined,
): number {
  tf.fill(0);
  exact.fill(0);
  if (positions) positions.length = 0;
  for (let position = 0; position < tokens.length; position++) {
    const id = tokens[position] as number;
    let code = codes.get(id);
    if (code === undefined) {
      code = surfaceCode(id, vocabulary, query);
      codes.set(id, code);
    }
    if (code < 0) continue;
    const i = code & (EXACT_FLAG - 1);
    tf[i] = (tf[i] ?? 0) + 1;
    if (code >= EXACT_FLAG) exact[i] = (exact[i] ?? 0) + 1;
    positions?.push(i, position);
  }
  return tokens.length;
}

/** A field's counts of the query's terms (countField). */
function fieldCounts(n: number): FieldCounts {
  return { length: 0, tf: new Float64Array(n), exact: new Float64Array(n) };
}

/** Sum over pairs of distinct query terms of 1/distance², saturated and weighted by the rarer term's idf. */
export function proximityScore(
  positions: readonly number[],
  idfs: Float64Array,
  window: number,
  scratch?: Float64Array,
): number {
  if (positions.length < 4) return 0;
  const n = idfs.length;
  // The caller's scratch (at least n × n), zeroed, or a new array.
  const pair = scratch && scratch.length >= n * n ? scratch.fill(0, 0, n * n) : new Float64Array(n * n);
  for (let a = 0; a < positions.length; a += 2) {
    const ta = positions[a] ?? 0;
    const pa = positions[a + 1] ?? 0;
    for (let c = a + 2; c < positions.length; c += 2) {
      const d = (positions[c + 1] ?? 0) - pa;
      if (d > window) break;
      const tc = positions[c] ?? 0;
      if (tc === ta || d <= 0) continue;
      const lo = Math.min(ta, tc);
      const hi = Math.max(ta, tc);
      pair[lo * n + hi] = (pair[lo * n + hi] ?? 0) + 1 / (d * d);
    }
  }
  let score = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const p = pair[i * n + j] ?? 0;
      if (p > 0) score += Math.min(idfs[i] ?? 0, idfs[j] ?? 0) * (p / (1 + p));
    }
  }
  return score;
}

/** Multiplier for a page's age: 1 + weight at age 0, halving its extra every half-life. */
export function freshnessFactor(publishedAt: string | undefined, now: number, params: RankingParams): number {
  if (params.freshnessHalfLifeDays <= 0 || !publishedAt) return 1;
  const t = Date.parse(publishedAt);
  if (Number.isNaN(t)) return 1;
  const ageDays = Math.max(0, (now - t) / 86_400_000);
  return 1 + params.freshnessWeight * 0.5 ** (ageDays / params.freshnessHalfLifeDays);
}

/**
 * Scores candidates for a query. `dfs` holds each query term's document frequency (by index),
 * `stats` the collection's size and average field lengths. Returns the candidates best first.
 */
export function rankCandidates<K>(
  query: AnalyzedQuery,
  dfs: readonly number[],
  candidates: readonly Candidate<K>[],
  stats: CollectionStats,
  params: RankingParams,
  analyzer: AnalyzerOptions,
  now = Date.now(),
): Scored<K>[] {
  const vocabulary = new SurfaceVocabulary();
  const titles = new Map<string, Int32Array>();
  const tokenized = candidates.map((c) => {
    let title = titles.get(c.title);
    if (!title) {
      title = tokenizeText(c.title, analyzer, vocabulary);
      titles.set(c.title, title);
    }
    return {
      key: c.key,
      publishedAt: c.publishedAt,
      tokens: {
        title,
        headings: tokenizeText(c.headings, analyzer, vocabulary),
        body: tokenizeText(c.body, analyzer, vocabulary),
      },
    };
  });
  return rankTokenized(query, dfs, tokenized, stats, params, vocabulary, now);
}

/** A candidate whose fields are already tokenized (field-tokens.ts). */
export interface TokenizedCandidate<K> {
  readonly key: K;
  readonly tokens: FieldTokens;
  readonly publishedAt?: string | undefined;
}

/** rankCandidates over tokenized candidates, whose ids come from `vocabulary`. */
export function rankTokenized<K>(
  query: AnalyzedQuery,
  dfs: readonly number[],
  candidates: readonly TokenizedCandidate<K>[],
  stats: CollectionStats,
  params: RankingParams,
  vocabulary: SurfaceVocabulary,
  now = Date.now(),
): Scored<K>[] {
  const n = query.terms.length;
  const terms = queryCodes(query, vocabulary);
  const codes = vocabulary.lookup();
  const idfs = new Float64Array(n);
  for (let i = 0; i < n; i++) idfs[i] = idf(stats.docs, dfs[i] ?? 0) * (query.terms[i]?.weight ?? 1);
  // A page's passages share their title: count each title once.
  const titleCache = new Map<Int32Array, FieldCounts>();
  // Scratch for the other fields, reused from candidate to candidate.
  const headings = fieldCounts(n);
  const body = fieldCounts(n);
  const positions: number[] | undefined = params.proximityWeight > 0 ? [] : undefined;
  const pairs = new Float64Array(n * n);
  const out: Scored<K>[] = [];
  for (const c of candidates) {
    let title = titleCache.get(c.tokens.title);
    if (!title) {
      title = fieldCounts(n);
      title.length = countField(c.tokens.title, codes, vocabulary, terms, title.tf, title.exact, undefined);
      titleCache.set(c.tokens.title, title);
    }
    headings.length = countField(
      c.tokens.headings,
      codes,
      vocabulary,
      terms,
      headings.tf,
      headings.exact,
      undefined,
    );
    body.length = countField(c.tokens.body, codes, vocabulary, terms, body.tf, body.exact, positions);
    let score = 0;
    let matched = 0;
    let possible = 0;
    for (let i = 0; i < n; i++) {
      possible += idfs[i] ?? 0;
      let tf = 0;
      tf = addField(tf, 'title', title, i, params, stats);
      tf = addField(tf, 'headings', headings, i, params, stats);
      tf = addField(tf, 'body', body, i, params, stats);
      if (tf > 0) {
        score += ((idfs[i] ?? 0) * tf * (params.k1 + 1)) / (params.k1 + tf);
        matched += idfs[i] ?? 0;
      }
    }
    if (params.coordination > 0 && possible > 0) score *= (matched / possible) ** params.coordination;
    if (params.proximityWeight > 0 && positions) {
      score += params.proximityWeight * proximityScore(positions, idfs, params.proximityWindow, pairs);
    }
    score *= freshnessFactor(c.publishedAt, now, params);
    out.push({ key: c.key, score });
  }
  out.sort((a, b) => b.score - a.score);
  return out;
}

/** `tf` plus field `name`'s length-normalized, weighted frequency of term `i`. */
function addField(
  tf: number,
  name: Field,
  counts: FieldCounts,
  i: number,
  params: RankingParams,
  stats: CollectionStats,
): number {
  const raw = (counts.tf[i] ?? 0) + params.exactWeight * (counts.exact[i] ?? 0);
  if (raw === 0) return tf;
  const avg = stats.avgLength[name] > 0 ? stats.avgLength[name] : 1;
  const norm = 1 - params.b[name] + params.b[name] * (counts.length / avg);
  return tf + (params.weights[name] * raw) / norm;
}

export interface FeedbackDoc {
  readonly title: string;
  readonly headings: string;
  readonly body: string;
  readonly score: number;
}

/**
 * Relevance-model feedback (RM3-like): the terms most probable in the best first-pass passages,
 * each passage weighted by its share of their scores, minus the query's own terms and stop words.
 * Each returned term weighs `weight` × its probability relative to the strongest one.
 */
export function feedbackTerms(
  query: AnalyzedQuery,
  docs: readonly FeedbackDoc[],
  params: FeedbackParams,
  analyzer: AnalyzerOptions,
  stopWords: ReadonlySet<string>,
): QueryTerm[] {
  const vocabulary = new SurfaceVocabulary();
  const tokenized = docs.map((d) => ({ score: d.score, tokens: tokenizeFields(d, analyzer, vocabulary) }));
  return feedbackTermsTokenized(query, tokenized, params, vocabulary, stopWords);
}

/** feedbackTerms over tokenized passages, whose ids come from `vocabulary`. */
export function feedbackTermsTokenized(
  query: AnalyzedQuery,
  docs: ReadonlyArray<{ readonly tokens: FieldTokens; readonly score: number }>,
  params: FeedbackParams,
  vocabulary: SurfaceVocabulary,
  stopWords: ReadonlySet<string>,
): QueryTerm[] {
  const weight = feedbackWeight(params, query.terms.length);
  const used = docs.slice(0, params.docs).filter((d) => d.score > 0);
  const total = used.reduce((a, d) => a + d.score, 0);
  if (weight <= 0 || used.length === 0 || total <= 0 || params.terms <= 0) return [];
  const own = new Set(query.terms.map((t) => t.term));
  // Whether each surface id may be a feedback term: 1 yes, 0 no (decided once per id).
  const usable = vocabulary.lookup();
  const relevance = new Map<string, number>();
  for (const doc of used) {
    const counts = new Map<string, number>();
    let length = 0;
    for (const tokens of [doc.tokens.title, doc.tokens.headings, doc.tokens.body]) {
      length += tokens.length;
      for (let k = 0; k < tokens.length; k++) {
        const id = tokens[k] as number;
        let ok = usable.get(id);
        if (ok === undefined) {
          const term = vocabulary.stem(id);
          ok =
            own.has(term) || stopWords.has(vocabulary.surface(id)) || term.length < 2 || DIGITS.test(term)
              ? 0
              : 1;
          usable.set(id, ok);
        }
        if (ok === 0) continue;
        const term = vocabulary.stem(id);
        counts.set(term, (counts.get(term) ?? 0) + 1);
      }
    }
    if (length === 0) continue;
    const w = doc.score / total;
    for (const [term, c] of counts) relevance.set(term, (relevance.get(term) ?? 0) + (w * c) / length);
  }
  const best = [...relevance].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, params.terms);
  const top = best[0]?.[1] ?? 0;
  if (top <= 0) return [];
  const start = query.terms.length;
  return best.map(([term, p], i) => ({
    term,
    surfaces: [],
    position: start + i,
    weight: (weight * p) / top,
  }));
}

const DIGITS = /^\d+$/;
