import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ownerAlive } from '../../crawl-service.js';
import { emptyCounters } from '../types.js';
import { CrawlStore } from './crawl-store.js';

describe('CrawlStore', () => {
  it('hands a job over when its owner process is gone, even with a fresh heartbeat', () => {
    const store = new CrawlStore(':memory:');
    try {
      const job = store.createJob(['https://e.example/'], { max_pages: 10, max_depth: 2 }, 'api');
      const dead = `${require_hostname()}:999999999:dead`;
      expect(store.claimJob(job.id, dead, 15_000)).toBe(true);
      // A live-looking owner keeps its job; a dead one (no such process here) gives it up at once.
      expect(store.claimJob(job.id, 'someone-else:1:x', 15_000, () => true)).toBe(false);
      expect(store.orphanedJobs(15_000, 'api', () => true)).toEqual([]);
      expect(store.orphanedJobs(15_000, 'api', ownerAlive).map((j) => j.id)).toEqual([job.id]);
      expect(store.orphanedJobs(15_000, 'cli', ownerAlive)).toEqual([]);
      const me = `${require_hostname()}:${process.pid}:me`;
      expect(store.claimJob(job.id, me, 15_000, ownerAlive)).toBe(true);
      expect(store.claimJob(job.id, 'someone-else:1:x', 15_000, ownerAlive)).toBe(false);
    } finally {
      store.close();
    }
  });

  it('commits a batch of new URLs, outcomes and counters together, and pages the queue breadth first', () => {
    const store = new CrawlStore(':memory:');
    try {
      const job = store.createJob(['https://e.example/'], { max_pages: 10, max_depth: 5 });
      const owner = 'h:1:o';
      store.claimJob(job.id, owner, 15_000);
      const counters = store.countJob(job.id);
      expect(counters).toEqual({ ...emptyCounters(), discovered: 1 });
      counters.indexed = 1; // the runner counts outcomes; the store persists its counters
      const added = store.writeBatch(
        job.id,
        owner,
        {
          enqueue: [
            { url: 'https://e.example/b', host: 'e.example', depth: 2 },
            { url: 'https://e.example/a', host: 'e.example', depth: 1 },
            { url: 'https://e.example/', host: 'e.example', depth: 1 },
          ],
          outcomes: [
            { url: 'https://e.example/', status: 'indexed', fetched: true, etag: '"x"', contentHash: 'h1' },
          ],
          resolved: [],
          retries: [],
          states: [],
        },
        counters,
      );
      expect(added.map((a) => a.url)).toEqual(['https://e.example/b', 'https://e.example/a']);
      expect(store.getJob(job.id)?.stats).toMatchObject({ discovered: 3, indexed: 1, queued: 2 });
      expect(store.nextQueued(job.id, -1, 0, 10).map((e) => e.url)).toEqual([
        'https://e.example/a',
        'https://e.example/b',
      ]);
      expect(store.countJob(job.id)).toMatchObject({ discovered: 3, indexed: 1 });
    } finally {
      store.close();
    }
  });

  it('counts skip reasons, those naming another URL together', () => {
    const store = new CrawlStore(':memory:');
    try {
      const job = store.createJob(['https://e.example/'], { max_pages: 10, max_depth: 2 }, 'api');
      const owner = 'me:1:x';
      store.claimJob(job.id, owner, 15_000);
      const urls = ['a', 'b', 'c', 'd'].map((p) => ({
        url: `https://e.example/${p}`,
        host: 'e.example',
        depth: 1,
      }));
      const reasons = [
        'duplicate of https://e.example/x',
        'duplicate of https://e.example/y',
        'unreadable pdf: encrypted PDF',
        'noindex',
      ];
      store.writeBatch(
        job.id,
        owner,
        {
          enqueue: urls,
          resolved: [],
          outcomes: urls.map((u, i) => ({
            url: u.url,
            status: 'skipped' as const,
            reason: reasons[i],
            fetched: true,
          })),
          retries: [],
          states: [],
        },
        emptyCounters(),
      );
      expect(store.skipReasons(job.id)).toEqual([
        { reason: 'duplicate of another URL', count: 2 },
        { reason: 'noindex', count: 1 },
        { reason: 'unreadable pdf: encrypted PDF', count: 1 },
      ]);
    } finally {
      store.close();
    }
  });
});

function require_hostname(): string {
  return hostname();
}
