// English stemming for the index and queries: the Porter stemmer (the `stemmer` package), applied
// to plain ASCII words only, with a bounded memo because word frequencies are Zipfian and most
// calls repeat a word seen moments ago.
import { stemmer } from 'stemmer';

const MAX_CACHE = 200_000;
let cache = new Map<string, string>();

/** The Porter stem of a lower-case ASCII word; other tokens (numbers, other scripts) unchanged. */
export function englishStem(token: string): string {
  const hit = cache.get(token);
  if (hit !== undefined) return hit;
  const stem = token.length > 2 && /^[a-z]+$/.test(token) ? stemmer(token) : token;
  if (cache.size >= MAX_CACHE) cache = new Map();
  cache.set(token, stem);
  return stem;
}
