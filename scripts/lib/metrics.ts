// Retrieval metrics computed as trec_eval computes them (ndcg_cut, recip_rank cut at k, recall):
// gains are the judged relevance grades, the ideal ranking is every judged-relevant document by
// grade, and a query without any relevant judgment is not scored at all.

/** Judgments of one query: document id → relevance grade (> 0 is relevant). */
export type Judgments = ReadonlyMap<string, number>;

function relevantCount(judgments: Judgments): number {
  let n = 0;
  for (const grade of judgments.values()) if (grade > 0) n++;
  return n;
}

/** nDCG@k with linear gains (trec_eval's ndcg_cut.k). */
export function ndcgAt(ranked: readonly string[], judgments: Judgments, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((doc, i) => {
    const gain = judgments.get(doc) ?? 0;
    if (gain > 0) dcg += gain / Math.log2(i + 2);
  });
  const ideal = [...judgments.values()]
    .filter((g) => g > 0)
    .sort((a, b) => b - a)
    .slice(0, k);
  let idcg = 0;
  ideal.forEach((gain, i) => {
    idcg += gain / Math.log2(i + 2);
  });
  return idcg > 0 ? dcg / idcg : 0;
}

/** Reciprocal rank of the first relevant document within the top k (MRR@k per query). */
export function reciprocalRankAt(ranked: readonly string[], judgments: Judgments, k: number): number {
  const top = ranked.slice(0, k);
  for (let i = 0; i < top.length; i++) {
    if ((judgments.get(top[i] ?? '') ?? 0) > 0) return 1 / (i + 1);
  }
  return 0;
}

/** Share of the relevant documents found in the top k. */
export function recallAt(ranked: readonly string[], judgments: Judgments, k: number): number {
  const total = relevantCount(judgments);
  if (total === 0) return 0;
  let found = 0;
  for (const doc of new Set(ranked.slice(0, k))) if ((judgments.get(doc) ?? 0) > 0) found++;
  return found / total;
}

export interface RetrievalFigures {
  readonly 'ndcg@10': number;
  readonly 'mrr@10': number;
  readonly 'recall@5': number;
  readonly 'recall@100': number;
  /** Queries scored (those with at least one relevant judgment). */
  readonly queries: number;
}

/** Averages the metrics over every query that has a relevant judgment. */
export function scoreRun(
  runs: ReadonlyMap<string, readonly string[]>,
  qrels: ReadonlyMap<string, Judgments>,
): RetrievalFigures {
  let n = 0;
  let ndcg = 0;
  let mrr = 0;
  let r5 = 0;
  let r100 = 0;
  for (const [queryId, judgments] of qrels) {
    if (relevantCount(judgments) === 0) continue;
    const ranked = runs.get(queryId);
    if (!ranked) continue;
    n++;
    ndcg += ndcgAt(ranked, judgments, 10);
    mrr += reciprocalRankAt(ranked, judgments, 10);
    r5 += recallAt(ranked, judgments, 5);
    r100 += recallAt(ranked, judgments, 100);
  }
  const avg = (x: number) => (n > 0 ? x / n : 0);
  return {
    'ndcg@10': avg(ndcg),
    'mrr@10': avg(mrr),
    'recall@5': avg(r5),
    'recall@100': avg(r100),
    queries: n,
  };
}
