import { describe, expect, it } from 'vitest';
import type { ExtractedPage, PageSink } from '../services/index.js';
import { PageBatcher } from './page-batcher.js';

const page = (url: string): ExtractedPage => ({
  url,
  title: url,
  fetchedAt: '',
  blocks: [],
  contentHash: url,
});

function recordingSink(failUrl?: string): PageSink & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    batches,
    indexPage: async () => ({ passages: 1 }),
    indexPages: async (pages) => {
      batches.push(pages.map((p) => p.url));
      return pages.map((p) => (p.url === failUrl ? { passages: 0, error: 'disk full' } : { passages: 1 }));
    },
    deletePage: async () => false,
    flush: async () => undefined,
  };
}

describe('PageBatcher', () => {
  it('writes pages that arrive together in one batch, and each promise settles after its write', async () => {
    const sink = recordingSink();
    const batcher = new PageBatcher(sink, { maxPages: 3, maxWaitMs: 5 });
    const done = ['a', 'b', 'c', 'd'].map((u) => batcher.index(page(u)));
    await Promise.all(done);
    expect(sink.batches).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('fails only the page that could not be written', async () => {
    const sink = recordingSink('b');
    const batcher = new PageBatcher(sink, { maxWaitMs: 1 });
    const [a, b] = await Promise.allSettled([batcher.index(page('a')), batcher.index(page('b'))]);
    expect(a?.status).toBe('fulfilled');
    expect(b).toMatchObject({ status: 'rejected', reason: { code: 'INDEX_WRITE_FAILED' } });
  });

  it('falls back to one write per page for sinks without batches', async () => {
    const urls: string[] = [];
    const batcher = new PageBatcher({
      indexPage: async (p) => {
        urls.push(p.url);
        return { passages: 1 };
      },
      deletePage: async () => false,
      flush: async () => undefined,
    });
    await batcher.index(page('x'));
    expect(urls).toEqual(['x']);
  });
});
