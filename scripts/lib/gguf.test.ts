import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GgufTruncatedError, ggufText, parseGgufHeader, readGgufHeader } from './gguf.js';

/** Writes a GGUF header the way llama.cpp's gguf writer lays it out (little-endian). */
class HeaderWriter {
  readonly #parts: Buffer[] = [];
  #kv = 0;

  #u32(n: number): Buffer {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  }

  #u64(n: number | bigint): Buffer {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  }

  #str(s: string): Buffer {
    const bytes = Buffer.from(s, 'utf8');
    return Buffer.concat([this.#u64(bytes.length), bytes]);
  }

  kv(key: string, type: number, value: Buffer): this {
    this.#kv++;
    this.#parts.push(this.#str(key), this.#u32(type), value);
    return this;
  }

  string(key: string, value: string): this {
    return this.kv(key, 8, this.#str(value));
  }

  u32(key: string, value: number): this {
    return this.kv(key, 4, this.#u32(value));
  }

  f32(key: string, value: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    return this.kv(key, 6, b);
  }

  bool(key: string, value: boolean): this {
    return this.kv(key, 7, Buffer.from([value ? 1 : 0]));
  }

  u64(key: string, value: bigint): this {
    return this.kv(key, 10, this.#u64(value));
  }

  i32s(key: string, values: readonly number[]): this {
    const body = Buffer.alloc(values.length * 4);
    for (const [i, v] of values.entries()) body.writeInt32LE(v, i * 4);
    return this.kv(key, 9, Buffer.concat([this.#u32(5), this.#u64(values.length), body]));
  }

  strings(key: string, values: readonly string[]): this {
    return this.kv(
      key,
      9,
      Buffer.concat([this.#u32(8), this.#u64(values.length), ...values.map((v) => this.#str(v))]),
    );
  }

  bytes(version = 3, magic = 'GGUF'): Buffer {
    return Buffer.concat([
      Buffer.from(magic, 'latin1'),
      this.#u32(version),
      this.#u64(291),
      this.#u64(this.#kv),
      ...this.#parts,
    ]);
  }
}

const model = () =>
  new HeaderWriter()
    .string('general.architecture', 'qwen2')
    .string('general.name', 'Qwen2.5 Coder 0.5B Instruct')
    .u32('qwen2.context_length', 32768)
    .f32('qwen2.rope.freq_base', 1_000_000)
    .bool('tokenizer.ggml.add_bos_token', false)
    .u64('general.parameter_count', 494_032_768n)
    .strings('tokenizer.ggml.tokens', ['a', 'b', '<|im_start|>'])
    .i32s('tokenizer.ggml.token_type', [1, 1, 3])
    .string('general.size_label', '0.5B');

describe('parseGgufHeader', () => {
  it('reads scalars and records arrays by length', () => {
    const header = parseGgufHeader(model().bytes());
    expect(header.version).toBe(3);
    expect(header.tensorCount).toBe(291n);
    expect(Object.fromEntries(header.metadata)).toEqual({
      'general.architecture': 'qwen2',
      'general.name': 'Qwen2.5 Coder 0.5B Instruct',
      'qwen2.context_length': 32768,
      'qwen2.rope.freq_base': 1_000_000,
      'tokenizer.ggml.add_bos_token': false,
      'general.parameter_count': 494_032_768n,
      'tokenizer.ggml.tokens': { arrayOf: 8, length: 3 },
      'tokenizer.ggml.token_type': { arrayOf: 5, length: 3 },
      'general.size_label': '0.5B',
    });
    expect(ggufText(header, 'qwen2.context_length')).toBe('32768');
    expect(ggufText(header, 'tokenizer.ggml.tokens')).toBeUndefined();
    expect(ggufText(header, 'missing')).toBeUndefined();
  });

  it.each([
    ['a file that is not GGUF', model().bytes(3, 'GGML'), /not a GGUF file/],
    ['an unknown version', model().bytes(7), /version 7/],
    [
      'an unknown value type',
      new HeaderWriter().kv('x', 42, Buffer.alloc(4)).bytes(),
      /unknown value type 42/,
    ],
  ])('refuses %s', (_name, bytes, message) => {
    expect(() => parseGgufHeader(bytes)).toThrow(message);
  });

  it('says when the bytes end inside the header, at any cut', () => {
    const bytes = model().bytes();
    for (const cut of [3, 8, 20, 40, bytes.length - 1]) {
      expect(() => parseGgufHeader(bytes.subarray(0, cut))).toThrow(GgufTruncatedError);
    }
  });
});

describe('readGgufHeader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'citebox-gguf-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads on until a header larger than the first read is whole', async () => {
    // A vocabulary of 300,000 tokens makes a header of several MB, as real models have.
    const tokens = Array.from({ length: 300_000 }, (_, i) => `token-${i}`);
    const bytes = new HeaderWriter()
      .string('general.architecture', 'llama')
      .strings('tokenizer.ggml.tokens', tokens)
      .u32('llama.context_length', 8192)
      .bytes();
    expect(bytes.length).toBeGreaterThan(4 * 1024 * 1024);
    const path = join(dir, 'model.gguf');
    writeFileSync(path, Buffer.concat([bytes, Buffer.alloc(1024)]));
    const header = await readGgufHeader(path);
    expect(ggufText(header, 'llama.context_length')).toBe('8192');
    expect(header.metadata.get('tokenizer.ggml.tokens')).toEqual({ arrayOf: 8, length: 300_000 });
  });

  it('refuses a file whose header never ends', async () => {
    const path = join(dir, 'cut.gguf');
    writeFileSync(path, model().bytes().subarray(0, 100));
    await expect(readGgufHeader(path)).rejects.toThrow(GgufTruncatedError);
  });
});
