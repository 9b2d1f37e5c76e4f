// Word tokens for indexing, querying and overlap scoring. Intl.Segmenter (ICU) splits words in
// every script, including Chinese and Japanese, which have no spaces, by dictionary.

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

/** A small English stop-word list: words too common to carry meaning in a query. */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been being but by can could did do does doing for from had has have having he her ' +
    'here hers him his how i if in into is it its itself me my of on or our ours she should so than that the their ' +
    'theirs them then there these they this those to too us was we were what when where which while who whom why ' +
    'will with would you your yours about after again against all am any because before below between both during ' +
    'each few further more most no nor not now off once only other out over own same some such through under until ' +
    'up very just also s t'
  ).split(' '),
);

/** Chinese function words that carry no meaning in a query. */
export const CHINESE_STOP_WORDS: ReadonlySet<string> = new Set(
  '的 了 是 在 和 与 及 或 也 都 就 而 之 于 为 被 把 对 从 以 其 这 那 个 些 什么 哪 哪个 哪些 谁 多少 何 吗 呢 吧 啊 么 怎么 怎样 如何 为什么 有 一个'.split(
    ' ',
  ),
);

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
export function countWords(text: string): number {
  let n = 0;
  for (const token of wordTokens(text)) {
    n += CJK_CHAR.test(token) ? [...token].filter((c) => CJK_CHAR.test(c)).length : 1;
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
