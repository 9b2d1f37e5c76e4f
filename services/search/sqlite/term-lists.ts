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
 * terms' bm25 (lower is better), ties to the lower rowid. Each list's rows are in ascending rowid
 * order (as FTS5 returns them; see sortByRowid), so the lists are merged by walking them side by
 * side — no hash of rows — and a bounded heap keeps the best `limit`. A row's sum adds its terms'
 * parts in list order, as a per-row accumulation over the lists one after another would.
 */
export function mergeTermLists(lists: readonly TermList[], limit: number): number[] {
  if (limit <= 0 || lists.length === 0) return [];
  const best = new BestRows(limit);
  if (lists.length === 1) {
    const { rowids, scores } = lists[0] as TermList;
    for (let i = 0; i < rowids.length; i++) best.offer(scores[i] as number, rowids[i] as number);
    return best.sorted();
  }
  const n = lists.length;
  const at = new Int32Array(n);
  for (;;) {
    let row = Number.POSITIVE_INFINITY;
    for (let l = 0; l < n; l++) {
      const list = lists[l] as TermList;
      const i = at[l] as number;
      if (i < list.rowids.length && (list.rowids[i] as number) < row) row = list.rowids[i] as number;
    }
    if (row === Number.POSITIVE_INFINITY) break;
    let sum = 0;
    for (let l = 0; l < n; l++) {
      const list = lists[l] as TermList;
      const i = at[l] as number;
      if (i < list.rowids.length && list.rowids[i] === row) {
        sum += list.scores[i] as number;
        at[l] = i + 1;
      }
    }
    best.offer(sum, row);
  }
  return best.sorted();
}

/** A list's rows in ascending rowid order (a no-op, after one pass, when they already are). */
export function sortByRowid(list: TermList): TermList {
  const { rowids, scores } = list;
  let sorted = true;
  for (let i = 1; i < rowids.length && sorted; i++)
    sorted = (rowids[i - 1] as number) < (rowids[i] as number);
  if (sorted) return list;
  const order = Array.from({ length: rowids.length }, (_, i) => i).sort(
    (a, b) => (rowids[a] as number) - (rowids[b] as number),
  );
  return {
    rowids: Float64Array.from(order, (i) => rowids[i] as number),
    scores: Float64Array.from(order, (i) => scores[i] as number),
  };
}

/** The best `k` (score, rowid) pairs offered: lower score first, ties to the lower rowid. */
class BestRows {
  readonly #k: number;
  /** A max-heap on (score, rowid): the root is the worst row kept. */
  readonly #scores: Float64Array;
  readonly #rowids: Float64Array;
  #size = 0;

  constructor(k: number) {
    this.#k = k;
    this.#scores = new Float64Array(k);
    this.#rowids = new Float64Array(k);
  }

  /** Whether row a is worse than row b. */
  #worse(sa: number, ra: number, sb: number, rb: number): boolean {
    return sa > sb || (sa === sb && ra > rb);
  }

  offer(score: number, rowid: number): void {
    const s = this.#scores;
    const r = this.#rowids;
    if (this.#size < this.#k) {
      // Sift up.
      let i = this.#size++;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!this.#worse(score, rowid, s[parent] as number, r[parent] as number)) break;
        s[i] = s[parent] as number;
        r[i] = r[parent] as number;
        i = parent;
      }
      s[i] = score;
      r[i] = rowid;
      return;
    }
    if (!this.#worse(s[0] as number, r[0] as number, score, rowid)) return;
    // Replace the worst kept and sift down.
    let i = 0;
    const size = this.#size;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= size) break;
      const right = left + 1;
      let child = left;
      if (
        right < size &&
        this.#worse(s[right] as number, r[right] as number, s[left] as number, r[left] as number)
      ) {
        child = right;
      }
      if (!this.#worse(s[child] as number, r[child] as number, score, rowid)) break;
      s[i] = s[child] as number;
      r[i] = r[child] as number;
      i = child;
    }
    s[i] = score;
    r[i] = rowid;
  }

  /** The rowids kept, best first. */
  sorted(): number[] {
    const s = this.#scores;
    const r = this.#rowids;
    const order = Array.from({ length: this.#size }, (_, i) => i);
    order.sort((a, b) => (s[a] as number) - (s[b] as number) || (r[a] as number) - (r[b] as number));
    return order.map((i) => r[i] as number);
  }
}
