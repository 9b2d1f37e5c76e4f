// Language detection good enough to route analysis: script first (Han, Kana, Hangul, Cyrillic,
// Arabic…), then, for Latin text, the share of each language's most frequent words.

const SCRIPT_RULES: ReadonlyArray<readonly [RegExp, string]> = [
  [/[\u3040-\u30ff]/gu, 'ja'],
  [/[\uac00-\ud7af]/gu, 'ko'],
  [/[\u4e00-\u9fff\u3400-\u4dbf]/gu, 'zh'],
  [/[\u0400-\u04ff]/gu, 'ru'],
  [/[\u0600-\u06ff]/gu, 'ar'],
  [/[\u0590-\u05ff]/gu, 'he'],
  [/[\u0e00-\u0e7f]/gu, 'th'],
  [/[\u0370-\u03ff]/gu, 'el'],
  [/[\u0900-\u097f]/gu, 'hi'],
];

const LATIN_WORDS: Readonly<Record<string, readonly string[]>> = {
  en: [
    'the',
    'and',
    'of',
    'to',
    'is',
    'in',
    'that',
    'it',
    'for',
    'was',
    'with',
    'as',
    'on',
    'are',
    'how',
    'what',
    'do',
    'i',
    'a',
    'an',
    'or',
    'be',
    'not',
    'this',
    'by',
    'from',
    'which',
    'who',
    'when',
    'where',
    'why',
    'does',
    'can',
    'did',
    'has',
    'have',
  ],
  de: [
    'der',
    'die',
    'und',
    'das',
    'ist',
    'nicht',
    'zu',
    'ein',
    'eine',
    'mit',
    'sich',
    'auf',
    'für',
    'wie',
    'was',
    'ich',
  ],
  fr: [
    'le',
    'la',
    'les',
    'et',
    'est',
    'des',
    'un',
    'une',
    'du',
    'que',
    'pour',
    'dans',
    'pas',
    'qui',
    'comment',
    'je',
  ],
  es: [
    'el',
    'la',
    'los',
    'las',
    'y',
    'es',
    'que',
    'del',
    'en',
    'un',
    'una',
    'por',
    'para',
    'con',
    'cómo',
    'qué',
  ],
  it: ['il', 'la', 'di', 'che', 'e', 'è', 'un', 'una', 'per', 'non', 'con', 'del', 'della', 'come', 'sono'],
  pt: ['o', 'a', 'os', 'as', 'de', 'que', 'e', 'é', 'do', 'da', 'um', 'uma', 'para', 'não', 'com', 'como'],
  nl: ['de', 'het', 'een', 'en', 'van', 'is', 'dat', 'niet', 'op', 'te', 'met', 'voor', 'zijn', 'hoe', 'wat'],
};

/**
 * Detects the language of a text as a BCP 47 primary tag ("en", "zh", "ja", …), or undefined
 * when there is too little text to tell.
 */
export function detectLanguage(text: string): string | undefined {
  const sample = text.length > 4000 ? text.slice(0, 4000) : text;
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return undefined;
  // Kana decides Japanese even in Han-heavy text; otherwise the dominant non-Latin script wins.
  let best: string | undefined;
  let bestCount = 0;
  for (const [pattern, lang] of SCRIPT_RULES) {
    const count = sample.match(pattern)?.length ?? 0;
    if (lang === 'ja' && count >= 2 && count / letters > 0.05) return 'ja';
    if (count > bestCount) {
      best = lang;
      bestCount = count;
    }
  }
  if (best && bestCount / letters > 0.3) return best;
  const tokens = sample.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  if (tokens.length === 0) return undefined;
  const scores = new Map<string, number>();
  for (const [lang, words] of Object.entries(LATIN_WORDS)) {
    const set = new Set(words);
    scores.set(lang, tokens.filter((t) => set.has(t)).length);
  }
  for (const [lang, letters] of Object.entries(LATIN_LETTERS)) {
    if (letters.test(sample)) scores.set(lang, (scores.get(lang) ?? 0) + 1);
  }
  // English unless another language has real evidence: two signs, more than English has. Short
  // queries without function words ("crawl robots.txt") are most likely English, and one shared
  // word ("a" is Portuguese and Italian too) is no evidence.
  const english = scores.get('en') ?? 0;
  let latin = 'en';
  let latinScore = english;
  for (const [lang, score] of scores) {
    if (lang !== 'en' && score >= 2 && score > english && score > latinScore) {
      latin = lang;
      latinScore = score;
    }
  }
  return latin;
}

/** Letters that betray a Latin-script language (one sign each). */
const LATIN_LETTERS: Readonly<Record<string, RegExp>> = {
  de: /[äöüß]/i,
  fr: /[çèêëîïœ]/i,
  es: /[ñ¿¡]/i,
  pt: /[ãõ]/i,
};

/** The primary subtag of a BCP 47 tag, lower case ("zh-Hans-CN" → "zh"). */
export function primaryLanguage(tag: string | undefined): string | undefined {
  if (!tag) return undefined;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return primary && /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}
