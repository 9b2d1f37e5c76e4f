// A fleet on a real engine: three `citebox worker` processes (each with its own data directory)
// and two `citebox serve` API replicas share nothing but the engine. They crawl a generated site
// of 16 hosts (2,080 pages) on 127.0.0.x, one worker is killed with SIGKILL mid-crawl and another
// started, and a second job is cancelled from the replica that did not create it. The site's own
// log proves each URL was fetched once (only URLs in flight at the kill twice), requests to a host
// were never closer than the delay (or the host's Crawl-delay, or its Retry-After), and the index
// holds every page once. Then a job whose max_pages ends it before its site does ends on time.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, type Spawned, spawnServer } from '../api/server-process.js';
import {
  fetchesPerUrl,
  type MultiHostSite,
  type SiteRequest,
  shortestGaps,
  startMultiHostSite,
} from '../helpers/multi-host-site.js';
import { OPENSEARCH, type TestEngine, uniqueAlias } from './engine-helpers.js';

const ADMIN_KEY = 'fleet-admin-key';
const DELAY_MS = 150;
/** Long enough for a page the engine refused for load to be written again on its claim. */
const LEASE_MS = 8_000;
/** Crawl requests in flight per worker (what one kill can leave unsettled). */
const WORKER_CONCURRENCY = 8;

interface Worker {
  readonly child: ChildProcess;
  readonly exit: Promise<number | null>;
  readonly output: string[];
}

function spawnWorker(env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'citebox.js'), 'worker'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${output.join('')}`)), 60_000);
    const onData = (c: Buffer) => {
      const text = c.toString('utf8');
      output.push(text);
      if (output.length > 400) output.splice(0, 200);
      if (text.includes('crawl worker started')) {
        clearTimeout(timer);
        resolve({ child, exit, output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => output.push(c.toString('utf8')));
    void exit.then((code) => reject(new Error(`worker exited with ${code}: ${output.join('')}`)));
  });
}

async function api<T>(
  base: string,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
    },
  });
  return { status: res.status, body: (await res.json()) as T };
}

interface Job {
  id: string;
  status: string;
  stats: {
    discovered: number;
    fetched: number;
    indexed: number;
    unchanged: number;
    failed: number;
    skipped: number;
    queued: number;
  };
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function fleetSuite(
  engine: TestEngine,
  size: { hosts: number; pagesPerHost: number; workers: number },
): void {
  describe(`a fleet of ${size.workers} workers and 2 API replicas on ${engine.name}`, () => {
    const dirs: string[] = [];
    const children: ChildProcess[] = [];
    const sites: MultiHostSite[] = [];
    afterAll(async () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      await Promise.all(sites.map((s) => s.close()));
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    });

    it('crawls every page once, politely, through a kill -9, and cancels from another replica', async () => {
      const site = await startMultiHostSite({
        hosts: size.hosts,
        pagesPerHost: size.pagesPerHost,
        crawlDelay: { 0: 0.3 },
        throttle: { 1: { page: 3, retryAfterSeconds: 2 } },
      });
      sites.push(site);
      // The cancelled job's site: slow, so it is still running when the cancel comes.
      const slow = await startMultiHostSite({ hosts: 2, pagesPerHost: 400, delayMs: 100, firstAddress: 60 });
      sites.push(slow);
      const alias = uniqueAlias('fleet');
      const env = (role: string): Record<string, string> => {
        const dir = mkdtempSync(join(tmpdir(), `citebox-fleet-${role}-`));
        dirs.push(dir);
        return {
          ...engine.env(alias),
          CITEBOX_DATA_DIR: dir,
          CITEBOX_ADMIN_KEY: ADMIN_KEY,
          CITEBOX_ALLOW_PRIVATE_NETWORKS: 'true',
          CITEBOX_CRAWL_DELAY_MS: String(DELAY_MS),
          CITEBOX_CRAWL_DELAY_FACTOR: '0',
          CITEBOX_CRAWL_GLOBAL_CONCURRENCY: String(WORKER_CONCURRENCY),
          CITEBOX_CRAWL_LEASE_MS: String(LEASE_MS),
          CITEBOX_CRAWL_EXTRACT_THREADS: '0',
          CITEBOX_RECRAWL_INTERVAL_HOURS: '0',
          CITEBOX_BOOTSTRAP_DOCS: 'false',
          CITEBOX_RATE_LIMIT_PER_MINUTE: '0',
          LOG_LEVEL: 'info',
          LOG_FORMAT: 'json',
        };
      };
      const apiEnv = { CITEBOX_CRAWL_WORKER: 'false', HOST: '127.0.0.1', PORT: '0' };
      const replicas: Spawned[] = [];
      for (const role of ['api-a', 'api-b']) {
        const replica = await spawnServer({ ...env(role), ...apiEnv }, { startTimeoutMs: 60_000 });
        children.push(replica.child);
        replicas.push(replica);
      }
      const [a, b] = replicas.map((r) => r.url.replace(/\/$/, '')) as [string, string];
      // Each worker names itself in its User-Agent, so the site's log tells who fetched what.
      const agent = (name: string) => ({
        CITEBOX_USER_AGENT: `CiteboxBot/0.1 (+https://example.org/bot; ${name})`,
      });
      const workers: Worker[] = [];
      for (let i = 0; i < size.workers; i++) {
        const w = await spawnWorker({ ...env(`worker-${i}`), ...agent(`worker-${i}`) });
        children.push(w.child);
        workers.push(w);
      }

      // The crawl, created on replica A.
      const created = await api<Job>(a, '/v1/crawls', {
        method: 'POST',
        body: JSON.stringify({ seeds: site.seeds, max_pages: 10_000, max_depth: 100 }),
      });
      expect(created.status).toBe(202);
      const jobId = created.body.id;

      // A second job, created on A and cancelled through B while the workers crawl it.
      const doomed = await api<Job>(a, '/v1/crawls', {
        method: 'POST',
        body: JSON.stringify({ seeds: slow.seeds, max_pages: 10_000, max_depth: 100 }),
      });
      await until('the second job to be crawled', 60_000, async () =>
        slow.log.filter((r) => r.path.startsWith('/p/')).length >= 5 ? true : undefined,
      );
      const cancelled = await api<Job>(b, `/v1/crawls/${doomed.body.id}`, { method: 'DELETE' });
      expect(cancelled.status).toBe(200);
      const doomedEnd = await until('the cancel to finish the job', 30_000, async () => {
        const j = (await api<Job>(a, `/v1/crawls/${doomed.body.id}`)).body;
        return j.status === 'cancelled' ? j : undefined;
      });
      expect(doomedEnd.status).toBe('cancelled');
      const slowAfterCancel = slow.log.length;

      // Mid-crawl, one worker dies without warning; another starts.
      const total = site.pages.length;
      await until('a third of the site', 180_000, async () =>
        fetchesPerUrl(site.log).size >= total / 3 ? true : undefined,
      );
      const victim = workers[1] as Worker;
      const killedAt = performance.timeOrigin + performance.now();
      victim.child.kill('SIGKILL');
      await victim.exit;
      const replacement = await spawnWorker({ ...env('worker-replacement'), ...agent('worker-replacement') });
      children.push(replacement.child);

      // Watched from replica B until done.
      const done = await until('the crawl to finish', 300_000, async () => {
        const j = (await api<Job>(b, `/v1/crawls/${jobId}`)).body;
        return j.status === 'done' || j.status === 'failed' ? j : undefined;
      });
      const seconds = (performance.timeOrigin + performance.now() - (site.log[0]?.at ?? 0)) / 1000;
      const again = [...fetchesPerUrl(site.log).values()].filter((n) => n > 1).length;
      const refusals = [...workers, replacement]
        .flatMap((w) => w.output)
        .join('')
        .split('\n')
        .filter((l) => l.includes('the engine is out of reach')).length;
      process.stderr.write(
        `[fleet] ${engine.name}: ${total} pages by ${size.workers} workers in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(1)} pages/s); ${site.log.length} requests, ${again} URLs fetched twice; ${refusals} waits for the engine in the workers' last lines; ${JSON.stringify(done.stats)}\n`,
      );
      if (process.env['FLEET_LOG']) writeFileSync(process.env['FLEET_LOG'], JSON.stringify(site.log));
      expect(done.status).toBe('done');
      expect(done.stats).toMatchObject({ failed: 0, queued: 0 });
      // Every page counted once: indexed, or found unchanged when fetched again after the kill
      // (the killed worker had indexed it and written what it knew of the URL, not yet the
      // frontier's outcome): only a page fetched twice can be unchanged.
      expect(done.stats.indexed + done.stats.unchanged, JSON.stringify(done.stats)).toBe(total);
      expect(done.stats.unchanged).toBeLessThanOrEqual(again);

      // Each page was fetched. Twice only if the killed worker had fetched it and not yet written
      // its outcome (its last second or so): then once more, by another worker, after its lease.
      const fetches = fetchesPerUrl(site.log);
      for (const url of site.pages) expect(fetches.get(url), url).toBeGreaterThanOrEqual(1);
      const throttledUrl = `${site.origins[1]}/p/3`;
      const refetched = [...fetches].filter(([url, n]) => n > 1 && url !== throttledUrl).map(([url]) => url);
      for (const url of refetched) {
        const requests = site.log.filter((r) => `http://${r.host}${r.path}` === url);
        expect(requests, url).toHaveLength(2);
        const [first, second] = requests as [SiteRequest, SiteRequest];
        expect(first.agent, url).toContain('worker-1');
        expect(first.at, url).toBeLessThan(killedAt);
        expect(killedAt - first.at, url).toBeLessThan(3_000);
        expect(second.at, url).toBeGreaterThan(killedAt);
        expect(second.agent, url).not.toContain('worker-1');
      }
      expect(refetched.length).toBeLessThanOrEqual(4 * WORKER_CONCURRENCY);
      expect(done.stats.unchanged).toBeLessThanOrEqual(refetched.length);
      expect(fetches.get(throttledUrl)).toBe(2);

      // Politeness held across the fleet: the delay, host 0's Crawl-delay, host 1's Retry-After.
      const gaps = shortestGaps(site.log);
      for (const [host, gap] of gaps) {
        const floor = host === new URL(site.origins[0] ?? '').host ? 300 : DELAY_MS;
        expect(gap, host).toBeGreaterThanOrEqual(floor);
      }
      const host1 = new URL(site.origins[1] ?? '').host;
      const throttled = site.log.find((r) => r.host === host1 && r.status === 429);
      const afterThrottle = site.log.find((r) => r.host === host1 && throttled && r.at > throttled.at);
      expect(throttled && afterThrottle ? afterThrottle.at - throttled.at : 0).toBeGreaterThanOrEqual(2_000);

      // The index holds every page once (the cancelled job's pages aside).
      const indexed = await api<{ sites: Array<{ host: string; pages: number }> }>(b, '/v1/sites');
      const ours = new Set(site.origins.flatMap((o) => [new URL(o).host, new URL(o).hostname]));
      const pages = indexed.body.sites.filter((s) => ours.has(s.host)).reduce((n, s) => n + s.pages, 0);
      expect(pages).toBe(total);

      // The cancelled job was left alone after the cancel.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(slow.log.length - slowAfterCancel).toBeLessThanOrEqual(3 * WORKER_CONCURRENCY);

      // A job whose max_pages ends it before its site does: the workers share the last pages of
      // max_pages and the last hosts without waiting on each other (one holding pages but no host,
      // another hosts but no pages), and no more pages than max_pages are indexed.
      const capped = await startMultiHostSite({ hosts: 8, pagesPerHost: 30, firstAddress: 80 });
      sites.push(capped);
      const cappedJob = await api<Job>(b, '/v1/crawls', {
        method: 'POST',
        body: JSON.stringify({ seeds: capped.seeds, max_pages: 200, max_depth: 100 }),
      });
      expect(cappedJob.status).toBe(202);
      const cappedEnd = await until('the capped job to finish', 120_000, async () => {
        const j = (await api<Job>(a, `/v1/crawls/${cappedJob.body.id}`)).body;
        return j.status === 'done' || j.status === 'failed' ? j : undefined;
      });
      expect(cappedEnd.status).toBe('done');
      expect(cappedEnd.stats.indexed).toBe(200);
      expect([...fetchesPerUrl(capped.log).values()].filter((n) => n > 1)).toEqual([]);

      for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
    }, 600_000);
  });
}

fleetSuite(OPENSEARCH, { hosts: 16, pagesPerHost: 130, workers: 3 });
