// Word tokens for indexing, querying and overlap scoring. Intl.Segmenter (ICU) splits words in
// every script, including Chinese and Japanese, which have no spaces, by dictionary.

import { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS } from './stopwords.js';

export { CHINESE_STOP_WORDS, ENGLISH_STOP_WORDS };

const wordSegmenter = new Intl.Segmenter('und', { granularity: 'word' });

/** Han, Hiragana, Katakana and Hangul: scripts written without spaces between words (Hangul has spaces but benefits too). */
export const CJK_CHAR =
  /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u{20000}-\u{2fa1f}]/u;

/** Normalizes text for matching: Unicode NFKC (full-width to ASCII etc.) and lower case. */
export function normalizeForMatch(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** Receives a word-like segment of a text as its offsets: text.slice(start, end). */
export type WordSink = (start: number, end: number) => void;

/**
 * Text whose word segmentation `simpleAsciiWords` gives exactly: ASCII without ':' and '_' (the
 * only ASCII characters whose UAX #29 word rules the hand loop leaves out).
 */
const NOT_SIMPLE_ASCII = /[^\x00-\x39\x3b-\x5e\x60-\x7f]/;

const isLetter = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * The word-like segments of simple ASCII text as ICU's word break (UAX #29) finds them, without
 * ICU: runs of letters and digits (WB5, WB8-WB10), joined across one '.' or '\'' between two
 * letters (WB6-7) and across one '.', '\'', ',' or ';' between two digits (WB11-12). wordTokens is
 * 5-6 times faster this way than through Intl.Segmenter, whose every call also leaves a break
 * iterator for the garbage collector to finalize; tokens.test.ts checks it against ICU.
 */
function simpleAsciiWords(text: string, sink: WordSink): void {
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isLetter(text.charCodeAt(i)) && !isDigit(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (isLetter(c) || isDigit(c)) {
        i++;
        continue;
      }
      if (i + 1 < n) {
        const before = text.charCodeAt(i - 1);
        const after = text.charCodeAt(i + 1);
        const dot = c === 46 || c === 39;
        if (dot && isLetter(before) && isLetter(after)) {
          i += 2;
          continue;
        }
        if ((dot || c === 44 || c === 59) && isDigit(before) && isDigit(after)) {
          i += 2;
          continue;
        }
      }
      break;
    }
    sink(start, i);
  }
}

/** Each word-like segment of a text (Intl.Segmenter's word granularity), in order. */
export function forEachWord(text: string, sink: WordSink): void {
  if (!NOT_SIMPLE_ASCII.test(text)) {
    simpleAsciiWords(text, sink);
    return;
  }
  for (const seg of wordSegmenter.segment(text)) {
    if (seg.isWordLike) sink(seg.index, seg.index + seg.segment.length);
  }
}

/** Punctuation ICU keeps at the edges of a word ("e.g" and "u.s" come out whole). */
const EDGE_PUNCTUATION = /^[.'’_-]+|[.'’_-]+$/g;
const EDGE_CHAR = /[.'’_-]/;

/** A word segment without the punctuation ICU keeps at its edges. */
export function trimWordEdges(segment: string): string {
  return EDGE_CHAR.test(segment[0] ?? '') || EDGE_CHAR.test(segment.at(-1) ?? '')
    ? segment.replace(EDGE_PUNCTUATION, '')
    : segment;
}

/** The word-like tokens of a text, normalized, in order. */
export function wordTokens(text: string): string[] {
  const out: string[] = [];
  const normalized = normalizeForMatch(text);
  forEachWord(normalized, (start, end) => {
    const token = trimWordEdges(normalized.slice(start, end));
    if (token.length > 0) out.push(token);
  });
  return out;
}

export function isStopWord(token: string): boolean {
  return ENGLISH_STOP_WORDS.has(token) || CHINESE_STOP_WORDS.has(token);
}

/** Query terms: word tokens without stop words (all tokens if every one is a stop word). */
export function queryTerms(text: string): string[] {
  const tokens = wordTokens(text);
  const content = tokens.filter((t) => !isStopWord(t));
  return content.length > 0 ? content : tokens;
}

/** Counts words the way readers do: CJK characters count one each, other words by tokens. */
const CJK_CHARS = new RegExp(CJK_CHAR.source, 'gu');

export function countWords(text: string): number {
  // Runs on every paragraph the indexer chunks, so no Intl.Segmenter here: CJK characters are
  // counted one by one, then the remaining word runs ("e.g." and "don't" count once, as ICU does).
  let n = 0;
  let rest = text;
  if (CJK_CHAR.test(text)) {
    rest = text.replace(CJK_CHARS, () => {
      n++;
      return ' ';
    });
  }
  return n + countWordRuns(rest);
}

/** A character (code point) words are made of: a letter, a digit or a mark. */
const WORD_CHAR = /^[\p{L}\p{N}\p{M}]$/u;

/**
 * How many words text has: the matches of `[\p{L}\p{N}\p{M}]+(?:['’.][\p{L}\p{N}\p{M}]+)*` (global,
 * Unicode), so "e.g." and "don't" count once, counted in one scan with no match made: a run starts at
 * a word character unless it follows one, directly or across a single `'`, `’` or `.` (a run goes
 * on across one of those only when a word character follows it, so every word character belongs to
 * a run and the one before such a separator ends the run the next one continues).
 */
export function countWordRuns(text: string): number {
  let n = 0;
  // Classes of the previous two code points: 2 a word character, 1 a separator, 0 anything else.
  let prev = 0;
  let prev2 = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let cls: number;
    if (c < 0x80) {
      cls =
        (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)
          ? 2
          : c === 0x27 || c === 0x2e
            ? 1
            : 0;
    } else if (c === 0x2019) {
      cls = 1;
    } else {
      // Outside ASCII the Unicode properties decide, on the whole code point (a surrogate pair too).
      const low = text.charCodeAt(i + 1);
      const pair = c >= 0xd800 && c <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
      cls = WORD_CHAR.test(pair ? text.slice(i, i + 2) : (text[i] as string)) ? 2 : 0;
      if (pair) i++;
    }
    if (cls === 2 && prev !== 2 && !(prev === 1 && prev2 === 2)) n++;
    prev2 = prev;
    prev = cls;
  }
  return n;
}

/**
 * A light English stemmer for overlap scoring (not for the index): folds plural and common verb
 * endings so "landed", "lands" and "landing" meet "land".
 */
export function lightStem(token: string): string {
  if (token.length <= 3 || !/^[a-z]+$/.test(token)) return token;
  if (token.endsWith('ies') && token.length > 4) return `${token.slice(0, -3)}y`;
  if (token.endsWith('sses')) return token.slice(0, -2);
  if (token.endsWith('ing') && token.length > 5) return undouble(token.slice(0, -3));
  if (token.endsWith('ed') && token.length > 4) return undouble(token.slice(0, -2));
  if (token.endsWith('es') && /(?:ches|shes|xes|zes)$/.test(token)) return token.slice(0, -2);
  if (token.endsWith('s') && !token.endsWith('ss') && !token.endsWith('us') && !token.endsWith('is')) {
    return token.slice(0, -1);
  }
  return token;
}

function undouble(stem: string): string {
  return /([bdgmnprt])\1$/.test(stem) ? stem.slice(0, -1) : stem;
}
