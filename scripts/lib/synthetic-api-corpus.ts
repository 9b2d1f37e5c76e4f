// A deterministic synthetic corpus for load benchmarks: pages of English-like prose whose words
// follow a Zipf distribution (as real text does, so posting lists have realistic lengths), spread
// over many hosts, each page cut into passages under headings. Also gives queries drawn from the
// same vocabulary, skewed towards content words as real queries are, and a query stream in which
// people ask popular questions again: draws from a pool of distinct queries whose popularity
// follows Zipf's law, as query frequencies in search engine logs do (Xie & O'Hallaron, "Locality
// in search engine queries and its implications for caching", INFOCOM 2002).
import type { PageWithPassages } from '../../services/index.js';

/** Mulberry32: small, fast, seedable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative weights 1/(r+1)^exponent over ranks 0..size-1, for sampling by binary search. */
function zipfCumulative(size: number, exponent: number): Float64Array {
  const cumulative = new Float64Array(size);
  let sum = 0;
  for (let r = 0; r < size; r++) {
    sum += 1 / (r + 1) ** exponent;
    cumulative[r] = sum;
  }
  return cumulative;
}

/** A rank drawn with the weights of `cumulative` (one call of `random`). */
function zipfRank(cumulative: Float64Array, random: () => number): number {
  const total = cumulative[cumulative.length - 1] ?? 1;
  const x = random() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const FUNCTION_WORDS = (
  'the of and to in a is that for it as was with be by on not he this are or his from at which but have an ' +
  'they you were her she there been one all we their has would when if so no will can more other into its ' +
  'some than them these two may then do first any my now such like our over man me even most made after ' +
  'also did many before must through back years where much your way well down should because each just'
).split(' ');

const ONSETS = [
  'b',
  'c',
  'd',
  'f',
  'g',
  'h',
  'k',
  'l',
  'm',
  'n',
  'p',
  'r',
  's',
  't',
  'v',
  'w',
  'br',
  'cl',
  'dr',
  'gr',
  'pl',
  'st',
  'tr',
  'sh',
  'ch',
  'th',
];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou'];
const CODAS = ['', 'n', 'r', 's', 't', 'l', 'm', 'nd', 'st', 'rt', 'ng', 'ck'];
const SUFFIXES = ['', '', '', 'ing', 'ed', 'er', 'ion', 'al', 'ity', 'ous', 'ment', 'ly'];

function makeWord(random: () => number): string {
  const syllables = 1 + Math.floor(random() * 3);
  let word = '';
  for (let i = 0; i < syllables; i++) {
    word += ONSETS[Math.floor(random() * ONSETS.length)];
    word += VOWELS[Math.floor(random() * VOWELS.length)];
    if (i === syllables - 1 || random() < 0.3) word += CODAS[Math.floor(random() * CODAS.length)];
  }
  return word + (SUFFIXES[Math.floor(random() * SUFFIXES.length)] ?? '');
}

export interface SyntheticCorpusOptions {
  readonly passages: number;
  readonly passagesPerPage?: number;
  readonly hosts?: number;
  readonly vocabulary?: number;
  readonly seed?: number;
}

export class SyntheticCorpus {
  readonly passages: number;
  readonly passagesPerPage: number;
  readonly pages: number;
  readonly hosts: number;
  readonly #vocabulary: string[];
  readonly #rank = new Map<string, number>();
  /** Cumulative Zipf weights over the content vocabulary, for sampling by binary search. */
  readonly #cumulative: Float64Array;
  readonly #seed: number;

  constructor(options: SyntheticCorpusOptions) {
    this.passages = options.passages;
    this.passagesPerPage = options.passagesPerPage ?? 5;
    this.pages = Math.ceil(this.passages / this.passagesPerPage);
    this.hosts = options.hosts ?? 200;
    this.#seed = options.seed ?? 7;
    const random = seededRandom(this.#seed);
    const size = options.vocabulary ?? 50_000;
    const words = new Set<string>();
    while (words.size < size) {
      const w = makeWord(random);
      if (w.length >= 3 && !FUNCTION_WORDS.includes(w)) words.add(w);
    }
    this.#vocabulary = [...words];
    this.#vocabulary.forEach((w, i) => {
      this.#rank.set(w, i);
    });
    this.#cumulative = zipfCumulative(size, 1.05);
  }

  #contentWord(random: () => number): string {
    return this.#vocabulary[zipfRank(this.#cumulative, random)] ?? 'word';
  }

  #sentence(random: () => number): string {
    const length = 8 + Math.floor(random() * 16);
    const words: string[] = [];
    for (let i = 0; i < length; i++) {
      words.push(
        random() < 0.45
          ? (FUNCTION_WORDS[Math.floor(random() * FUNCTION_WORDS.length)] ?? 'the')
          : this.#contentWord(random),
      );
    }
    if (random() < 0.15)
      words.splice(Math.floor(random() * words.length), 0, String(1800 + Math.floor(random() * 225)));
    const text = words.join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  }

  #title(random: () => number, words: number): string {
    return Array.from({ length: words }, () => {
      const w = this.#contentWord(random);
      return `${w.charAt(0).toUpperCase()}${w.slice(1)}`;
    }).join(' ');
  }

  /** Page `index` (0-based) with its passages; the same index always gives the same page. */
  page(index: number): PageWithPassages {
    const random = seededRandom(this.#seed * 1_000_003 + index);
    const host = `site${index % this.hosts}.example.org`;
    const pageId = `p${index.toString(36).padStart(6, '0')}`;
    const url = `https://${host}/articles/${index}`;
    const title = this.#title(random, 2 + Math.floor(random() * 4));
    const fetchedAt = new Date(Date.UTC(2025, 0, 1) + index * 60_000).toISOString();
    const first = index * this.passagesPerPage;
    const count = Math.min(this.passagesPerPage, this.passages - first);
    const passages = Array.from({ length: count }, (_, position) => {
      const sentences = 4 + Math.floor(random() * 5);
      const text = Array.from({ length: sentences }, () => this.#sentence(random)).join(' ');
      return {
        id: `${pageId}-${position}`,
        pageId,
        url,
        host,
        title,
        headings: [title, this.#title(random, 2 + Math.floor(random() * 2))],
        text,
        position,
        lang: 'en',
        wordCount: text.split(' ').length,
      };
    });
    return {
      page: { id: pageId, url, host, title, lang: 'en', fetchedAt, contentHash: `${pageId}-v1` },
      passages,
    };
  }

  /** Queries of 2–4 content words; mid-frequency words, as people ask about specific things. */
  queries(count: number, seed = 99): string[] {
    const random = seededRandom(seed);
    return Array.from({ length: count }, () => {
      const n = 2 + Math.floor(random() * 3);
      const words: string[] = [];
      while (words.length < n) {
        const w = this.#contentWord(random);
        // Skip the 30 most frequent content words: nobody searches for "the" of this language.
        if ((this.#rank.get(w) ?? 0) >= 30) words.push(w);
      }
      return random() < 0.3 ? `what is the ${words.join(' ')}` : words.join(' ');
    });
  }

  /** `size` distinct queries (see `queries`), in a fixed random order. */
  queryPool(size: number, seed = 99): string[] {
    const pool = new Set<string>();
    let round = 0;
    while (pool.size < size && round < 10) {
      for (const q of this.queries(Math.ceil((size - pool.size) * 1.1) + 10, seed + round * 7919)) {
        if (pool.size >= size) break;
        pool.add(q);
      }
      round++;
    }
    return [...pool];
  }
}

export interface QueryStreamOptions {
  /** Distinct queries to draw from (default 100,000). */
  readonly pool?: number;
  /** Zipf exponent of their popularity (default 0.9: about half the queries of a 20,000-query run repeat an earlier one). */
  readonly exponent?: number;
  readonly seed?: number;
}

/**
 * An endless stream of queries as a busy search engine receives them: each drawn independently
 * from `pool`, the query of popularity rank r (pool order) with probability ∝ 1 / r^exponent. How
 * many of the first n queries repeat an earlier one grows with n (0.9 over 100,000 queries: ~44%
 * of 10,000, ~50% of 20,000, ~55% of 30,000); `repeatShare` counts it for the queries actually sent.
 */
export class QueryStream {
  readonly #pool: readonly string[];
  readonly #cumulative: Float64Array;
  readonly #random: () => number;
  readonly #seen = new Set<number>();
  #sent = 0;
  #repeats = 0;

  constructor(pool: readonly string[], options: QueryStreamOptions = {}) {
    const exponent = options.exponent ?? 0.9;
    this.#pool = pool;
    this.#cumulative = zipfCumulative(pool.length, exponent);
    this.#random = seededRandom(options.seed ?? 4242);
  }

  /** The next query of the stream. */
  next(): string {
    const lo = zipfRank(this.#cumulative, this.#random);
    this.#sent++;
    if (this.#seen.has(lo)) this.#repeats++;
    else this.#seen.add(lo);
    return this.#pool[lo] ?? '';
  }

  /** Queries drawn so far, and how many of them had been drawn before. */
  counts(): { readonly sent: number; readonly repeats: number } {
    return { sent: this.#sent, repeats: this.#repeats };
  }
}
