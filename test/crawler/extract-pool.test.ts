// The extraction pool on real worker threads. Workers need compiled JavaScript, so this test uses
// dist/ (built by `npm test`'s pretest); from the TypeScript sources the pool runs inline.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ExtractPool as Pool } from '../../crawler/extract-pool.js';
import { analyzePage } from '../../crawler/page-analysis.js';
import { cutPassages, pageToRecords } from '../../indexer/index.js';
import { silentLogger } from '../../services/index.js';
import { bulkPage } from '../helpers/test-site-generator.js';

const dist = (path: string) => pathToFileURL(join(import.meta.dirname, '..', '..', 'dist', path)).href;

describe('ExtractPool', () => {
  it('analyzes pages on worker threads exactly as inline', async () => {
    const { ExtractPool } = (await import(dist('crawler/extract-pool.js'))) as { ExtractPool: typeof Pool };
    const pool = new ExtractPool(2, silentLogger());
    try {
      expect(pool.size).toBe(2);
      // Until its threads have started the pool analyzes pages itself.
      await pool.ready();
      const requests = Array.from({ length: 12 }, (_, i) => ({
        body: Buffer.from(bulkPage(i, { pages: 12, wordsPerPage: 200 })),
        contentType: 'text/html; charset=utf-8',
        url: `https://e.example/p/${i}`,
      }));
      const results = await Promise.all(requests.map((r) => pool.analyze(r)));
      for (const [i, r] of results.entries()) {
        const inline = analyzePage(requests[i] as (typeof requests)[number]);
        expect(r.contentHash).toBe(inline.contentHash);
        expect(r.simhash).toBe(inline.simhash);
        expect(r.textLength).toBe(inline.textLength);
        expect(r.page.links).toEqual(inline.page.links);
        expect(r.page.title).toBe(`Page ${i}`);
      }
    } finally {
      await pool.close();
    }
  });

  it('cuts pages into passages on a thread that keeps up, leaves them to the indexer when pages queue', async () => {
    const { ExtractPool } = (await import(dist('crawler/extract-pool.js'))) as { ExtractPool: typeof Pool };
    const pool = new ExtractPool(1, silentLogger());
    try {
      await pool.ready();
      const requests = Array.from({ length: 8 }, (_, i) => ({
        body: Buffer.from(bulkPage(i, { pages: 8, wordsPerPage: 600 })),
        contentType: 'text/html; charset=utf-8',
        url: `https://e.example/p/${i}`,
        passages: true,
      }));
      // Sent at once: the first pages find the thread free, the last ones find pages queued.
      const results = await Promise.all(requests.map((r) => pool.analyze(r)));
      const cut = results.filter((r) => r.passages !== undefined).length;
      expect(cut).toBeGreaterThan(0);
      expect(cut).toBeLessThan(results.length);
      for (const [i, r] of results.entries()) {
        const inline = analyzePage({ ...(requests[i] as (typeof requests)[number]), passages: false });
        if (r.passages) {
          // Cut there: the blocks stay on the thread.
          expect(r.page.blocks).toEqual([]);
          expect(r.passages.chunks.length).toBeGreaterThan(1);
          expect(r.passages).toEqual(cutPassages(inline.page.blocks, inline.page.lang));
        } else {
          expect(r.page.blocks).toEqual(inline.page.blocks);
        }
        const page = { url: `https://e.example/p/${i}`, title: 't', fetchedAt: 'now', contentHash: 'h' };
        expect(pageToRecords({ ...page, blocks: r.page.blocks, passages: r.passages })).toEqual(
          pageToRecords({ ...page, blocks: inline.page.blocks }),
        );
      }
    } finally {
      await pool.close();
    }
  });

  it('analyzes inline with no threads', async () => {
    const { ExtractPool } = (await import(dist('crawler/extract-pool.js'))) as { ExtractPool: typeof Pool };
    const pool = new ExtractPool(0, silentLogger());
    expect(pool.size).toBe(0);
    const r = await pool.analyze({
      body: Buffer.from('<p>Just a short note about the tides today.</p>'),
      contentType: undefined,
      url: 'https://e.example/',
    });
    expect(r.textLength).toBeGreaterThan(0);
    expect(JSON.stringify(r.page.blocks)).toContain('tides');
    await pool.close();
  });
});
