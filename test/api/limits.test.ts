// Limits on a real listening app: rate limits per key / address, the answer concurrency cap
// (503 + Retry-After instead of collapse), and body size limits.
import type { FastifyPluginAsync } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../api/index.js';
import { errorBody, normalScript, startApi, type TestApi } from './helpers.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('rate limits', () => {
  it('answers 429 in the error shape with Retry-After once a client is over its limit', async () => {
    api = await startApi({ CITEBOX_RATE_LIMIT_PER_MINUTE: '3' });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${api.url}/v1/search?q=apollo`)).status);
    expect(statuses).toEqual([200, 200, 200]);
    const limited = await fetch(`${api.url}/v1/answer?q=apollo`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('3');
    const error = errorBody(await limited.json());
    expect(error.code).toBe('RATE_LIMITED');
    expect(error.request_id).toBe(limited.headers.get('x-request-id'));
    // Probes, metrics and docs are never limited.
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json'])
      expect((await fetch(`${api.url}${path}`)).status, path).toBe(200);
    expect(await (await fetch(`${api.url}/metrics`)).text()).toMatch(/citebox_rate_limited_total 1/);
  });

  it('counts each valid key on its own, and made-up keys against the address', async () => {
    api = await startApi({ CITEBOX_RATE_LIMIT_PER_MINUTE: '2', CITEBOX_API_KEYS: 'key-one,key-two' });
    const as = (key: string) =>
      fetch(`${api?.url}/v1/search?q=apollo`, { headers: { authorization: `Bearer ${key}` } });
    expect([
      (await as('key-one')).status,
      (await as('key-one')).status,
      (await as('key-one')).status,
    ]).toEqual([200, 200, 429]);
    expect((await as('key-two')).status).toBe(200);
    // Wrong keys: 401 while the address has budget, then 429 — rotating keys does not help.
    expect((await as('made-up-1')).status).toBe(401);
    expect((await as('made-up-2')).status).toBe(401);
    expect((await as('made-up-3')).status).toBe(429);
  });

  it('counts clients behind a trusted proxy by their forwarded address, and only then', async () => {
    const from = (base: string, address: string) =>
      fetch(`${base}/v1/search?q=apollo`, { headers: { 'x-forwarded-for': address } });
    api = await startApi({ CITEBOX_RATE_LIMIT_PER_MINUTE: '1', CITEBOX_TRUST_PROXY: '127.0.0.1' });
    expect([
      (await from(api.url, '203.0.113.1')).status,
      (await from(api.url, '203.0.113.2')).status,
    ]).toEqual([200, 200]);
    expect((await from(api.url, '203.0.113.1')).status).toBe(429);
    await api.close();
    // Without CITEBOX_TRUST_PROXY the header is anyone's to write: it does not pick the bucket.
    api = await startApi({ CITEBOX_RATE_LIMIT_PER_MINUTE: '1' });
    expect([
      (await from(api.url, '203.0.113.1')).status,
      (await from(api.url, '203.0.113.2')).status,
    ]).toEqual([200, 429]);
  });

  it('can be turned off', async () => {
    api = await startApi({ CITEBOX_RATE_LIMIT_PER_MINUTE: '0' });
    const res = await fetch(`${api.url}/v1/search?q=apollo`);
    expect(res.headers.get('x-ratelimit-limit')).toBeNull();
  });
});

describe('answer concurrency cap', () => {
  it('queues up to the limit and answers 503 BUSY with Retry-After beyond it', async () => {
    api = await startApi({ CITEBOX_ANSWER_CONCURRENCY: '2', CITEBOX_ANSWER_QUEUE: '2' });
    api.answers.script = normalScript(100);
    const base = api.url;
    const results = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const res =
          i % 2 === 0
            ? await fetch(`${base}/v1/answer?q=apollo+${i}`)
            : await fetch(`${base}/v1/answer`, {
                method: 'POST',
                headers: { 'content-type': 'application/json' },
                body: JSON.stringify({ query: `apollo ${i}`, stream: true }),
              });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
      }),
    );
    const ok = results.filter((r) => r.status === 200);
    const busy = results.filter((r) => r.status === 503);
    expect(ok.length).toBe(4);
    expect(busy.length).toBe(4);
    expect(api.answers.maxRunning).toBe(2);
    for (const r of busy) {
      // A saturated server answers plain JSON, even to a stream request.
      expect(errorBody(JSON.parse(r.body)).code).toBe('BUSY');
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/citebox_answer_rejected_total 4/);
    expect(metrics).toMatch(/citebox_answer_slots_in_use 0/);
    // Once the burst is over the server answers again.
    expect((await fetch(`${base}/v1/answer?q=apollo`)).status).toBe(200);
  });

  it('puts the website’s answers behind the same cap', async () => {
    const web: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
      app.get('/page', async () => deps.answers.answer({ query: 'apollo' }));
    };
    api = await startApi({ CITEBOX_ANSWER_CONCURRENCY: '1', CITEBOX_ANSWER_QUEUE: '0' }, { web });
    api.answers.script = normalScript(150);
    const base = api.url;
    const [a, b] = await Promise.all([fetch(`${base}/page`), fetch(`${base}/v1/answer?q=apollo`)]);
    expect([a.status, b.status].sort()).toEqual([200, 503]);
  });
});

describe('body limits', () => {
  const post = (base: string, path: string, body: string) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('refuses bodies over 64 KiB with 413, but lets a long conversation through the chat route', async () => {
    api = await startApi();
    const big = JSON.stringify({ query: 'x', messages: [{ role: 'user', content: 'y'.repeat(70_000) }] });
    const res = await post(api.url, '/v1/answer', big);
    expect(res.status).toBe(413);
    expect(errorBody(await res.json()).code).toBe('PAYLOAD_TOO_LARGE');

    const turns = Array.from({ length: 30 }, (_, i) => ({
      role: i % 2 === 0 ? 'user' : 'assistant',
      content: `turn ${i} ${'words '.repeat(1000)}`,
    }));
    const chat = JSON.stringify({
      model: 'citebox',
      messages: [...turns, { role: 'user', content: 'and then?' }],
    });
    expect(chat.length).toBeGreaterThan(150_000);
    const ok = await post(api.url, '/v1/chat/completions', chat);
    expect(ok.status).toBe(200);
    const asked = api.answers.requests.at(-1);
    expect(asked?.query).toBe('and then?');
    expect(asked?.messages).toHaveLength(20);

    const huge = JSON.stringify({
      model: 'citebox',
      messages: [{ role: 'user', content: 'z'.repeat(1_100_000) }],
    });
    const tooBig = await post(api.url, '/v1/chat/completions', huge);
    expect(tooBig.status).toBe(413);
  });
});
