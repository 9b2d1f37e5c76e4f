// Did the model answer in the language of the question? Decided early in the stream, from the
// script when the two languages are written differently, from common words otherwise — and only
// when the evidence is clear, since answers quote names, code and terms in other languages and
// short questions hold few telling words. Pure.
import { CJK_CHAR, detectLanguage, wordTokens } from '../text/index.js';

/** Letters of the answer needed before judging its language. */
export const LANGUAGE_CHECK_LETTERS = 40;

const CJK_LANGS = new Set(['zh', 'ja', 'ko']);

/**
 * Words that are frequent in one language and rare in the others (single letters such as "a",
 * "e", "o", shared by several languages, are left out on purpose).
 */
const TELLING_WORDS: Readonly<Record<string, ReadonlySet<string>>> = {
  en: new Set(
    'the and of to is are was were that this with for from what which who how why when where does did can could should would have has not'.split(
      ' ',
    ),
  ),
  de: new Set(
    'der die das und ist nicht ein eine mit sich auf für wie ich wird sind dem den des zu oder auch'.split(
      ' ',
    ),
  ),
  fr: new Set(
    'le la les et est des une du que pour dans pas qui comment je sont au aux avec ce cette'.split(' '),
  ),
  es: new Set('el los las es que del una por para con cómo qué son está como pero su sus'.split(' ')),
  it: new Set('il di che è una non con del della sono gli nel questo'.split(' ')),
  pt: new Set('os da um uma para não com como são está ao dos das mais isso'.split(' ')),
  nl: new Set('het een van dat niet op met voor zijn hoe wat ook aan'.split(' ')),
};

function letterCounts(text: string): { letters: number; cjk: number } {
  let letters = 0;
  let cjk = 0;
  for (const ch of text) {
    if (CJK_CHAR.test(ch)) {
      cjk++;
      letters++;
    } else if (/\p{L}/u.test(ch)) {
      letters++;
    }
  }
  return { letters, cjk };
}

/** Telling-word hits per Latin-script language, best first. */
function latinScores(text: string): Array<{ lang: string; hits: number }> {
  const tokens = wordTokens(text);
  return Object.entries(TELLING_WORDS)
    .map(([lang, words]) => ({ lang, hits: tokens.filter((t) => words.has(t)).length }))
    .sort((a, b) => b.hits - a.hits);
}

/** Whether a text is mostly in a script other than Latin and Han (Cyrillic, Arabic, …). */
function otherScript(text: string): boolean {
  const other =
    text.match(/[\u0400-\u04ff\u0600-\u06ff\u0590-\u05ff\u0e00-\u0e7f\u0370-\u03ff\u0900-\u097f]/gu)
      ?.length ?? 0;
  const { letters } = letterCounts(text);
  return letters > 0 && other / letters > 0.3;
}

/** The question's language when it is clear, else undefined (then no language is enforced). */
export function questionLanguage(question: string): string | undefined {
  const { letters, cjk } = letterCounts(question);
  if (letters === 0) return undefined;
  if (cjk / letters > 0.3 || otherScript(question)) return detectLanguage(question);
  const [best, second] = latinScores(question);
  if (!best || best.hits === 0 || best.hits === second?.hits) return undefined;
  // One telling word is enough for English, the default of the field; other languages need two.
  return best.lang === 'en' || best.hits >= 2 ? best.lang : undefined;
}

/**
 * The language the answer is written in when it is clearly not `expected`, or undefined when it
 * matches or it is too early to tell.
 */
export function wrongLanguage(expected: string | undefined, answer: string): string | undefined {
  if (!expected) return undefined;
  const { letters, cjk } = letterCounts(answer);
  // Chinese or Japanese characters carry more per character: fewer are enough.
  if (letters < LANGUAGE_CHECK_LETTERS && cjk < LANGUAGE_CHECK_LETTERS / 2) return undefined;
  const share = cjk / letters;
  if (CJK_LANGS.has(expected)) {
    // Chinese answers quote Latin names and code; only an answer almost without CJK is wrong.
    if (share < 0.1)
      return otherScript(answer) ? detectLanguage(answer) : (latinScores(answer)[0]?.lang ?? 'en');
    const got = detectLanguage(answer);
    return got && CJK_LANGS.has(got) && got !== expected && share > 0.5 ? got : undefined;
  }
  if (share > 0.5 || otherScript(answer)) {
    const got = detectLanguage(answer);
    return got && got !== expected ? got : undefined;
  }
  if (!(expected in TELLING_WORDS)) return undefined;
  // Both in Latin script: judge by telling words, on enough of them.
  const scores = latinScores(answer);
  const best = scores[0];
  const mine = scores.find((s) => s.lang === expected)?.hits ?? 0;
  if (!best || best.lang === expected || best.hits < 4 || mine * 3 > best.hits) return undefined;
  return best.lang;
}
