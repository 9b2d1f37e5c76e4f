// Plain-text snippets: the window of a passage with the most query terms, cut at word
// boundaries, with an ellipsis where text was left out. A word counts as a hit when it or its
// English stem is a query term, so "landing" lights up for "landed"; in Chinese and Japanese text
// a hit is a query term found anywhere. Called for every search hit, so it scans the text with one
// regular expression built from the query (cached) and looks only at the words it finds; plain
// ASCII text (most of it) is scanned by hand instead, with the same result, ~10× faster: only a
// word whose first letter starts a query term's prefix is looked at.
import { TextMemo } from './memo.js';
import { englishStem } from './stem.js';
import { normalizeForMatch } from './tokens.js';

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;

const NON_ASCII = /[^\x00-\x7f]/;
const ASCII_WORD = /^[a-z0-9]+$/;

interface Matcher {
  /** The pattern's source, compiled on first use (ASCII text may never need it). */
  readonly source: string | undefined;
  compiled?: RegExp | undefined;
  readonly wanted: ReadonlySet<string>;
  /**
   * For ASCII text, when the pattern is words starting with these prefixes and nothing else (no
   * CJK term, no prefix with punctuation such as "e.g"): the prefixes that can match ASCII text
   * and a table of their first characters. Undefined: use the pattern.
   */
  readonly ascii:
    | {
        readonly prefixes: readonly string[];
        readonly firsts: Uint8Array;
        /** Every prefix is ASCII, so the scan also stands in for the pattern in non-ASCII text. */
        readonly complete: boolean;
      }
    | undefined;
}

let lastKey = '';
let lastMatcher: Matcher = { source: undefined, wanted: new Set(), ascii: undefined };

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
  lastMatcher = {
    source: parts.length > 0 ? parts.join('|') : undefined,
    wanted,
    ascii: cjk.size === 0 ? asciiPrefixes(prefixes) : undefined,
  };
  return lastMatcher;
}

/**
 * The prefixes as the ASCII scan uses them, or undefined when it cannot stand in for the pattern.
 * In ASCII text the pattern's matches are whole words (runs of letters and digits) that start,
 * case-insensitively, with a prefix. A prefix with other characters: one with non-ASCII ones
 * never matches ASCII text (NFKC already turned the Kelvin sign and long s, which fold to ASCII
 * letters, into plain ones); one with ASCII punctuation ("e.g", "3.14") spans words, so the
 * pattern is used.
 */
function asciiPrefixes(prefixes: ReadonlySet<string>): Matcher['ascii'] {
  const kept: string[] = [];
  const firsts = new Uint8Array(128);
  let complete = true;
  for (const p of prefixes) {
    if (NON_ASCII.test(p)) {
      complete = false;
      continue;
    }
    if (!ASCII_WORD.test(p)) return undefined;
    kept.push(p);
    firsts[p.charCodeAt(0)] = 1;
  }
  return { prefixes: kept, firsts, complete };
}

function isAsciiWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57);
}

const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

/**
 * The words of a text that start with an ASCII character, as [start, end) pairs: words are runs of
 * letters, digits and marks (of any script, as the pattern reads them: `unicode`; ASCII letters
 * and digits only in ASCII text). Only these can start with a prefix (NFKC left no non-ASCII
 * character that folds to an ASCII one).
 */
function asciiStartWords(text: string, unicode: boolean): Int32Array {
  const out: number[] = [];
  const n = text.length;
  // Code units of the word character at i (2 for an astral one), 0 when it is no word character.
  const width = (i: number): number => {
    const c = text.charCodeAt(i);
    if (c < 128 || !unicode) return isAsciiWordChar(c) ? 1 : 0;
    const cp = text.codePointAt(i) as number;
    return WORD_CHAR.test(String.fromCodePoint(cp)) ? (cp > 0xffff ? 2 : 1) : 0;
  };
  let i = 0;
  while (i < n) {
    let w = width(i);
    if (w === 0) {
      const c = text.charCodeAt(i);
      i += c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
      continue;
    }
    const start = i;
    i += w;
    while (i < n) {
      w = width(i);
      if (w === 0) break;
      i += w;
    }
    if (text.charCodeAt(start) < 128) out.push(start, i);
  }
  return Int32Array.from(out);
}

/**
 * The words of passages, kept for the next searches that show them (a passage is shown to many
 * questions): finding a text's words was most of a snippet's time; the query's prefixes are then
 * checked against each word's first letters only.
 */
const WORDS = new TextMemo<Int32Array>(4096, 20_000);

function asciiStartWordsOf(text: string): Int32Array {
  return asciiStartWords(text, NON_ASCII.test(text));
}

/**
 * hitOffsets by hand, for ASCII prefixes: a word (asciiStartWords) is looked at only when it starts
 * with an ASCII letter or digit that starts a prefix; it is a hit when it or its stem is wanted
 * (or, like the pattern's, it runs on into CJK). The same hits as the pattern, without running it
 * over the whole text. `kept`: the text's words from the memo (else found afresh).
 */
function scanHitOffsets(
  text: string,
  ascii: NonNullable<Matcher['ascii']>,
  wanted: ReadonlySet<string>,
  unicode: boolean,
  kept = false,
): number[] {
  const out: number[] = [];
  const words = kept ? WORDS.get(text, asciiStartWordsOf) : asciiStartWords(text, unicode);
  for (let k = 0; k < words.length; k += 2) {
    const start = words[k] as number;
    const end = words[k + 1] as number;
    const c = text.charCodeAt(start);
    // Lower case of an ASCII letter: set bit 5.
    if (ascii.firsts[c >= 65 && c <= 90 ? c | 32 : c] !== 1) continue;
    // Most words that start with a prefix's letter do not start with a prefix: tell without
    // copying the word.
    if (!startsWithPrefix(text, start, end, ascii.prefixes)) continue;
    const word = text.slice(start, end).toLowerCase();
    if (wanted.has(word) || wanted.has(englishStem(word)) || (unicode && CJK.test(word))) out.push(start);
  }
  return out;
}

/**
 * Whether text[start, end) starts, case-insensitively, with one of the (lower-case ASCII)
 * prefixes; as `text.slice(start, end).toLowerCase()` and startsWith would tell, whose answer it
 * asks for when a non-ASCII character comes first (its lower case may be longer, or ASCII).
 */
function startsWithPrefix(text: string, start: number, end: number, prefixes: readonly string[]): boolean {
  const length = end - start;
  for (const p of prefixes) {
    if (p.length > length) continue;
    let k = 0;
    for (; k < p.length; k++) {
      let ch = text.charCodeAt(start + k);
      if (ch >= 128) {
        const word = text.slice(start, end).toLowerCase();
        return prefixes.some((q) => word.startsWith(q));
      }
      if (ch >= 65 && ch <= 90) ch |= 32;
      if (ch !== p.charCodeAt(k)) break;
    }
    if (k === p.length) return true;
  }
  return false;
}

/**
 * Character offsets of the query-term hits in text. `how` is for tests: 'pattern' always runs the
 * regular expression, 'scan' finds the text's words afresh (the default keeps them, see WORDS).
 */
export function hitOffsets(
  text: string,
  terms: readonly string[],
  how: 'kept' | 'scan' | 'pattern' = 'kept',
): number[] {
  const matcher = matcherFor(terms);
  const { source, wanted, ascii } = matcher;
  if (source === undefined) return [];
  if (ascii && how !== 'pattern') {
    const unicode = NON_ASCII.test(text);
    if (!unicode || ascii.complete) {
      return scanHitOffsets(text, ascii, wanted, unicode, how === 'kept');
    }
  }
  matcher.compiled ??= new RegExp(source, 'giu');
  const pattern = matcher.compiled;
  const out: number[] = [];
  for (const m of text.matchAll(pattern)) {
    const w = m[0].toLowerCase();
    if (CJK.test(w) || wanted.has(w) || wanted.has(englishStem(w))) out.push(m.index);
  }
  return out;
}

/** White space other than single plain spaces: what collapseSpaces has to change. */
const UNCOLLAPSED = /\s\s|[^\S ]/;

/**
 * `text` with every run of white space made one space and the ends trimmed, as
 * `text.replace(/\s+/g, ' ').trim()` — but a text that has only single spaces (stored passages
 * mostly do) is not copied: the copy was most of what a search allocated (~150 KB of ~385 KB),
 * and a busy server's garbage-collection pauses are its latency tail.
 */
export function collapseSpaces(text: string): string {
  return UNCOLLAPSED.test(text) ? text.replace(/\s+/g, ' ').trim() : text.trim();
}

/** A passage's text as a snippet shows it: no code fence lines, no backticks (plain text). */
export function snippetText(text: string): string {
  if (!text.includes('`')) return text;
  return text.replace(/^`{3,}[^\n`]*$/gm, ' ').replace(/`/g, '');
}

/** Whether a character code is white space, as `\s` reads it. */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return (
    c === 160 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * The snippet of a text: the whole text with its white space collapsed when it fits in
 * `maxChars`, else the window of `maxChars` characters that holds the most hits, cut at word
 * boundaries, with an ellipsis where text was left out.
 *
 * Hits and the window are found in the text as it is, and only the window is collapsed: a stored
 * passage is about 1,200 characters, most have line breaks, and collapsing the whole of each one
 * (up to 30 per search) was a third of a snippet's time. A line break counts as the one space it
 * becomes, so the window is the one the whole collapsed text would give, unless white space runs
 * (two or more in a row) come before it.
 */
export function makeSnippet(stored: string, terms: readonly string[], maxChars = 240): string {
  const text = snippetText(stored);
  // A text up to twice as long may collapse to fit whole; collapsing it is cheap.
  if (text.length <= maxChars * 2) return snippetOfClean(collapseSpaces(text), terms, maxChars);
  const hits = hitOffsets(text, terms);
  const bestStart = bestWindow(hits, maxChars);
  let start = bestStart;
  // Skip leading white space (the collapsed text is trimmed).
  while (start < text.length && isSpace(text.charCodeAt(start))) start++;
  let lead = false;
  for (let i = start - 1; i >= 0; i--) {
    if (!isSpace(text.charCodeAt(i))) {
      lead = true;
      break;
    }
  }
  if (lead) {
    // Start a little before the first hit so the reader has context, at a word boundary.
    const back = Math.max(0, start - 40);
    let boundary = start - 1;
    while (boundary > back && !isSpace(text.charCodeAt(boundary))) boundary--;
    if (boundary > back) start = boundary + 1;
  }
  // Enough of the text to fill the window once collapsed (each character collapses to at most one).
  const rawEnd = Math.min(text.length, start + maxChars * 2);
  const piece = collapseSpaces(text.slice(start, rawEnd));
  let tail = rawEnd < text.length;
  if (tail) {
    tail = false;
    for (let i = rawEnd; i < text.length; i++) {
      if (!isSpace(text.charCodeAt(i))) {
        tail = true;
        break;
      }
    }
  }
  let end = Math.min(piece.length, maxChars);
  const more = end < piece.length || tail;
  if (end < piece.length) {
    const boundary = piece.lastIndexOf(' ', end);
    if (boundary > maxChars / 2) end = boundary;
  }
  return `${lead ? '… ' : ''}${piece.slice(0, end).trim()}${more ? ' …' : ''}`;
}

/** The start of the window of maxChars characters, starting at a hit, that holds the most hits. */
function bestWindow(hits: readonly number[], maxChars: number): number {
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
  return bestStart;
}

/** makeSnippet over a text already collapsed. */
function snippetOfClean(clean: string, terms: readonly string[], maxChars: number): string {
  if (clean.length <= maxChars) return clean;
  const hits = hitOffsets(clean, terms);
  // Start a little before the first hit so the reader has context, at a word boundary.
  let start = bestWindow(hits, maxChars);
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
