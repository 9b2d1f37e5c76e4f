// Per-term candidate lists for the embedded backend. FTS5's bm25() is a sum over the query's
// phrases of independent per-phrase parts (idf × saturated, column-weighted term frequency over
// the row's length), so the bm25 of an OR of terms is, row by row, the sum of the bm25 each term
// gives alone. Scoring a term costs ~0.7 µs per row holding it, and the same words come back query
// after query; so each term's (rowid, bm25) list is computed once per index generation, kept in a
// bounded LRU, and an OR query's ranking is the merge of its terms' lists — the same ranking FTS5
// computes, for a fraction of the work once the words have been seen. Any write to the index
// (a new generation) empties the cache. Loading a list costs about 1.4 times what FTS5 spends
// ranking its rows in place (every row comes back to JavaScript: ~1.07 against ~0.76 µs a row), so
// the list of a common term is only loaded the second time the term is asked for: a query with a
// common term never asked for before goes to FTS5 as it is. Rare terms' lists are cheap and are
// loaded at once.

/** One term's rows and their bm25 (FTS5's sign: lower is better). */
export interface TermList {
  readonly rowids: Float64Array;
  readonly scores: Float64Array;
}

export interface TermListStats {
  readonly hits: number;
  readonly misses: number;
  readonly terms: number;
  readonly entries: number;
}

/** Terms remembered as asked for once (then forgotten all together). */
const MAX_SEEN = 200_000;

/** Rows of lists a query may load for terms never asked for before. */
const NEW_ROWS = 1_000;

export class TermListCache {
  readonly #maxEntries: number;
  readonly #lists = new Map<string, TermList>();
  readonly #seen = new Set<string>();
  #generation = Number.NaN;
  #entries = 0;
  #hits = 0;
  #misses = 0;

  /** `maxEntries`: rows kept over all lists (16 bytes each); 0 turns the cache off. */
  constructor(maxEntries: number) {
    this.#maxEntries = Math.max(0, maxEntries);
  }

  get enabled(): boolean {
    return this.#maxEntries > 0;
  }

  /**
   * Whether a query of these terms (with these document frequencies) should be ranked from lists:
   * every term's list is cached, or the term was asked for before, or it is rare enough (the
   * never-asked-for terms hold at most NEW_ROWS rows together). Either way the terms count as asked
   * for from now on.
   */
  worthListing(keys: readonly string[], dfs: readonly number[], generation: number): boolean {
    if (!this.enabled) return false;
    if (generation !== this.#generation) this.#reset(generation);
    let newRows = 0;
    keys.forEach((key, i) => {
      if (this.#lists.has(key) || this.#seen.has(key)) return;
      newRows += dfs[i] ?? 0;
      if (this.#seen.size >= MAX_SEEN) this.#seen.clear();
      this.#seen.add(key);
    });
    return newRows <= NEW_ROWS;
  }

  /** The list of `key` at `generation`, from the cache or from `load`. */
  get(key: string, generation: number, load: () => TermList): TermList {
    if (generation !== this.#generation) this.#reset(generation);
    const cached = this.#lists.get(key);
    if (cached) {
      // Most recently used last.
      this.#lists.delete(key);
      this.#lists.set(key, cached);
      this.#hits++;
      return cached;
    }
    this.#misses++;
    const list = load();
    if (list.rowids.length <= this.#maxEntries) {
      this.#lists.set(key, list);
      this.#entries += list.rowids.length;
      for (const [oldest, old] of this.#lists) {
        if (this.#entries <= this.#maxEntries) break;
        this.#lists.delete(oldest);
        this.#entries -= old.rowids.length;
      }
    }
    return list;
  }

  #reset(generation: number): void {
    this.#lists.clear();
    this.#entries = 0;
    this.#generation = generation;
  }

  clear(): void {
    this.#lists.clear();
    this.#entries = 0;
    this.#generation = Number.NaN;
  }

  stats(): TermListStats {
    return { hits: this.#hits, misses: this.#misses, terms: this.#lists.size, entries: this.#entries };
  }
}

/**
 * The best `limit` rows of an OR over `lists`, best first: each row scored by the sum of its
 * terms' bm25 (lower is better), ties to the lower rowid.
 */
export function mergeTermLists(lists: readonly TermList[], limit: number): number[] {
  if (limit <= 0 || lists.length === 0) return [];
  let rowids: Float64Array;
  let scores: Float64Array;
  if (lists.length === 1) {
    rowids = (lists[0] as TermList).rowids;
    scores = (lists[0] as TermList).scores;
  } else {
    const sum = new Map<number, number>();
    for (const list of lists) {
      const r = list.rowids;
      const s = list.scores;
      for (let i = 0; i < r.length; i++) {
        const rowid = r[i] as number;
        sum.set(rowid, (sum.get(rowid) ?? 0) + (s[i] as number));
      }
    }
    rowids = new Float64Array(sum.size);
    scores = new Float64Array(sum.size);
    let i = 0;
    for (const [rowid, score] of sum) {
      rowids[i] = rowid;
      scores[i] = score;
      i++;
    }
  }
  const n = rowids.length;
  const order = Array.from({ length: n }, (_, i) => i);
  const better = (a: number, b: number) =>
    (scores[a] as number) - (scores[b] as number) || (rowids[a] as number) - (rowids[b] as number);
  if (n > limit * 4) {
    // Keep the rows that can make the top `limit`: those at least as good as the limit-th best score.
    const sorted = Float64Array.from(scores).sort();
    const cut = sorted[limit - 1] as number;
    const kept = order.filter((i) => (scores[i] as number) <= cut);
    kept.sort(better);
    return kept.slice(0, limit).map((i) => rowids[i] as number);
  }
  order.sort(better);
  return order.slice(0, limit).map((i) => rowids[i] as number);
}
