// End to end on each real engine (OpenSearch and Elasticsearch), laid out as docker compose runs Citebox: an API that only
// queues crawl jobs (CITEBOX_CRAWL_WORKER=false) and a separate worker runtime on the same data
// directory that runs them. A small site on 127.0.0.1 is crawled through the admin API into the
// engine, then questions are answered over HTTP with citations to the right pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorker, workerHealth } from '../../cli/commands/worker.js';
import { type Server, startServer } from '../../cli/serve.js';
import { createLogger } from '../../services/index.js';
import { type TestEnv, testConfig } from '../helpers/config.js';
import { htmlPage, startSite, type TestSite } from '../helpers/site-server.js';
import { TEST_ENGINES, type TestEngine, uniqueAlias } from './engine-helpers.js';

const ADMIN = 'engine-admin-key-123';

function sitePages() {
  const nav = '<nav><a href="/">Home</a> <a href="/apollo">Apollo</a> <a href="/bees">Bees</a></nav>';
  return {
    '/robots.txt': { body: 'User-agent: *\nDisallow: /private\n', headers: { 'content-type': 'text/plain' } },
    '/': {
      body: htmlPage(
        'Facts',
        `${nav}<main><h1>Facts</h1><p>Read about <a href="/apollo">the Apollo program</a>, <a href="/bees">honey bees</a> and <a href="/private">a private page</a>.</p></main>`,
      ),
    },
    '/apollo': {
      body: htmlPage(
        'The Apollo program',
        `${nav}<main><h1>The Apollo program</h1><h2>Apollo 11</h2><p>Apollo 11 was the spaceflight that first landed humans on the Moon. Commander Neil Armstrong and pilot Buzz Aldrin landed the lunar module Eagle on July 20, 1969. Armstrong became the first person to step onto the lunar surface six hours later.</p></main>`,
      ),
    },
    '/bees': {
      body: htmlPage(
        'Honey bees',
        `${nav}<main><h1>Honey bees</h1><p>Honey bees tell their nestmates where flowers are with the waggle dance. The angle of the dance shows the direction of the food relative to the sun, and its duration shows the distance.</p></main>`,
      ),
    },
    '/private': { body: htmlPage('Private', '<main><p>The secret code is swordfish.</p></main>') },
  };
}

for (const engine of TEST_ENGINES) endToEnd(engine);

function endToEnd(engine: TestEngine): void {
  describe(`end to end on ${engine.name}: crawl a local site, answer over HTTP`, () => {
    let site: TestSite;
    let env: TestEnv;
    let server: Server;
    let workerEnv: TestEnv;
    const stopWorker = new AbortController();
    let worker: Promise<number> | undefined;
    const alias = uniqueAlias('e2e');

    beforeAll(async () => {
      site = await startSite(sitePages());
      env = testConfig({
        CITEBOX_ADMIN_KEY: ADMIN,
        ...engine.env(alias),
        CITEBOX_CRAWL_WORKER: 'false',
      });
      server = await startServer(env.config, createLogger(env.config), {
        crawlPoliteness: { retryBaseMs: 50 },
      });
      // The worker: its own configuration and runtime, sharing the data directory (crawl.sqlite)
      // and the index with the API, as two containers on one volume do.
      workerEnv = testConfig({
        CITEBOX_DATA_DIR: env.dataDir,
        ...engine.env(alias),
      });
    });
    afterAll(async () => {
      stopWorker.abort();
      expect(await worker).toBe(0);
      await server?.close();
      await site?.close();
      env?.cleanup();
      workerEnv?.cleanup();
    });

    const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
    const admin = (path: string, init: RequestInit = {}) =>
      api(path, {
        ...init,
        headers: {
          authorization: `Bearer ${ADMIN}`,
          'content-type': 'application/json',
          ...(init.headers ?? {}),
        },
      });

    it('is ready once the engine answers', async () => {
      const res = await api('/readyz');
      expect(res.status).toBe(200);
    });

    it('queues a crawl through the admin API; the worker runs it into the engine', async () => {
      const res = await admin('/v1/crawls', {
        method: 'POST',
        body: JSON.stringify({ seeds: [site.url], max_pages: 20 }),
      });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      await new Promise((r) => setTimeout(r, 300));
      const waiting = (await (await admin(`/v1/crawls/${id}`)).json()) as { status: string };
      expect(waiting.status).toBe('queued'); // the API does not run jobs itself
      expect(site.requests).toHaveLength(0);
      worker = runWorker(workerEnv.config, createLogger(workerEnv.config), {
        pollMs: 100,
        signal: stopWorker.signal,
      });
      let job: { status: string; stats: Record<string, number> } = { status: 'queued', stats: {} };
      for (let i = 0; i < 300 && ['queued', 'running'].includes(job.status); i++) {
        await new Promise((r) => setTimeout(r, 100));
        job = (await (await admin(`/v1/crawls/${id}`)).json()) as typeof job;
      }
      expect(job.status).toBe('done');
      expect(workerHealth(workerEnv.config)).toBe(0); // the container healthcheck's answer
      expect(workerHealth(env.config, -1)).toBe(1); // a heartbeat older than allowed is unhealthy
      // The home page only links to the others: a listing, followed but not indexed.
      expect(job.stats['indexed']).toBe(2);
      expect(site.requests).not.toContain('/private');
      const stats = await server.runtime.backend.stats();
      expect(stats.backend).toBe(engine.flavor);
      expect(stats.pages).toBe(2);
    });

    it('answers from the right page with a citation pointing at it', async () => {
      const res = await api(`/v1/answer?q=${encodeURIComponent('When did Apollo 11 land on the Moon?')}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        answer: string;
        answer_mode: string;
        citations: Array<{ n: number; url: string }>;
        sources: Array<{ n: number; url: string }>;
      };
      expect(body.answer_mode).toBe('extractive');
      expect(body.answer).toContain('July 20, 1969');
      expect(body.citations[0]?.url).toBe(`${site.origin}/apollo`);
      for (const m of body.answer.matchAll(/\[(\d+)\]/g)) {
        expect(body.sources.some((s) => s.n === Number(m[1]))).toBe(true);
      }
    });

    it('filters answers by site and returns ranked search results', async () => {
      const res = await api('/v1/answer', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'How do honey bees show where flowers are?',
          filters: { sites: ['127.0.0.1'] },
        }),
      });
      const body = (await res.json()) as { answer: string; citations: Array<{ url: string }> };
      expect(body.answer).toMatch(/waggle dance/);
      expect(body.citations[0]?.url).toBe(`${site.origin}/bees`);
      const elsewhere = (await (
        await api('/v1/answer', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'honey bees waggle dance', filters: { sites: ['example.org'] } }),
        })
      ).json()) as { sources: unknown[] };
      expect(elsewhere.sources).toHaveLength(0);
      const search = (await (await api('/v1/search?q=lunar+module+eagle&limit=5')).json()) as {
        results: Array<{ url: string }>;
      };
      expect(search.results[0]?.url).toBe(`${site.origin}/apollo`);
    });
  });
}
