// Rewrites the citation habits of real small models into the one style the answer assembler
// verifies — a marker right after the claim it backs — as the model's output streams:
//   - line prefixes, `[1] The tower was completed in 1889.` (Qwen2.5 0.5B's habit): the marker moves
//     to the end of each sentence of its line, `The tower was completed in 1889 [1].`, so the claim
//     checked is the line's own text and not the line before it;
//   - trailing lists, `… tall. [1], [2]`: the separators go (`[1][2]`);
//   - footnote definitions, `[^1]: Eiffel Tower`, and a closing list of sources (`Sources:` and what
//     follows): dropped, the prompt asks for neither and they are not claims;
//   - placeholders copied from the instructions, `[n]`, `[number]`: dropped.
// Markers come out as plain `[n]`; text is passed on as it comes, except a sentence's closing
// punctuation while a line-prefix marker waits to go before it. Pure: chunks in, text out.
import { CitationParser, type CitationToken } from './citation-parser.js';

/** A line holding only this (bold, colon and all) opens a list of sources. */
const SOURCES_HEADING =
  /^\s*(?:#{1,6}\s*)?[*_]*\s*(?:sources?|references?|citations?|cited sources|参考资料|参考来源|来源|资料来源)\s*[*_]*\s*[:：]?\s*[*_]*\s*$/iu;
const HEADING_WORDS = [
  'sources',
  'references',
  'citations',
  'cited sources',
  '参考资料',
  '参考来源',
  '来源',
  '资料来源',
];
/** Characters that may stand before a line's first words: indentation and list bullets. */
const LINE_LEAD = /^[\s\-*+•·]*(?:\d{1,2}(?:[.)]\s*)?)?$/u;
const SENTENCE_END = /[.!?。！？]/u;
const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/u;
/** What may stand between two markers of one list (`[1], [2]`, `[1]; [2]`, `[1] and [2]`). */
const SEPARATOR = /^[\s,;，、；]*(?:a(?:n(?:d\s*)?)?)?$/iu;
/** A marker-like placeholder a model copied from its instructions instead of a number. */
const PLACEHOLDER = /^\[(?:n|x|#|num|number|source|source number|citation)\]$/iu;
/** What may still become a placeholder. */
const PLACEHOLDER_START = /^\[[a-z# ]{0,14}$/iu;

export class CitationStyleNormalizer {
  readonly #parser: CitationParser;
  /** The start of the current line, held while it could still be a `Sources:` heading or a bullet. */
  #lineHead = '';
  /** The current line has had words (not only indentation, bullets and markers). */
  #lineHasWords = false;
  /** Line breaks held until the next line shows it is not only markers (which join the line before). */
  #newlines = '';
  /** Markers that opened the current line; they go at the end of each of its sentences. */
  #prefix: number[] = [];
  /** Words since the prefix markers were last written. */
  #uncited = false;
  /** Closing punctuation held until the next character shows whether the sentence ended. */
  #held = '';
  /** Text after a marker that may only separate it from the next one. */
  #separator = '';
  #afterMarker = false;
  /** The next character decides whether the prefix marker opened a footnote definition. */
  #footnoteCheck = false;
  /** Drop the whitespace right after a prefix marker. */
  #trimSpace = false;
  #dropLine = false;
  #dropRest = false;
  /** Text held while it may be a placeholder such as `[n]`, and the spaces before it. */
  #maybePlaceholder = '';
  #spaces = '';
  /** The last character passed on. */
  #last = '';

  constructor(sourceCount: number) {
    this.#parser = new CitationParser(sourceCount);
  }

  push(chunk: string): string {
    return this.#consume(this.#parser.push(chunk), false);
  }

  end(): string {
    return this.#consume(this.#parser.end(), true);
  }

  #consume(tokens: readonly CitationToken[], final: boolean): string {
    let out = '';
    const emit = (piece: string) => {
      if (!piece) return;
      out += piece;
      this.#last = piece.slice(-1);
    };
    for (const token of tokens) {
      if (token.type === 'text') {
        for (const ch of token.text) emit(this.#feed(ch));
      } else {
        emit(this.#marker(token.numbers, token.space));
      }
    }
    if (final) emit(this.#finish());
    return out;
  }

  /** `[a][b]` placed after `before` (its last character): a space first unless CJK or a space. */
  #markers(numbers: readonly number[], before: string): string {
    if (numbers.length === 0) return '';
    const space = before === '' || CJK.test(before) || /\s/.test(before) ? '' : ' ';
    return space + numbers.map((n) => `[${n}]`).join('');
  }

  /** The held line breaks, once the line after them proves to be a line of its own. */
  #open(): string {
    const newlines = this.#newlines;
    this.#newlines = '';
    return newlines;
  }

  #marker(numbers: readonly number[], whitespace: string): string {
    // The parser hands over the whitespace before a marker with it; line breaks in it end lines.
    // Text held back (spaces, a would-be placeholder) goes first, as it came first.
    let before = this.#release();
    let space = whitespace;
    const lineBreak = space.lastIndexOf('\n');
    if (lineBreak >= 0) {
      for (const ch of space.slice(0, lineBreak + 1)) before += this.#char(ch);
      space = space.slice(lineBreak + 1);
    }
    if (!this.#lineHasWords) {
      for (const ch of space) before += this.#char(ch);
      space = '';
    }
    if (before) this.#last = before.slice(-1);
    return before + this.#placeMarker(numbers, space);
  }

  /** What #feed holds back, passed on. */
  #release(): string {
    const held = this.#spaces + this.#maybePlaceholder;
    this.#spaces = '';
    this.#maybePlaceholder = '';
    let out = '';
    for (const c of held) out += this.#char(c);
    if (out) this.#last = out.slice(-1);
    return out;
  }

  #placeMarker(numbers: readonly number[], space: string): string {
    if (this.#dropRest || this.#dropLine) return '';
    if (!this.#lineHasWords) {
      if (SOURCES_HEADING.test(this.#lineHead)) {
        this.#dropRest = true;
        return '';
      }
      // A marker that opens a line (after a bullet, perhaps): it cites the line's sentences.
      const head = this.#lineHead;
      this.#lineHead = '';
      for (const n of numbers) if (!this.#prefix.includes(n)) this.#prefix.push(n);
      this.#footnoteCheck = true;
      this.#trimSpace = true;
      return head.trim() ? this.#open() + head : '';
    }
    let out = '';
    if (this.#held) {
      out += this.#held;
      this.#held = '';
    }
    // `[1], [2]`: the separator between two markers goes, and the space before the second.
    const joined = this.#afterMarker;
    this.#separator = '';
    this.#afterMarker = true;
    // The model cited this sentence itself; the prefix need not be added to it.
    this.#uncited = false;
    return out + (joined ? '' : space) + numbers.map((n) => `[${n}]`).join('');
  }

  /** One character of text through #char, keeping #last up to date. */
  #feed(ch: string): string {
    let out = '';
    if (!this.#maybePlaceholder && (ch === ' ' || ch === '\t')) {
      // Held until the next character shows whether a placeholder (which takes them along) follows.
      this.#spaces += ch;
      return '';
    }
    if (this.#maybePlaceholder || ch === '[') {
      const held = this.#maybePlaceholder + ch;
      if (PLACEHOLDER.test(held)) {
        this.#maybePlaceholder = '';
        this.#spaces = '';
        return '';
      }
      if (PLACEHOLDER_START.test(held)) {
        this.#maybePlaceholder = held;
        return '';
      }
      this.#maybePlaceholder = '';
      for (const c of this.#spaces + held) out += this.#char(c);
      this.#spaces = '';
    } else {
      for (const c of this.#spaces + ch) out += this.#char(c);
      this.#spaces = '';
    }
    if (out) this.#last = out.slice(-1);
    return out;
  }

  #char(ch: string): string {
    if (this.#dropRest) return '';
    if (this.#footnoteCheck) {
      this.#footnoteCheck = false;
      if (ch === ':') {
        // `[^1]: Eiffel Tower`: a footnote definition, not a claim.
        this.#dropLine = true;
        this.#prefix = [];
        return '';
      }
    }
    if (this.#dropLine) {
      if (ch === '\n') this.#dropLine = false;
      return '';
    }
    if (this.#trimSpace) {
      if (ch === ' ' || ch === '\t') return '';
      this.#trimSpace = false;
    }
    let out = '';
    if (this.#afterMarker) {
      if (ch !== '\n' && SEPARATOR.test(this.#separator + ch)) {
        this.#separator += ch;
        return '';
      }
      out += this.#separator;
      this.#separator = '';
      this.#afterMarker = false;
    }
    if (this.#held) {
      // The held punctuation ended a sentence if whitespace follows: the prefix goes before it.
      const ended = /\s/.test(ch);
      out += (ended && this.#uncited ? this.#prefixMarkers((out || this.#last).slice(-1)) : '') + this.#held;
      this.#held = '';
    }
    if (ch === '\n') return out + this.#endLine();
    if (!this.#lineHasWords) {
      const head = this.#lineHead + ch;
      if (LINE_LEAD.test(head) || couldBeSourcesHeading(head)) {
        this.#lineHead = head;
        return out;
      }
      this.#lineHead = '';
      this.#lineHasWords = true;
      out += this.#open() + head.slice(0, -1);
    }
    if (this.#prefix.length > 0 && SENTENCE_END.test(ch)) {
      this.#held = ch;
      return out;
    }
    if (/[\p{L}\p{N}]/u.test(ch)) this.#uncited = true;
    return out + ch;
  }

  /** The prefix markers for the sentence just written (once per sentence). */
  #prefixMarkers(before: string): string {
    this.#uncited = false;
    return this.#markers(this.#prefix, before);
  }

  /** A line ended (its line break is held, to be passed on before the next line's words). */
  #endLine(): string {
    let out = '';
    if (!this.#lineHasWords && SOURCES_HEADING.test(this.#lineHead)) {
      this.#dropRest = true;
      this.#lineHead = '';
      return '';
    }
    if (!this.#lineHasWords && this.#prefix.length > 0 && this.#lineHead.trim() === '') {
      // `[1]` alone on a line cites the line before: it joins that line.
      out = this.#markers(this.#prefix, this.#last);
    } else {
      if (this.#lineHead) out += this.#open() + this.#lineHead;
      if (this.#prefix.length > 0 && this.#uncited) out += this.#prefixMarkers((out || this.#last).slice(-1));
      this.#newlines += '\n';
    }
    this.#lineHead = '';
    this.#prefix = [];
    this.#lineHasWords = false;
    this.#uncited = false;
    this.#trimSpace = false;
    return out;
  }

  #finish(): string {
    const tail = this.#release();
    return tail + this.#finishLine();
  }

  #finishLine(): string {
    this.#footnoteCheck = false;
    if (this.#dropRest) return '';
    let out = '';
    if (this.#afterMarker) {
      out += this.#separator.trimEnd();
      this.#separator = '';
      this.#afterMarker = false;
    }
    const held = this.#held;
    this.#held = '';
    if (this.#dropLine) return out;
    if (!this.#lineHasWords && SOURCES_HEADING.test(this.#lineHead)) return out;
    if (!this.#lineHasWords && this.#prefix.length > 0 && this.#lineHead.trim() === '') {
      return out + this.#markers(this.#prefix, (out || this.#last).slice(-1));
    }
    if (this.#lineHead.trim()) out += this.#open() + this.#lineHead;
    if (this.#prefix.length > 0 && this.#uncited) out += this.#prefixMarkers((out || this.#last).slice(-1));
    return out + held;
  }
}

/** Whether the start of a line may still become a `Sources:` heading. */
function couldBeSourcesHeading(head: string): boolean {
  const bare = head
    .replace(/^\s*(?:#{1,6}\s*)?[*_]*\s*/u, '')
    .toLowerCase()
    .replace(/\s*[*_]*\s*[:：]?\s*[*_]*\s*$/u, '');
  if (bare === '') return head.trim() !== '' && /^[\s#*_]*$/u.test(head);
  return HEADING_WORDS.some((w) => w.startsWith(bare) || (bare.startsWith(w) && SOURCES_HEADING.test(head)));
}
