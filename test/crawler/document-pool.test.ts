// The document pool on real worker threads (compiled dist/, built by `npm test`'s pretest): a
// document that takes too long has its thread terminated and the next document is read by a new
// one; a document that needs more memory than a thread may have fails alone; nothing hangs.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { DocumentPool as Pool } from '../../crawler/documents/document-pool.js';
import { silentLogger } from '../../services/index.js';
import { makeDocx, makePdf } from '../helpers/document-fixtures.js';

const dist = (path: string) => pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', path)).href;

async function poolClass(): Promise<typeof Pool> {
  return ((await import(dist('crawler/documents/document-pool.js'))) as { DocumentPool: typeof Pool })
    .DocumentPool;
}

const bigPdf = () =>
  makePdf({
    title: 'Long report',
    pages: Array.from({ length: 400 }, (_, p) =>
      Array.from({ length: 40 }, (_, l) => ({
        size: 10,
        text: `Page ${p} line ${l}: the keeper logged wind and tide.`,
      })),
    ),
  });

describe('DocumentPool', () => {
  it('reads documents on a worker thread', async () => {
    const DocumentPool = await poolClass();
    const pool = new DocumentPool({ threads: 1 }, silentLogger());
    try {
      const doc = await pool.analyze({
        body: makeDocx({ title: 'Lenses', body: [{ text: 'The Fresnel lens dates from 1822.' }] }),
        type: 'docx',
        url: 'https://e.example/a.docx',
      });
      expect(doc).toMatchObject({ type: 'docx', title: 'Lenses', text: 'The Fresnel lens dates from 1822.' });
    } finally {
      await pool.close();
    }
  });

  it('gives up a document that takes too long, terminating its thread, and goes on with the next', async () => {
    const DocumentPool = await poolClass();
    const pool = new DocumentPool({ threads: 1, timeoutMs: 500 }, silentLogger());
    try {
      const started = Date.now();
      await expect(
        pool.analyze({ body: bigPdf(), type: 'pdf', url: 'https://e.example/big.pdf' }),
      ).rejects.toThrow(/took longer than 0.5 s/);
      expect(Date.now() - started).toBeLessThan(5_000);
      const next = await pool.analyze({
        body: Buffer.from('# Next\n\nStill read.'),
        type: 'markdown',
        url: 'https://e.example/n.md',
      });
      expect(next.title).toBe('Next');
    } finally {
      await pool.close();
    }
  });

  it('a document that needs more memory than a thread may have fails alone', async () => {
    const DocumentPool = await poolClass();
    // 120,000 list items: Markdown's token tree for them does not fit a 48 MB heap.
    const pool = new DocumentPool({ threads: 1, maxHeapMb: 48, timeoutMs: 30_000 }, silentLogger());
    const markdown = Array.from({ length: 120_000 }, (_, i) => `- item ${i} with some words in it`).join(
      '\n',
    );
    try {
      await expect(
        pool.analyze({ body: Buffer.from(markdown), type: 'markdown', url: 'https://e.example/huge.md' }),
      ).rejects.toThrow(/needed more than 48 MB/);
      const next = await pool.analyze({
        body: Buffer.from('Plain words after it.'),
        type: 'text',
        url: 'https://e.example/t.txt',
      });
      expect(next.text).toBe('Plain words after it.');
    } finally {
      await pool.close();
    }
  }, 60_000);
});
