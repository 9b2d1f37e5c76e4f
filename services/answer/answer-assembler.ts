// Turns a model's streamed output into the answer's text, chunk by chunk: citation markers are
// parsed (citation-parser), each one verified against the passage it cites as soon as it is seen
// (the claim is the text before it), and written back as plain `[n]` markers. The numbers are the
// ones of the `sources` event; renumbering in order of first use happens once the answer is whole.
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

export type VerificationCounts = Record<VerdictAction, number>;

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
  readonly counts: VerificationCounts = { kept: 0, moved: 0, removed: 0, unverified: 0 };

  constructor(passages: readonly VerifiablePassage[]) {
    this.#parser = new CitationParser(passages.reduce((max, p) => Math.max(max, p.n), 0));
    this.#evidence = new Map(passages.map((p) => [p.n, new PassageEvidence(p)]));
  }

  /** Feeds a chunk of model output; returns the text to pass on now. */
  push(chunk: string): string {
    return this.#consume(this.#parser.push(chunk));
  }

  /** Ends the output; returns the last text to pass on. */
  end(): string {
    return this.#consume(this.#parser.end());
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
    for (const token of tokens) {
      if (token.type === 'text') {
        out += token.text;
        this.#plain += token.text;
        if (/\S/.test(token.text)) this.#group = new Set();
        continue;
      }
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
