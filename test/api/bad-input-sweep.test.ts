// The bad-input sweep: hundreds of generated malformed requests against the real server (the whole
// app: API, docs and website, on a real index, listening on 127.0.0.1), sent as raw bytes. Every
// answer must be a 4xx in the contract's error shape whose request_id matches the x-request-id
// header; nothing may be a 5xx or be logged as an error; the server must be healthy afterwards.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpenAiPath } from '../../api/openai-errors.js';
import { type Server, startServer } from '../../cli/serve.js';
import { createLogger } from '../../services/index.js';
import { type TestEnv, testConfig } from '../helpers/config.js';
import { type SweepCase, sweepCases } from './bad-input-cases.js';
import { type RawResponse, rawRequest } from './raw-http.js';

const ADMIN = 'sweep-admin-key-42';

function problem(c: SweepCase, res: RawResponse): string | undefined {
  if (res.status === undefined) {
    return c.expect === 'error-or-closed' ? undefined : 'closed without an answer';
  }
  if (res.status >= 500) return `status ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`;
  if (res.status < 400) return `status ${res.status}, wanted 4xx`;
  if (c.expect === 'status-only') return undefined;
  if (!/^application\/json/.test(res.headers['content-type'] ?? '')) {
    return `status ${res.status} with content-type ${res.headers['content-type']}`;
  }
  let body: {
    error?: { code?: unknown; message?: unknown; request_id?: unknown; type?: unknown; param?: unknown };
  };
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    return `status ${res.status}, body is not JSON: ${res.body.toString('utf8').slice(0, 100)}`;
  }
  const error = body.error;
  if (c.request.path !== undefined && isOpenAiPath(c.request.path)) {
    // OpenAI's shape: {message, type, param, code}, the request id in the header only.
    if (
      !error ||
      typeof error.message !== 'string' ||
      typeof error.type !== 'string' ||
      !(error.param === null || typeof error.param === 'string') ||
      typeof error.code !== 'string' ||
      error.code !== error.code.toLowerCase()
    ) {
      return `status ${res.status}, not OpenAI's error shape: ${JSON.stringify(body).slice(0, 200)}`;
    }
    if (/must match a schema|body\/|querystring\//.test(error.message))
      return `validator wording: ${error.message}`;
    return res.headers['x-request-id'] ? undefined : 'no x-request-id header';
  }
  if (
    !error ||
    typeof error.code !== 'string' ||
    typeof error.message !== 'string' ||
    typeof error.request_id !== 'string'
  ) {
    return `status ${res.status}, not the error shape: ${JSON.stringify(body).slice(0, 200)}`;
  }
  if (error.message.includes(' at ') && error.message.includes('.ts:')) return 'a stack trace in the message';
  if (/must match a schema|body\/|querystring\/|params\//.test(error.message)) {
    return `validator wording: ${error.message}`;
  }
  if (res.headers['x-request-id'] !== error.request_id) {
    return `request_id ${String(error.request_id)} differs from x-request-id ${res.headers['x-request-id']}`;
  }
  return undefined;
}

async function inBatches<T, R>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(...(await Promise.all(items.slice(i, i + size).map(run))));
  return out;
}

describe('bad-input sweep', () => {
  let env: TestEnv;
  let server: Server;
  let port = 0;
  const errorLines: string[] = [];

  beforeAll(async () => {
    env = testConfig({
      CITEBOX_ADMIN_KEY: ADMIN,
      CITEBOX_BOOTSTRAP_DOCS: 'true',
      CITEBOX_RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'error',
    });
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        errorLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        cb();
      },
    });
    server = await startServer(env.config, createLogger(env.config, sink));
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => {
    await server?.close(1000);
    env?.cleanup();
  });

  it('answers every malformed request with a 4xx in the error shape, and stays healthy', async () => {
    const cases = sweepCases(ADMIN);
    expect(cases.length).toBeGreaterThan(400);
    const results = await inBatches(cases, 16, async (c) => {
      try {
        return { c, problem: problem(c, await rawRequest(port, c.request)) };
      } catch (err) {
        return { c, problem: (err as Error).message };
      }
    });
    const failures = results.filter((r) => r.problem).map((r) => `${r.c.name}: ${r.problem}`);
    expect(failures).toEqual([]);
    expect(errorLines).toEqual([]);

    // Still healthy, and still answering.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const answer = await fetch(`${server.url}/v1/answer?q=${encodeURIComponent('how do I crawl a site')}`);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { sources: unknown[] }).sources.length).toBeGreaterThan(0);
  });
});
