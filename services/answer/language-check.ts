// Did the model answer in the language of the question? Decided early in the stream, from the
// script when the two languages are written differently, from common words otherwise; only when
// the evidence is clear, since answers quote names, code and terms in other languages. Pure.
import { CJK_CHAR, detectLanguage } from '../text/index.js';

/** Letters of the answer needed before judging its language. */
export const LANGUAGE_CHECK_LETTERS = 40;

const CJK_LANGS = new Set(['zh', 'ja', 'ko']);

function letterShares(text: string): { letters: number; cjk: number } {
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

/** The question's language, when clear enough to hold an answer to it. */
export function questionLanguage(question: string): string | undefined {
  const { letters, cjk } = letterShares(question);
  if (letters === 0) return undefined;
  if (cjk / letters > 0.3) return detectLanguage(question);
  const words = question.split(/\s+/).filter(Boolean).length;
  // Short Latin-script questions without function words default to English in detectLanguage;
  // too weak to hold an answer to.
  return words >= 3 ? detectLanguage(question) : undefined;
}

/**
 * The language the answer is written in when it is clearly not `expected`, or undefined when it
 * matches or it is too early to tell.
 */
export function wrongLanguage(expected: string | undefined, answer: string): string | undefined {
  if (!expected) return undefined;
  const { letters, cjk } = letterShares(answer);
  if (letters < LANGUAGE_CHECK_LETTERS) return undefined;
  const share = cjk / letters;
  if (CJK_LANGS.has(expected)) {
    // Chinese answers quote Latin names and code; only an answer almost without CJK is wrong.
    if (share < 0.1) return detectLanguage(answer) ?? 'en';
    const got = detectLanguage(answer);
    return got && CJK_LANGS.has(got) && got !== expected && share > 0.5 ? got : undefined;
  }
  if (share > 0.5) return detectLanguage(answer);
  if (/[\u0400-\u04ff\u0600-\u06ff\u0590-\u05ff\u0e00-\u0e7f\u0370-\u03ff\u0900-\u097f]/u.test(answer)) {
    const got = detectLanguage(answer);
    return got && got !== expected ? got : undefined;
  }
  // Both in Latin script: judge by common words, on enough text.
  if (answer.split(/\s+/).length < 12) return undefined;
  const got = detectLanguage(answer);
  return got && got !== expected ? got : undefined;
}
