// Reciprocal rank fusion of ranked lists (BM25 and kNN): each item scores the sum of 1/(k + rank)
// over the lists it appears in. Rank-based, so the engines' incomparable scores never mix.

/** The customary constant: it damps the weight of the very first ranks. */
export const RRF_K = 60;

export function fuseRankings<T extends { readonly score: number }>(
  lists: ReadonlyArray<readonly T[]>,
  key: (item: T) => string,
  k = RRF_K,
): T[] {
  const fused = new Map<string, { item: T; score: number }>();
  for (const list of lists) {
    list.forEach((item, rank) => {
      const id = key(item);
      const entry = fused.get(id);
      const add = 1 / (k + rank + 1);
      if (entry) entry.score += add;
      else fused.set(id, { item, score: add });
    });
  }
  return [...fused.values()].sort((a, b) => b.score - a.score).map(({ item, score }) => ({ ...item, score }));
}
