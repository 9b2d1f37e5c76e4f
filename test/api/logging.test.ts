// What the logs hold: one access line per request carrying the request id (the id of every line
// logged while handling a request), no query strings, and never a key — not even fastify's own
// request serializers at trace level, nor a wrong key someone tried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../api/index.js';
import { Metrics } from '../../services/index.js';
import { testConfig } from '../helpers/config.js';
import { capturingLogger, memoryBackend, ScriptedAnswers } from './helpers.js';

const ADMIN = 'ADMIN-SECRET-7f3a9c';
const KEY = 'API-SECRET-51b2e8';
const WRONG = 'WRONG-SECRET-00aa11';

describe('logging', () => {
  const { logger, lines } = capturingLogger('trace');
  const env = testConfig({ CITEBOX_ADMIN_KEY: ADMIN, CITEBOX_API_KEYS: KEY, LOG_LEVEL: 'trace' });
  let url = '';
  let close: () => Promise<void> = async () => {};

  beforeAll(async () => {
    const app = await buildApp({
      config: env.config,
      logger,
      metrics: new Metrics({ defaultMetrics: false }),
      backend: memoryBackend(),
      answers: new ScriptedAnswers(),
    });
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    close = async () => {
      await app.close();
      env.cleanup();
    };
  });
  afterAll(() => close());

  it('never writes a key, right or wrong, whatever the route or outcome', async () => {
    const requests: Array<[string, RequestInit]> = [
      ['/v1/answer?q=secret+question+words', { headers: { authorization: `Bearer ${KEY}` } }],
      ['/v1/search?q=apollo', { headers: { 'x-api-key': KEY, cookie: `session=${KEY}` } }],
      ['/v1/search?q=apollo', { headers: { authorization: `Bearer ${WRONG}` } }],
      ['/v1/sites', { headers: { authorization: `Bearer ${ADMIN}` } }],
      ['/v1/sites', { headers: { authorization: `Bearer ${WRONG}` } }],
      [
        '/v1/crawls',
        {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: '{"seeds":',
        },
      ],
      [
        '/v1/chat/completions',
        {
          method: 'POST',
          headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            model: 'citebox',
            stream: true,
            messages: [{ role: 'user', content: 'apollo' }],
          }),
        },
      ],
      ['/nope', { headers: { authorization: `Bearer ${WRONG}` } }],
    ];
    for (const [path, init] of requests) await (await fetch(`${url}${path}`, init)).text();
    // A logger given request-shaped objects redacts them too (fastify's serializers, plugins).
    logger.info({ req: { headers: { authorization: `Bearer ${KEY}`, 'x-api-key': KEY } } }, 'shape check');
    logger.info({ request: { headers: { authorization: `Bearer ${ADMIN}`, cookie: ADMIN } } }, 'shape check');
    logger.info({ config: { adminKey: ADMIN, apiKeys: [KEY] } }, 'shape check');
    expect(lines.length).toBeGreaterThan(requests.length);
    const all = lines.join('\n');
    for (const secret of [ADMIN, KEY, WRONG]) expect(all).not.toContain(secret);
    expect(all).toContain('[redacted]');
    expect(all).not.toContain('secret+question');
  });

  it('writes one access line per request with its id, and every request line carries the id', async () => {
    lines.length = 0;
    const res = await fetch(`${url}/v1/search?q=apollo`, {
      headers: { authorization: `Bearer ${KEY}`, 'x-request-id': 'req-log-1' },
    });
    await res.text();
    await new Promise((r) => setTimeout(r, 20));
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const access = parsed.filter((l) => l['msg'] === 'request');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      reqId: 'req-log-1',
      method: 'GET',
      route: '/v1/search',
      path: '/v1/search',
      status: 200,
      level: 30,
    });
    expect(typeof access[0]?.['ms']).toBe('number');
    expect(parsed.every((l) => l['reqId'] === 'req-log-1')).toBe(true);
  });
});
