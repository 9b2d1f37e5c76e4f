// Reads the metadata of a GGUF file (llama.cpp's model format) from its header, so that a model
// fetched from an unofficial upload can be checked for what it claims to be (architecture, name,
// size, context length) before anything loads it. Only scalar values are kept; arrays (the
// tokenizer's vocabulary) are skipped and recorded by their length. Pure: bytes in, metadata out.
import { open } from 'node:fs/promises';

export type GgufValue =
  | string
  | number
  | bigint
  | boolean
  | { readonly arrayOf: number; readonly length: number };

export interface GgufHeader {
  readonly version: number;
  readonly tensorCount: bigint;
  readonly metadata: ReadonlyMap<string, GgufValue>;
}

/** Thrown when the bytes end before the header does: read more of the file and try again. */
export class GgufTruncatedError extends Error {
  constructor() {
    super('the GGUF header runs past the bytes given');
    this.name = 'GgufTruncatedError';
  }
}

const MAGIC = 0x46554747; // "GGUF", little-endian
/** The header of a real model is a few MB (the vocabulary); a larger one is not a model file. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;
const MAX_STRING_BYTES = 16 * 1024 * 1024;

// Value types of the GGUF specification (ggml/docs/gguf.md).
const T = {
  U8: 0,
  I8: 1,
  U16: 2,
  I16: 3,
  U32: 4,
  I32: 5,
  F32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  U64: 10,
  I64: 11,
  F64: 12,
} as const;

const FIXED_SIZE: Readonly<Record<number, number>> = {
  [T.U8]: 1,
  [T.I8]: 1,
  [T.BOOL]: 1,
  [T.U16]: 2,
  [T.I16]: 2,
  [T.U32]: 4,
  [T.I32]: 4,
  [T.F32]: 4,
  [T.U64]: 8,
  [T.I64]: 8,
  [T.F64]: 8,
};

class Reader {
  #at = 0;
  readonly #view: DataView;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #need(n: number): number {
    const at = this.#at;
    if (at + n > this.#bytes.byteLength) throw new GgufTruncatedError();
    this.#at += n;
    return at;
  }

  u32(): number {
    return this.#view.getUint32(this.#need(4), true);
  }

  u64(): bigint {
    return this.#view.getBigUint64(this.#need(8), true);
  }

  /** A u64 that must be a reasonable count or length. */
  count(what: string, max: number): number {
    const n = this.u64();
    if (n > BigInt(max)) throw new Error(`GGUF: ${what} of ${n} is not plausible`);
    return Number(n);
  }

  string(): string {
    const length = this.count('a string length', MAX_STRING_BYTES);
    const at = this.#need(length);
    return new TextDecoder('utf-8', { fatal: false }).decode(this.#bytes.subarray(at, at + length));
  }

  skip(n: number): void {
    this.#need(n);
  }

  scalar(type: number): string | number | bigint | boolean {
    const v = this.#view;
    switch (type) {
      case T.U8:
        return v.getUint8(this.#need(1));
      case T.I8:
        return v.getInt8(this.#need(1));
      case T.BOOL:
        return v.getUint8(this.#need(1)) !== 0;
      case T.U16:
        return v.getUint16(this.#need(2), true);
      case T.I16:
        return v.getInt16(this.#need(2), true);
      case T.U32:
        return v.getUint32(this.#need(4), true);
      case T.I32:
        return v.getInt32(this.#need(4), true);
      case T.F32:
        return v.getFloat32(this.#need(4), true);
      case T.U64:
        return v.getBigUint64(this.#need(8), true);
      case T.I64:
        return v.getBigInt64(this.#need(8), true);
      case T.F64:
        return v.getFloat64(this.#need(8), true);
      case T.STRING:
        return this.string();
      default:
        throw new Error(`GGUF: unknown value type ${type}`);
    }
  }
}

/** Parses a GGUF header from the first bytes of a file. Throws GgufTruncatedError when they are too few. */
export function parseGgufHeader(bytes: Uint8Array): GgufHeader {
  const r = new Reader(bytes);
  if (r.u32() !== MAGIC) throw new Error('not a GGUF file (the magic bytes are not "GGUF")');
  const version = r.u32();
  if (version < 2 || version > 3) throw new Error(`GGUF version ${version} is not supported (2 or 3)`);
  const tensorCount = r.u64();
  const kvCount = r.count('a metadata count', 100_000);
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = r.string();
    const type = r.u32();
    if (type !== T.ARRAY) {
      metadata.set(key, r.scalar(type));
      continue;
    }
    const itemType = r.u32();
    const length = r.count('an array length', 50_000_000);
    const size = FIXED_SIZE[itemType];
    if (size !== undefined) r.skip(size * length);
    else if (itemType === T.STRING) for (let j = 0; j < length; j++) r.string();
    else throw new Error(`GGUF: arrays of type ${itemType} are not supported`);
    metadata.set(key, { arrayOf: itemType, length });
  }
  return { version, tensorCount, metadata };
}

/** Reads a GGUF file's header, reading more of the file until the whole header is in. */
export async function readGgufHeader(path: string): Promise<GgufHeader> {
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    for (let want = 1024 * 1024; ; want *= 4) {
      const length = Math.min(want, size, MAX_HEADER_BYTES);
      const bytes = new Uint8Array(length);
      await file.read(bytes, 0, length, 0);
      try {
        return parseGgufHeader(bytes);
      } catch (err) {
        if (!(err instanceof GgufTruncatedError) || length >= size || length >= MAX_HEADER_BYTES) throw err;
      }
    }
  } finally {
    await file.close();
  }
}

/** A metadata value as text (for messages and checks). */
export function ggufText(header: GgufHeader, key: string): string | undefined {
  const value = header.metadata.get(key);
  if (value === undefined || typeof value === 'object') return undefined;
  return String(value);
}
