// The engine crawl state on both real engines: the contract crawl.sqlite passes too, and what only
// a fleet needs — URL claims that two processes never share and that lapse after the lease, host
// leases that carry a host's politeness from one process to the next, one-process job steps, and
// a job's page budget that a dead worker's reservation returns to.
import { afterAll, describe, expect, it } from 'vitest';
import { EngineStateStore } from '../../crawler/state/engine/index.js';
import { describeCrawlStateContract } from '../../crawler/state/state-contract.testkit.js';
import type { CrawlStateStore, HostPoliteness } from '../../crawler/state/types.js';
import { silentLogger } from '../../services/index.js';
import { TEST_ENGINES, type TestEngine, uniqueAlias } from './engine-helpers.js';

for (const engine of TEST_ENGINES) engineSuite(engine);

function engineSuite(engine: TestEngine): void {
  const opened: EngineStateStore[] = [];
  const prefixes: string[] = [];

  function store(indexName = uniqueAlias('crawl'), leaseMs = 30_000): EngineStateStore {
    prefixes.push(indexName);
    const s = new EngineStateStore({
      client: engine.client(),
      indexName,
      shards: 1,
      replicas: 0,
      leaseMs,
      logger: silentLogger(),
    });
    opened.push(s);
    return s;
  }

  async function refresh(s: EngineStateStore): Promise<void> {
    const res = await fetch(`${engine.url()}/${Object.values(s.names).join(',')}/_refresh`, {
      method: 'POST',
    });
    if (!res.ok) throw new Error(`refresh failed: ${res.status}`);
  }

  afterAll(async () => {
    for (const prefix of prefixes.splice(0)) {
      await fetch(`${engine.url()}/${prefix}-crawl-*`, { method: 'DELETE' }).catch(() => undefined);
    }
  });

  describeCrawlStateContract(engine.name, {
    open: async () => {
      const s = store();
      await s.open();
      return s;
    },
    settle: (s: CrawlStateStore) => refresh(s as EngineStateStore),
  });

  describe(`${engine.name} crawl state for a fleet`, () => {
    async function twoProcesses(leaseMs = 30_000): Promise<[EngineStateStore, EngineStateStore, string]> {
      const name = uniqueAlias('fleet');
      const a = store(name, leaseMs);
      const b = store(name, leaseMs);
      await Promise.all([a.open(), b.open()]);
      return [a, b, name];
    }

    async function jobWithUrls(s: EngineStateStore, hosts: string[], perHost: number): Promise<string> {
      const job = await s.createJob([`https://${hosts[0]}/`], { max_pages: 1000, max_depth: 5 });
      const urls = hosts.flatMap((host) =>
        Array.from({ length: perHost }, (_, i) => ({ url: `https://${host}/p${i}`, host, depth: 1 })),
      );
      await s.enqueue(job.id, urls);
      await refresh(s);
      return job.id;
    }

    it('never lets two processes claim the same URL, and a lapsed claim returns to the queue', async () => {
      // Leases long enough that a loaded machine's slow requests do not let them lapse early.
      const [a, b] = await twoProcesses(4_000);
      const jobId = await jobWithUrls(a, ['h1.example'], 40);
      // Both claim the same host's URLs at once (host leases aside): each URL goes to one of them.
      const [ca, cb] = await Promise.all([
        a.fleet.claim(jobId, 'A', ['h1.example'], 30),
        b.fleet.claim(jobId, 'B', ['h1.example'], 30),
      ]);
      const urlsA = new Set(ca.map((e) => e.url));
      expect(cb.filter((e) => urlsA.has(e.url))).toEqual([]);
      expect(ca.length + cb.length).toBeGreaterThanOrEqual(30);
      // B settles one of its URLs; A, whose claims lapse, cannot take B's settled one later.
      await refresh(a);
      const rest = await a.fleet.claim(jobId, 'A', ['h1.example'], 100);
      const claimedNow = new Set([...ca, ...cb].map((e) => e.url));
      expect(rest.every((e) => !claimedNow.has(e.url))).toBe(true);
      await new Promise((r) => setTimeout(r, 4_300));
      await refresh(a);
      // Everything claimed before lapsed: the 41 queued URLs (40 and the seed) are claimable again
      // (in two reads: B's first claim read past the URLs it had then).
      const again = [
        ...(await b.fleet.claim(jobId, 'B', ['h1.example'], 100)),
        ...(await b.fleet.claim(jobId, 'B', ['h1.example'], 100)),
      ];
      expect(new Set(again.map((e) => e.url)).size).toBe(41);
      // An outcome on a first claim that B took over since is dropped, not counted. (Claiming at
      // once, one of the two may have won every URL: the first claim is whoever's got one.)
      const [first, firstOwner, lost] = ca[0] ? ([a, 'A', ca[0]] as const) : ([b, 'B', cb[0]] as const);
      expect(lost).toBeDefined();
      if (!lost) return;
      const counters = {
        discovered: 0,
        fetched: 0,
        indexed: 1,
        skipped: 0,
        failed: 0,
        unchanged: 0,
        deleted: 0,
      };
      await first.writeBatch(
        jobId,
        firstOwner,
        {
          enqueue: [],
          resolved: [],
          retries: [],
          states: [],
          outcomes: [{ url: lost.url, status: 'indexed', fetched: true, claim: lost.claim }],
        },
        counters,
      );
      expect(counters.indexed).toBe(0);
      expect(await first.urlStatus(jobId, lost.url)).toBe('queued');
      const mine = again.find((e) => e.url === lost.url);
      await b.writeBatch(
        jobId,
        'B',
        {
          enqueue: [],
          resolved: [],
          retries: [],
          states: [],
          outcomes: [{ url: lost.url, status: 'indexed', fetched: true, claim: mine?.claim }],
        },
        counters,
      );
      expect(await b.urlStatus(jobId, lost.url)).toBe('indexed');
    });

    it('hands a host from process to process with its politeness; a dead holder loses it after the lease', async () => {
      // Leases long enough that a loaded machine's slow requests do not let them lapse early.
      const [a, b] = await twoProcesses(5_000);
      const state = new Map<string, { nextAt: number; crawlDelayMs: number }>();
      const politeness = (who: string): HostPoliteness => ({
        snapshot: (h) => ({
          nextAt: state.get(`${who} ${h}`)?.nextAt ?? 0,
          crawlDelayMs: state.get(`${who} ${h}`)?.crawlDelayMs ?? 0,
          responseMs: null,
          failures: 0,
          pauses: 0,
        }),
        restore: (h, s) => state.set(`${who} ${h}`, { nextAt: s.nextAt, crawlDelayMs: s.crawlDelayMs }),
        delayFor: () => 200,
        activeOn: () => 0,
      });
      a.fleet.register('A', 'worker', politeness('A'));
      b.fleet.register('B', 'worker', politeness('B'));
      expect(await a.fleet.hosts.acquire(['x.example', 'y.example'], 5)).toEqual(['x.example', 'y.example']);
      expect(await b.fleet.hosts.acquire(['x.example', 'y.example'], 5)).toEqual([]);
      expect(a.fleet.hosts.holds('x.example', 200)).toBe(true);
      // A backs off on x (a Retry-After): the next holder must wait as long.
      const later = Date.now() + 60_000;
      state.set('A x.example', { nextAt: later, crawlDelayMs: 5_000 });
      // y stays wanted; x, not wanted for a while, is released with its state at a renewal.
      const wanting = setInterval(() => a.fleet.hosts.want('y.example'), 20);
      try {
        await new Promise((r) => setTimeout(r, 700));
        await a.fleet.hosts.renew();
        expect(a.fleet.hosts.held()).toEqual(['y.example']);
      } finally {
        clearInterval(wanting);
      }
      expect(await b.fleet.hosts.acquire(['x.example'], 1)).toEqual(['x.example']);
      expect(state.get('B x.example')).toEqual({ nextAt: later, crawlDelayMs: 5_000 });
      // C takes z and stops renewing (as if killed): B gets z only once C's lease has run out.
      const names = a.names;
      const cFleet = new EngineStateStore({
        client: engine.client(),
        indexName: names.jobs.replace(/-crawl-jobs$/, ''),
        shards: 1,
        replicas: 0,
        leaseMs: 3_000,
        logger: silentLogger(),
      });
      opened.push(cFleet);
      cFleet.fleet.hosts.bind('C', politeness('C'));
      expect(await cFleet.fleet.hosts.acquire(['z.example'], 1)).toEqual(['z.example']);
      const takenAt = Date.now();
      expect(await b.fleet.hosts.acquire(['z.example'], 1)).toEqual([]);
      let got: string[] = [];
      while (got.length === 0 && Date.now() - takenAt < 15_000) {
        await new Promise((r) => setTimeout(r, 100));
        got = await b.fleet.hosts.acquire(['z.example'], 1);
      }
      expect(got).toEqual(['z.example']);
      // Not before the lease and the host's gap (200 ms) had run out.
      expect(Date.now() - takenAt).toBeGreaterThanOrEqual(3_200);
      await a.fleet.close();
      await b.fleet.close();
    });

    it('lets one process at a time do a step of a job; a dead one’s step is taken over after the lease', async () => {
      const [a, b] = await twoProcesses(1_200);
      const job = await a.createJob(['https://s.example/'], { max_pages: 10, max_depth: 2 });
      expect(await a.fleet.beginStep(job.id, 'sitemaps', 'A')).toBe('mine');
      expect(await b.fleet.beginStep(job.id, 'sitemaps', 'B')).toBe('taken');
      expect(await b.fleet.stepBusy(job.id)).toBe('sitemaps');
      await new Promise((r) => setTimeout(r, 1_300));
      expect(await b.fleet.beginStep(job.id, 'sitemaps', 'B')).toBe('mine');
      await b.fleet.endStep(job.id, 'sitemaps', 'B');
      expect(await a.fleet.beginStep(job.id, 'sitemaps', 'A')).toBe('done');
      expect(await a.fleet.stepDone(job.id, 'sitemaps')).toBe(true);
      expect(await a.fleet.stepBusy(job.id)).toBeUndefined();
    });

    it('shares max_pages: reservations, settlements, and a dead worker’s reservation reclaimed', async () => {
      const [a, b] = await twoProcesses(1_200);
      const job = await a.createJob(['https://m.example/'], { max_pages: 10, max_depth: 2 });
      a.fleet.register('A', 'worker');
      b.fleet.register('B', 'worker');
      const [ga, gb] = await Promise.all([
        a.fleet.reservePages(job.id, 'A', 6),
        b.fleet.reservePages(job.id, 'B', 6),
      ]);
      expect(ga + gb).toBe(10);
      expect(await a.fleet.pagesLeft(job.id)).toEqual({ left: 0, held: 10 });
      // A consumed 2 pages for good (settled) and gives the rest back.
      await a.fleet.settlePages(job.id, 'A', 2, ga - 2);
      expect(await b.fleet.pagesLeft(job.id)).toEqual({ left: ga - 2, held: gb });
      // B dies after indexing one page it never settled; its reservation comes back, that page stays consumed.
      await b.enqueue(job.id, [{ url: 'https://m.example/b1', host: 'm.example', depth: 1 }]);
      await b.writeBatch(
        job.id,
        'B',
        {
          enqueue: [],
          resolved: [],
          retries: [],
          states: [],
          outcomes: [{ url: 'https://m.example/b1', status: 'indexed', fetched: true }],
        },
        { discovered: 0, fetched: 1, indexed: 1, skipped: 0, failed: 0, unchanged: 0, deleted: 0 },
      );
      await b.fleet.close();
      await refresh(a);
      await new Promise((r) => setTimeout(r, 1_300));
      expect(await a.fleet.pagesLeft(job.id)).toEqual({ left: 10 - 2 - 1, held: 0 });
      expect(await a.fleet.reservePages(job.id, 'A', 100)).toBe(7);
      await a.fleet.close();
    });

    it('shows a worker the URLs of a job created a moment ago, and never ends a job on a view older than them', async () => {
      const [a, b] = await twoProcesses();
      // No scheduled refreshes: only what Citebox makes visible is visible (a busy node's view
      // can lag its writes by more than the second the test run used to leave it).
      await fetch(`${engine.url()}/${a.names.frontier}/_settings`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ index: { refresh_interval: '-1' } }),
      });
      const job = await a.createJob(['https://fresh.example/'], { max_pages: 10, max_depth: 2 });
      // Another process (a worker) at once: the seed is there to claim.
      const claimed = await b.fleet.claim(job.id, 'B', ['fresh.example'], 5);
      expect(claimed.map((e) => e.url)).toEqual(['https://fresh.example/']);
      // A job whose only queued URLs came after the last refresh is not over: a zero is looked at
      // again on a fresh view before a worker ends the job on it.
      const other = 'crawl_0123456789abcdef';
      await a.enqueue(other, [{ url: 'https://later.example/', host: 'later.example', depth: 0 }]);
      expect(await b.fleet.pendingUrls(other)).toBe(1);
      await a.fleet.close();
      await b.fleet.close();
    });

    /** Writes, searches and real-time gets (an update's read of the document included) on a store's indices. */
    async function engineOps(
      s: EngineStateStore,
    ): Promise<{ writes: number; searches: number; gets: number }> {
      const res = await fetch(
        `${engine.url()}/${Object.values(s.names).join(',')}/_stats/indexing,search,get`,
      );
      const body = (await res.json()) as {
        _all?: {
          total?: {
            indexing?: { index_total?: number; delete_total?: number };
            search?: { query_total?: number };
            get?: { total?: number };
          };
        };
      };
      const t = body._all?.total;
      return {
        writes: (t?.indexing?.index_total ?? 0) + (t?.indexing?.delete_total ?? 0),
        searches: t?.search?.query_total ?? 0,
        gets: t?.get?.total ?? 0,
      };
    }

    it('crawls with at most one real-time get, four writes and less than one search per page', async () => {
      // A crawl as a fleet member makes it, on two hosts of 40 pages each page linking the next two:
      // claim a batch, check each page's content for an exact duplicate (at once, as the page
      // pipelines do), write the outcomes, URL states and links in one batch. Before the claim and
      // the outcome wrote whole documents, the first URL states were created rather than merged
      // and the duplicate checks went out together, a page cost four real-time gets (the claim's,
      // the URL state's read, the outcome's, the URL state's write) and one search of its own.
      const [a] = await twoProcesses();
      const hosts = ['ops1.example', 'ops2.example'];
      const job = await a.createJob(
        hosts.map((h) => `https://${h}/p0`),
        { max_pages: 1000, max_depth: 100 },
      );
      const before = await engineOps(a);
      const counters = {
        discovered: 2,
        fetched: 0,
        indexed: 0,
        skipped: 0,
        failed: 0,
        unchanged: 0,
        deleted: 0,
      };
      let pages = 0;
      for (let round = 0; round < 100; round++) {
        await refresh(a);
        const entries = await a.fleet.claim(job.id, 'A', hosts, 10);
        if (entries.length === 0) break;
        // Pages p10 of both hosts have the same text: the second one checked is a duplicate.
        const hashOf = (url: string) => (url.endsWith('/p10') ? 'same-text' : `text of ${url}`);
        await Promise.all(entries.map((e) => a.indexedWithHash(hashOf(e.url), e.url)));
        const links = entries.flatMap((e) => {
          const i = Number(e.url.split('/p')[1]);
          return [i + 1, i + 2]
            .filter((n) => n < 40)
            .map((n) => ({ url: `https://${e.host}/p${n}`, host: e.host, depth: e.depth + 1 }));
        });
        await a.writeBatch(
          job.id,
          'A',
          {
            enqueue: links,
            resolved: [],
            retries: [],
            outcomes: entries.map((e) => ({
              url: e.url,
              status: 'indexed' as const,
              fetched: true,
              contentHash: hashOf(e.url),
              claim: e.claim,
            })),
            states: entries.map((e) => ({
              url: e.url,
              host: e.host,
              state: 'indexed',
              indexed_as: e.url,
              etag: null,
              last_modified: null,
              content_hash: hashOf(e.url),
              simhash: null,
              outlinks: '[]',
            })),
          },
          counters,
        );
        pages += entries.length;
      }
      const after = await engineOps(a);
      expect(pages).toBe(80);
      expect(counters.indexed).toBe(0); // outcomes are counted by the runner, not the store
      expect(counters.discovered).toBe(80);
      // Each URL's outcome and state are written, one document each.
      await refresh(a);
      expect(await a.countJob(job.id)).toMatchObject({ discovered: 80, indexed: 80, fetched: 80 });
      expect((await a.urlState('https://ops2.example/p39'))?.content_hash).toBe(
        'text of https://ops2.example/p39',
      );
      // The duplicate checks: p10 of one host was found as the other's twin once both were indexed
      // (checked in the same round, neither saw the other: they were checked before either was written).
      const twins = await Promise.all([
        a.indexedWithHash('same-text', 'https://ops1.example/p10'),
        a.indexedWithHash('same-text', 'https://ops2.example/p10'),
        a.indexedWithHash('text of https://ops1.example/p3', 'https://ops1.example/p3'),
        a.indexedWithHash('text of https://ops1.example/p3', 'https://elsewhere.example/'),
        a.indexedWithHash('unknown text', 'https://ops1.example/p3'),
      ]);
      expect(twins).toEqual([
        'https://ops2.example/p10',
        'https://ops1.example/p10',
        undefined,
        'https://ops1.example/p3',
        undefined,
      ]);
      const perPage = (n: number) => n / pages;
      const ops = {
        writes: perPage(after.writes - before.writes),
        searches: perPage(after.searches - before.searches),
        gets: perPage(after.gets - before.gets),
      };
      expect(ops.gets).toBeLessThanOrEqual(1.05);
      expect(ops.writes).toBeLessThanOrEqual(4.05);
      expect(ops.searches).toBeLessThan(1);
      await a.fleet.close();
    });

    it('counts the queued URLs of a job for the end of a crawl, and the live workers', async () => {
      const [a, b] = await twoProcesses(1_500);
      const jobId = await jobWithUrls(a, ['q1.example', 'q2.example'], 3);
      expect(await a.fleet.pendingUrls(jobId)).toBe(7);
      const ready = await a.fleet.readyHosts(jobId, 10);
      expect(ready.total).toBe(2);
      expect(ready.hosts).toEqual([
        { host: 'q1.example', ready: 4 },
        { host: 'q2.example', ready: 3 },
      ]);
      a.fleet.register('A', 'worker');
      b.fleet.register('B', 'api');
      await new Promise((r) => setTimeout(r, 300));
      await refresh(a);
      expect(await a.fleet.liveWorkers()).toBe(1);
      await a.fleet.close();
      await b.fleet.close();
    });
  });

  afterAll(async () => {
    await Promise.allSettled(opened.splice(0).map((s) => s.close()));
  });
}
