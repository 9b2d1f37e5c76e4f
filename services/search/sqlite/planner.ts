// How the embedded backend finds candidates for a query, as a pure function of the terms'
// document frequencies. FTS5 ranks by scoring every row a MATCH expression matches, so an OR over
// a very common word costs time in proportion to the index. The planner keeps that bounded: the
// rarest terms (whose postings add up to at most `budget`) are matched and ranked by FTS5; the
// common ones still count when the candidates are re-ranked. When even the rarest term is common,
// candidates are the newest passages that hold all the terms, capped, then re-ranked.

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
}

export const DEFAULT_RETRIEVAL: RetrievalParams = Object.freeze({
  budget: 15_000,
  minCandidates: 100,
  candidatesPerResult: 3,
  maxCandidates: 1000,
  cappedCandidates: 150,
  rerankDepth: 30,
});

export type CandidatePlan =
  /** No term occurs in the index. */
  | { readonly kind: 'none' }
  /** FTS5-ranked OR over these terms (indexes into the query's terms), top `limit`. */
  | { readonly kind: 'ranked'; readonly terms: readonly number[]; readonly limit: number }
  /** Every term is common: the newest `limit` passages matching all of `all` (or, failing that, any). */
  | { readonly kind: 'capped'; readonly all: readonly number[]; readonly limit: number };

/** Candidates to fetch for `limit` results. */
export function candidateCount(limit: number, params: RetrievalParams): number {
  return Math.min(params.maxCandidates, Math.max(params.minCandidates, limit * params.candidatesPerResult));
}

export function planCandidates(
  dfs: readonly number[],
  limit: number,
  params: RetrievalParams,
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
  if (chosen.length > 0) return { kind: 'ranked', terms: chosen, limit: count };
  return {
    kind: 'capped',
    all: order.map((t) => t.i),
    limit: Math.max(count, params.cappedCandidates),
  };
}
