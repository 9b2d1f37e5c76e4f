// No test passes with the engine down: here a dedicated node of each engine serves Citebox, is
// killed (SIGKILL, as a crash), and Citebox must say so clearly: /readyz turns 503 naming the
// engine and its address, searches and answers fail with 503 BACKEND_UNAVAILABLE and a message that
// says which engine cannot be reached, and nothing hangs.
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

beforeAll(async () => {
  // Both dedicated nodes at once: the wait is the slower one's start-up.
  const [os, es] = await Promise.all([startOpenSearch(), startElasticsearch()]);
  nodes.set(OPENSEARCH, os);
  nodes.set(ELASTICSEARCH, es);
}, 300_000);

afterAll(async () => {
  await Promise.all([...nodes.values()].map((n) => n.stop()));
}, 60_000);

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
