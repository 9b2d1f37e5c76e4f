// What a question asks, from its wording: the kind of answer (a default, a limit or range, a date or
// version, a definition, a how-to, a yes/no, a number, a person, a place) and the identifiers it
// names (`core.autocrlf`, `--name-only`, `path.join()`, `journal_mode`, `PRAGMA`), which the
// answer should be *about*. English and Chinese wording. Pure.
import { asksForVersion, normalizeForMatch } from '../text/index.js';

export { holdsIdentifier, questionIdentifiers } from '../text/index.js';

export type AnswerType =
  | 'definition'
  | 'howto'
  | 'default'
  | 'limit'
  | 'version'
  | 'time'
  | 'number'
  | 'person'
  | 'place'
  | 'yesno'
  | 'other';

/**
 * What a "What is X?" question asks to define ("citebox" for "What is Citebox?"), or undefined
 * for other questions ("What is the capital of France?" asks for a fact, not a definition).
 */
export function definitionSubject(question: string): string | undefined {
  const q = normalizeForMatch(question).replace(/\s+/g, ' ').trim();
  const m =
    /^(?:what|who) (?:is|are|was|were) (?:an? |the )?(.+?) ?\??$/.exec(q) ??
    /^what does (?:an? |the )?(.+?) (?:mean|do|stand for) ?\??$/.exec(q) ??
    /^(?:define|explain) (?:an? |the )?(.+?) ?\??$/.exec(q) ??
    /^什么是(.+?)[？?]?$/u.exec(q) ??
    /^(.+?)是什么[？?]?$/u.exec(q);
  const subject = m?.[1]?.trim();
  if (!subject || subject.split(' ').length > 3) return undefined;
  if (/\b(of|in|on|for|with|from|by|to|at|that|which|when|where|who|how|why|my|your|our)\b/.test(subject))
    return undefined;
  if (/\b(default|maximum|minimum|limit|range|version)\b/.test(subject)) return undefined;
  return subject;
}

const DEFAULT_Q =
  /\bdefaults?\b|\bby default\b|\bout of the box\b|\bif (?:i|you) (?:don'?t|do not) (?:give|set|specify|pass)|默认|缺省/;
const LIMIT_Q =
  /\b(max(imum)?|min(imum)?|limits?|largest|smallest|biggest|longest|shortest|at most|at least|upper bound|lower bound|range of|how (large|big|long) can)\b|最大|最小|上限|下限|范围/;

/**
 * Whether a question asks how to do something ("how do I …"), not which thing does it — also after
 * the situation it comes from ("files I added to .gitignore are still tracked, how do I untrack
 * them?").
 */
export function asksHowTo(question: string): boolean {
  return /(?:^|[,;:—]\s*|\.\s+)(how (do|can|should|would|could) (i|we|you|one)|how to)\b|^\s*(command|steps?) to\b|如何|怎么|怎样/i.test(
    question.trimStart(),
  );
}

export function answerTypeOf(question: string): AnswerType {
  const q = question.toLowerCase();
  // "Who was the oldest …" (谁…年龄最大) asks for a person, not a limit.
  const who = /^\s*(who|whom|whose)\b|谁/.test(q);
  if (DEFAULT_Q.test(q) && !who) return 'default';
  if (asksForVersion(q)) return 'version';
  // "Which internal table stores the largest rowid?" asks for a table, not for a bound: a question
  // that opens with "which" (哪个, 哪种 … anywhere in Chinese) asks for one of the kind it names
  // ("which pragma sets the maximum …", "存储最大 rowid 的是哪个内部表？").
  const which = /^\s*which\b|哪(?:个|些|种|张|一|位|家|条|款)/.test(q);
  if (LIMIT_Q.test(q) && !who && !which) return 'limit';
  if (definitionSubject(question)) return 'definition';
  if (
    /(?:^\s*|[,;:—]\s*|\.\s+)(how (do|can|should|would|could) (i|we|you|one)|how to)\b|^\s*(can|should) (i|we)\b|^\s*(which|what)(?: [\w.-]+){0,3} (command|option|flag|setting|config(uration)? (variable|option|setting)|variable|function|pragma|modifier|switch|argument|parameter|keyword|hook|attribute|macro|operator|filter|subcommand|environment variable)s?\b|\b(command|option|flag) (to|for|that)\b|如何|怎么|怎样/.test(
      q,
    )
  )
    return 'howto';
  if (
    /^\s*(when|what (year|date|time|century|decade|day|month|era|period))\b|\b(in|by|since|until) (what|which) (year|century|decade|month)\b|\bwhat year\b|什么时候|何时|哪一年|哪年|哪个世纪|什么年代|哪天/.test(
      q,
    )
  ) {
    return 'time';
  }
  if (
    /\bhow (many|much|long|far|old|large|big|tall|high|fast|heavy|deep|wide|often)\b|\bwhat (percentage|percent|number|amount|proportion|population|size|length|distance|age|temperature)\b|多少|几/.test(
      q,
    )
  ) {
    return 'number';
  }
  if (/^\s*(who|whom|whose)\b|\b(who|whom|whose)\b.*\?\s*$|\bwhat (person|people)\b|谁/.test(q))
    return 'person';
  if (
    /^\s*where\b|\bwhere\b.*\?\s*$|\b(what|which) (country|city|state|place|region|continent|town|location|river|island)\b|哪里|哪儿|在哪|什么地方|哪个国家|哪座城市/.test(
      q,
    )
  ) {
    return 'place';
  }
  if (/^\s*(is|are|does|do|can|will|was|were|has|have|did)\b|吗[？?]?\s*$|是否/.test(q)) return 'yesno';
  return 'other';
}
