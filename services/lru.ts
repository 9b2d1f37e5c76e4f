// A Map kept in least-recently-used order (a JavaScript Map iterates in insertion order, so a use
// moves the key to the end), bounded by a number of entries: the oldest go first.

export class LruMap<K, V> {
  readonly #max: number;
  readonly #entries = new Map<K, V>();

  /** `maxEntries`: entries kept at most; 0 keeps none. */
  constructor(maxEntries: number) {
    this.#max = Math.max(0, maxEntries);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value of `key`, which becomes the most recently used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /** The value of `key`, leaving the order as it is. */
  peek(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** Sets `key` as the most recently used, dropping the least recently used beyond the bound. */
  set(key: K, value: V): void {
    this.#entries.delete(key);
    if (this.#max === 0) return;
    this.#entries.set(key, value);
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  keys(): IterableIterator<K> {
    return this.#entries.keys();
  }

  clear(): void {
    this.#entries.clear();
  }
}
