// What a question asks, from its wording: the kind of answer (a default, a limit or range, a date or
// version, a definition, a how-to, a yes/no, a number, a person, a place) and the identifiers it
// names (`core.autocrlf`, `--name-only`, `path.join()`, `journal_mode`, `PRAGMA`), which the
// answer should be *about*. English and Chinese wording. Pure.
import { normalizeForMatch } from '../text/index.js';

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

const DEFAULT_Q = /\bdefaults?\b|\bby default\b|\bout of the box\b|\bif (?:i|you) (?:don'?t|do not) (?:give|set|specify|pass)|默认|缺省/;
const LIMIT_Q =
  /\b(max(imum)?|min(imum)?|limits?|largest|smallest|biggest|longest|shortest|at most|at least|upper bound|lower bound|range of|how (large|big|long) can)\b|最大|最小|上限|下限|范围/;
const VERSION_Q =
  /\b(which|what) (?:[\w.-]+ )?(version|release)\b|\bsince (which|what|when)\b|\bversion\b.*\b(added|introduced|removed|deprecated|changed|default|first)\b|\b(added|introduced|deprecated|removed) in\b|哪个版本|哪一版/;

export function answerTypeOf(question: string): AnswerType {
  const q = question.toLowerCase();
  if (DEFAULT_Q.test(q)) return 'default';
  if (VERSION_Q.test(q)) return 'version';
  if (LIMIT_Q.test(q)) return 'limit';
  if (definitionSubject(question)) return 'definition';
  if (
    /^\s*(how (do|can|should|would|could) (i|we|you|one)|how to)\b|^\s*(can|should) (i|we)\b|^\s*(which|what) (command|option|flag|setting|config(uration)? (variable|option|setting)|variable|function|pragma|modifier|switch|argument|parameter|keyword)s?\b|\b(command|option|flag) (to|for|that)\b|如何|怎么|怎样/.test(
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

/** Words that look like identifiers but are ordinary in questions ("I", "OK"). */
const NOT_IDENTIFIERS = new Set(['i', 'ok', 'a', 'vs', 'eg', 'ie', 'etc']);

/**
 * The identifiers a question names, lower case: dotted names (`core.autocrlf`, `path.join`),
 * options (`--name-only`, `-p`), snake_case and camelCase names, calls (`group_concat()`), words in
 * backticks, and upper-case words in a question written in lower case (`UU`, `PRAGMA`, `VACUUM`).
 */
export function questionIdentifiers(question: string): string[] {
  const out = new Set<string>();
  const add = (raw: string) => {
    const id = raw
      .toLowerCase()
      .replace(/\(\s*\)$/, '')
      .replace(/^[("'`]+|[)"'`,;:?!.]+$/g, '');
    if (id.length >= 2 && !NOT_IDENTIFIERS.has(id)) out.add(id);
  };
  for (const m of question.matchAll(/`([^`]{2,60})`/g)) add(m[1] as string);
  const text = question.replace(/`[^`]*`/g, ' ');
  for (const m of text.matchAll(/(?<![\w-])--?[a-z][\w-]*(?:=[\w.-]+)?/gi)) add(m[0].replace(/=.*$/, ''));
  for (const m of text.matchAll(/(?<![\w.])[a-z_][\w-]*(?:\.[\w<>*-]+)+(?:\(\))?/gi)) {
    // A sentence's full stop is not a dotted name ("… the default. Then").
    if (/\.[a-z<*]/i.test(m[0])) add(m[0]);
  }
  for (const m of text.matchAll(/\b[a-z][a-z0-9]*_[a-z0-9_]+\b/gi)) add(m[0]);
  for (const m of text.matchAll(/\b[a-z]+[A-Z][A-Za-z0-9]*\b/g)) add(m[0]);
  for (const m of text.matchAll(/\b[a-z_][\w.]*\(\)?/gi)) if (m[0].endsWith('(') || m[0].endsWith('()')) add(m[0].replace(/\($/, ''));
  // Upper-case words stand out only when the rest of the question is not written in capitals.
  const letters = text.replace(/[^A-Za-z]/g, '');
  const upper = letters.replace(/[^A-Z]/g, '').length;
  if (letters.length > 0 && upper / letters.length < 0.5) {
    for (const m of text.matchAll(/\b[A-Z][A-Z0-9_]{1,30}\b/g)) if (m[0] !== 'I') add(m[0]);
  }
  return [...out];
}

/** Whether `text` (lower case) holds `id` as a whole identifier, not inside a longer one. */
export function holdsIdentifier(text: string, id: string): boolean {
  let at = text.indexOf(id);
  while (at >= 0) {
    const before = at === 0 ? '' : (text[at - 1] as string);
    const after = text[at + id.length] ?? '';
    const afterNext = text[at + id.length + 1] ?? '';
    const edgeBefore = before === '' || !/[\w.-]/.test(before);
    // A trailing full stop ends a sentence; "-", "." before a letter, or a letter continue the name.
    const edgeAfter =
      after === '' || after === '(' || !/[\w.-]/.test(after) || (after === '.' && !/\w/.test(afterNext));
    if (edgeBefore && edgeAfter) return true;
    at = text.indexOf(id, at + 1);
  }
  return false;
}
