// Turns a model's streamed output into the answer's text, chunk by chunk: citation markers are
// parsed (citation-parser), each one verified against the passage it cites as soon as it is seen
// (the claim is the text before it), and written back as plain `[n]` markers. The numbers are the
// ones of the `sources` event, kept in the whole answer too.
// With `citeUncited`, a sentence the model left without a marker gets one when a passage clearly
// supports it (small models forget markers more often than they invent them).
import { CitationParser } from './citation-parser.js';
import {
  type ClaimVerdict,
  claimParts,
  PassageEvidence,
  type VerdictAction,
  type VerifiablePassage,
  verifyClaim,
} from './citation-verifier.js';

export interface CitationUse {
  readonly n: number;
  readonly supported: boolean;
  /** The sentence the citation backs (for an optional LLM judge). */
  readonly claim: string;
}

export type VerificationCounts = Record<VerdictAction | 'added', number>;

export interface AssemblerOptions {
  /** Add a citation to sentences written without one, when a passage supports them. */
  readonly citeUncited?: boolean | undefined;
}

/** Content words a sentence needs before an added citation is worth its place. */
const MIN_TERMS_TO_CITE = 3;
/** A sentence in Chinese or Japanese takes its marker without a space. */
const CJK_END = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff。！？]$/u;

export class AnswerAssembler {
  readonly #parser: CitationParser;
  readonly #evidence: ReadonlyMap<number, PassageEvidence>;
  #text = '';
  #plain = '';
  /** Where in #plain the words after the previous marker begin. */
  #segmentStart = 0;
  /** Numbers already written in the current run of adjacent markers. */
  #group = new Set<number>();
  readonly #uses: CitationUse[] = [];
  readonly counts: VerificationCounts = { kept: 0, moved: 0, removed: 0, unverified: 0, added: 0 };
  readonly #citeUncited: boolean;
  /** Where in #plain the current sentence begins, and whether it has a marker yet. */
  #sentenceStart = 0;
  #sentenceCited = false;
  /** A closing punctuation mark held back until the next token shows whether a marker follows. */
  #held = '';

  /** Passages, or their evidence already prepared (shared with the retrieval check). */
  constructor(passages: ReadonlyArray<VerifiablePassage | PassageEvidence>, options: AssemblerOptions = {}) {
    this.#parser = new CitationParser(passages.reduce((max, p) => Math.max(max, p.n), 0));
    this.#evidence = new Map(
      passages.map((p) => [p.n, p instanceof PassageEvidence ? p : new PassageEvidence(p)]),
    );
    this.#citeUncited = options.citeUncited ?? false;
  }

  /** Feeds a chunk of model output; returns the text to pass on now. */
  push(chunk: string): string {
    return this.#consume(this.#parser.push(chunk));
  }

  /** Ends the output; returns the last text to pass on. */
  end(): string {
    let out = this.#consume(this.#parser.end());
    if (this.#citeUncited) {
      const held = this.#held;
      this.#held = '';
      const added = this.#citeSentence(this.#plain + held, this.#plain.length + held.length) + held;
      this.#plain += held;
      out += added;
      this.#text += added;
    }
    return out;
  }

  /** The answer so far, markers normalized and verified. */
  get text(): string {
    return this.#text;
  }

  /** The answer so far without its markers. */
  get plain(): string {
    return this.#plain;
  }

  get uses(): readonly CitationUse[] {
    return this.#uses;
  }

  #consume(tokens: ReturnType<CitationParser['push']>): string {
    let out = '';
    const emit = (text: string) => {
      out += this.#citeUncited ? this.#withAddedCitations(text) : text;
      this.#plain += text;
      if (/\S/.test(text)) this.#group = new Set();
    };
    for (const token of tokens) {
      if (token.type === 'text') {
        let text = this.#held + token.text;
        this.#held = '';
        // A closing full stop waits for what follows: an added citation goes before it.
        if (this.#citeUncited && /[.!?。！？]$/u.test(text)) {
          this.#held = text.slice(-1);
          text = text.slice(0, -1);
        }
        if (text) emit(text);
        continue;
      }
      if (this.#held) {
        const held = this.#held;
        this.#held = '';
        emit(held);
      }
      this.#sentenceCited = true;
      const verdict = this.#verify(token.numbers);
      const fresh = verdict.numbers.filter((n) => !this.#group.has(n));
      if (fresh.length > 0) {
        const claim = this.#sentence();
        out += token.space;
        for (const n of fresh) {
          this.#group.add(n);
          out += `[${n}]`;
          this.#uses.push({ n, supported: verdict.supported, claim });
        }
      }
      this.#segmentStart = this.#plain.length;
    }
    this.#text += out;
    return out;
  }

  /**
   * The text of a token with a citation added to each sentence it ends that has none. A sentence
   * ends at a full stop (or ! ?) followed by a space, at 。！？, or at a line break. The marker goes
   * before the closing punctuation when that is in this token, after it otherwise.
   */
  #withAddedCitations(text: string): string {
    let out = '';
    let from = 0;
    const base = this.#plain.length;
    const previous = this.#plain.slice(-1);
    for (let i = 0; i < text.length; i++) {
      const before = i === 0 ? previous : (text[i - 1] as string);
      const here = text[i] as string;
      const boundary =
        ((/[.!?]/.test(before) && /\s/.test(here)) || /[。！？]/u.test(before) || here === '\n') &&
        base + i > this.#sentenceStart;
      if (!boundary) continue;
      const marker = this.#citeSentence(this.#plain + text.slice(0, i), base + i);
      const closing = i - 1 >= from && /[.!?。！？]/u.test(before) ? i - 1 : i;
      out += text.slice(from, closing) + marker;
      from = closing;
    }
    return out + text.slice(from);
  }

  /** A citation for the sentence ending at `end` of `upto`, if it has none and a passage backs it. */
  #citeSentence(upto: string, end: number): string {
    const start = this.#sentenceStart;
    const cited = this.#sentenceCited;
    this.#sentenceStart = end;
    this.#sentenceCited = false;
    if (cited) return '';
    const sentence = upto.slice(start, end).trim();
    if (!sentence || insideCode(upto.slice(0, end))) return '';
    if (claimParts(sentence).terms.length < MIN_TERMS_TO_CITE) return '';
    const verdict = verifyClaim([sentence], [], this.#evidence);
    const n = verdict.action === 'moved' ? verdict.numbers[0] : undefined;
    if (n === undefined) return '';
    this.counts.added++;
    this.#uses.push({ n, supported: true, claim: sentence });
    return CJK_END.test(sentence) ? `[${n}]` : ` [${n}]`;
  }

  #verify(numbers: readonly number[]): ClaimVerdict {
    const segment = this.#plain.slice(this.#segmentStart);
    const verdict = verifyClaim([segment, this.#sentence()], numbers, this.#evidence);
    this.counts[verdict.action]++;
    return verdict;
  }

  /** The sentence the next marker belongs to: the current one, or the one just ended. */
  #sentence(): string {
    const tail = this.#plain.slice(-3000).trimEnd();
    const boundaries: number[] = [0];
    for (const m of tail.matchAll(/[.!?](?=\s)|[。！？]|\n/gu)) {
      const at = (m.index ?? 0) + m[0].length;
      if (at < tail.length) boundaries.push(at);
    }
    const last = boundaries[boundaries.length - 1] ?? 0;
    let sentence = tail.slice(last).trim();
    const parts = claimParts(sentence);
    if (parts.terms.length + parts.numbers.length < 2 && boundaries.length > 1) {
      sentence = tail.slice(boundaries[boundaries.length - 2] ?? 0).trim();
    }
    return sentence;
  }
}

/** Whether the end of a Markdown text is inside code (an open fence, or open inline code on its last line). */
function insideCode(text: string): boolean {
  const fences = text.match(/```/g)?.length ?? 0;
  if (fences % 2 === 1) return true;
  const line = text.slice(text.lastIndexOf('\n') + 1).replace(/```/g, '');
  return (line.match(/`/g)?.length ?? 0) % 2 === 1;
}
