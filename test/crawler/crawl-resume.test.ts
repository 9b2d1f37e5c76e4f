// Durability: the real `citebox crawl` (bin/citebox.js → dist/) is killed with SIGKILL at a random
// moment, then interrupted with SIGINT, and the same command run again resumes the job. Every
// page ends up in the index exactly once — the same pages and passages as an uninterrupted crawl —
// with one frontier row per URL and nothing left queued. Also: a server restart resumes API jobs, and a server and a
// CLI crawl share one data directory at the same time.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../cli/serve.js';
import { CrawlStore, crawlStorePath } from '../../crawler/index.js';
import { createLogger, createSearchBackend } from '../../services/index.js';
import { testConfig } from '../helpers/config.js';
import { type GeneratedSite, startGeneratedSite } from '../helpers/test-site-generator.js';
import { openHarness } from './helpers.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'citebox.js');

function cli(
  args: string[],
  env: Record<string, string>,
): {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>(
    (resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done };
}

function until(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    const on = (d: Buffer) => {
      seen += d.toString();
      if (seen.includes(text)) {
        child.stderr?.off('data', on);
        resolve();
      }
    };
    child.stderr?.on('data', on);
    child.on('close', () => resolve());
  });
}

async function indexStats(dataDir: string): Promise<{ pages: number; passages: number }> {
  const config = testConfig({ CITEBOX_DATA_DIR: dataDir }).config;
  const backend = createSearchBackend(config, createLogger(config));
  await backend.open();
  try {
    const s = await backend.stats();
    return { pages: s.pages, passages: s.passages };
  } finally {
    await backend.close();
  }
}

describe('crawls survive kill -9', () => {
  let site: GeneratedSite;
  beforeAll(async () => {
    site = await startGeneratedSite({ pages: 150, linksPerPage: 3, wordsPerPage: 160, delayMs: 25 });
  });
  afterAll(async () => {
    await site?.close();
  });

  it('resumes the interrupted job: no page lost, none indexed twice', async () => {
    // The reference: the same crawl without interruptions.
    const ref = await openHarness();
    const refJob = await ref.crawls.waitFor((await ref.crawls.start({ seeds: [site.url] })).id);
    await ref.close();
    const expected = await indexStats(ref.env.dataDir);
    ref.env.cleanup();
    expect(refJob.stats.indexed).toBe(151);
    expect(expected.pages).toBe(151);

    const env = testConfig();
    const vars = {
      CITEBOX_DATA_DIR: env.dataDir,
      CITEBOX_ALLOW_PRIVATE_NETWORKS: 'true',
      CITEBOX_CRAWL_DELAY_MS: '0',
      CITEBOX_CRAWL_CONCURRENCY: '2',
      CITEBOX_BOOTSTRAP_DOCS: 'false',
    };
    try {
      const kills: number[] = [];
      // kill -9 at a random moment, then Ctrl-C (SIGINT) at another: both leave the job resumable.
      for (const [marker, signal] of [
        ['Starting crawl', 'SIGKILL'],
        ['Resuming crawl', 'SIGINT'],
      ] as const) {
        const run = cli(['crawl', site.url], vars);
        await until(run.child, marker);
        const wait = 150 + Math.floor(Math.random() * 550);
        await new Promise((r) => setTimeout(r, wait));
        run.child.kill(signal);
        const stopped = await run.done;
        expect(stopped.stderr).toContain(marker);
        if (signal === 'SIGINT') {
          expect(stopped.stdout).toMatch(/interrupted .* run the same command again/);
          expect(stopped.code).toBe(130);
        }
        kills.push(wait);
      }
      const store = new CrawlStore(crawlStorePath(env.dataDir));
      const midway = store.listJobs();
      store.close();
      expect(midway).toHaveLength(1);
      expect(midway[0]?.stats.indexed).toBeLessThan(151); // it really was interrupted

      const last = await cli(['crawl', site.url], vars).done;
      expect(last.stderr, `killed after ${kills.join(', ')} ms`).toContain('Resuming crawl');
      expect(last.stdout).toMatch(/done in .* 151 pages indexed/);
      expect(last.code).toBe(0);

      expect(await indexStats(env.dataDir)).toEqual(expected);
      const after = new CrawlStore(crawlStorePath(env.dataDir));
      try {
        const jobs = after.listJobs();
        expect(jobs).toHaveLength(1);
        const rows = after.frontierOf(jobs[0]?.id ?? '');
        const urls = rows.map((r) => r.url);
        expect(new Set(urls).size).toBe(urls.length);
        expect(rows.filter((r) => r.status === 'queued')).toEqual([]);
        const indexed = new Set(rows.filter((r) => r.status === 'indexed').map((r) => r.url));
        for (const path of site.indexable) expect(indexed.has(`${site.origin}${path}`)).toBe(true);
        expect(jobs[0]?.stats.indexed).toBe(151);
      } finally {
        after.close();
      }
    } finally {
      env.cleanup();
    }
  }, 90_000);
});

describe('server and CLI together', () => {
  it('resumes an API crawl when the server restarts, while a CLI crawl shares the data directory', async () => {
    const slow = await startGeneratedSite({ pages: 60, linksPerPage: 3, wordsPerPage: 120, delayMs: 20 });
    const other = await startGeneratedSite({ pages: 40, linksPerPage: 3, wordsPerPage: 120, seed: 1 });
    const env = testConfig({ CITEBOX_ADMIN_KEY: 'k', CITEBOX_RECRAWL_INTERVAL_HOURS: '0' });
    try {
      let server = await startServer(env.config, createLogger(env.config));
      const id = (await server.runtime.crawls.start({ seeds: [slow.url] })).id;
      // The CLI crawls another site into the same data directory meanwhile.
      const cliRun = cli(['crawl', other.url], {
        CITEBOX_DATA_DIR: env.dataDir,
        CITEBOX_ALLOW_PRIVATE_NETWORKS: 'true',
        CITEBOX_CRAWL_DELAY_MS: '0',
        CITEBOX_BOOTSTRAP_DOCS: 'false',
      }).done;
      for (let i = 0; i < 100 && (await server.runtime.crawls.get(id)).stats.indexed < 10; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await server.close(); // stops the job mid-way; it stays resumable
      const stopped = new CrawlStore(crawlStorePath(env.dataDir));
      const mid = stopped.getJob(id);
      stopped.close();
      expect(mid?.status).toBe('running');
      expect(mid?.stats.indexed).toBeLessThan(61);

      server = await startServer(env.config, createLogger(env.config));
      let job = await server.runtime.crawls.get(id);
      for (let i = 0; i < 200 && (job.status === 'running' || job.status === 'queued'); i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = await server.runtime.crawls.get(id);
      }
      expect(job.status).toBe('done');
      const check = new CrawlStore(crawlStorePath(env.dataDir));
      // The navigation's /about, /contact and /privacy do not exist on generated bulk sites.
      const notIndexed = check.frontierOf(id).filter((r) => r.status !== 'indexed' && r.http_status !== 404);
      check.close();
      expect(notIndexed).toEqual([]);
      expect(job.stats.indexed).toBe(61);
      const cliResult = await cliRun;
      expect(cliResult.stdout).toMatch(/done in .* 41 pages indexed/);
      expect((await server.runtime.backend.stats()).pages).toBe(102);
      // The crawler's counters reach GET /metrics through the process's registry.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      expect(metrics).toMatch(/citebox_crawl_pages_fetched_total \d+/);
      expect(metrics).toContain('citebox_crawl_responses_total{status="200"}');
      expect(metrics).toContain('citebox_crawl_queue_depth');
      await server.close();
    } finally {
      await slow.close();
      await other.close();
      env.cleanup();
    }
  }, 90_000);
});
