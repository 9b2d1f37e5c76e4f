// A zip reader for Office Open XML and OpenDocument files that cannot be turned against the
// crawler: the central directory is read with caps on the number of entries, only the entries asked
// for are inflated, every inflated byte is counted against a per-entry and a per-file cap (the
// sizes a zip declares are not trusted, so a zip bomb stops at the cap), encrypted entries and
// unknown compression methods are refused. Inflating is fflate's.
import { Inflate } from 'fflate';
import { CiteboxError } from '../../services/core.js';

export interface ZipLimits {
  /** Entries in the central directory. */
  readonly maxEntries: number;
  /** Bytes one entry may inflate to. */
  readonly maxEntryBytes: number;
  /** Bytes all entries read from one file may inflate to. */
  readonly maxTotalBytes: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 128 * 1024 * 1024,
};

interface Entry {
  readonly name: string;
  readonly method: number;
  readonly encrypted: boolean;
  readonly compressedSize: number;
  readonly localOffset: number;
}

function unreadable(reason: string): CiteboxError {
  return new CiteboxError('FETCH_UNSUPPORTED', reason);
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;

export class ZipArchive {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #entries = new Map<string, Entry>();
  readonly #limits: ZipLimits;
  #inflated = 0;

  constructor(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#limits = limits;
    this.readDirectory();
  }

  /** Whether bytes start like a zip file. */
  static isZip(bytes: Uint8Array): boolean {
    return (
      bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04
    );
  }

  get names(): string[] {
    return [...this.#entries.keys()];
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  private u16(at: number): number {
    if (at + 2 > this.#bytes.length) throw unreadable('truncated zip file');
    return this.#view.getUint16(at, true);
  }

  private u32(at: number): number {
    if (at + 4 > this.#bytes.length) throw unreadable('truncated zip file');
    return this.#view.getUint32(at, true);
  }

  private u64(at: number): number {
    const low = this.u32(at);
    const high = this.u32(at + 4);
    return high * 2 ** 32 + low;
  }

  private readDirectory(): void {
    const bytes = this.#bytes;
    // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
    let eocd = -1;
    for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65_557); i--) {
      if (this.#view.getUint32(i, true) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw unreadable('not a zip file, or a truncated one (no central directory)');
    let count = this.u16(eocd + 10);
    let offset = this.u32(eocd + 16);
    if (
      (count === 0xffff || offset === 0xffffffff) &&
      eocd >= 20 &&
      this.u32(eocd - 20) === ZIP64_EOCD_LOCATOR
    ) {
      const zip64 = this.u64(eocd - 20 + 8);
      if (this.u32(zip64) !== ZIP64_EOCD) throw unreadable('broken zip64 directory');
      count = this.u64(zip64 + 32);
      offset = this.u64(zip64 + 48);
    }
    if (count > this.#limits.maxEntries) {
      throw unreadable(`zip file with ${count} entries (more than ${this.#limits.maxEntries})`);
    }
    const decoder = new TextDecoder();
    let at = offset;
    for (let i = 0; i < count; i++) {
      if (this.u32(at) !== CENTRAL) throw unreadable('broken zip central directory');
      const flags = this.u16(at + 8);
      const method = this.u16(at + 10);
      let compressedSize = this.u32(at + 20);
      let uncompressed = this.u32(at + 24);
      const nameLength = this.u16(at + 28);
      const extraLength = this.u16(at + 30);
      const commentLength = this.u16(at + 32);
      let localOffset = this.u32(at + 42);
      if (at + 46 + nameLength > bytes.length) throw unreadable('truncated zip file');
      const name = decoder.decode(bytes.subarray(at + 46, at + 46 + nameLength));
      // Zip64 sizes and offset, in that order, for the fields that overflowed.
      let extra = at + 46 + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        const id = this.u16(extra);
        const size = this.u16(extra + 2);
        if (id === 0x0001) {
          let p = extra + 4;
          if (uncompressed === 0xffffffff) {
            uncompressed = this.u64(p);
            p += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = this.u64(p);
            p += 8;
          }
          if (localOffset === 0xffffffff) localOffset = this.u64(p);
        }
        extra += 4 + size;
      }
      this.#entries.set(name, { name, method, encrypted: (flags & 1) === 1, compressedSize, localOffset });
      at += 46 + nameLength + extraLength + commentLength;
    }
  }

  /** The inflated bytes of an entry, or undefined when there is none by that name. */
  read(name: string): Uint8Array | undefined {
    const entry = this.#entries.get(name);
    if (!entry) return undefined;
    if (entry.encrypted) throw unreadable('encrypted (password-protected) document');
    const local = entry.localOffset;
    if (this.u32(local) !== LOCAL) throw unreadable('broken zip entry');
    const start = local + 30 + this.u16(local + 26) + this.u16(local + 28);
    const end = start + entry.compressedSize;
    if (end > this.#bytes.length) throw unreadable('truncated zip file');
    const data = this.#bytes.subarray(start, end);
    const cap = Math.min(this.#limits.maxEntryBytes, this.#limits.maxTotalBytes - this.#inflated);
    if (entry.method === 0) {
      if (data.length > cap) throw this.tooLarge(name);
      this.#inflated += data.length;
      return data;
    }
    if (entry.method !== 8) throw unreadable(`zip entry ${name} uses compression method ${entry.method}`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const inflater = new Inflate((chunk) => {
      size += chunk.length;
      if (size > cap) throw this.tooLarge(name);
      chunks.push(chunk);
    });
    try {
      // Fed in slices, so a bomb is stopped after at most one slice's worth of output past the cap.
      const step = 64 * 1024;
      for (let i = 0; i < data.length; i += step) {
        inflater.push(data.subarray(i, Math.min(data.length, i + step)), i + step >= data.length);
      }
      if (data.length === 0) inflater.push(new Uint8Array(0), true);
    } catch (err) {
      if (err instanceof CiteboxError) throw err;
      throw unreadable(`broken zip entry ${name}: ${(err as Error).message}`);
    }
    this.#inflated += size;
    const out = new Uint8Array(size);
    let p = 0;
    for (const c of chunks) {
      out.set(c, p);
      p += c.length;
    }
    return out;
  }

  /** An entry as UTF-8 text (small XML parts), or undefined. */
  text(name: string): string | undefined {
    const bytes = this.read(name);
    return bytes === undefined ? undefined : new TextDecoder().decode(bytes);
  }

  private tooLarge(name: string): CiteboxError {
    return new CiteboxError(
      'FETCH_TOO_LARGE',
      `zip entry ${name} inflates past the cap (${Math.round(this.#limits.maxEntryBytes / 1048576)} MB per part, ${Math.round(this.#limits.maxTotalBytes / 1048576)} MB per file): a zip bomb or an oversized document`,
    );
  }
}
