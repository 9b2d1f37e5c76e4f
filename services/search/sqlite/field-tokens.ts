// Candidate passages as the re-ranker reads them: each field's tokens as ids of interned surface
// forms, each id knowing its surface and its Porter stem (the term the index holds). Analyzing a
// passage once and keeping the ids (passage-cache.ts) spares re-tokenizing and re-stemming the
// same text for every query that re-ranks it; a query then maps each id to one of its terms once.
import { type AnalyzerOptions, analyze, asciiTokenOffsets, englishStem, isAscii } from '../../text/index.js';

/** Interned surface forms: id ↔ surface, with each surface's stem. Grows; owners bound it. */
export class SurfaceVocabulary {
  readonly #ids = new Map<string, number>();
  readonly #surfaces: string[] = [];
  readonly #stems: string[] = [];
  /** Each surface's stem as a number (surfaces with one stem share it), and the stems' numbers. */
  readonly #stemIds: number[] = [];
  readonly #stemIdOf = new Map<string, number>();
  /**
   * Surfaces of ASCII text found without making their strings (asciiId): open addressing over
   * FNV-1a hashes of the characters, each slot an id + 1 (0: empty), and each id's hash.
   */
  #slots = new Int32Array(1 << 12);
  #used = 0;
  #hashOf = new Int32Array(1 << 12);
  /** Per-query scratch (see QueryLookup): the epoch a slot was written in, and its value. */
  #epochOf = new Int32Array(1024);
  #valueOf = new Int32Array(1024);
  #epoch = 0;

  get size(): number {
    return this.#surfaces.length;
  }

  /** The id of a surface form, interning it (and stemming it) the first time. */
  id(surface: string): number {
    let id = this.#ids.get(surface);
    if (id === undefined) {
      id = this.#surfaces.length;
      this.#ids.set(surface, id);
      this.#surfaces.push(surface);
      const stem = englishStem(surface);
      this.#stems.push(stem);
      let stemId = this.#stemIdOf.get(stem);
      if (stemId === undefined) {
        stemId = this.#stemIdOf.size;
        this.#stemIdOf.set(stem, stemId);
      }
      this.#stemIds.push(stemId);
    }
    return id;
  }

  /**
   * The id of the surface lower[start, end) of lower-case ASCII text — the id `id()` gives that
   * substring — found by its characters, so the substring is only made the first time.
   */
  asciiId(lower: string, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ lower.charCodeAt(i), 0x01000193);
    const slots = this.#slots;
    const mask = slots.length - 1;
    const length = end - start;
    let slot = h & mask;
    for (let entry = slots[slot] as number; entry !== 0; entry = slots[slot] as number) {
      const id = entry - 1;
      if (this.#hashOf[id] === h) {
        const surface = this.#surfaces[id] as string;
        if (surface.length === length && lower.startsWith(surface, start)) return id;
      }
      slot = (slot + 1) & mask;
    }
    const id = this.id(lower.slice(start, end));
    if (id >= this.#hashOf.length) {
      let size = this.#hashOf.length;
      while (size <= id) size *= 2;
      const hashes = new Int32Array(size);
      hashes.set(this.#hashOf);
      this.#hashOf = hashes;
    }
    this.#hashOf[id] = h;
    slots[slot] = id + 1;
    if (++this.#used * 2 > slots.length) this.#growSlots();
    return id;
  }

  #growSlots(): void {
    const old = this.#slots;
    const slots = new Int32Array(old.length * 2);
    const mask = slots.length - 1;
    for (const entry of old) {
      if (entry === 0) continue;
      let slot = (this.#hashOf[entry - 1] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.#slots = slots;
  }

  surface(id: number): string {
    return this.#surfaces[id] ?? '';
  }

  /** The term the analyzer gives this surface (its stem; CJK and other scripts unchanged). */
  stem(id: number): string {
    return this.#stems[id] ?? '';
  }

  /** The number of this surface's stem: two surfaces have the same stem when they have the same number. */
  stemId(id: number): number {
    return this.#stemIds[id] ?? -1;
  }

  /** The number of a stem (a term) some surface has, or -1 when none has it. */
  stemIdOf(stem: string): number {
    return this.#stemIdOf.get(stem) ?? -1;
  }

  /** The id of a surface form, or -1 when it was never interned. */
  peek(surface: string): number {
    return this.#ids.get(surface) ?? -1;
  }

  /**
   * A fresh id → integer memo for one synchronous computation (a query's re-ranking): reads
   * `undefined` for ids not set since. Backed by two shared arrays and an epoch, so starting one
   * costs nothing; a later `lookup()` invalidates the earlier one.
   */
  lookup(): QueryLookup {
    this.#epoch++;
    if (this.#epoch >= 0x7fffffff) {
      this.#epochOf.fill(0);
      this.#epoch = 1;
    }
    return new QueryLookup(this, this.#epoch);
  }

  /** @internal */ slotGet(id: number, epoch: number): number | undefined {
    return id < this.#epochOf.length && this.#epochOf[id] === epoch ? this.#valueOf[id] : undefined;
  }

  /** @internal */ slotSet(id: number, epoch: number, value: number): void {
    if (id >= this.#epochOf.length) {
      let size = this.#epochOf.length;
      while (size <= id) size *= 2;
      const epochs = new Int32Array(size);
      epochs.set(this.#epochOf);
      const values = new Int32Array(size);
      values.set(this.#valueOf);
      this.#epochOf = epochs;
      this.#valueOf = values;
    }
    this.#epochOf[id] = epoch;
    this.#valueOf[id] = value;
  }
}

export class QueryLookup {
  readonly #vocabulary: SurfaceVocabulary;
  readonly #epoch: number;

  constructor(vocabulary: SurfaceVocabulary, epoch: number) {
    this.#vocabulary = vocabulary;
    this.#epoch = epoch;
  }

  get(id: number): number | undefined {
    return this.#vocabulary.slotGet(id, this.#epoch);
  }

  set(id: number, value: number): void {
    this.#vocabulary.slotSet(id, this.#epoch, value);
  }
}

/** The three fields of a passage as surface ids, in token order. */
export interface FieldTokens {
  readonly title: Int32Array;
  readonly headings: Int32Array;
  readonly body: Int32Array;
}

/** A text's tokens, as the analyzer emits them, as surface ids. */
export function tokenizeText(
  text: string,
  analyzer: AnalyzerOptions,
  vocabulary: SurfaceVocabulary,
): Int32Array {
  const ids: number[] = [];
  if (isAscii(text)) {
    // What analyze() gives ASCII text, without making a string of each token.
    const lower = text.toLowerCase();
    asciiTokenOffsets(lower, (start, end) => ids.push(vocabulary.asciiId(lower, start, end)));
  } else {
    analyze(text, analyzer, (_term, surface) => ids.push(vocabulary.id(surface)), false);
  }
  return Int32Array.from(ids);
}

export function tokenizeFields(
  fields: { readonly title: string; readonly headings: string; readonly body: string },
  analyzer: AnalyzerOptions,
  vocabulary: SurfaceVocabulary,
): FieldTokens {
  return {
    title: tokenizeText(fields.title, analyzer, vocabulary),
    headings: tokenizeText(fields.headings, analyzer, vocabulary),
    body: tokenizeText(fields.body, analyzer, vocabulary),
  };
}
