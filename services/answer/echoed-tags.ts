// Small models copy the prompt's markup into their answers: Qwen2.5-Coder 0.5B answered 5 of 20
// Git-manual questions with `<source n="1" title="git-status(1)" section="…"> -s, --short: Give
// the output in the short-format [1]. </source>`, or wrapped a sentence in `<claim>…</claim>`.
// The tags go as the answer streams; a quoted source that carried no marker of its own gets the
// source's `[n]` where it closes, so what it says is checked against that source. Pure: chunks
// in, text out; text that only starts like a tag (`git log <commit>`, `a < b`) is passed on as is.

/** Tags of the prompt (and of models' own habits) that are never part of an answer. */
const TAG_NAMES = ['source', 'sources', 'claim', 'answer'];
/** A tag longer than this (its attributes) is text, not a tag. */
const MAX_TAG = 400;
const MARKER = /\[\d+\]/u;

type Scan =
  | { readonly kind: 'partial' }
  | { readonly kind: 'text' }
  | {
      readonly kind: 'tag';
      readonly name: string;
      readonly closing: boolean;
      readonly n: number | undefined;
    };

/** What the held text (starting with `<`) is so far. */
function scan(held: string): Scan {
  const m = /^<(\/?)([a-z]*)/iu.exec(held);
  if (!m) return { kind: 'text' };
  const closing = m[1] === '/';
  const name = (m[2] ?? '').toLowerCase();
  const afterName = m[0].length;
  if (afterName === held.length) {
    // Still writing the name.
    return TAG_NAMES.some((t) => t.startsWith(name)) ? { kind: 'partial' } : { kind: 'text' };
  }
  if (!TAG_NAMES.includes(name)) return { kind: 'text' };
  const next = held[afterName] as string;
  if (!/[\s>/]/u.test(next)) return { kind: 'text' };
  let quote = '';
  for (let i = afterName; i < held.length; i++) {
    const ch = held[i] as string;
    if (quote) {
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '>') {
      if (i !== held.length - 1) return { kind: 'text' };
      const n = /\bn\s*=\s*["']?(\d{1,3})/u.exec(held.slice(afterName));
      return { kind: 'tag', name, closing, n: n ? Number(n[1]) : undefined };
    }
  }
  return held.length > MAX_TAG ? { kind: 'text' } : { kind: 'partial' };
}

export class EchoedTagStripper {
  #held = '';
  /** The source a `<source n="…">` opened, until its `</source>`. */
  #open: number | undefined;
  /** A marker was passed on since that source opened. */
  #cited = false;
  /** The last characters passed on (a marker arrives a character at a time). */
  #recent = '';

  push(chunk: string): string {
    let out = '';
    for (const ch of chunk) out += this.#char(ch);
    return out;
  }

  end(): string {
    const rest = this.#held;
    this.#held = '';
    return this.#pass(rest);
  }

  #char(ch: string): string {
    if (this.#held === '') {
      if (ch === '<') {
        this.#held = ch;
        return '';
      }
      return this.#pass(ch);
    }
    this.#held += ch;
    const found = scan(this.#held);
    if (found.kind === 'partial') return '';
    const held = this.#held;
    this.#held = '';
    if (found.kind === 'text') {
      // Not a tag: what was held goes on; its last character may open one.
      return this.#pass(held.slice(0, -1)) + this.#char(held.slice(-1));
    }
    if (found.name !== 'source') return '';
    if (!found.closing) {
      this.#open = found.n;
      this.#cited = false;
      this.#recent = '';
      return '';
    }
    const open = this.#open;
    this.#open = undefined;
    return open !== undefined && !this.#cited ? ` [${open}]` : '';
  }

  #pass(text: string): string {
    if (text === '') return text;
    this.#recent = (this.#recent + text).slice(-8);
    if (this.#open !== undefined && MARKER.test(this.#recent)) this.#cited = true;
    return text;
  }
}
