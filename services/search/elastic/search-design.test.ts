// The shared index design and query builder, table by table (pure functions, no engine).
import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../../types.js';
import { reciprocalRankFusion } from '../hybrid.js';
import { DEFAULT_RANKING } from '../sqlite/ranking.js';
import { concreteIndexName, indexNumber } from './engine-backend.js';
import {
  analyzedTokens,
  engineError,
  engineReason,
  pluginNames,
  redactUrl,
  scannedDocs,
  scanSource,
} from './engine-client.js';
import { hostSuffixes, indexBody, pageDocId, passageFromSource, toIsoDate } from './index-design.js';
import {
  analysisFor,
  bm25SearchBody,
  capPerPage,
  filterClauses,
  hasSearchableText,
  knnSearchBody,
  MAX_QUERY_CHARS,
  snippetFor,
  textQuery,
} from './query-builder.js';

describe('index design', () => {
  it("ranks every analysis of a text field with the embedded index's BM25 parameters", () => {
    const body = indexBody({ flavor: 'elasticsearch', shards: 1, replicas: 0 });
    expect(body.settings['similarity']).toEqual({
      bm25_title: { type: 'BM25', k1: DEFAULT_RANKING.k1, b: DEFAULT_RANKING.b.title },
      bm25_headings: { type: 'BM25', k1: DEFAULT_RANKING.k1, b: DEFAULT_RANKING.b.headings },
      bm25_body: { type: 'BM25', k1: DEFAULT_RANKING.k1, b: DEFAULT_RANKING.b.body },
    });
    const properties = body.mappings['properties'] as Record<string, Record<string, unknown>>;
    for (const field of ['title', 'headings', 'body']) {
      expect(properties[field]?.['similarity']).toBe(`bm25_${field}`);
      for (const sub of Object.values(
        properties[field]?.['fields'] as Record<string, Record<string, unknown>>,
      ))
        expect(sub['similarity']).toBe(`bm25_${field}`);
    }
  });

  it.each([
    ['docs.one.example', ['docs.one.example', 'one.example', 'example']],
    ['Example.COM.', ['example.com', 'com']],
    ['localhost', ['localhost']],
  ])('site suffixes of %s', (host, expected) => {
    expect(hostSuffixes(host)).toEqual(expected);
  });

  it.each([
    ['2025-06-01', '2025-06-01T00:00:00.000Z'],
    ['2025-06-01T10:00:00+02:00', '2025-06-01T08:00:00.000Z'],
    ['last Tuesday-ish', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('normalizes the date %s', (input, expected) => {
    expect(toIsoDate(input)).toBe(expected);
  });

  it('adds a vector field only when dimensions are configured, in each engine’s type', () => {
    expect(
      indexBody({ flavor: 'opensearch', shards: 1, replicas: 0 }).mappings['properties'],
    ).not.toHaveProperty('vector');
    const os = indexBody({ flavor: 'opensearch', shards: 3, replicas: 1, vectorDims: 384 });
    expect(os.settings).toMatchObject({ number_of_shards: 3, number_of_replicas: 1, knn: true });
    expect((os.mappings['properties'] as Record<string, unknown>)['vector']).toEqual({
      type: 'knn_vector',
      dimension: 384,
      method: { name: 'hnsw', engine: 'lucene', space_type: 'cosinesimil' },
    });
    expect(os.mappings['_meta']).toEqual({ citebox_schema: 2, vector_dims: 384 });
    const es = indexBody({ flavor: 'elasticsearch', shards: 1, replicas: 0, vectorDims: 384 });
    expect(es.settings).not.toHaveProperty('knn');
    expect((es.mappings['properties'] as Record<string, unknown>)['vector']).toMatchObject({
      type: 'dense_vector',
      dims: 384,
    });
  });

  it('keeps page ids short and stable for any URL length', () => {
    const long = `https://a.example/${'x'.repeat(5000)}`;
    expect(pageDocId(long)).toMatch(/^page:[0-9a-f]{40}$/);
    expect(pageDocId(long)).toBe(pageDocId(long));
    expect(pageDocId('https://a.example/1')).not.toBe(pageDocId('https://a.example/2'));
  });

  it('reads a passage back from its source, tolerating missing fields', () => {
    expect(passageFromSource('p-1', { body: 'text', headings: 'One', position: 1 })).toMatchObject({
      id: 'p-1',
      text: 'text',
      headings: ['One'],
      position: 1,
      url: '',
      wordCount: 0,
    });
  });

  it.each([
    ['cb', 'cb-000001', 1],
    ['cb', 'cb-001234', 1234],
    ['cb', 'other-000003', 0],
    ['cb', 'cb-abc', 0],
  ])('index number of %s / %s', (alias, index, n) => {
    expect(indexNumber(alias, index)).toBe(n);
  });

  it('names indices after the alias', () => {
    expect(concreteIndexName('citebox-passages', 2)).toBe('citebox-passages-000002');
  });
});

describe('query builder', () => {
  it.each([
    ['how do bees talk', true],
    ['阿波罗', true],
    ['1969', true],
    ['()', false],
    ['^&%$ "', false],
    ['', false],
  ])('searchable text %j → %s', (text, expected) => {
    expect(hasSearchableText(text)).toBe(expected);
  });

  it.each([
    ['how do bees communicate', '.english'],
    ['bees', '.english'],
    ['Wie kommunizieren die Bienen miteinander und warum', ''],
    ['阿波罗计划什么时候登月？', '.cjk'],
    ['検索エンジン', '.cjk'],
    ['한국어 검색', '.cjk'],
  ])('matches %j against the analysis %j', (text, analysis) => {
    expect(analysisFor(text)).toBe(analysis);
  });

  it('blends weighted fields in one analysis and boosts phrases, never parsing syntax', () => {
    const q = textQuery('title:x AND "y') as {
      bool: {
        must: { multi_match: { fields: string[]; query: string; type: string } };
        should: Array<{ multi_match: { type: string; slop: number; boost: number; fields: string[] } }>;
      };
    };
    expect(q.bool.must.multi_match).toEqual({
      query: 'title:x AND "y',
      type: 'cross_fields',
      fields: ['title.english^2', 'headings.english^1.5', 'body.english^1'],
    });
    expect(q.bool.should[0]?.multi_match).toMatchObject({ type: 'phrase', slop: 2, boost: 2 });
    expect(JSON.stringify(q)).not.toContain('query_string');
    const zh = textQuery('长城') as { bool: { must: { multi_match: { fields: string[] } } } };
    expect(zh.bool.must.multi_match.fields).toEqual(['title.cjk^2', 'headings.cjk^1.5', 'body.cjk^1']);
  });

  it('cuts very long queries', () => {
    const q = JSON.stringify(textQuery('word '.repeat(1000)));
    expect(q).not.toContain('word '.repeat(MAX_QUERY_CHARS / 5 + 1));
  });

  it.each([
    [{}, [{ term: { kind: 'passage' } }]],
    [
      { sites: ['A.example', 'a.example', ' '] },
      [{ term: { kind: 'passage' } }, { terms: { site: ['a.example'] } }],
    ],
    [
      { lang: 'EN-gb' },
      [
        { term: { kind: 'passage' } },
        {
          bool: {
            should: [{ term: { lang: 'en-gb' } }, { prefix: { lang: 'en-gb-' } }],
            minimum_should_match: 1,
          },
        },
      ],
    ],
    [
      { since: '2024-02-03' },
      [{ term: { kind: 'passage' } }, { range: { date: { gte: '2024-02-03T00:00:00.000Z' } } }],
    ],
  ])('filters %j', (filters, expected) => {
    expect(filterClauses(filters)).toEqual(expected);
  });

  it('rejects a since that is not a date', () => {
    expect(() => filterClauses({ since: 'soon' })).toThrow(/not a date/);
  });

  it.each([
    [{ text: 'x', limit: 7, maxPerPage: 1 }, 7, { field: 'page_id' }],
    [{ text: 'x', limit: 7, maxPerPage: 2 }, 31, undefined],
    [{ text: 'x', limit: 7 }, 7, undefined],
  ])('diversity of %j: size %d, collapse %j', (query, size, collapse) => {
    const body = bm25SearchBody(query);
    expect(body['size']).toBe(size);
    expect(body['collapse']).toEqual(collapse);
    expect(body['highlight']).toMatchObject({ fields: { 'body.english': {} } });
  });

  it('builds kNN in each engine’s dialect with the same filters', () => {
    const q = { text: 'x', limit: 5, vector: [1, 0], sites: ['a.example'] };
    const es = knnSearchBody(q, 'elasticsearch', 10) as { knn: { filter: unknown; k: number } };
    expect(es.knn).toMatchObject({ field: 'vector', query_vector: [1, 0], k: 10, num_candidates: 100 });
    const os = knnSearchBody(q, 'opensearch', 10) as {
      query: { knn: { vector: { vector: number[]; k: number; filter: unknown } } };
    };
    expect(os.query.knn.vector).toMatchObject({ vector: [1, 0], k: 10 });
    expect(os.query.knn.vector.filter).toEqual(es.knn.filter);
  });

  const long = `${'Filler words here. '.repeat(15)}The brass bell rang at midnight. ${'More filler. '.repeat(15)}`;
  it.each([
    ['a short passage is its own snippet', 'Short text.', undefined, 'Short text.'],
    [
      'the fragment with most highlighted words wins, marks removed',
      long,
      {
        body: ['The \u0002brass\u0003 bell rang at midnight.'],
        'body.english': ['The \u0002brass\u0003 \u0002bell\u0003 rang at midnight.'],
      },
      '… The brass bell rang at midnight. …',
    ],
  ])('%s', (_name, text, highlights, expected) => {
    expect(snippetFor(text, highlights, ['brass'])).toBe(expected);
  });

  it('falls back to a window around the terms without highlights', () => {
    const snippet = snippetFor(long, undefined, ['brass']);
    expect(snippet).toContain('brass bell');
    expect(snippet.length).toBeLessThanOrEqual(260);
  });

  it('caps hits per page in order', () => {
    const hit = (page: string, n: number): SearchHit =>
      ({ passage: { id: `${page}-${n}`, pageId: page }, score: 1, snippet: '' }) as unknown as SearchHit;
    const hits = [hit('a', 0), hit('a', 1), hit('b', 0), hit('a', 2)];
    expect(capPerPage(hits, 2).map((h) => h.passage.id)).toEqual(['a-0', 'a-1', 'b-0']);
    expect(capPerPage(hits, undefined)).toHaveLength(4);
  });
});

describe('rank fusion and errors', () => {
  it('fuses by reciprocal rank: agreement beats a single first place', () => {
    const item = (id: string) => ({ id, score: 0 });
    const fused = reciprocalRankFusion(
      [
        [item('a'), item('b')],
        [item('b'), item('c')],
      ],
      (x) => x.id,
    );
    expect(fused.map((x) => x.item.id)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61);
  });

  it.each([
    [{ name: 'ConnectionError', message: 'connect ECONNREFUSED' }, 'BACKEND_UNAVAILABLE'],
    [{ name: 'TimeoutError', message: 'Request timed out' }, 'BACKEND_UNAVAILABLE'],
    [{ name: 'ResponseError', message: 'x', meta: { statusCode: 429, body: {} } }, 'BACKEND_UNAVAILABLE'],
    [
      {
        name: 'ResponseError',
        message: 'x',
        meta: { statusCode: 400, body: { error: { type: 't', reason: 'r' } } },
      },
      'BACKEND_ERROR',
    ],
    [{ name: 'ResponseError', message: 'x', meta: { statusCode: 409, body: {} } }, 'CONFLICT'],
    [{ name: 'ProductNotSupportedError', message: 'not Elasticsearch' }, 'BACKEND_UNSUPPORTED'],
    [new Error('odd'), 'BACKEND_ERROR'],
  ])('wraps %j as %s', (err, code) => {
    const wrapped = engineError(err, 'OpenSearch at http://h', 'search');
    expect(wrapped.code).toBe(code);
    expect(wrapped.cause).toBe(err);
  });

  it.each([
    [{ error: 'no handler found' }, 'no handler found'],
    [{ error: { type: 't', reason: 'r' } }, 't: r'],
    [{ error: { type: 't' } }, 't: no reason given'],
    // A rejected search: the top level has an empty reason, the root cause says why.
    [
      {
        error: {
          type: 'search_phase_execution_exception',
          reason: '',
          root_cause: [{ type: 'es_rejected_execution_exception', reason: 'rejected execution of search' }],
        },
      },
      'search_phase_execution_exception: es_rejected_execution_exception: rejected execution of search',
    ],
    [
      { error: { type: 'outer', reason: '', caused_by: { type: 'inner', reason: 'the cause' } } },
      'outer: inner: the cause',
    ],
    // A search whose every shard was refused: the shard's reason says it was the queue.
    [
      {
        error: {
          type: 'search_phase_execution_exception',
          reason: 'all shards failed',
          root_cause: [],
          failed_shards: [
            { shard: 0, reason: { type: 'es_rejected_execution_exception', reason: 'rejected execution' } },
          ],
        },
      },
      'search_phase_execution_exception: all shards failed (es_rejected_execution_exception: rejected execution)',
    ],
    [{ error: { type: 'long', reason: 'x'.repeat(500) } }, `long: ${'x'.repeat(293)}…`],
    [{}, undefined],
    ['text', undefined],
  ])('explains the engine error %j', (body, expected) => {
    expect(engineReason(body)).toBe(expected);
  });

  it('names the server and the setting to change when the product is not Elasticsearch', () => {
    const wrapped = engineError(
      {
        name: 'ProductNotSupportedError',
        message: 'The client noticed that the server is not Elasticsearch',
      },
      'Elasticsearch at http://127.0.0.1:9200',
      'ping',
    );
    expect(wrapped.message).toBe(
      'ping: the server at http://127.0.0.1:9200 is not Elasticsearch (its answers lack the "X-Elastic-Product: Elasticsearch" header). For OpenSearch set CITEBOX_BACKEND=opensearch and OPENSEARCH_URL.',
    );
  });

  it('redacts credentials', () => {
    expect(redactUrl('https://u:p@h:9200/')).toBe('https://h:9200');
    expect(redactUrl('not a url')).toBe('(invalid URL)');
  });

  it.each([
    [{}, true],
    [{ excludes: ['vector'] }, { excludes: ['vector'] }],
    [{ includes: ['*', 'vector'] }, { includes: ['*', 'vector'] }],
    [
      { includes: ['a'], excludes: ['b'] },
      { includes: ['a'], excludes: ['b'] },
    ],
  ])('the _source filter of a scan with %j is %j', (options, expected) => {
    expect(scanSource(options)).toEqual(expected);
  });

  it('reads scanned documents, analyzed tokens and plugin names from engine responses', () => {
    expect(
      scannedDocs({ hits: { hits: [{ _id: 'a', _source: { x: 1 } }, { _id: 'b' }, { _source: {} }] } }),
    ).toEqual([
      { id: 'a', source: { x: 1 } },
      { id: 'b', source: {} },
    ]);
    expect(scannedDocs({})).toEqual([]);
    expect(analyzedTokens({ tokens: [{ token: 'run' }, { token: 3 }, { token: 'engin' }] })).toEqual([
      'run',
      'engin',
    ]);
    expect(
      pluginNames({
        nodes: {
          n1: { plugins: [{ name: 'opensearch-knn' }], modules: [{ name: 'analysis-common' }] },
          n2: { plugins: [{ name: 'opensearch-knn' }] },
        },
      }),
    ).toEqual(['analysis-common', 'opensearch-knn']);
  });
});
