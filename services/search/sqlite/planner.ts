// How the embedded backend finds candidates for a query, as a pure function of the terms'
// document frequencies. FTS5 ranks by scoring every row a MATCH expression matches (about 0.7 µs
// a row here), so an OR over a very common word costs time in proportion to the index. The
// planner keeps that bounded by a budget in scored rows: the rarest terms whose postings fit are
// matched (OR) and ranked by FTS5; the common ones still count when the candidates are re-ranked.
// When even the rarest term is over budget, the passages holding all the terms are ranked (AND)
// if there are few of them (reading the postings costs about a tenth of scoring them); failing
// that, candidates are the newest passages that hold the terms, capped, then re-ranked.

export interface RetrievalParams {
  /** Most postings a ranked FTS5 match may cover (sum of its terms' document frequencies). */
  readonly budget: number;
  /** Candidates to re-rank, at least. */
  readonly minCandidates: number;
  /** Candidates per requested result. */
  readonly candidatesPerResult: number;
  /** Candidates to re-rank, at most. */
  readonly maxCandidates: number;
  /** Candidates taken (newest first) when every term is common. */
  readonly cappedCandidates: number;
  /** How many of the best FTS5 candidates are re-ranked (at least `limit`); the rest keep FTS5's order. */
  readonly rerankDepth: number;
  /** Budget of the feedback pass, which retrieves by the added terms (smaller: it only adds recall). */
  readonly feedbackBudget: number;
}

export const DEFAULT_RETRIEVAL: RetrievalParams = Object.freeze({
  budget: 8_000,
  minCandidates: 100,
  candidatesPerResult: 3,
  maxCandidates: 1000,
  cappedCandidates: 60,
  rerankDepth: 20,
  feedbackBudget: 3_000,
});

export type CandidatePlan =
  /** No term occurs in the index. */
  | { readonly kind: 'none' }
  /** FTS5-ranked OR (or AND) over these terms (indexes into the query's terms), top `limit`. */
  | {
      readonly kind: 'ranked';
      readonly terms: readonly number[];
      readonly limit: number;
      readonly operator: 'OR' | 'AND';
    }
  /** Every term is common: the newest `limit` passages matching all of `all` (or, failing that, any). */
  | { readonly kind: 'capped'; readonly all: readonly number[]; readonly limit: number };

/** Candidates to fetch for `limit` results. */
export function candidateCount(limit: number, params: RetrievalParams): number {
  return Math.min(params.maxCandidates, Math.max(params.minCandidates, limit * params.candidatesPerResult));
}

/** Reading a posting without scoring it, relative to scoring it (both measured on this backend). */
const READ_COST = 0.1;

/**
 * Plans candidate retrieval for terms with document frequencies `dfs` in an index of `docs`
 * passages. Terms of df 0 occur nowhere and are left out.
 */
export function planCandidates(
  dfs: readonly number[],
  limit: number,
  params: RetrievalParams,
  docs = Number.POSITIVE_INFINITY,
): CandidatePlan {
  const order = dfs
    .map((df, i) => ({ df, i }))
    .filter((t) => t.df > 0)
    .sort((a, b) => a.df - b.df || a.i - b.i);
  if (order.length === 0) return { kind: 'none' };
  const chosen: number[] = [];
  let postings = 0;
  for (const t of order) {
    if (postings + t.df > params.budget) break;
    chosen.push(t.i);
    postings += t.df;
  }
  const count = candidateCount(limit, params);
  if (chosen.length > 0) return { kind: 'ranked', terms: chosen, limit: count, operator: 'OR' };
  if (order.length > 1 && Number.isFinite(docs) && docs > 0) {
    // Rows holding every term, were the terms independent; reading all postings costs too.
    const expected = order.reduce((rows, t) => rows * Math.min(1, t.df / docs), docs);
    const read = order.reduce((sum, t) => sum + t.df, 0) * READ_COST;
    if (read + expected <= params.budget) {
      return { kind: 'ranked', terms: order.map((t) => t.i), limit: count, operator: 'AND' };
    }
  }
  return {
    kind: 'capped',
    all: order.map((t) => t.i),
    limit: Math.max(count, params.cappedCandidates),
  };
}
