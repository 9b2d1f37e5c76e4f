// The analyzer behind the search index, queries and re-ranking: text → a stream of terms, each with
// its surface form. Surface = NFKC, lower case, Latin diacritics folded; term = the surface's
// English (Porter) stem for ASCII words, the surface otherwise. Chinese and Japanese runs are
// segmented (cjk.ts); Thai, Lao, Khmer and Myanmar by ICU. The index stores surfaces and lets
// FTS5's own Porter tokenizer stem them (the `stemmer` package used here gives the same stems: all
// 45,156 words of the shared collections were compared), so pure ASCII text reaches SQLite almost
// untouched: indexing speed is bound by prepareForIndex.
import { type CjkSegmentation, segmentCjkRun } from './cjk.js';
import { englishStem } from './stem.js';

export interface AnalyzerOptions {
  readonly cjk: CjkSegmentation;
}

export const DEFAULT_ANALYZER: AnalyzerOptions = Object.freeze({ cjk: 'bigram' });

/** Receives each token in order: its term (what the index stores) and its surface form. */
export type TokenSink = (term: string, surface: string) => void;

const NON_ASCII = /[^\x00-\x7f]/;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** Scripts that need segmentation: Han, Kana, Thai, Lao, Myanmar, Khmer. */
const NEEDS_SEGMENTATION =
  /[\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]/u;
const SCRIPT_RUN =
  /([\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}\u3005\u30fc]+)|([\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+)|([^\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2fa1f}\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]+)/gu;
const LATIN_DIACRITIC = /[\u00c0-\u024f\u1e00-\u1eff]/;
const COMBINING = /[\u0300-\u036f]/g;
const seaSegmenter = new Intl.Segmenter('und', { granularity: 'word' });

function emitWord(word: string, sink: TokenSink, stem: boolean): void {
  const surface = LATIN_DIACRITIC.test(word) ? word.normalize('NFD').replace(COMBINING, '') : word;
  sink(stem ? englishStem(surface) : surface, surface);
}

/** Letter runs of two or more inside a token that mixes letters and digits ("pge2" → "pge"). */
const LETTER_RUNS = /[a-z]{2,}/g;

/** Receives each token of lower-case ASCII text as its offsets: text.slice(start, end). */
export type OffsetSink = (start: number, end: number) => void;

/** Whether text is all ASCII (then `asciiTokenOffsets` over its lower case is its analysis). */
export function isAscii(text: string): boolean {
  return !NON_ASCII.test(text);
}

/**
 * Tokens of lower-case ASCII text, as offsets: runs of letters and digits (a hand loop: no match
 * objects, no substrings). A token mixing letters and digits also yields its letter runs of two
 * or more, as Lucene's word-delimiter filter does with preserveOriginal: "FoxO3a" finds "FOXO",
 * "IL6" finds "IL-6". Returns the number of tokens.
 */
export function asciiTokenOffsets(lower: string, sink: OffsetSink): number {
  let count = 0;
  let start = -1;
  let letters = false;
  let digits = false;
  const n = lower.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? lower.charCodeAt(i) : 32;
    const letter = c >= 97 && c <= 122;
    const digit = c >= 48 && c <= 57;
    if (letter || digit) {
      if (start < 0) {
        start = i;
        letters = false;
        digits = false;
      }
      if (letter) letters = true;
      else digits = true;
    } else if (start >= 0) {
      sink(start, i);
      count++;
      if (letters && digits) count += letterRunOffsets(lower, start, i, sink);
      start = -1;
    }
  }
  return count;
}

/** The letter runs of two or more in lower[from, to), as offsets. */
function letterRunOffsets(lower: string, from: number, to: number, sink: OffsetSink): number {
  let count = 0;
  let run = -1;
  for (let i = from; i <= to; i++) {
    const c = i < to ? lower.charCodeAt(i) : 32;
    if (c >= 97 && c <= 122) {
      if (run < 0) run = i;
    } else if (run >= 0) {
      if (i - run >= 2) {
        sink(run, i);
        count++;
      }
      run = -1;
    }
  }
  return count;
}

/** Tokens of lower-case ASCII text (asciiTokenOffsets) as terms and surfaces. */
function analyzeAscii(lower: string, sink: TokenSink, stem: boolean): number {
  return asciiTokenOffsets(lower, (start, end) => {
    const w = lower.slice(start, end);
    sink(stem ? englishStem(w) : w, w);
  });
}

function emitLetterRuns(word: string, sink: TokenSink, stem: boolean): number {
  let count = 0;
  for (const m of word.matchAll(LETTER_RUNS)) {
    sink(stem ? englishStem(m[0]) : m[0], m[0]);
    count++;
  }
  return count;
}

const ASCII_TOKEN = /^[a-z0-9]+$/;
const MIXED = /[a-z][0-9]|[0-9][a-z]/;

/**
 * Runs the analyzer over text, calling sink for every token. Returns the number of tokens. With
 * `stem` false the term passed is the surface (callers that stem only what they need).
 */
export function analyze(text: string, options: AnalyzerOptions, sink: TokenSink, stem = true): number {
  if (!NON_ASCII.test(text)) return analyzeAscii(text.toLowerCase(), sink, stem);
  let count = 0;
  const counted: TokenSink = (term, surface) => {
    count++;
    sink(term, surface);
  };
  const normalized = text.normalize('NFKC').toLowerCase();
  for (const m of normalized.matchAll(WORD)) {
    const word = m[0];
    if (ASCII_TOKEN.test(word)) {
      counted(stem ? englishStem(word) : word, word);
      if (MIXED.test(word)) emitLetterRuns(word, counted, stem);
    } else if (!NEEDS_SEGMENTATION.test(word)) {
      emitWord(word, counted, stem);
    } else {
      for (const run of word.matchAll(SCRIPT_RUN)) {
        if (run[1] !== undefined) {
          segmentCjkRun(run[1], options.cjk, (token) => counted(token, token));
        } else if (run[2] !== undefined) {
          for (const seg of seaSegmenter.segment(run[2])) {
            if (seg.isWordLike) counted(seg.segment, seg.segment);
          }
        } else if (run[3] !== undefined) {
          emitWord(run[3], counted, stem);
        }
      }
    }
  }
  return count;
}

/** Text as the full-text index takes it, and its number of tokens. */
export interface IndexText {
  readonly text: string;
  readonly length: number;
}

/**
 * One pass over ASCII text: its tokens (runs of letters and digits) are counted, and each token
 * mixing letters and digits gets its lower-case letter runs appended after it, as analyze() emits
 * them. Returns the text unchanged when no token mixes.
 */
function prepareAscii(text: string): IndexText {
  let count = 0;
  let start = -1;
  let letters = false;
  let digits = false;
  let out: string[] | undefined;
  let copied = 0;
  const n = text.length;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 32;
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    const digit = c >= 48 && c <= 57;
    if (letter || digit) {
      if (start < 0) {
        start = i;
        letters = false;
        digits = false;
      }
      if (letter) letters = true;
      else digits = true;
    } else if (start >= 0) {
      count++;
      if (letters && digits) {
        const runs = text.slice(start, i).toLowerCase().match(LETTER_RUNS);
        if (runs) {
          out ??= [];
          out.push(text.slice(copied, i), ` ${runs.join(' ')}`);
          copied = i;
          count += runs.length;
        }
      }
      start = -1;
    }
  }
  if (!out) return { text, length: count };
  out.push(text.slice(copied));
  return { text: out.join(''), length: count };
}

/**
 * A field prepared for FTS5's `porter unicode61` tokenizer, which lower-cases and stems: plain ASCII
 * text passes as it is (with the letter runs of mixed tokens added after them, as analyze() emits
 * them); other text is replaced by its analyzed surface forms, segmented, separated by spaces.
 */
export function prepareForIndex(text: string, options: AnalyzerOptions = DEFAULT_ANALYZER): IndexText {
  if (!NON_ASCII.test(text)) return prepareAscii(text);
  const surfaces: string[] = [];
  const length = analyze(text, options, (_term, surface) => surfaces.push(surface), false);
  return { text: surfaces.join(' '), length };
}

/** The terms of a text, in order. */
export function analyzeTerms(text: string, options: AnalyzerOptions = DEFAULT_ANALYZER): string[] {
  const out: string[] = [];
  analyze(text, options, (term) => out.push(term));
  return out;
}
