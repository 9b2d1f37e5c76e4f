// Plain-text snippets: the window of a passage with the most query terms, cut at word
// boundaries, with an ellipsis where text was left out. A word counts as a hit when it or its
// English stem is a query term, so "landing" lights up for "landed"; in Chinese and Japanese text
// a hit is a query term found anywhere. Called for every search hit, so it scans the text with one
// regular expression built from the query (cached) and looks only at the words it finds.
import { englishStem } from './stem.js';
import { normalizeForMatch } from './tokens.js';

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;

interface Matcher {
  readonly pattern: RegExp | undefined;
  readonly wanted: ReadonlySet<string>;
}

let lastKey = '';
let lastMatcher: Matcher = { pattern: undefined, wanted: new Set() };

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A pattern finding every word that starts like a query term (verified by stem afterwards). */
function matcherFor(terms: readonly string[]): Matcher {
  const key = terms.join('\u0000');
  if (key === lastKey) return lastMatcher;
  const wanted = new Set<string>();
  const prefixes = new Set<string>();
  const cjk = new Set<string>();
  for (const t of terms) {
    const n = normalizeForMatch(t);
    if (n.length === 0) continue;
    if (CJK.test(n)) {
      cjk.add(n);
      continue;
    }
    const stem = englishStem(n);
    wanted.add(n);
    wanted.add(stem);
    // Porter only rewrites the last letters, so a word stemming to `stem` starts with its first ones.
    prefixes.add(n.length <= 3 ? n : stem.slice(0, Math.max(3, stem.length - 2)));
  }
  const parts: string[] = [];
  if (prefixes.size > 0) {
    parts.push(
      `(?<![\\p{L}\\p{N}\\p{M}])(?:${[...prefixes].map(escapeRegExp).join('|')})[\\p{L}\\p{N}\\p{M}]*`,
    );
  }
  if (cjk.size > 0) parts.push(`(?:${[...cjk].map(escapeRegExp).join('|')})`);
  lastKey = key;
  lastMatcher = { pattern: parts.length > 0 ? new RegExp(parts.join('|'), 'giu') : undefined, wanted };
  return lastMatcher;
}

/** Character offsets of the query-term hits in text. */
function hitOffsets(text: string, terms: readonly string[]): number[] {
  const { pattern, wanted } = matcherFor(terms);
  if (!pattern) return [];
  const out: number[] = [];
  for (const m of text.matchAll(pattern)) {
    const w = m[0].toLowerCase();
    if (CJK.test(w) || wanted.has(w) || wanted.has(englishStem(w))) out.push(m.index);
  }
  return out;
}

export function makeSnippet(text: string, terms: readonly string[], maxChars = 240): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= maxChars) return clean;
  const hits = hitOffsets(clean, terms);
  // The window of maxChars characters starting at a hit that holds the most hits.
  let bestStart = 0;
  let bestHits = 0;
  let right = 0;
  for (let left = 0; left < hits.length; left++) {
    const start = hits[left] ?? 0;
    while (right < hits.length && (hits[right] ?? 0) - start < maxChars - 20) right++;
    if (right - left > bestHits) {
      bestHits = right - left;
      bestStart = start;
    }
  }
  // Start a little before the first hit so the reader has context, at a word boundary.
  let start = bestStart;
  if (start > 0) {
    const back = Math.max(0, start - 40);
    const boundary = clean.lastIndexOf(' ', start - 1);
    start = boundary > back ? boundary + 1 : start;
  }
  let end = Math.min(clean.length, start + maxChars);
  if (end < clean.length) {
    const boundary = clean.lastIndexOf(' ', end);
    if (boundary > start + maxChars / 2) end = boundary;
  }
  return `${start > 0 ? '… ' : ''}${clean.slice(start, end).trim()}${end < clean.length ? ' …' : ''}`;
}
