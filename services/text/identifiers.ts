// Identifiers in questions and text: the names of settings, options, functions and commands that
// documentation defines (`core.autocrlf`, `--name-only`, `path.join()`, `journal_mode`, `PRAGMA`).
// A question that names one wants the passage that defines it. Pure.

const VERSION_QUESTION =
  /\b(which|what) (?:[\w.-]+ )?(version|release)\b|\bsince (which|what|when)\b|\bversion\b.*\b(added|introduced|removed|deprecated|changed|default|first)\b|\b(added|introduced|deprecated|removed) in\b|\bfirst (\w+ )?release\b|哪个版本|哪一版/i;

/** Whether a question asks for a version or release ("which version added …", "since when"). */
export function asksForVersion(question: string): boolean {
  return VERSION_QUESTION.test(question);
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
  let text = question.replace(/`[^`]*`/g, ' ');
  // Options and dotted names first; what they matched is not read again as parts.
  text = text.replace(/(?<![\w-])--?[a-z][\w-]*(?:=[\w.-]+)?/gi, (m) => {
    add(m.replace(/=.*$/, ''));
    return ' ';
  });
  text = text.replace(/(?<![\w.])[a-z_][\w-]*(?:\.[\w<>*-]+)+(?:\(\))?/gi, (m) => {
    // A sentence's full stop is not a dotted name ("… the default. Then").
    if (!/\.[a-z<*]/i.test(m)) return m;
    add(m);
    return ' ';
  });
  for (const m of text.matchAll(/\b[a-z][a-z0-9]*_[a-z0-9_]+\b/gi)) add(m[0]);
  for (const m of text.matchAll(/\b[a-z]+[A-Z][A-Za-z0-9]*\b/g)) add(m[0]);
  for (const m of text.matchAll(/\b[a-z_][\w]*\(\)?/gi)) add(m[0].replace(/\(\)?$/, ''));
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

/**
 * Whether a question names an identifier by its shape (a dotted name, an option, snake_case or
 * camelCase, a call, backticks) — not only a word in capitals, which prose questions are full of
 * (NFL, BBC) and which is worth a closer look only beside other signs.
 */
export function namesShapedIdentifier(question: string): boolean {
  return questionIdentifiers(question).some((id) => !/^[a-z0-9]+$/.test(id));
}
