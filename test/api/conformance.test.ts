// What API tools written by others check: 405 with Allow for a method a path does not serve, an
// OpenAPI document that declares what the server really sends and accepts (checked with an
// independent JSON Schema validator, Ajv with ajv-formats, against the live server), the event
// streams matching their declared per-event schemas, and a blank streamed question refused before
// any stream starts.
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorBody, parseSse, startApi, type TestApi } from './helpers.js';
import { rawRequest } from './raw-http.js';

const ADMIN = 'conformance-admin-key';

type Schema = Record<string, unknown>;
interface OpenApiDoc {
  paths: Record<string, Record<string, { responses: Record<string, unknown>; parameters?: Schema[] }>>;
  components: { schemas: Record<string, Schema> };
}

/** An independent validator: Ajv's JSON Schema 2020-12 with the standard formats. */
function independentAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  return ajv;
}

describe('API conformance', () => {
  let api: TestApi;
  let port: number;
  let doc: OpenApiDoc;
  beforeAll(async () => {
    api = await startApi({ CITEBOX_ADMIN_KEY: ADMIN });
    port = Number(new URL(api.url).port);
    doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApiDoc;
  });
  afterAll(() => api.close());

  /** Resolves `#/components/schemas/X` references (one level is all the document uses). */
  function resolved(schema: Schema): Schema {
    const ref = schema['$ref'];
    if (typeof ref !== 'string') return schema;
    return doc.components.schemas[ref.replace('#/components/schemas/', '')] as Schema;
  }

  describe('405 Method Not Allowed', () => {
    it.each([
      ['TRACE', '/v1/models', '', 'GET, HEAD, OPTIONS'],
      ['PUT', '/v1/answer', '{"query":"x"}', 'GET, HEAD, OPTIONS, POST'],
      ['DELETE', '/v1/answer', '', 'GET, HEAD, OPTIONS, POST'],
      ['QUERY', '/v1/answer', '{"query":"x"}', 'GET, HEAD, OPTIONS, POST'],
      ['PURGE', '/v1/search', 'hello', 'GET, HEAD, OPTIONS'],
      ['PATCH', '/v1/crawls/crawl_0123456789abcdef', '{}', 'DELETE, GET, HEAD, OPTIONS'],
      ['POST', '/v1/models/citebox', '{}', 'GET, HEAD, OPTIONS'],
      ['GET', '/v1/chat/completions', '', 'OPTIONS, POST'],
      ['POST', '/healthz', '', 'GET, HEAD, OPTIONS'],
    ])('%s %s (body %j) → 405, Allow: %s', async (method, path, body, allow) => {
      const headers: Record<string, string | number> = body
        ? {
            'content-type': body.startsWith('{') ? 'application/json' : 'text/plain',
            'content-length': body.length,
          }
        : {};
      const res = await rawRequest(port, { method, path, headers, body });
      expect(res.status).toBe(405);
      expect(res.headers['allow']).toBe(allow);
      const json = JSON.parse(res.body.toString('utf8')) as { error: Record<string, unknown> };
      if (path.startsWith('/v1/models') || path.startsWith('/v1/chat')) {
        expect(json.error).toMatchObject({
          type: 'invalid_request_error',
          code: 'method_not_allowed',
          param: null,
        });
      } else {
        expect(json.error['code']).toBe('METHOD_NOT_ALLOWED');
        expect(json.error['request_id']).toBe(res.headers['x-request-id']);
      }
    });

    it('answers OPTIONS with 204 and Allow, and leaves unknown paths 404', async () => {
      const options = await rawRequest(port, { method: 'OPTIONS', path: '/v1/answer' });
      expect(options.status).toBe(204);
      expect(options.headers['allow']).toBe('GET, HEAD, OPTIONS, POST');
      for (const [method, path] of [
        ['PUT', '/v1/nothing'],
        ['GET', '/v1/models/a/b'],
        ['TRACE', '/nope'],
      ] as const) {
        const res = await rawRequest(port, { method, path });
        expect(res.status, `${method} ${path}`).toBe(404);
        expect(res.headers['allow'], `${method} ${path}`).toBeUndefined();
      }
    });
  });

  describe('the OpenAPI document tells the truth', () => {
    it('declares the 414 that a too long path parameter gets', async () => {
      for (const [path, template] of [
        [`/v1/models/${'m'.repeat(300)}`, '/v1/models/{model}'],
        [`/v1/crawls/${'c'.repeat(300)}`, '/v1/crawls/{id}'],
      ] as const) {
        const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${ADMIN}` } });
        expect(res.status, path).toBe(414);
        expect(Object.keys(doc.paths[template]?.['get']?.responses ?? {}), template).toContain('414');
      }
      expect(Object.keys(doc.paths['/v1/crawls/{id}']?.['delete']?.responses ?? {})).toContain('414');
    });

    it('declares every status these requests get', async () => {
      const admin = { authorization: `Bearer ${ADMIN}` };
      const json = { 'content-type': 'application/json' };
      const cases: Array<[string, string, string, RequestInit]> = [
        ['/v1/answer', 'post', '/v1/answer', { method: 'POST', headers: json, body: '{"query":""}' }],
        ['/v1/answer', 'post', '/v1/answer', { method: 'POST', headers: json, body: '{' }],
        [
          '/v1/answer',
          'post',
          '/v1/answer',
          { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' },
        ],
        [
          '/v1/answer',
          'post',
          '/v1/answer',
          { method: 'POST', headers: json, body: `{"query":"${'x'.repeat(70_000)}"}` },
        ],
        ['/v1/answer', 'get', '/v1/answer?q=x&since=2023-02-29', {}],
        ['/v1/search', 'get', '/v1/search?q=', {}],
        [
          '/v1/chat/completions',
          'post',
          '/v1/chat/completions',
          {
            method: 'POST',
            headers: json,
            body: '{"model":"x","messages":[{"role":"user","content":"hi"}]}',
          },
        ],
        ['/v1/models/{model}', 'get', '/v1/models/gpt-4o', {}],
        [
          '/v1/crawls',
          'post',
          '/v1/crawls',
          { method: 'POST', headers: { ...json, ...admin }, body: '{"seeds":["ftp://x.example/"]}' },
        ],
        [
          '/v1/crawls',
          'post',
          '/v1/crawls',
          { method: 'POST', headers: json, body: '{"seeds":["https://x.example/"]}' },
        ],
        ['/v1/crawls/{id}', 'get', '/v1/crawls/nope', { headers: admin }],
        ['/v1/crawls', 'get', '/v1/crawls', { headers: admin }],
      ];
      for (const [template, method, path, init] of cases) {
        const res = await fetch(`${api.url}${path}`, init);
        await res.arrayBuffer();
        const declared = Object.keys(doc.paths[template]?.[method]?.responses ?? {});
        expect(declared, `${method.toUpperCase()} ${path.slice(0, 60)} → ${res.status}`).toContain(
          String(res.status),
        );
      }
    });

    it('agrees with the server on what `since` accepts', async () => {
      const param = doc.paths['/v1/search']?.['get']?.parameters?.find((p) => p['name'] === 'since');
      const validate = independentAjv().compile(param?.['schema'] as Schema);
      const values = [
        '2024-05-01',
        '2024-02-29',
        '2023-02-29',
        '2024-04-31',
        '2024-13-01',
        '2024-5-1',
        '2024-05-01T12:00:00Z',
        '2024-05-01T12:00:00.5+02:00',
        '2024-05-01T12:00',
        '2024-05-01T12:00:00',
        '2024-05-01T25:00:00Z',
        'yesterday',
      ];
      const verdicts = [];
      for (const since of values) {
        const search = await fetch(`${api.url}/v1/search?q=apollo&since=${encodeURIComponent(since)}`);
        const answer = await fetch(`${api.url}/v1/answer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: 'apollo', filters: { since } }),
        });
        verdicts.push({
          since,
          doc: validate(since),
          search: search.status === 200,
          answer: answer.status === 200,
        });
      }
      for (const v of verdicts) expect({ ...v, search: v.doc, answer: v.doc }, v.since).toEqual(v);
      // Real dates and date-times pass; what is only date-shaped does not.
      expect(verdicts.filter((v) => v.doc).map((v) => v.since)).toEqual([
        '2024-05-01',
        '2024-02-29',
        '2024-05-01T12:00:00Z',
        '2024-05-01T12:00:00.5+02:00',
      ]);
    });

    it('declares crawl seeds as http(s) URIs, as the server checks them', async () => {
      const crawlPost = doc.paths['/v1/crawls']?.['post'] as unknown as {
        requestBody: { content: Record<string, { schema: Schema }> };
      };
      const body = crawlPost.requestBody.content['application/json']?.schema as Schema;
      const seedSchema = (body['properties'] as Record<string, Schema>)['seeds']?.['items'] as Schema;
      expect(seedSchema).toMatchObject({ type: 'string', format: 'uri' });
      const validate = independentAjv().compile(seedSchema);
      for (const seed of [
        'https://example.com/',
        'HTTP://example.com/docs',
        'ftp://example.com/',
        'example.com',
        'mailto:someone@example.com',
        'https://',
        'https://exa mple.com/',
      ]) {
        const res = await fetch(`${api.url}/v1/crawls`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
          body: JSON.stringify({ seeds: [seed] }),
        });
        // These deps run no crawls: a valid request is refused after validation (403).
        expect(res.status !== 400, seed).toBe(validate(seed));
      }
    });

    it('describes each event of the answer and chat streams with a schema the streams match', async () => {
      const ajv = independentAjv();
      const check = (streamSchema: Schema, events: Array<{ event: string | undefined; data: string }>) => {
        const items = ((streamSchema['items'] as Schema)['oneOf'] as Schema[]).map((item) => {
          const props = item['properties'] as Record<string, Schema>;
          return { event: props['event']?.['const'], data: props['data'] as Schema };
        });
        expect(events.length).toBeGreaterThan(0);
        for (const e of events) {
          const fits = items
            .filter((item) => item.event === e.event)
            .some((item) => {
              const data = item.data;
              if ('const' in data) return data['const'] === e.data;
              if (data['contentMediaType'] !== 'application/json') return false;
              let parsed: unknown;
              try {
                parsed = JSON.parse(e.data);
              } catch {
                return false;
              }
              return ajv.validate(resolved(data['contentSchema'] as Schema), parsed);
            });
          expect(fits, `${e.event ?? 'data'}: ${e.data.slice(0, 120)}`).toBe(true);
        }
      };
      const answerStream = doc.paths['/v1/answer']?.['post']?.responses['200'] as {
        content: Record<string, { schema: Schema }>;
      };
      const answerSchema = answerStream.content['text/event-stream']?.schema as Schema;
      const sse = await fetch(`${api.url}/v1/answer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'When did Apollo 11 land?', stream: true }),
      });
      const events = parseSse(await sse.text());
      expect(events.map((e) => e.event)).toEqual(['sources', 'delta', 'delta', 'citations', 'done']);
      check(answerSchema, events);
      // An error event fits its schema too.
      check(answerSchema, [
        { event: 'error', data: JSON.stringify({ error: { code: 'X', message: 'm', request_id: 'r' } }) },
      ]);

      const chatStream = doc.paths['/v1/chat/completions']?.['post']?.responses['200'] as {
        content: Record<string, { schema: Schema }>;
      };
      const chat = await fetch(`${api.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'citebox',
          messages: [{ role: 'user', content: 'Apollo?' }],
          stream: true,
        }),
      });
      const chunks = parseSse(await chat.text());
      expect(chunks.at(-1)?.data).toBe('[DONE]');
      check(chatStream.content['text/event-stream']?.schema as Schema, chunks);
    });
  });

  describe('a blank streamed question', () => {
    it.each([
      ['POST stream: true', '/v1/answer', { method: 'POST', body: '{"query":"   ","stream":true}' }],
      [
        'POST Accept: text/event-stream',
        '/v1/answer',
        { method: 'POST', body: '{"query":" \\n\\t "}', accept: true },
      ],
      ['GET stream=true', '/v1/answer?q=%20%20&stream=true', {}],
      ['GET Accept: text/event-stream', '/v1/answer?q=%20', { accept: true }],
    ] as const)('%s gets the JSON request’s 400, before any stream', async (_name, path, how) => {
      const init = how as { method?: string; body?: string; accept?: boolean };
      const res = await fetch(`${api.url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.body ? { 'content-type': 'application/json' } : {}),
          ...(init.accept ? { accept: 'text/event-stream' } : {}),
        },
        ...(init.body ? { body: init.body } : {}),
      });
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(errorBody(await res.json())).toMatchObject({
        code: 'INVALID_QUERY',
        message: 'The query is empty',
      });
    });

    it('is refused the same way on the chat facade, in OpenAI’s shape', async () => {
      const res = await fetch(`${api.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'citebox', messages: [{ role: 'user', content: '  ' }], stream: true }),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        error: {
          message: 'The query is empty',
          type: 'invalid_request_error',
          param: 'messages',
          code: 'invalid_query',
        },
      });
    });
  });
});
