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

/** The word-like tokens of a text, normalized, in order. */
export function wordTokens(text: string): string[] {
  const out: string[] = [];
  for (const seg of wordSegmenter.segment(normalizeForMatch(text))) {
    if (!seg.isWordLike) continue;
    // "e.g" and "u.s" come out whole; strip edge punctuation ICU keeps inside a word.
    const token = seg.segment.replace(/^[.'’_-]+|[.'’_-]+$/g, '');
    if (token.length > 0) out.push(token);
  }
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
const WORD_RUN = /[\p{L}\p{N}\p{M}]+(?:['’.][\p{L}\p{N}\p{M}]+)*/gu;

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
  for (const _ of rest.matchAll(WORD_RUN)) n++;
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
