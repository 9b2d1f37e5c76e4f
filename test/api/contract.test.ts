// The API's contract on a real listening app (fake answer pipeline, in-memory backend): request
// ids, security headers, auth, the admin sites route, models, readiness reasons, metrics and the
// OpenAPI document.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../api/index.js';
import { errorBody, memoryBackend, startApi, type TestApi } from './helpers.js';

const ADMIN = 'admin-key-0123456789';
const KEY = 'user-key-abcdef';

describe('API contract', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi(
      { CITEBOX_ADMIN_KEY: ADMIN, CITEBOX_API_KEYS: `${KEY},other-key` },
      {
        readinessChecks: {
          llm: async () => ({ ok: false, reason: 'LLM at http://127.0.0.1:9 refused the connection' }),
          flaky: async () => {
            throw new Error('check crashed');
          },
        },
      },
    );
  });
  afterAll(() => api.close());

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers });
  const auth = (key: string) => ({ authorization: `Bearer ${key}` });

  it('gives every response a request id, keeping a sane one the caller sent', async () => {
    const own = await get('/healthz', { 'x-request-id': 'trace-123.abc' });
    expect(own.headers.get('x-request-id')).toBe('trace-123.abc');
    const insane = await get('/healthz', { 'x-request-id': 'bad id with spaces' });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const missing = await get('/nope');
    expect(missing.status).toBe(404);
    expect(errorBody(await missing.json()).request_id).toBe(missing.headers.get('x-request-id'));
  });

  it('sends the security headers and the one CSP on API, docs and errors alike', async () => {
    for (const path of ['/healthz', '/docs', '/nope', '/openapi.json']) {
      const res = await get(path);
      const csp = res.headers.get('content-security-policy') ?? '';
      // /docs adds the hash of Swagger UI's one inline style to the same policy.
      expect(csp.replace(/ 'sha256-[\w+/=]+'/, ''), path).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
    );
    // No CORS unless origins are configured.
    const res = await get('/healthz', { origin: 'https://evil.example' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('needs an API key on answer, search, chat, models and metrics when keys are set', async () => {
    const paths = ['/v1/answer?q=apollo', '/v1/search?q=apollo', '/v1/models', '/metrics'];
    for (const path of paths) {
      const none = await get(path);
      expect(none.status, path).toBe(401);
      const body = await none.json();
      // The OpenAI-compatible routes answer in OpenAI's error shape.
      if (path === '/v1/models') expect(body.error.code).toBe('invalid_api_key');
      else expect(errorBody(body).code).toBe('UNAUTHORIZED');
      expect((await get(path, auth('wrong'))).status, path).toBe(401);
      expect((await get(path, auth(KEY))).status, path).toBe(200);
      expect((await get(path, { 'x-api-key': 'other-key' })).status, path).toBe(200);
      expect((await get(path, auth(ADMIN))).status, path).toBe(200);
    }
    const chat = await fetch(`${api.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'citebox', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(401);
    // Liveness, readiness and docs stay open.
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/openapi.json')).status).toBe(200);
  });

  it('guards admin routes with the admin key only', async () => {
    for (const key of [undefined, KEY, `${ADMIN}x`]) {
      const res = await get('/v1/sites', key ? auth(key) : {});
      expect(res.status).toBe(401);
      expect(errorBody(await res.json()).code).toBe('UNAUTHORIZED');
    }
    const res = await get('/v1/sites', auth(ADMIN));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      backend: 'sqlite',
      pages: 2,
      passages: 7,
      sites: [
        { host: 'a.example', pages: 1, passages: 4 },
        { host: 'b.example', pages: 1, passages: 3 },
      ],
    });
    // No crawl service in these deps: crawl routes say so, after the key check.
    const crawls = await get('/v1/crawls', auth(ADMIN));
    expect(crawls.status).toBe(403);
    expect(errorBody(await crawls.json()).code).toBe('FORBIDDEN');
  });

  it('lists the one model of the OpenAI facade', async () => {
    const list = await (await get('/v1/models', auth(KEY))).json();
    expect(list).toEqual({
      object: 'list',
      data: [{ id: 'citebox', object: 'model', created: expect.any(Number), owned_by: 'citebox' }],
    });
    expect((await get('/v1/models/citebox', auth(KEY))).status).toBe(200);
    const other = await get('/v1/models/gpt-4o', auth(KEY));
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({
      error: {
        message: 'The model "gpt-4o" does not exist',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    });
  });

  it('reports readiness with the reason of each failing check', async () => {
    const res = await get('/readyz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'not_ready',
      checks: {
        backend: { ok: true },
        llm: { ok: false, reason: 'LLM at http://127.0.0.1:9 refused the connection' },
        flaky: { ok: false, reason: 'check crashed' },
      },
    });
  });

  it('exposes Prometheus metrics: route latency, answer stages, index size', async () => {
    await get('/v1/answer?q=apollo', auth(KEY));
    await get('/v1/search?q=apollo', auth(KEY));
    const text = await (await get('/metrics', auth(KEY))).text();
    expect(text).toMatch(
      /citebox_http_request_duration_seconds_count\{method="GET",route="\/v1\/answer",status_code="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /citebox_http_request_duration_seconds_count\{method="GET",route="unmatched",status_code="404"\}/,
    );
    expect(text).toMatch(
      /citebox_answer_stage_duration_seconds_count\{stage="retrieve",mode="extractive"\} [1-9]/,
    );
    expect(text).toMatch(
      /citebox_answer_stage_duration_seconds_sum\{stage="total",mode="extractive"\} 0\.0\d+/,
    );
    expect(text).toMatch(/citebox_answers_total\{mode="extractive",transport="json"\} [1-9]/);
    expect(text).toMatch(/citebox_index_documents\{kind="passages"\} 7/);
  });

  it('publishes an OpenAPI 3.1 document with a schema on every route', async () => {
    const doc = (await (await get('/openapi.json')).json()) as {
      openapi: string;
      info: { description: string };
      paths: Record<string, Record<string, Record<string, unknown>>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    const expected: Record<string, string[]> = {
      '/v1/answer': ['get', 'post'],
      '/v1/search': ['get'],
      '/v1/chat/completions': ['post'],
      '/v1/models': ['get'],
      '/v1/models/{model}': ['get'],
      '/v1/crawls': ['get', 'post'],
      '/v1/crawls/{id}': ['delete', 'get'],
      '/v1/sites': ['get'],
      '/healthz': ['get'],
      '/readyz': ['get'],
      '/metrics': ['get'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      const ops = doc.paths[path];
      expect(ops, path).toBeDefined();
      expect(Object.keys(ops ?? {}).sort(), path).toEqual(methods);
      for (const method of methods) {
        const op = ops?.[method] as { responses: Record<string, unknown>; summary: string };
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(op.responses['200'] ?? op.responses['202'], `${method} ${path}`).toBeDefined();
      }
    }
    const post = doc.paths['/v1/answer']?.['post'] as {
      requestBody: { content: Record<string, { schema: { required: string[] } }> };
      responses: Record<string, { content: Record<string, unknown> }>;
    };
    expect(post.requestBody.content['application/json']?.schema.required).toEqual(['query']);
    expect(Object.keys(post.responses['200']?.content ?? {})).toEqual([
      'application/json',
      'text/event-stream',
    ]);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(['400', '401', '429', '503', '504']));
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining([
        'AnswerEventSources',
        'AnswerEventDelta',
        'AnswerEventDone',
        'ChatCompletionChunk',
      ]),
    );
    expect(doc.info.description).toContain('event: <name>');
  });

  it('serves browsable docs', async () => {
    const res = await get('/docs');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('swagger-ui-bundle.js');
    expect(html).not.toMatch(/<script>(?!\s*<\/script>)/);
  });
});

describe('CORS', () => {
  it('answers preflights and exposes the request id only for configured origins', async () => {
    const api = await startApi({ CITEBOX_CORS_ORIGINS: 'https://app.example' }, { backend: memoryBackend() });
    try {
      const preflight = await fetch(`${api.url}/v1/answer`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://app.example',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,authorization',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
      const res = await fetch(`${api.url}/v1/search?q=apollo`, {
        headers: { origin: 'https://app.example' },
      });
      expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(res.headers.get('access-control-expose-headers')).toContain('x-request-id');
      const other = await fetch(`${api.url}/v1/search?q=apollo`, {
        headers: { origin: 'https://evil.example' },
      });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await api.close();
    }
  });
});
