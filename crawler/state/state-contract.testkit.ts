// The contract every crawl-state store passes (crawl.sqlite in the unit tests, Elasticsearch and
// OpenSearch in `npm run test:engines`): what the crawler relies on, store by store the same.
import { describe, expect, it } from 'vitest';
import { type CrawlStateStore, emptyCounters, type FrontierBatch } from './types.js';

export interface StateContractSubject {
  /** A fresh, opened store. */
  open(): Promise<CrawlStateStore>;
  /** Makes every write visible to searches (a refresh on an engine; nothing on SQLite). */
  settle(store: CrawlStateStore): Promise<void>;
}

const OPTIONS = { max_pages: 10, max_depth: 5 };
const EMPTY: FrontierBatch = { enqueue: [], resolved: [], outcomes: [], retries: [], states: [] };

function url(path: string): { url: string; host: string; depth: number } {
  return { url: `https://e.example/${path}`, host: 'e.example', depth: 1 };
}

export function describeCrawlStateContract(name: string, subject: StateContractSubject): void {
  describe(`crawl-state contract: ${name}`, () => {
    async function withStore(fn: (store: CrawlStateStore) => Promise<void>): Promise<void> {
      const store = await subject.open();
      try {
        await fn(store);
      } finally {
        await store.close();
      }
    }

    it('creates, reads, lists and resumes jobs', async () => {
      await withStore(async (store) => {
        const a = await store.createJob(['https://e.example/'], OPTIONS, 'cli');
        expect(a).toMatchObject({
          status: 'queued',
          seeds: ['https://e.example/'],
          options: OPTIONS,
          origin: 'cli',
        });
        expect(a.stats).toMatchObject({ discovered: 1, queued: 1, indexed: 0 });
        const b = await store.createJob(['https://f.example/x?b=1'], { ...OPTIONS, max_pages: 3 });
        await subject.settle(store);
        expect((await store.listJobs(10)).map((j) => j.id)).toEqual([b.id, a.id]);
        expect((await store.findUnfinished(['https://e.example/'], OPTIONS))?.id).toBe(a.id);
        expect(
          await store.findUnfinished(['https://e.example/'], { ...OPTIONS, max_depth: 6 }),
        ).toBeUndefined();
        expect(await store.getJob('crawl_nope')).toBeUndefined();
        await expect(store.requireJob('crawl_nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
        expect((await store.runnableJobs('api', 15_000)).map((j) => j.id)).toEqual([b.id]);
        expect(await store.claimJob(b.id, 'h:1:o', 15_000)).toBe(true);
        expect((await store.requireJob(b.id)).status).toBe('running');
        expect(await store.urlStatus(b.id, 'https://f.example/x?b=1')).toBe('queued');
      });
    });

    it('commits a batch: new URLs, outcomes, retries and states; pages the queue breadth first', async () => {
      await withStore(async (store) => {
        const job = await store.createJob(['https://e.example/'], OPTIONS);
        const owner = 'h:1:o';
        await store.claimJob(job.id, owner, 15_000);
        await subject.settle(store);
        const counters = await store.countJob(job.id);
        expect(counters).toEqual({ ...emptyCounters(), discovered: 1 });
        counters.indexed = 1;
        counters.fetched = 1;
        const added = await store.writeBatch(
          job.id,
          owner,
          {
            ...EMPTY,
            enqueue: [
              { ...url('b'), depth: 2 },
              url('a'),
              { url: 'https://e.example/', host: 'e.example', depth: 1 },
              { ...url('c'), fetchUrl: 'https://e.example/c?utm_source=x' },
            ],
            outcomes: [
              {
                url: 'https://e.example/',
                status: 'indexed',
                fetched: true,
                etag: '"x"',
                contentHash: 'h1',
                httpStatus: 200,
              },
            ],
            states: [
              {
                url: 'https://e.example/',
                host: 'e.example',
                state: 'indexed',
                indexed_as: 'https://e.example/',
                etag: '"x"',
                last_modified: null,
                content_hash: 'h1',
                simhash: 'abcd',
                outlinks: '["https://e.example/a"]',
                revisit_ms: 1000,
                next_visit_at: 5,
              },
            ],
          },
          counters,
        );
        expect(added.map((a) => a.url)).toEqual([
          'https://e.example/b',
          'https://e.example/a',
          'https://e.example/c',
        ]);
        expect(counters.discovered).toBe(4);
        await subject.settle(store);
        expect((await store.requireJob(job.id)).stats).toMatchObject({
          discovered: 4,
          indexed: 1,
          queued: 3,
          fetched: 1,
        });
        const queue = await store.nextQueued(job.id, -1, 0, 10);
        expect(queue.map((e) => e.url)).toEqual([
          'https://e.example/a',
          'https://e.example/c',
          'https://e.example/b',
        ]);
        expect(queue[1]?.fetchUrl).toBe('https://e.example/c?utm_source=x');
        const past = queue[0];
        expect(past).toBeDefined();
        expect(
          (await store.nextQueued(job.id, past?.depth ?? 0, past?.seq ?? 0, 10)).map((e) => e.url),
        ).toEqual(['https://e.example/c', 'https://e.example/b']);
        expect(await store.urlStatus(job.id, 'https://e.example/')).toBe('indexed');
        expect(await store.fetchedPerHost(job.id)).toEqual(new Map([['e.example', 1]]));
        expect(await store.urlState('https://e.example/')).toMatchObject({
          state: 'indexed',
          etag: '"x"',
          content_hash: 'h1',
          outlinks: '["https://e.example/a"]',
          revisit_ms: 1000,
        });
        expect(await store.indexedWithHash('h1', 'https://e.example/other')).toBe('https://e.example/');
        expect(await store.indexedWithHash('h1', 'https://e.example/')).toBeUndefined();
        const hashes: string[] = [];
        await store.simhashesOfHost('e.example', (u, h) => hashes.push(`${u} ${h}`));
        expect(hashes).toEqual(['https://e.example/ abcd']);
        expect(await store.knownHosts()).toEqual(['e.example']);

        // A state written without outlinks keeps the stored ones; a retry moves the URL back.
        await store.writeBatch(
          job.id,
          owner,
          {
            ...EMPTY,
            retries: [{ url: 'https://e.example/a', attempts: 1, nextFetchAt: 123, reason: 'HTTP 503' }],
            states: [
              {
                url: 'https://e.example/',
                host: 'e.example',
                state: 'indexed',
                indexed_as: 'https://e.example/',
                etag: '"y"',
                last_modified: null,
                content_hash: 'h1',
                simhash: 'abcd',
                revisit_ms: 2000,
                next_visit_at: 7,
              },
            ],
          },
          counters,
        );
        await subject.settle(store);
        expect(await store.urlState('https://e.example/')).toMatchObject({
          etag: '"y"',
          outlinks: '["https://e.example/a"]',
          revisit_ms: 2000,
        });
        const retried = (await store.nextQueued(job.id, -1, 0, 10)).find(
          (e) => e.url === 'https://e.example/a',
        );
        expect(retried).toMatchObject({ attempts: 1, nextFetchAt: 123 });
      });
    });

    it('settles URLs resolved by another page: new ones and queued ones, not settled ones', async () => {
      await withStore(async (store) => {
        const job = await store.createJob(['https://e.example/'], OPTIONS);
        const owner = 'h:1:o';
        await store.claimJob(job.id, owner, 15_000);
        await subject.settle(store);
        const counters = await store.countJob(job.id);
        await store.enqueue(job.id, [url('queued')]);
        counters.discovered++;
        await store.writeBatch(
          job.id,
          owner,
          {
            ...EMPTY,
            resolved: [
              { url: 'https://e.example/queued', status: 'skipped', reason: 'indexed via x', fetched: false },
              { url: 'https://e.example/new', status: 'indexed', reason: 'canonical', fetched: false },
            ],
          },
          counters,
        );
        expect(counters).toMatchObject({ discovered: 3, indexed: 1, skipped: 1 });
        expect(await store.urlStatus(job.id, 'https://e.example/queued')).toBe('skipped');
        expect(await store.urlStatus(job.id, 'https://e.example/new')).toBe('indexed');
        await store.writeBatch(
          job.id,
          owner,
          {
            ...EMPTY,
            resolved: [{ url: 'https://e.example/new', status: 'skipped', reason: 'later', fetched: false }],
          },
          counters,
        );
        expect(await store.urlStatus(job.id, 'https://e.example/new')).toBe('indexed');
        expect(counters).toMatchObject({ discovered: 3, indexed: 1, skipped: 1 });
      });
    });

    it('reports deletions, host tallies, skip and failure reasons, the frontier', async () => {
      await withStore(async (store) => {
        const job = await store.createJob(['https://e.example/'], OPTIONS);
        const owner = 'h:1:o';
        await store.claimJob(job.id, owner, 15_000);
        const urls = ['a', 'b', 'c', 'd', 'e'].map(url);
        const counters = emptyCounters();
        await store.writeBatch(
          job.id,
          owner,
          {
            ...EMPTY,
            enqueue: urls,
            outcomes: [
              {
                url: urls[0]?.url ?? '',
                status: 'skipped',
                reason: 'duplicate of https://e.example/x',
                fetched: true,
                httpStatus: 200,
              },
              {
                url: urls[1]?.url ?? '',
                status: 'skipped',
                reason: 'duplicate of https://e.example/y',
                fetched: true,
                httpStatus: 200,
              },
              {
                url: urls[2]?.url ?? '',
                status: 'failed',
                reason: 'HTTP 404',
                fetched: true,
                httpStatus: 404,
                deleteUrl: 'https://e.example/c',
              },
              {
                url: urls[3]?.url ?? '',
                status: 'failed',
                reason: 'HTTP 500',
                fetched: true,
                httpStatus: 500,
              },
              {
                url: urls[4]?.url ?? '',
                status: 'skipped',
                reason: 'noindex',
                fetched: true,
                httpStatus: 200,
              },
            ],
          },
          counters,
        );
        await subject.settle(store);
        expect(await store.skipReasons(job.id)).toEqual([
          { reason: 'duplicate of another URL', count: 2 },
          { reason: 'noindex', count: 1 },
        ]);
        expect((await store.failureReasons(job.id)).sort()).toEqual(['HTTP 404', 'HTTP 500']);
        expect(await store.hostTallies(job.id)).toEqual(
          new Map([['e.example', { attempted: 5, errors: 2 }]]),
        );
        const pending = await store.pendingDeletions(job.id);
        expect(pending.map((p) => [p.url, p.deleteUrl, p.host])).toEqual([
          ['https://e.example/c', 'https://e.example/c', 'e.example'],
        ]);
        await store.markDeletion(job.id, pending[0]?.key ?? '', 'done');
        await subject.settle(store);
        expect(await store.pendingDeletions(job.id)).toEqual([]);
        expect((await store.countJob(job.id)).deleted).toBe(1);
        const rows = await store.frontierOf(job.id);
        expect(rows.map((r) => [r.url, r.status])).toEqual([
          ['https://e.example/', 'queued'],
          ...urls.map((u, i) => [u.url, i === 2 || i === 3 ? 'failed' : 'skipped']),
        ]);
      });
    });

    it('finishes and cancels jobs: what is left in the queue is skipped with the reason', async () => {
      await withStore(async (store) => {
        const queued = await store.createJob(['https://e.example/q'], OPTIONS);
        const cancelled = await store.requestCancel(queued.id);
        expect(cancelled.status).toBe('cancelled');
        expect(await store.claimJob(queued.id, 'h:1:o', 15_000)).toBe(false);

        const job = await store.createJob(['https://e.example/'], OPTIONS);
        await store.claimJob(job.id, 'h:1:o', 15_000);
        expect(await store.cancelRequested(job.id)).toBe(false);
        expect((await store.requestCancel(job.id)).status).toBe('running');
        expect(await store.cancelRequested(job.id)).toBe(true);
        await store.setDeletionsSuspended(job.id, ['e.example']);
        await store.finishJob(job.id, 'done', null);
        const done = await store.requireJob(job.id);
        expect(done).toMatchObject({ status: 'done', deletions_suspended: ['e.example'] });
        expect(done.finished_at).not.toBeNull();
        expect(done.stats).toMatchObject({ discovered: 1, skipped: 1, queued: 0 });
        expect((await store.frontierOf(job.id))[0]).toMatchObject({
          status: 'skipped',
          reason: 'max_pages reached',
        });
      });
    });

    it('lists revisit candidates of a host, most overdue first, and forgets removed pages', async () => {
      await withStore(async (store) => {
        const job = await store.createJob(['https://e.example/'], OPTIONS);
        await store.claimJob(job.id, 'h:1:o', 15_000);
        const state = (path: string, next: number | null, st = 'indexed') => ({
          url: `https://e.example/${path}`,
          host: 'e.example',
          state: st,
          indexed_as: `https://e.example/${path}`,
          etag: null,
          last_modified: null,
          content_hash: path,
          simhash: null,
          next_visit_at: next,
          fetch_url: `https://e.example/${path}?x`,
        });
        await store.writeBatch(
          job.id,
          'h:1:o',
          {
            ...EMPTY,
            states: [state('late', 300), state('never', null), state('soon', 100), state('gone', 50, 'gone')],
          },
          emptyCounters(),
        );
        await subject.settle(store);
        const seen: string[] = [];
        for await (const c of store.revisitCandidates('e.example')) seen.push(`${c.url} ${c.fetchUrl}`);
        expect(seen).toEqual([
          'https://e.example/never https://e.example/never?x',
          'https://e.example/soon https://e.example/soon?x',
          'https://e.example/late https://e.example/late?x',
        ]);
        await store.markRemoved('https://e.example/soon', 'gone');
        expect(await store.urlState('https://e.example/soon')).toMatchObject({
          state: 'gone',
          indexed_as: null,
        });
        const memory = new Map<string, number>();
        await store.rememberFrontier(job.id, {
          remember: (_u, h) => memory.set(h, (memory.get(h) ?? 0) + 1),
          rememberHost: (h, n) => memory.set(h, (memory.get(h) ?? 0) + n),
        });
        expect(memory).toEqual(new Map([['e.example', 1]]));
      });
    });
  });
}
