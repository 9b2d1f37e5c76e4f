// The embedded backend's ranking, as pure functions. FTS5 finds candidates; this scores them with
// BM25F over title, headings and body (one saturation over the weighted, length-normalized field
// frequencies), counts an exact surface match above a stemmed one, adds a proximity bonus for
// query terms that stand close together in the body, and optionally favours fresh pages.
import type { AnalyzerOptions } from '../../text/index.js';
import { analyze, englishStem } from '../../text/index.js';
import type { AnalyzedQuery, QueryTerm } from '../analysis.js';

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
  /** Positions of query-term occurrences (body only): term index and position, interleaved. */
  positions: number[] | undefined;
}

/**
 * Which query term (by index, -1 for none) each surface form stands for, filled as candidates are
 * read: one small map per query instead of stemming every word of every candidate.
 */
type SurfaceIndex = Map<string, number>;

function countField(
  text: string,
  query: AnalyzedQuery,
  termIndex: ReadonlyMap<string, number>,
  bySurface: SurfaceIndex,
  surfaces: ReadonlyArray<ReadonlySet<string>>,
  analyzer: AnalyzerOptions,
  withPositions: boolean,
): FieldCounts {
  const n = query.terms.length;
  const counts: FieldCounts = {
    length: 0,
    tf: new Float64Array(n),
    exact: new Float64Array(n),
    positions: withPositions ? [] : undefined,
  };
  let position = 0;
  counts.length = analyze(
    text,
    analyzer,
    (_term, surface) => {
      let i = bySurface.get(surface);
      if (i === undefined) {
        i = termIndex.get(englishStem(surface)) ?? -1;
        bySurface.set(surface, i);
      }
      if (i >= 0) {
        counts.tf[i] = (counts.tf[i] ?? 0) + 1;
        if (surfaces[i]?.has(surface)) counts.exact[i] = (counts.exact[i] ?? 0) + 1;
        counts.positions?.push(i, position);
      }
      position++;
    },
    false,
  );
  return counts;
}

/** Sum over pairs of distinct query terms of 1/distance², saturated and weighted by the rarer term's idf. */
export function proximityScore(positions: readonly number[], idfs: Float64Array, window: number): number {
  if (positions.length < 4) return 0;
  const n = idfs.length;
  const pair = new Float64Array(n * n);
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
  const n = query.terms.length;
  const termIndex = new Map<string, number>();
  query.terms.forEach((t, i) => {
    termIndex.set(t.term, i);
  });
  const surfaces = query.terms.map((t) => new Set(t.surfaces));
  const bySurface: SurfaceIndex = new Map();
  const idfs = new Float64Array(n);
  for (let i = 0; i < n; i++) idfs[i] = idf(stats.docs, dfs[i] ?? 0) * (query.terms[i]?.weight ?? 1);
  const titleCache = new Map<string, FieldCounts>();
  const out: Scored<K>[] = [];
  for (const c of candidates) {
    let title = titleCache.get(c.title);
    if (!title) {
      title = countField(c.title, query, termIndex, bySurface, surfaces, analyzer, false);
      titleCache.set(c.title, title);
    }
    const headings = countField(c.headings, query, termIndex, bySurface, surfaces, analyzer, false);
    const body = countField(
      c.body,
      query,
      termIndex,
      bySurface,
      surfaces,
      analyzer,
      params.proximityWeight > 0,
    );
    const fields: Array<[Field, FieldCounts]> = [
      ['title', title],
      ['headings', headings],
      ['body', body],
    ];
    let score = 0;
    let matched = 0;
    let possible = 0;
    for (let i = 0; i < n; i++) {
      possible += idfs[i] ?? 0;
      let tf = 0;
      for (const [name, counts] of fields) {
        const raw = (counts.tf[i] ?? 0) + params.exactWeight * (counts.exact[i] ?? 0);
        if (raw === 0) continue;
        const avg = stats.avgLength[name] > 0 ? stats.avgLength[name] : 1;
        const norm = 1 - params.b[name] + params.b[name] * (counts.length / avg);
        tf += (params.weights[name] * raw) / norm;
      }
      if (tf > 0) {
        score += ((idfs[i] ?? 0) * tf * (params.k1 + 1)) / (params.k1 + tf);
        matched += idfs[i] ?? 0;
      }
    }
    if (params.coordination > 0 && possible > 0) score *= (matched / possible) ** params.coordination;
    if (params.proximityWeight > 0 && body.positions) {
      score += params.proximityWeight * proximityScore(body.positions, idfs, params.proximityWindow);
    }
    score *= freshnessFactor(c.publishedAt, now, params);
    out.push({ key: c.key, score });
  }
  out.sort((a, b) => b.score - a.score);
  return out;
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
  const weight = feedbackWeight(params, query.terms.length);
  const used = docs.slice(0, params.docs).filter((d) => d.score > 0);
  const total = used.reduce((a, d) => a + d.score, 0);
  if (weight <= 0 || used.length === 0 || total <= 0 || params.terms <= 0) return [];
  const own = new Set(query.terms.map((t) => t.term));
  const relevance = new Map<string, number>();
  for (const doc of used) {
    const counts = new Map<string, number>();
    let length = 0;
    for (const text of [doc.title, doc.headings, doc.body]) {
      length += analyze(text, analyzer, (term, surface) => {
        if (own.has(term) || stopWords.has(surface) || term.length < 2 || DIGITS.test(term)) return;
        counts.set(term, (counts.get(term) ?? 0) + 1);
      });
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
