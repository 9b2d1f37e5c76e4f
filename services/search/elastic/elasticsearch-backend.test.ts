// The Elasticsearch adapter at the HTTP level: a local server on 127.0.0.1 plays Elasticsearch 9
// (headers, response shapes, a 429, a refused document, a 503) and records what the real client
// sends, without a JVM, in `npm test`. `npm run test:engines` runs the whole contract suite and
// the engine-specific suites on a real Elasticsearch 9 node.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isCiteboxError } from '../../errors.js';
import { silentLogger } from '../../logger.js';
import { makePage } from '../backend-contract.testkit.js';
import { ElasticsearchEngineClient } from './elasticsearch-client.js';
import { EngineBackend } from './engine-backend.js';
import { META_DOC_ID, pageDocId } from './index-design.js';

interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}
type Reply = { status?: number; body?: unknown };
type Handler = (req: Recorded) => Reply | undefined;

class FakeElasticsearch {
  readonly requests: Recorded[] = [];
  readonly handlers: Handler[] = [];
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString('utf8');
      });
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://x');
        const rec: Recorded = {
          method: req.method ?? 'GET',
          path: u.pathname,
          query: u.searchParams,
          headers: req.headers,
          body,
        };
        this.requests.push(rec);
        let reply: Reply | undefined;
        for (const h of this.handlers) {
          reply = h(rec);
          if (reply) break;
        }
        reply ??= {
          status: 404,
          body: { error: { type: 'no_handler', reason: `${rec.method} ${rec.path}` }, status: 404 },
        };
        res.writeHead(reply.status ?? 200, {
          'content-type': 'application/vnd.elasticsearch+json;compatible-with=8',
          'x-elastic-product': 'Elasticsearch',
        });
        res.end(rec.method === 'HEAD' || reply.body === undefined ? undefined : JSON.stringify(reply.body));
      });
    });
    this.#server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  on(method: string, path: string | RegExp, reply: (req: Recorded) => Reply): void {
    this.handlers.push((req) =>
      req.method === method && (typeof path === 'string' ? req.path === path : path.test(req.path))
        ? reply(req)
        : undefined,
    );
  }

  find(method: string, path: string | RegExp): Recorded[] {
    return this.requests.filter(
      (r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path)),
    );
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.#server?.close(() => r()));
  }
}

const ALIAS = 'cb';
const INDEX = 'cb-000001';

function ndjson(body: string): Array<Record<string, unknown>> {
  return body
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The start-up feature check: every analyzer and filter the design names exists. */
function hasAnalysis(es: FakeElasticsearch) {
  es.on('POST', '/_analyze', () => ({ body: { tokens: [{ token: 'run' }] } }));
}

/** Answers for an existing, healthy index behind the alias. */
function existingIndex(
  es: FakeElasticsearch,
  meta: Record<string, unknown> = { citebox_schema: 2, vector_dims: null },
) {
  hasAnalysis(es);
  es.on('GET', '/', () => ({ body: { version: { number: '9.1.3' }, tagline: 'You Know, for Search' } }));
  es.on('GET', `/_alias/${ALIAS}`, () => ({ body: { [INDEX]: { aliases: { [ALIAS]: {} } } } }));
  es.on('GET', `/${ALIAS}/_mapping`, () => ({ body: { [INDEX]: { mappings: { _meta: meta } } } }));
}

function backend(es: FakeElasticsearch, vectorDims?: number): EngineBackend {
  return new EngineBackend({
    client: new ElasticsearchEngineClient({ url: es.url, requestTimeoutMs: 2_000, maxRetries: 0 }),
    alias: ALIAS,
    shards: 1,
    replicas: 0,
    vectorDims,
    logger: silentLogger(),
    bulk: { retries: 2, waitMs: 10 },
  });
}

describe('Elasticsearch adapter (request/response)', () => {
  let es: FakeElasticsearch;
  beforeEach(async () => {
    es = new FakeElasticsearch();
    await es.start();
  });
  afterEach(async () => {
    await es.stop();
  });

  it('creates the first index behind the alias with the shared design, speaking the 8.x compatible API', async () => {
    let created = false;
    hasAnalysis(es);
    es.on('GET', '/', () => ({ body: { version: { number: '9.1.3' } } }));
    es.on('GET', `/_alias/${ALIAS}`, () =>
      created
        ? { body: { [INDEX]: { aliases: { [ALIAS]: {} } } } }
        : { status: 404, body: { error: 'alias [cb] missing', status: 404 } },
    );
    es.on('HEAD', `/${ALIAS}`, () => ({ status: 404 }));
    es.on('PUT', `/${INDEX}`, () => {
      created = true;
      return { body: { acknowledged: true, index: INDEX } };
    });
    es.on('GET', `/${ALIAS}/_mapping`, (req) => {
      const put = es.find('PUT', `/${INDEX}`)[0];
      const mappings = (JSON.parse(put?.body ?? '{}') as { mappings: unknown }).mappings;
      return req ? { body: { [INDEX]: { mappings } } } : {};
    });
    const b = backend(es, 4);
    await b.open();
    const put = es.find('PUT', `/${INDEX}`)[0];
    expect(put).toBeDefined();
    expect(put?.headers['accept']).toContain('compatible-with=8');
    const body = JSON.parse(put?.body ?? '{}') as {
      aliases: Record<string, unknown>;
      settings: Record<string, unknown>;
      mappings: { dynamic: string; properties: Record<string, Record<string, unknown>> };
    };
    expect(body.aliases).toEqual({ [ALIAS]: {} });
    expect(body.settings).toMatchObject({ number_of_shards: 1, number_of_replicas: 0 });
    expect(body.settings['knn']).toBeUndefined();
    expect(body.mappings.dynamic).toBe('strict');
    expect(body.mappings.properties['body']?.['fields']).toMatchObject({
      english: { analyzer: 'english' },
      cjk: { analyzer: 'cjk' },
    });
    expect(body.mappings.properties['vector']).toEqual({
      type: 'dense_vector',
      dims: 4,
      index: true,
      similarity: 'cosine',
    });
    expect(body.mappings.properties['url']).toEqual({ type: 'keyword' });
    await b.close();
  });

  it('writes pages through the bulk helper: passages, page document, stale deletes and the generation', async () => {
    existingIndex(es);
    es.on('POST', `/${ALIAS}/_mget`, () => ({
      body: {
        docs: [
          {
            _index: INDEX,
            _id: pageDocId('https://a.example/p'),
            found: true,
            _version: 3,
            _source: { page_id: 'old', passage_ids: ['old-0', 'old-1'] },
          },
        ],
      },
    }));
    es.on('POST', '/_bulk', (req) => ({
      body: {
        errors: false,
        items: ndjson(req.body)
          .filter((l) => 'index' in l || 'delete' in l)
          .map((l) => ('index' in l ? { index: { status: 200 } } : { delete: { status: 404 } })),
      },
    }));
    const b = backend(es);
    await b.open();
    const item = makePage('https://a.example/p', ['first words', 'second words']);
    const report = await b.replacePages([item]);
    expect(report).toEqual({ written: 1, failed: [] });
    const lines = ndjson(es.find('POST', '/_bulk')[0]?.body ?? '');
    const actions = lines.filter((l) => 'index' in l || 'delete' in l);
    expect(actions).toEqual([
      { index: { _index: ALIAS, _id: item.passages[0]?.id } },
      { index: { _index: ALIAS, _id: item.passages[1]?.id } },
      { index: { _index: ALIAS, _id: pageDocId('https://a.example/p') } },
      { delete: { _index: ALIAS, _id: 'old-0' } },
      { delete: { _index: ALIAS, _id: 'old-1' } },
      { index: { _index: ALIAS, _id: META_DOC_ID } },
    ]);
    const passageDoc = lines[1] as Record<string, unknown>;
    expect(passageDoc).toMatchObject({
      kind: 'passage',
      body: 'first words',
      site: ['a.example', 'example'],
    });
    // Never a refresh per write.
    expect(es.find('POST', '/_bulk')[0]?.query.get('refresh')).not.toBe('true');
    expect(es.find('POST', /_refresh$/)).toHaveLength(0);
    await b.close();
  });

  it('retries documents refused with 429 and reports the ones the engine rejects', async () => {
    existingIndex(es);
    es.on('POST', `/${ALIAS}/_mget`, (req) => ({
      body: {
        docs: (JSON.parse(req.body) as { ids: string[] }).ids.map((id) => ({ _id: id, found: false })),
      },
    }));
    let bulkCalls = 0;
    es.on('POST', '/_bulk', (req) => {
      bulkCalls++;
      const actions = ndjson(req.body).filter((l) => 'index' in l || 'delete' in l) as Array<{
        index?: { _id: string };
        delete?: { _id: string };
      }>;
      return {
        body: {
          errors: true,
          items: actions.map((a) => {
            const id = a.index?._id ?? a.delete?._id ?? '';
            if (id.startsWith(pageDocId('https://a.example/busy')) && bulkCalls === 1)
              return {
                index: {
                  _id: id,
                  status: 429,
                  error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
                },
              };
            if (id.startsWith('bad'))
              return {
                index: {
                  _id: id,
                  status: 400,
                  error: { type: 'document_parsing_exception', reason: 'failed to parse field [position]' },
                },
              };
            return a.index ? { index: { _id: id, status: 201 } } : { delete: { _id: id, status: 200 } };
          }),
        },
      };
    });
    const b = backend(es);
    await b.open();
    const report = await b.replacePages([
      makePage('https://a.example/busy', ['retried text']),
      makePage('https://a.example/bad', ['refused text'], { id: 'bad' }),
    ]);
    expect(report.written).toBe(1);
    expect(report.failed).toEqual([
      {
        url: 'https://a.example/bad',
        reason: expect.stringContaining('document_parsing_exception: failed to parse field [position]'),
      },
    ]);
    const bulks = es.find('POST', '/_bulk');
    // 1: the batch; 2: the retry of the one 429 document; 3: removing the refused page whole.
    expect(bulks).toHaveLength(3);
    expect(ndjson(bulks[1]?.body ?? '')).toHaveLength(2);
    expect(ndjson(bulks[2]?.body ?? '').every((l) => 'delete' in l)).toBe(true);
    await b.close();
  });

  it('searches one analysis of title, headings and body, with filters, per-page cap and highlights', async () => {
    existingIndex(es);
    const source = (id: string, body: string) => ({
      page_id: id.split('-')[0],
      url: `https://docs.one.example/${id.split('-')[0]}`,
      host: 'docs.one.example',
      title: 'Kites',
      headings: ['Flying'],
      body,
      position: Number(id.split('-')[1]),
      word_count: 5,
      lang: 'en',
    });
    es.on('POST', `/${ALIAS}/_search`, () => ({
      body: {
        hits: {
          hits: [
            {
              _id: 'p-0',
              _score: 7.5,
              _source: source('p-0', 'Kites fly in the wind.'),
              highlight: { 'body.english': ['\u0002Kites\u0003 fly in the wind.'] },
            },
            { _id: 'p-1', _score: 7.1, _source: source('p-1', 'Kites again.') },
            { _id: 'p-2', _score: 6.0, _source: source('p-2', 'Kites thrice.') },
            { _id: 'q-0', _score: 5.0, _source: source('q-0', 'Other kites.') },
          ],
        },
      },
    }));
    const b = backend(es);
    await b.open();
    const hits = await b.search({
      text: 'kites "wind',
      limit: 5,
      maxPerPage: 2,
      sites: ['One.Example'],
      lang: 'en',
      since: '2025-01-01',
    });
    expect(hits.map((h) => h.passage.id)).toEqual(['p-0', 'p-1', 'q-0']);
    expect(hits[0]).toEqual({
      passage: {
        id: 'p-0',
        pageId: 'p',
        url: 'https://docs.one.example/p',
        host: 'docs.one.example',
        title: 'Kites',
        headings: ['Flying'],
        text: 'Kites fly in the wind.',
        position: 0,
        lang: 'en',
        publishedAt: undefined,
        wordCount: 5,
      },
      score: 7.5,
      snippet: 'Kites fly in the wind.',
    });
    const body = JSON.parse(es.find('POST', `/${ALIAS}/_search`)[0]?.body ?? '{}') as {
      size: number;
      collapse?: unknown;
      highlight: { fields: Record<string, unknown> };
      query: {
        bool: { must: { bool: { must: { multi_match: Record<string, unknown> } } }; filter: unknown[] };
      };
    };
    expect(body.size).toBe(25);
    expect(body.collapse).toBeUndefined();
    expect(Object.keys(body.highlight.fields)).toEqual(['body.english']);
    expect(body.query.bool.must.bool.must.multi_match).toEqual({
      query: 'kites "wind',
      type: 'cross_fields',
      fields: ['title.english^2', 'headings.english^1.5', 'body.english^1'],
    });
    expect(body.query.bool.filter).toEqual([
      { term: { kind: 'passage' } },
      { terms: { site: ['one.example'] } },
      { bool: { should: [{ term: { lang: 'en' } }, { prefix: { lang: 'en-' } }], minimum_should_match: 1 } },
      { range: { date: { gte: '2025-01-01T00:00:00.000Z' } } },
    ]);
    await b.close();
  });

  it('upgrades a schema 1 index in place: the passage structure fields are added to its mapping', async () => {
    existingIndex(es, { citebox_schema: 1, vector_dims: null });
    let put: Record<string, unknown> | undefined;
    es.on('PUT', `/${ALIAS}/_mapping`, (req) => {
      put = JSON.parse(req.body) as Record<string, unknown>;
      return { body: { acknowledged: true } };
    });
    const b = backend(es);
    await b.open();
    expect(put).toEqual({
      properties: {
        passage_kind: { type: 'keyword' },
        anchor: { type: 'keyword', index: false, doc_values: false },
      },
      _meta: { citebox_schema: 2, vector_dims: null },
    });
    await b.close();
  });

  it('fuses BM25 and kNN lists when vectors are configured', async () => {
    existingIndex(es, { citebox_schema: 2, vector_dims: 3 });
    const src = (id: string) => ({
      page_id: id,
      url: `https://a.example/${id}`,
      host: 'a.example',
      title: id,
      headings: [],
      body: `text ${id}`,
      position: 0,
      word_count: 2,
    });
    es.on('POST', `/${ALIAS}/_search`, (req) => {
      const isKnn = 'knn' in (JSON.parse(req.body) as object);
      const ids = isKnn ? ['b', 'c'] : ['a', 'b'];
      return {
        body: { hits: { hits: ids.map((id, i) => ({ _id: `${id}-0`, _score: 10 - i, _source: src(id) })) } },
      };
    });
    const b = backend(es, 3);
    await b.open();
    const hits = await b.search({ text: 'text', limit: 3, vector: [0.1, 0.2, 0.3] });
    expect(hits.map((h) => h.passage.id)).toEqual(['b-0', 'a-0', 'c-0']);
    const knn = es
      .find('POST', `/${ALIAS}/_search`)
      .map((r) => JSON.parse(r.body) as { knn?: Record<string, unknown> })
      .find((r) => r.knn);
    expect(knn?.knn).toMatchObject({
      field: 'vector',
      query_vector: [0.1, 0.2, 0.3],
      k: 30,
      num_candidates: 120,
    });
    await expect(b.search({ text: 'text', limit: 3, vector: [1, 2] })).rejects.toMatchObject({
      code: 'INVALID_QUERY',
    });
    await b.close();
  });

  it('reads the generation from the meta document version in real time', async () => {
    existingIndex(es);
    es.on('POST', `/${ALIAS}/_mget`, () => ({
      body: { docs: [{ _id: META_DOC_ID, found: true, _version: 42 }] },
    }));
    const b = backend(es);
    await b.open();
    expect(await b.generation()).toBe(42);
    expect(es.find('POST', `/${ALIAS}/_mget`)[0]?.query.get('_source')).toBe('false');
    await b.close();
  });

  it('turns a 503, a refused request and a dead engine into clear coded errors; ping goes red', async () => {
    existingIndex(es);
    es.on('POST', `/${ALIAS}/_search`, (req) =>
      req.body.includes('overloaded')
        ? {
            status: 503,
            body: { error: { type: 'cluster_block_exception', reason: 'blocked' }, status: 503 },
          }
        : {
            status: 400,
            body: {
              error: { type: 'search_phase_execution_exception', reason: 'all shards failed' },
              status: 400,
            },
          },
    );
    es.on('GET', `/_cluster/health/${ALIAS}`, () => ({ body: { status: 'red' } }));
    const b = backend(es);
    await b.open();
    await expect(b.search({ text: 'overloaded', limit: 1 })).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
    });
    const refused = await b.search({ text: 'refused', limit: 1 }).catch((e: unknown) => e);
    expect(isCiteboxError(refused) && refused.code).toBe('BACKEND_ERROR');
    expect((refused as Error).message).toContain('search_phase_execution_exception: all shards failed');
    expect(await b.ping()).toEqual({ ok: false, reason: 'elasticsearch: the index "cb" is red' });
    await es.stop();
    const down = await b.search({ text: 'anything', limit: 1 }).catch((e: unknown) => e);
    expect(isCiteboxError(down) && down.code).toBe('BACKEND_UNAVAILABLE');
    expect((down as Error).message).toMatch(/cannot reach Elasticsearch at http:\/\/127\.0\.0\.1:\d+/);
    expect((await b.ping()).ok).toBe(false);
    await b.close();
    await es.start(); // afterEach stops it again
  });

  it('never shows credentials from the URL in messages', () => {
    const client = new ElasticsearchEngineClient({ url: 'http://elastic:s3cret@es.internal:9200' });
    expect(client.displayUrl).toBe('http://es.internal:9200');
  });
});
