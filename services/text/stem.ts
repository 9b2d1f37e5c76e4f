// English stemming for queries and re-ranking: the Porter stemmer (the `stemmer` package, which
// stems exactly as FTS5's `porter` tokenizer that stems the index), applied to plain ASCII words
// only. A memo in two generations keeps the frequent words: when the young one fills up it becomes
// the old one, and a word found only in the old one moves back.
import { stemmer } from 'stemmer';

const GENERATION_SIZE = 100_000;
let young = new Map<string, string>();
let old = new Map<string, string>();

/** The Porter stem of a lower-case ASCII word; other tokens (numbers, other scripts) unchanged. */
export function englishStem(token: string): string {
  let stem = young.get(token);
  if (stem !== undefined) return stem;
  stem = old.get(token);
  if (stem === undefined) stem = token.length > 2 && /^[a-z]+$/.test(token) ? stemmer(token) : token;
  if (young.size >= GENERATION_SIZE) {
    old = young;
    young = new Map();
  }
  young.set(token, stem);
  return stem;
}
