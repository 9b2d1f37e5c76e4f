// A streaming parser for the citation markers a model writes, robust to what small models do:
// `[1]`, `[1, 2]`, `[1][2]`, `[1-3]`, `[Source 1]`, `[^1]`, full-width `【1】` / `［1］`, `【1†source】`,
// `(1)` where it cannot be anything else, and markers split across stream chunks. Text inside
// Markdown code (inline or fenced) is left alone. Numbers that point at no source are dropped.
// Pure: chunks in, tokens out.

export type CitationToken =
  | { readonly type: 'text'; readonly text: string }
  /** `space`: the whitespace before the marker, which goes if the marker does. */
  | { readonly type: 'cite'; readonly numbers: readonly number[]; readonly space: string };

const CLOSERS: Readonly<Record<string, string>> = {
  '[': ']',
  '【': '】',
  '［': '］',
  '(': ')',
  '（': '）',
};

const LABEL = '(?:sources?|src|passages?|docs?|documents?|refs?|references?|citations?|来源|资料)';
const NUMBER_ITEM = String.raw`(?:${LABEL}\s*[:#]?\s*)?\d{1,3}(?:†[^\]】］)）\n]{0,24})?`;
const SEPARATOR = String.raw`\s*(?:[,，、;；&]|and|[-–])\s*`;
/** Body of a marker between its brackets (the brackets are checked separately). */
const MARKER_BODY = new RegExp(
  String.raw`^\s*\^?\s*(${NUMBER_ITEM}(?:${SEPARATOR}${NUMBER_ITEM})*)\s*$`,
  'iu',
);
/** Characters a marker body may hold; anything else proves the bracket is not a marker. */
const MARKER_CHARS = /^[\s\w^:#,，、;；&†\-–来源资料]*$/u;
const MAX_MARKER_CHARS = 48;
/** What may follow an unlabelled `(n)` for it to count as a citation and not as an enumeration. */
const AFTER_PAREN_CITATION = /^[.,;:!?。，；：！？、)\]\n[(【]/u;
const LINK_TARGET = /^\(\s*(?:https?:\/\/|www\.|\/|#)[^\s)]*\s*\)/u;
const MAX_LINK_CHARS = 400;

type Match = { readonly end: number; readonly numbers: number[] } | 'partial' | undefined;

export class CitationParser {
  readonly #sourceCount: number;
  #buffer = '';
  /** Inside Markdown code: the backtick run that opened it. */
  #code: { readonly fence: boolean; readonly ticks: number } | undefined;
  /** Whitespace withheld until we know whether a dropped marker follows it. */
  #space = '';
  /** The last character passed on (or withheld), for the `f(1)` check. */
  #last = '\n';
  /** Only whitespace or list bullets since the last line break. */
  #lineStart = true;

  constructor(sourceCount: number) {
    this.#sourceCount = sourceCount;
  }

  /** Feeds a chunk of the model's output; returns the tokens that are settled. */
  push(chunk: string): CitationToken[] {
    this.#buffer += chunk;
    return this.#drain(false);
  }

  /** Settles whatever is left at the end of the output. */
  end(): CitationToken[] {
    return this.#drain(true);
  }

  #drain(final: boolean): CitationToken[] {
    const out: CitationToken[] = [];
    const buf = this.#buffer;
    let text = '';
    let i = 0;
    const emitText = () => {
      if (text.length === 0) return;
      out.push({ type: 'text', text: this.#space + text });
      this.#space = '';
      text = '';
    };
    const take = (piece: string) => {
      text += piece;
      for (const ch of piece) this.#see(ch);
    };
    while (i < buf.length) {
      const c = buf[i] as string;
      if (c === '`') {
        let run = 1;
        while (buf[i + run] === '`') run++;
        if (i + run === buf.length && !final) break; // the run may continue in the next chunk
        const fence = run >= 3;
        if (!this.#code) this.#code = { fence, ticks: run };
        else if (this.#code.fence ? fence && run >= this.#code.ticks : !fence && run === this.#code.ticks) {
          this.#code = undefined;
        }
        take(buf.slice(i, i + run));
        i += run;
        continue;
      }
      if (this.#code) {
        // Inline code does not run past the end of a line; fences do.
        if (c === '\n' && !this.#code.fence) this.#code = undefined;
        take(c);
        i++;
        continue;
      }
      if (c in CLOSERS) {
        const match = this.#match(buf, i, final);
        if (match === 'partial') break;
        if (match) {
          if (/\s$/.test(text)) {
            const trailing = text.match(/\s+$/)?.[0] ?? '';
            text = text.slice(0, text.length - trailing.length);
            emitText();
            this.#space += trailing;
          } else {
            emitText();
          }
          // A kept marker keeps the space before it; a dropped one takes it along.
          if (match.numbers.length > 0)
            out.push({ type: 'cite', numbers: match.numbers, space: this.#space });
          this.#space = '';
          this.#last = ']';
          this.#lineStart = false;
          i = match.end;
          continue;
        }
      }
      take(c);
      i++;
    }
    this.#buffer = buf.slice(i);
    if (final) {
      take(this.#buffer);
      this.#buffer = '';
      emitText();
      if (this.#space) out.push({ type: 'text', text: this.#space });
      this.#space = '';
      return out;
    }
    // Withhold trailing whitespace outside code: a dropped marker may follow it.
    if (!this.#code) {
      const trailing = text.match(/\s+$/)?.[0] ?? '';
      if (trailing.length > 0 && trailing.length < text.length) {
        text = text.slice(0, text.length - trailing.length);
        emitText();
        this.#space = trailing;
      } else if (trailing.length > 0) {
        this.#space += trailing;
        text = '';
      } else {
        emitText();
      }
    } else {
      emitText();
    }
    return out;
  }

  #see(ch: string): void {
    if (ch === '\n') this.#lineStart = true;
    else if (!/[\s\-*+•\d.]/u.test(ch)) this.#lineStart = false;
    this.#last = ch;
  }

  /** A citation marker starting at buf[i], 'partial' when more input may complete one, or undefined. */
  #match(buf: string, i: number, final: boolean): Match {
    const open = buf[i] as string;
    const close = CLOSERS[open] as string;
    const paren = open === '(' || open === '（';
    const at = buf.indexOf(close, i + 1);
    if (at < 0 && buf.length - i - 1 >= MAX_MARKER_CHARS) return undefined;
    const window = buf.slice(i + 1, at < 0 ? Math.min(buf.length, i + 1 + MAX_MARKER_CHARS) : at);
    if (window.length > MAX_MARKER_CHARS || !MARKER_CHARS.test(window)) return undefined;
    if (at < 0) return final ? undefined : 'partial';
    const body = MARKER_BODY.exec(window);
    if (!body) return undefined;
    const labelled = new RegExp(LABEL, 'iu').test(window);
    const numbers = parseNumbers(body[1] as string);
    let end = at + 1;
    if (paren) {
      if (!labelled) {
        // `(1)` is a citation only after a word and a space, not at the start of a line (an
        // enumeration), not glued to a word (`f(1)`), and followed by punctuation or a line end.
        if (this.#lineStart || !/\s/u.test(this.#last)) return undefined;
        const next = buf[end];
        if (next === undefined) {
          if (!final) return 'partial';
        } else if (!AFTER_PAREN_CITATION.test(next)) {
          return undefined;
        }
      }
      if (numbers.length === 0 || numbers.some((n) => n < 1 || n > this.#sourceCount)) return undefined;
      return { end, numbers };
    }
    // `[1](https://…)`: a Markdown link dressed as a citation; the link target goes.
    const next = buf[end];
    if (next === undefined && !final) return 'partial';
    if (next === '(') {
      const closing = buf.indexOf(')', end);
      if (closing < 0) {
        if (!final && buf.length - end < MAX_LINK_CHARS) return 'partial';
      } else {
        const link = LINK_TARGET.exec(buf.slice(end, closing + 1));
        if (link) end += link[0].length;
      }
    }
    return { end, numbers: numbers.filter((n) => n >= 1 && n <= this.#sourceCount) };
  }
}

/** "1, 2", "1-3", "Source 1 and 4" → [1, 2], [1, 2, 3], [1, 4]; duplicates removed, order kept. */
function parseNumbers(body: string): number[] {
  const out: number[] = [];
  const add = (n: number) => {
    if (!out.includes(n)) out.push(n);
  };
  const cleaned = body.replace(/†[^,，、;；&\-–]*/gu, '');
  const re = /(\d{1,3})(?:\s*[-–]\s*(?:[^\d\s,，、;；&]*\s*)?(\d{1,3}))?/gu;
  for (const m of cleaned.matchAll(re)) {
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to >= from && to - from <= 10) for (let n = from; n <= to; n++) add(n);
    else add(from);
  }
  return out;
}

/** Parses a whole text at once (tests, cached answers). */
export function parseCitations(text: string, sourceCount: number): CitationToken[] {
  const parser = new CitationParser(sourceCount);
  return [...parser.push(text), ...parser.end()];
}
