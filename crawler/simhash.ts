// Near-duplicate detection with 64-bit SimHash (Charikar; as Google's crawler uses it, Manku et
// al. 2007): word 3-gram shingles, each hashed to 64 bits, summed bit by bit. Pages whose
// fingerprints differ in at most 3 bits are near duplicates. Shingles rather than single words:
// word fingerprints are dominated by a language's function words, so unrelated pages of one
// language drift close together; shingles keep them ~32 bits apart while a page of a few hundred
// words that differs in a date or a sentence stays within 3. The index finds near duplicates
// without a scan: split into four 16-bit blocks, two fingerprints within 3 bits share one exactly.

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
  return fmix(h);
}

/** murmur3's finalizer: every input bit moves every output bit. */
function fmix(x: number): number {
  let h = x;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Word hashes, cached: a site's vocabulary repeats from page to page. */
const tokenHashes = new Map<string, number>();

function tokenHash(token: string): number {
  let h = tokenHashes.get(token);
  if (h === undefined) {
    h = hash32(token, 0x9e3779b9);
    if (tokenHashes.size >= 100_000) tokenHashes.clear();
    tokenHashes.set(token, h);
  }
  return h;
}

/** A character that can be part of a word (or is one, in CJK scripts), or a combining mark. */
const WORDISH = /[\p{L}\p{N}\p{M}]/u;

/** Hashes of the words of a text, in order (tokens as TOKEN finds them in the lower-cased text). */
function wordHashes(text: string): number[] {
  // Words of ASCII letters and digits (most pages, even with typographic quotes, dashes and
  // non-breaking spaces between them) are hashed as they are read, lower-cased on the fly, with no
  // substring or regex match made: the same hashes as the general path, which takes any text with
  // a letter, digit or mark outside ASCII (their lower case and word bounds need the whole text).
  const out: number[] = [];
  const start = (0x811c9dc5 ^ 0x9e3779b9) >>> 0;
  let h = start;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    const upper = c >= 0x41 && c <= 0x5a;
    if (upper || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39)) {
      if (upper) c |= 0x20;
      h ^= c;
      h = Math.imul(h, 0x01000193);
      inWord = true;
      continue;
    }
    if (c > 0x7f && ((c >= 0xd800 && c <= 0xdfff) || WORDISH.test(text[i] as string))) {
      return (text.toLowerCase().match(TOKEN) ?? []).map(tokenHash);
    }
    if (inWord) {
      out.push(fmix(h));
      h = start;
      inWord = false;
    }
  }
  if (inWord) out.push(fmix(h));
  return out;
}

/** The SimHash of a text, or undefined when it has too few words to say anything. */
export function simhash(text: string): Fingerprint | undefined {
  const words = wordHashes(text);
  if (words.length < MIN_WORDS) return undefined;
  // How many shingles have each bit set; a bit of the fingerprint is set when most do (the sign
  // of the +1/-1 sum SimHash takes, without a branch per bit). The counts are kept four bits wide
  // in eight 32-bit counters (counter k holds bits k, k+4, k+8, … of the halves, one per nibble)
  // and moved into `ones` before a nibble can overflow: eight additions per shingle, not 64.
  const ones = new Int32Array(64);
  const shingles = words.length - 2;
  const NIBBLES = 0x11111111;
  let h0 = 0;
  let h1 = 0;
  let h2 = 0;
  let h3 = 0;
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  let l3 = 0;
  let pending = 0;
  const spill = () => {
    for (let n = 0; n < 32; n += 4) {
      ones[n] = (ones[n] as number) + ((h0 >>> n) & 0xf);
      ones[n + 1] = (ones[n + 1] as number) + ((h1 >>> n) & 0xf);
      ones[n + 2] = (ones[n + 2] as number) + ((h2 >>> n) & 0xf);
      ones[n + 3] = (ones[n + 3] as number) + ((h3 >>> n) & 0xf);
      ones[n + 32] = (ones[n + 32] as number) + ((l0 >>> n) & 0xf);
      ones[n + 33] = (ones[n + 33] as number) + ((l1 >>> n) & 0xf);
      ones[n + 34] = (ones[n + 34] as number) + ((l2 >>> n) & 0xf);
      ones[n + 35] = (ones[n + 35] as number) + ((l3 >>> n) & 0xf);
    }
    h0 = h1 = h2 = h3 = l0 = l1 = l2 = l3 = 0;
    pending = 0;
  };
  for (let i = 0; i < shingles; i++) {
    // A shingle's two 32-bit halves, mixed from its three word hashes.
    const a = words[i] as number;
    const b = words[i + 1] as number;
    const c = words[i + 2] as number;
    const hi = fmix((Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 0);
    const lo = fmix((Math.imul(a, 0x27d4eb2f) + Math.imul(b, 0x165667b1) + Math.imul(c, 0xd3a2646c)) >>> 0);
    h0 += hi & NIBBLES;
    h1 += (hi >>> 1) & NIBBLES;
    h2 += (hi >>> 2) & NIBBLES;
    h3 += (hi >>> 3) & NIBBLES;
    l0 += lo & NIBBLES;
    l1 += (lo >>> 1) & NIBBLES;
    l2 += (lo >>> 2) & NIBBLES;
    l3 += (lo >>> 3) & NIBBLES;
    // A nibble holds 15.
    if (++pending === 15) spill();
  }
  spill();
  let hi = 0;
  let lo = 0;
  for (let bit = 0; bit < 32; bit++) {
    if ((ones[bit] as number) * 2 > shingles) hi |= 1 << bit;
    if ((ones[bit + 32] as number) * 2 > shingles) lo |= 1 << bit;
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
