// A bounded memo of a pure function of a text, for analysis that the same passages need again and
// again (the sentences, tokens and stems of the passages answers are made from: a popular page is
// read by many questions). Two generations keep the frequent texts, as englishStem's memo does:
// when the young one fills up it becomes the old one, and a text found only in the old one moves
// back. Values are shared between callers: they must not be changed.

export class TextMemo<V> {
  readonly #generationSize: number;
  readonly #maxKeyLength: number;
  #young = new Map<string, V>();
  #old = new Map<string, V>();

  /**
   * Keeps up to 2 × `generationSize` values; texts longer than `maxKeyLength` are computed every
   * time (kept, they would cost more memory than they save).
   */
  constructor(generationSize: number, maxKeyLength = 20_000) {
    this.#generationSize = Math.max(1, generationSize);
    this.#maxKeyLength = maxKeyLength;
  }

  /** compute(text), from the memo when it holds it. */
  get(text: string, compute: (text: string) => V): V {
    let value = this.#young.get(text);
    if (value !== undefined) return value;
    if (text.length > this.#maxKeyLength) return compute(text);
    value = this.#old.get(text);
    if (value === undefined) value = compute(text);
    if (this.#young.size >= this.#generationSize) {
      this.#old = this.#young;
      this.#young = new Map();
    }
    this.#young.set(text, value);
    return value;
  }

  get size(): number {
    return this.#young.size + this.#old.size;
  }
}
