// The HTML Standard's "prescan a byte stream to determine its encoding" (13.2.3.2), byte by byte:
// comments are skipped, tags other than <meta> are stepped over with their attributes parsed (so a
// `>` or `charset=` inside an attribute value is not markup), and a <meta> counts only with a
// `charset` attribute or an `http-equiv="content-type"` + `content` pair whose value names a
// charset. Labels are resolved by the caller (`resolve`): a label it does not know is no answer.

const TAB = 0x09;
const LF = 0x0a;
const FF = 0x0c;
const CR = 0x0d;
const SPACE = 0x20;
const SLASH = 0x2f;
const LT = 0x3c;
const EQ = 0x3d;
const GT = 0x3e;
const BANG = 0x21;
const QMARK = 0x3f;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const DASH = 0x2d;

function isSpace(b: number | undefined): boolean {
  return b === TAB || b === LF || b === FF || b === CR || b === SPACE;
}

function isAsciiLetter(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
}

function lower(b: number): number {
  return b >= 0x41 && b <= 0x5a ? b + 0x20 : b;
}

/** Whether the bytes at `at` are `text` (ASCII), ignoring case. */
function startsWithIgnoringCase(bytes: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > bytes.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (lower(bytes[at + i] as number) !== text.charCodeAt(i)) return false;
  }
  return true;
}

interface Attribute {
  readonly name: string;
  readonly value: string;
}

/** A cursor over the bytes being prescanned; `end` is where the prescan stops. */
class Cursor {
  pos = 0;
  constructor(
    readonly bytes: Uint8Array,
    readonly end: number,
  ) {}

  get byte(): number | undefined {
    return this.pos < this.end ? this.bytes[this.pos] : undefined;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** "Get an attribute"; undefined when there is none (or the bytes ran out). */
  attribute(): Attribute | undefined {
    while (isSpace(this.byte) || this.byte === SLASH) this.pos++;
    if (this.done || this.byte === GT) return undefined;
    const name: number[] = [];
    const value: number[] = [];
    const text = (codes: number[]) => String.fromCharCode(...codes);
    // The name.
    for (;;) {
      const b = this.byte;
      if (b === undefined) return undefined;
      if (b === EQ && name.length > 0) {
        this.pos++;
        break;
      }
      if (isSpace(b)) {
        while (isSpace(this.byte)) this.pos++;
        if (this.byte !== EQ) return this.done ? undefined : { name: text(name), value: '' };
        this.pos++;
        break;
      }
      if (b === SLASH || b === GT) return { name: text(name), value: '' };
      name.push(lower(b));
      this.pos++;
    }
    // The value.
    while (isSpace(this.byte)) this.pos++;
    const first = this.byte;
    if (first === undefined) return undefined;
    if (first === DQUOTE || first === SQUOTE) {
      this.pos++;
      for (;;) {
        const b = this.byte;
        if (b === undefined) return undefined;
        this.pos++;
        if (b === first) return { name: text(name), value: text(value) };
        value.push(lower(b));
      }
    }
    if (first === GT) return { name: text(name), value: '' };
    for (;;) {
      const b = this.byte;
      if (b === undefined) return undefined;
      if (isSpace(b) || b === GT) return { name: text(name), value: text(value) };
      value.push(lower(b));
      this.pos++;
    }
  }
}

/** "Extracting a character encoding from a meta element": the label in a `content` value. */
export function charsetFromContent(content: string): string | undefined {
  let at = 0;
  for (;;) {
    const found = content.toLowerCase().indexOf('charset', at);
    if (found < 0) return undefined;
    let i = found + 7;
    while (isSpace(content.charCodeAt(i))) i++;
    if (content[i] !== '=') {
      at = i;
      continue;
    }
    i++;
    while (isSpace(content.charCodeAt(i))) i++;
    const quote = content[i];
    if (quote === '"' || quote === "'") {
      const close = content.indexOf(quote, i + 1);
      return close < 0 ? undefined : content.slice(i + 1, close);
    }
    let j = i;
    while (j < content.length && !isSpace(content.charCodeAt(j)) && content[j] !== ';') j++;
    return j > i ? content.slice(i, j) : undefined;
  }
}

export interface PrescanOptions {
  /** Bytes looked at (the standard suggests 1024). */
  readonly limit: number;
  /** Stop at the first <body> start tag (a late <meta> in <head> is still honoured). */
  readonly stopAtBody?: boolean;
}

/**
 * The encoding a <meta> declares, as the HTML Standard's prescan finds it; `resolve` turns a label
 * into an encoding name (undefined: not a label, the <meta> is ignored).
 */
export function prescanMetaCharset(
  bytes: Uint8Array,
  resolve: (label: string) => string | undefined,
  options: PrescanOptions,
): string | undefined {
  const c = new Cursor(bytes, Math.min(bytes.length, options.limit));
  while (!c.done) {
    const b = c.byte as number;
    if (b !== LT) {
      c.pos++;
      continue;
    }
    const at = c.pos;
    if (startsWithIgnoringCase(bytes, at, '<!--')) {
      // To the end of the first "-->" after "<!" (its dashes may be the opening ones: "<!-->").
      let i = at + 2;
      while (i + 2 < c.end && !(bytes[i] === DASH && bytes[i + 1] === DASH && bytes[i + 2] === GT)) i++;
      c.pos = i + 3;
      continue;
    }
    if (startsWithIgnoringCase(bytes, at, '<meta') && (isSpace(bytes[at + 5]) || bytes[at + 5] === SLASH)) {
      c.pos = at + 5;
      const seen = new Set<string>();
      let gotPragma = false;
      let needPragma: boolean | undefined;
      let charset: string | undefined;
      let failed = false;
      for (;;) {
        const attr = c.attribute();
        if (!attr) break;
        if (seen.has(attr.name)) continue;
        seen.add(attr.name);
        if (attr.name === 'http-equiv') {
          if (attr.value === 'content-type') gotPragma = true;
        } else if (attr.name === 'content') {
          // Only a label that names an encoding counts, and only while no charset was seen.
          const label = charsetFromContent(attr.value);
          const resolved = label === undefined ? undefined : resolve(label);
          if (resolved && charset === undefined && !failed) {
            charset = resolved;
            needPragma = true;
          }
        } else if (attr.name === 'charset') {
          const resolved = resolve(attr.value);
          charset = resolved;
          failed = resolved === undefined;
          needPragma = false;
        }
      }
      if (c.done) return undefined; // the tag ran past the bytes looked at
      if (needPragma === undefined || (needPragma && !gotPragma) || failed || !charset) {
        c.pos++;
        continue;
      }
      return charset;
    }
    const next = bytes[at + 1];
    if (isAsciiLetter(next) || (next === SLASH && isAsciiLetter(bytes[at + 2]))) {
      if (options.stopAtBody && startsWithIgnoringCase(bytes, at, '<body') && !isAsciiLetter(bytes[at + 5])) {
        return undefined;
      }
      // Another tag: step over its name and attributes.
      c.pos = at + 1;
      while (!c.done && !isSpace(c.byte) && c.byte !== GT) c.pos++;
      while (c.attribute()) {
        // attributes are parsed only to be skipped
      }
      c.pos++;
      continue;
    }
    if (next === BANG || next === SLASH || next === QMARK) {
      let i = at + 1;
      while (i < c.end && bytes[i] !== GT) i++;
      c.pos = i + 1;
      continue;
    }
    c.pos++;
  }
  return undefined;
}
