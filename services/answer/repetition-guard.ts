// Small models fall into loops: the same sentence again and again, or a phrase repeated without
// end, until the token limit — a minute of a CPU's time for nothing. This guard watches the model's
// output as it streams and says stop at the first sentence written a second time (which it keeps
// back, so the reader never sees it), or at a phrase repeated six times in a row. Text that starts
// like an earlier sentence is held until it either differs (it goes on at once) or repeats it.
// Pure: chunks in, text out.

const BOUNDARY = /[.!?。！？\n]/u;
/** A sentence shorter than this (normalized) may repeat without being a loop ("Yes." "No."). */
const MIN_REPEAT_CHARS = 12;
/** A phrase loop: a period of this many characters repeated PHRASE_REPEATS times in a row. */
const MIN_PERIOD = 5;
const MAX_PERIOD = 60;
const PHRASE_REPEATS = 6;

/** What a sentence says, for comparison: no markers, no punctuation, lower case, single spaces. */
function normalize(text: string): string {
  return text
    .replace(/[[【［(（][^\]】］)）]{0,24}(?:[\]】］)）]|$)/gu, ' ')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export class RepetitionGuard {
  /** Normalized sentences written so far. */
  readonly #seen = new Set<string>();
  /** The sentence being written, from its start. */
  #current = '';
  /** The end of #current not passed on yet (it starts like an earlier sentence). */
  #held = '';
  #stopped = false;

  /** True once a loop was found: the caller stops the model. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Feeds a chunk; returns the text to pass on. */
  push(chunk: string): string {
    let out = '';
    for (const ch of chunk) {
      if (this.#stopped) break;
      this.#current += ch;
      this.#held += ch;
      if (BOUNDARY.test(ch)) {
        const said = normalize(this.#current);
        if (said.length >= MIN_REPEAT_CHARS && this.#seen.has(said)) {
          this.#stopped = true;
          this.#held = '';
          break;
        }
        if (said) this.#seen.add(said);
        out += this.#held;
        this.#held = '';
        this.#current = '';
        continue;
      }
      if (this.#phraseLoop()) {
        this.#stopped = true;
        this.#held = '';
        break;
      }
      // Hold the sentence while it could still be one said before.
      const sofar = normalize(this.#current);
      const echoes = sofar.length > 0 && [...this.#seen].some((s) => s.startsWith(sofar));
      if (!echoes) {
        out += this.#held;
        this.#held = '';
      }
    }
    return out;
  }

  /** The text held back at the end of the reply (it did not turn out to be a repeat). */
  end(): string {
    if (this.#stopped) return '';
    const said = normalize(this.#current);
    const out = said.length >= MIN_REPEAT_CHARS && this.#seen.has(said) ? '' : this.#held;
    this.#held = '';
    return out;
  }

  /** Whether the sentence being written ends in a phrase repeated PHRASE_REPEATS times. */
  #phraseLoop(): boolean {
    const text = this.#current;
    if (text.length < MIN_PERIOD * PHRASE_REPEATS) return false;
    for (let p = MIN_PERIOD; p <= MAX_PERIOD && p * PHRASE_REPEATS <= text.length; p++) {
      const unit = text.slice(-p);
      if (!/[\p{L}\p{N}]/u.test(unit)) continue;
      let repeats = 1;
      while (repeats < PHRASE_REPEATS && text.slice(-(repeats + 1) * p, -repeats * p) === unit) repeats++;
      if (repeats >= PHRASE_REPEATS) return true;
    }
    return false;
  }
}

/**
 * Whether an answer only says the question again (a small model's way of failing): the same words,
 * give or take a few, and nothing more.
 */
export function echoesQuestion(answer: string, question: string): boolean {
  const a = normalize(answer);
  const q = normalize(question);
  if (!a || !q) return false;
  if (a === q) return true;
  // Words, or characters for Chinese and Japanese (written without spaces).
  const units = (text: string) =>
    /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/u.test(text) ? [...text.replaceAll(' ', '')] : text.split(' ');
  const asked = new Set(units(q));
  const said = units(a);
  const fresh = said.filter((w) => !asked.has(w)).length;
  return said.length <= asked.size + 3 && fresh <= 1;
}

/**
 * Whether an answer says nothing of its own: only markers and punctuation, or only the sources'
 * titles and section paths copied from the prompt (`git-gc(1) Manual Page › OPTIONS › --auto [1]`,
 * `<source n="1" …>`), which a small model writes instead of an answer on documentation pages.
 */
export function onlyRestatesSources(
  answer: string,
  sources: ReadonlyArray<{ readonly title: string; readonly headings?: readonly string[] | undefined }>,
): boolean {
  const squash = (text: string) => text.toLowerCase().replace(/\s+/g, ' ').trim();
  let rest = squash(answer.replace(/<\/?source\b[^>]*>?/giu, ' '));
  // The longest first, so that a path is removed whole before a title inside it.
  const labels = sources
    // The title and the section path or its first parts, not a heading alone: an option's name
    // (`--auto`) alone can be the answer.
    .flatMap((s) => [s.title, ...(s.headings ?? []).map((_, i, all) => all.slice(0, i + 1).join(' › '))])
    .map(squash)
    .filter((label) => label.length > 0)
    .sort((a, b) => b.length - a.length);
  for (const label of labels) rest = rest.replaceAll(label, ' ');
  return normalize(rest) === '';
}
