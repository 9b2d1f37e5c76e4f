// Synthetic passages with a realistic word distribution for the search benchmark. Words are drawn
// from a Zipf law (frequency ∝ 1/rank, as in natural text: "the" about 7 % of tokens); the first
// ranks are the real words of the shared collections in their real frequency order (so real
// queries find real words and stop words are where they belong), the long tail is made-up words,
// up to a million of them. Sampling uses Walker's alias method (O(1) per word), seeded, so every
// run generates the same corpus.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PageWithPassages } from '../../services/index.js';
import { readMaybeGzip } from './bench-data.js';

export interface Vocabulary {
  /** Words by rank, most frequent first. */
  readonly words: readonly string[];
}

/** Real words of the shared collections by frequency (plus made-up ones up to `size`). */
export function buildVocabulary(benchData: string, size = 1_000_000): Vocabulary {
  const counts = new Map<string, number>();
  const add = (text: string) => {
    for (const m of text.toLowerCase().matchAll(/[a-z][a-z0-9]*/g))
      counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
  };
  for (const name of ['scifact', 'nfcorpus']) {
    for (const file of ['corpus.jsonl.gz', 'corpus.jsonl']) {
      const path = join(benchData, name, file);
      if (!existsSync(path)) continue;
      for (const line of readMaybeGzip(path).split('\n')) {
        if (!line) continue;
        const doc = JSON.parse(line) as { title?: string; text?: string };
        add(`${doc.title ?? ''} ${doc.text ?? ''}`);
      }
      break;
    }
  }
  const squad = join(benchData, 'qa-squad-dev', 'passages.jsonl');
  if (existsSync(squad)) {
    for (const line of readFileSync(squad, 'utf8').split('\n')) {
      if (line) add((JSON.parse(line) as { text: string }).text);
    }
  }
  const words = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([w]) => w);
  // Made-up tail words: letters only, so they are ordinary tokens for every analyzer.
  for (let i = words.length; words.length < size; i++) words.push(`q${toLetters(i)}`);
  return { words: words.slice(0, size) };
}

function toLetters(n: number): string {
  let s = '';
  let x = n;
  do {
    s = String.fromCharCode(97 + (x % 26)) + s;
    x = Math.floor(x / 26);
  } while (x > 0);
  return s;
}

/** xorshift32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

/** A sampler of ranks 0..n-1 with P(rank) ∝ 1/(rank+1)^s (Walker's alias method). */
export function zipfSampler(n: number, s: number, random: () => number): () => number {
  const p = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    p[i] = 1 / (i + 1) ** s;
    sum += p[i] ?? 0;
  }
  const prob = new Float64Array(n);
  const alias = new Uint32Array(n);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) {
    p[i] = ((p[i] ?? 0) * n) / sum;
    ((p[i] ?? 0) < 1 ? small : large).push(i);
  }
  while (small.length > 0 && large.length > 0) {
    const l = small.pop() as number;
    const g = large.pop() as number;
    prob[l] = p[l] ?? 0;
    alias[l] = g;
    p[g] = (p[g] ?? 0) + (p[l] ?? 0) - 1;
    ((p[g] ?? 0) < 1 ? small : large).push(g);
  }
  for (const i of [...small, ...large]) prob[i] = 1;
  return () => {
    const i = Math.floor(random() * n);
    return random() < (prob[i] ?? 1) ? i : (alias[i] ?? i);
  };
}

export interface SyntheticCorpusOptions {
  readonly vocabulary: Vocabulary;
  readonly seed?: number;
  /** Zipf exponent (1.0 is natural English). */
  readonly exponent?: number;
}

/** Generates pages of passages (1–8 per page, 60–240 words each, sentences of 8–25 words). */
export class SyntheticCorpus {
  readonly #words: readonly string[];
  readonly #random: () => number;
  readonly #rank: () => number;
  #pages = 0;

  constructor(options: SyntheticCorpusOptions) {
    this.#words = options.vocabulary.words;
    this.#random = seededRandom(options.seed ?? 42);
    this.#rank = zipfSampler(this.#words.length, options.exponent ?? 1.0, this.#random);
  }

  /** A word drawn from the distribution, optionally skipping the most common `skipTop` ranks. */
  word(skipTop = 0): string {
    for (;;) {
      const r = this.#rank();
      if (r >= skipTop) return this.#words[r] ?? 'word';
    }
  }

  private between(lo: number, hi: number): number {
    return lo + Math.floor(this.#random() * (hi - lo + 1));
  }

  private sentence(words: number): string {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(this.word());
    const first = out[0] ?? 'word';
    out[0] = first.charAt(0).toUpperCase() + first.slice(1);
    return `${out.join(' ')}.`;
  }

  private text(words: number): string {
    const sentences: string[] = [];
    let left = words;
    while (left > 0) {
      const n = Math.min(left, this.between(8, 25));
      sentences.push(this.sentence(n));
      left -= n;
    }
    return sentences.join(' ');
  }

  private phrase(words: number): string {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(this.word(100));
    return out.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  }

  /** The next page, with 1–8 passages (at most `maxPassages`). */
  page(maxPassages = 8): PageWithPassages {
    const passages = Math.max(1, Math.min(maxPassages, this.between(1, 8)));
    const n = this.#pages++;
    const id = `synthetic${n.toString(36).padStart(8, '0')}`;
    const url = `https://site${n % 997}.bench.invalid/page/${n}`;
    const host = `site${n % 997}.bench.invalid`;
    const title = this.phrase(this.between(3, 8));
    const fetchedAt = '2026-01-01T00:00:00.000Z';
    const sections = [this.phrase(this.between(2, 4)), this.phrase(this.between(2, 4))];
    return {
      page: { id, url, host, title, lang: 'en', fetchedAt, contentHash: id },
      passages: Array.from({ length: passages }, (_, position) => {
        const text = this.text(this.between(60, 240));
        return {
          id: `${id}-${position}`,
          pageId: id,
          url,
          host,
          title,
          headings: position === 0 ? [] : sections.slice(0, 1 + (position % 2)),
          text,
          position,
          lang: 'en',
          wordCount: text.split(' ').length,
        };
      }),
    };
  }
}
