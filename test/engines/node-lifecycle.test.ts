// Engines that lack something or go away, on dedicated nodes (the shared ones must stay whole):
// - a bare Elasticsearch (the Maven Central zip without the test plugin) stops Citebox at start-up
//   with one message naming everything it lacks;
// - no test passes with the engine down: a node of each engine serves Citebox, is killed (SIGKILL,
//   as a crash), and Citebox must say so clearly: /readyz turns 503 naming the engine and its
//   address, searches and answers fail with 503 BACKEND_UNAVAILABLE and a message that says which
//   engine cannot be reached, and nothing hangs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, startServer } from '../../cli/serve.js';
import { createLogger } from '../../services/index.js';
import { makePage } from '../../services/search/backend-contract.testkit.js';
import { type TestEnv, testConfig } from '../helpers/config.js';
import { startElasticsearch } from './elasticsearch.js';
import { ELASTICSEARCH, OPENSEARCH, type TestEngine, uniqueAlias } from './engine-helpers.js';
import { startOpenSearch } from './opensearch.js';

interface KillableNode {
  url: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

const nodes = new Map<TestEngine, KillableNode>();
let bare: KillableNode | undefined;

beforeAll(async () => {
  // The dedicated nodes start at once: the wait is the slowest one's start-up.
  const started = await Promise.allSettled([
    startOpenSearch(),
    startElasticsearch(),
    startElasticsearch({ plugin: false }),
  ]);
  const [os, es, plain] = started.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
  if (os) nodes.set(OPENSEARCH, os);
  if (es) nodes.set(ELASTICSEARCH, es);
  bare = plain;
  const failed = started.flatMap((s) => (s.status === 'rejected' ? [s.reason] : []));
  if (failed.length > 0) throw failed[0];
}, 300_000);

afterAll(async () => {
  await Promise.all([...nodes.values(), ...(bare ? [bare] : [])].map((n) => n.stop()));
}, 60_000);

describe('a bare Elasticsearch (the Maven Central zip without the test plugin)', () => {
  it('stops Citebox at start-up, naming everything the node lacks and the modules that have it', async () => {
    const node = bare as KillableNode;
    const env = testConfig({ ...ELASTICSEARCH.env(uniqueAlias('bare')), ELASTICSEARCH_URL: node.url });
    try {
      const err = await startServer(env.config, createLogger(env.config)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'BACKEND_UNSUPPORTED', action: 'stop' });
      expect((err as Error).message).toBe(
        `Elasticsearch at ${node.url} lacks what Citebox needs: ` +
          'GET / (the root endpoint the clients call for info and ping; module rest-root); ' +
          'analyzer "english" (module analysis-common); analyzer "cjk" (module analysis-common); ' +
          'token filter "cjk_width" (module analysis-common); token filter "asciifolding" (module analysis-common). ' +
          'The full Elasticsearch distribution (e.g. its official Docker image) has the modules and plugins named here.',
      );
      // Nothing was created on the node.
      const indices = (await (await fetch(`${node.url}/_cat/indices?format=json`)).json()) as unknown[];
      expect(indices).toEqual([]);
    } finally {
      env.cleanup();
    }
  });
});

for (const engine of [OPENSEARCH, ELASTICSEARCH]) {
  describe(`${engine.name} goes down under a running Citebox`, () => {
    let env: TestEnv;
    let server: Server | undefined;

    afterAll(async () => {
      await server?.close();
      env?.cleanup();
    });

    it('serves while the node is up, then says clearly that it cannot reach it', async () => {
      const node = nodes.get(engine) as KillableNode;
      const vars = engine.env(uniqueAlias('down'));
      vars[engine.flavor === 'elasticsearch' ? 'ELASTICSEARCH_URL' : 'OPENSEARCH_URL'] = node.url;
      env = testConfig(vars);
      server = await startServer(env.config, createLogger(env.config));
      const running = server;
      const { backend } = running.runtime;
      await backend.replacePages([
        makePage('https://down.example/moon', ['Apollo 11 landed on the Moon on July 20, 1969.']),
      ]);
      await backend.refresh();
      const api = (path: string) => fetch(`${running.url}${path}`, { signal: AbortSignal.timeout(60_000) });
      expect((await api('/readyz')).status).toBe(200);
      const before = (await (await api('/v1/search?q=apollo+moon')).json()) as {
        results: Array<{ url: string }>;
      };
      expect(before.results[0]?.url).toBe('https://down.example/moon');

      await node.kill();

      const ready = await api('/readyz');
      expect(ready.status).toBe(503);
      const readiness = (await ready.json()) as { checks: { backend: { ok: boolean; reason: string } } };
      expect(readiness.checks.backend.ok).toBe(false);
      expect(readiness.checks.backend.reason).toContain(`cannot reach ${engine.name} at ${node.url}`);

      // A question not asked before (a cached result would not need the engine).
      for (const path of ['/v1/search?q=when+did+apollo+land', '/v1/answer?q=when+did+apollo+11+land']) {
        const res = await api(path);
        expect(res.status, path).toBe(503);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('BACKEND_UNAVAILABLE');
        expect(body.error.message).toContain(`cannot reach ${engine.name} at ${node.url}`);
        expect(JSON.stringify(body)).not.toMatch(/ECONNREFUSED.*\n|at .*\.js:\d+/);
      }
      // And the server still shuts down cleanly.
      await running.close();
      server = undefined;
    });
  });
}
