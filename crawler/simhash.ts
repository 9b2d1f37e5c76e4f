// Near-duplicate detection with 64-bit SimHash (Charikar; as Google's crawler uses it, Manku et
// al. 2007): each word hashed to 64 bits, summed bit by bit (so frequent words weigh more). Pages
// whose fingerprints differ in at most 3 bits are near duplicates. Words rather than 3-word
// shingles: on pages of a few hundred words one changed sentence moves a shingle fingerprint by
// more than 3 bits, while a word fingerprint still sees a page that differs in a date or a
// sentence as the same page. The index finds them without a scan:
// split into four 16-bit blocks, two fingerprints within 3 bits share at least one block exactly.

export interface Fingerprint {
  readonly hi: number;
  readonly lo: number;
}

const TOKEN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|[\p{L}\p{N}]+/gu;
/** Fewer words than this carry too little to fingerprint. */
const MIN_WORDS = 8;

function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // murmur3 finalizer: spreads FNV's weak low bits.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Word hashes, cached: a site's vocabulary repeats from page to page. */
const tokenHashes = new Map<string, readonly [number, number]>();

/** The SimHash of a text, or undefined when it has too few words to say anything. */
export function simhash(text: string): Fingerprint | undefined {
  const tokens = text.toLowerCase().match(TOKEN);
  if (!tokens || tokens.length < MIN_WORDS) return undefined;
  const weights = new Int32Array(64);
  for (const token of tokens) {
    let h = tokenHashes.get(token);
    if (!h) {
      h = [hash32(token, 0x9e3779b9), hash32(token, 0x7f4a7c15)];
      if (tokenHashes.size >= 100_000) tokenHashes.clear();
      tokenHashes.set(token, h);
    }
    const [hi, lo] = h;
    for (let b = 0; b < 32; b++) {
      weights[b] = (weights[b] ?? 0) + ((hi >>> b) & 1 ? 1 : -1);
      weights[b + 32] = (weights[b + 32] ?? 0) + ((lo >>> b) & 1 ? 1 : -1);
    }
  }
  let hi = 0;
  let lo = 0;
  for (let b = 0; b < 32; b++) {
    if ((weights[b] ?? 0) > 0) hi |= 1 << b;
    if ((weights[b + 32] ?? 0) > 0) lo |= 1 << b;
  }
  return { hi: hi >>> 0, lo: lo >>> 0 };
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export function hammingDistance(a: Fingerprint, b: Fingerprint): number {
  return popcount((a.hi ^ b.hi) >>> 0) + popcount((a.lo ^ b.lo) >>> 0);
}

export function fingerprintToHex(f: Fingerprint): string {
  return f.hi.toString(16).padStart(8, '0') + f.lo.toString(16).padStart(8, '0');
}

export function fingerprintFromHex(hex: string): Fingerprint | undefined {
  if (!/^[0-9a-f]{16}$/i.test(hex)) return undefined;
  return { hi: Number.parseInt(hex.slice(0, 8), 16) >>> 0, lo: Number.parseInt(hex.slice(8), 16) >>> 0 };
}

function blocks(f: Fingerprint): [number, number, number, number] {
  return [f.hi >>> 16, f.hi & 0xffff, f.lo >>> 16, f.lo & 0xffff];
}

/** Fingerprints of one host's pages, searchable for near duplicates within `maxDistance` ≤ 3 bits. */
export class SimHashIndex {
  readonly #tables = [
    new Map<number, string[]>(),
    new Map<number, string[]>(),
    new Map<number, string[]>(),
    new Map<number, string[]>(),
  ];
  readonly #byKey = new Map<string, Fingerprint>();
  readonly #maxDistance: number;

  constructor(maxDistance = 3) {
    if (maxDistance > 3) throw new RangeError('SimHashIndex finds distances up to 3 bits');
    this.#maxDistance = maxDistance;
  }

  get size(): number {
    return this.#byKey.size;
  }

  add(key: string, f: Fingerprint): void {
    this.delete(key);
    this.#byKey.set(key, f);
    blocks(f).forEach((block, i) => {
      const table = this.#tables[i] as Map<number, string[]>;
      const list = table.get(block);
      if (list) list.push(key);
      else table.set(block, [key]);
    });
  }

  delete(key: string): void {
    const f = this.#byKey.get(key);
    if (!f) return;
    this.#byKey.delete(key);
    blocks(f).forEach((block, i) => {
      const table = this.#tables[i] as Map<number, string[]>;
      const list = table.get(block)?.filter((k) => k !== key) ?? [];
      if (list.length > 0) table.set(block, list);
      else table.delete(block);
    });
  }

  /** The key of a near duplicate of `f` other than `exceptKey`, or undefined. */
  findNear(f: Fingerprint, exceptKey?: string): string | undefined {
    const parts = blocks(f);
    for (let i = 0; i < 4; i++) {
      for (const key of this.#tables[i]?.get(parts[i] ?? -1) ?? []) {
        if (key === exceptKey) continue;
        const other = this.#byKey.get(key);
        if (other && hammingDistance(f, other) <= this.#maxDistance) return key;
      }
    }
    return undefined;
  }
}
