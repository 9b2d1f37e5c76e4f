// Generates the malformed requests of the bad-input sweep: every field of every JSON body given
// values of the wrong type, out of range or absurd; broken JSON and encodings; bad query strings,
// paths, methods, headers and framing. Each case says what the server may answer.
import type { RawRequest } from './raw-http.js';

export type Expectation =
  /** A 4xx response in the contract's error shape. */
  | 'error'
  /** A 4xx response, maybe without a body (HEAD). */
  | 'status-only'
  /** The connection may be closed without an answer (the request never completed); else 'error'. */
  | 'error-or-closed';

export interface SweepCase {
  readonly name: string;
  readonly request: RawRequest;
  readonly expect: Expectation;
}

const ADMIN_HEADER = (key: string) => ({ authorization: `Bearer ${key}` });

function nested(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? `${'['.repeat(depth)}1${']'.repeat(depth)}`
    : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** Values that are wrong for a field of the given kind. */
function badValues(kind: string): unknown[] {
  const common: unknown[] = [null, {}, { nested: { deeper: [1, 2, 3] } }, JSON.parse(nested(200, 'array'))];
  switch (kind) {
    case 'string':
      return [...common, 123, -1.5, true, false, [], ['a'], 'x'.repeat(250_000)];
    case 'query':
      return [...common, 123, true, [], ['a'], '', 'x'.repeat(5000)];
    case 'integer':
      return [...common, '5', 5.5, -1, 0, 1e308, -1e308, 1e21, 2 ** 53 + 2, 'NaN', true, [], [5], '1e3'];
    case 'enum':
      return [...common, 'bogus', 'AUTO', '', 5, true, ['auto']];
    case 'boolean':
      return [...common, 'true', 1, 0, 'yes', []];
    case 'string-array':
      return [
        ...common,
        'a.com',
        5,
        [5],
        [null],
        [[]],
        [{}],
        Array.from({ length: 1000 }, (_, i) => `s${i}.com`),
        ['has space.com'],
        ['a/b'],
      ];
    case 'object':
      return [
        ...common.filter((v) => !(typeof v === 'object' && v !== null && !Array.isArray(v))),
        [],
        'str',
        5,
        true,
        { bogus: 1 },
      ];
    case 'messages':
      return [
        ...common,
        'hi',
        [1],
        [{}],
        [{ role: 'user' }],
        [{ content: 'x' }],
        [{ role: 'wizard', content: 'x' }],
        [{ role: 'user', content: 5 }],
        [{ role: 'user', content: 'x', extra: 1 }],
        Array.from({ length: 500 }, () => ({ role: 'user', content: 'x' })),
      ];
    default:
      return common;
  }
}

function jsonPost(path: string, body: unknown, headers: Record<string, string> = {}): RawRequest {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

function setPath(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = path.at(-1) as string;
  at[last] = value;
  return copy;
}

function fieldCases(
  label: string,
  path: string,
  base: Record<string, unknown>,
  fields: Array<[string[], string, unknown[]?]>,
  required: string[],
  headers: Record<string, string> = {},
): SweepCase[] {
  const cases: SweepCase[] = [];
  for (const [field, kind, valid = []] of fields) {
    const allowed = new Set(valid.map((v) => JSON.stringify(v)));
    badValues(kind).forEach((value, i) => {
      if (allowed.has(JSON.stringify(value))) return;
      cases.push({
        name: `${label} ${field.join('.')} = bad ${kind} #${i}`,
        request: jsonPost(path, setPath(base, field, value), headers),
        expect: 'error',
      });
    });
  }
  // Missing required fields, unknown fields, prototype pollution.
  for (const key of required) {
    const { [key]: _dropped, ...rest } = base;
    cases.push({ name: `${label} without ${key}`, request: jsonPost(path, rest, headers), expect: 'error' });
  }
  cases.push({
    name: `${label} unknown field`,
    request: jsonPost(path, { ...base, bogus: 1 }, headers),
    expect: 'error',
  });
  for (const [name, raw] of [
    ['__proto__', `{"__proto__": {"admin": true}, ${JSON.stringify(base).slice(1)}`],
    [
      'constructor.prototype',
      `{"constructor": {"prototype": {"admin": true}}, ${JSON.stringify(base).slice(1)}`,
    ],
  ] as const) {
    cases.push({
      name: `${label} ${name} pollution`,
      request: {
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', ...headers },
        body: raw,
      },
      expect: 'error',
    });
  }
  return cases;
}

export function sweepCases(adminKey: string): SweepCase[] {
  const cases: SweepCase[] = [];
  const admin = ADMIN_HEADER(adminKey);

  // ---- JSON bodies, field by field ----
  const answer = {
    query: 'when did apollo 11 land',
    top_k: 3,
    filters: { sites: ['example.com'], lang: 'en', since: '2024-01-01' },
    mode: 'auto',
    messages: [{ role: 'user', content: 'hi' }],
    stream: false,
  };
  cases.push(
    ...fieldCases(
      'answer',
      '/v1/answer',
      answer,
      [
        [['query'], 'query'],
        [['top_k'], 'integer'],
        [['filters'], 'object'],
        [['filters', 'sites'], 'string-array'],
        [['filters', 'lang'], 'enum'],
        [['filters', 'since'], 'enum'],
        [['mode'], 'enum'],
        [['messages'], 'messages'],
        [['stream'], 'boolean'],
      ],
      ['query'],
    ),
  );
  const chat = {
    model: 'citebox',
    messages: [
      { role: 'system', content: 'be brief' },
      { role: 'user', content: 'when did apollo 11 land' },
    ],
    stream: false,
    temperature: 0.2,
    max_tokens: 200,
    top_k: 3,
  };
  cases.push(
    ...fieldCases(
      'chat',
      '/v1/chat/completions',
      chat,
      [
        [['model'], 'enum'],
        [['messages'], 'messages'],
        // OpenAI's optional parameters may be null.
        [['stream'], 'boolean', [null]],
        [['temperature'], 'integer', [null, 0]],
        [['max_tokens'], 'integer', [null]],
        [['top_k'], 'integer'],
      ],
      ['model', 'messages'],
    ),
  );
  for (const [name, body] of [
    ['no messages', { ...chat, messages: [] }],
    ['ends with assistant', { ...chat, messages: [...chat.messages, { role: 'assistant', content: 'x' }] }],
    ['tool message', { ...chat, messages: [{ role: 'tool', content: 'x', tool_call_id: '1' }] }],
    [
      'image part',
      {
        ...chat,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:,' } }] }],
      },
    ],
    ['n = 3', { ...chat, n: 3 }],
    ['tools given', { ...chat, tools: [{ type: 'function', function: { name: 'f' } }] }],
    ['logprobs true', { ...chat, logprobs: true }],
    ['json response format', { ...chat, response_format: { type: 'json_object' } }],
    ['stream_options bogus', { ...chat, stream_options: { bogus: true } }],
    ['empty user text', { ...chat, messages: [{ role: 'user', content: '   ' }] }],
    ['question too long', { ...chat, messages: [{ role: 'user', content: 'word '.repeat(2000) }] }],
  ] as const) {
    cases.push({ name: `chat ${name}`, request: jsonPost('/v1/chat/completions', body), expect: 'error' });
  }
  const crawl = {
    seeds: ['http://127.0.0.1:9/'],
    max_pages: 5,
    max_depth: 1,
    include: ['/a'],
    exclude: ['/b'],
  };
  cases.push(
    ...fieldCases(
      'crawl',
      '/v1/crawls',
      crawl,
      [
        [['seeds'], 'string-array'],
        [['max_pages'], 'integer'],
        [['max_depth'], 'integer', [0]],
        [['include'], 'string-array', [['has space.com'], ['a/b']]],
      ],
      ['seeds'],
      admin,
    ),
  );
  for (const seed of [
    'ftp://example.com/',
    'javascript:alert(1)',
    'data:text/html,<b>x</b>',
    'file:///etc/passwd',
    'http://',
    '//example.com',
    'not a url',
    `http://example.com/${'a'.repeat(3000)}`,
    'http://exa mple.com/',
    'http://[::1/',
  ]) {
    cases.push({
      name: `crawl seed ${seed.slice(0, 30)}`,
      request: jsonPost('/v1/crawls', { seeds: [seed] }, admin),
      expect: 'error',
    });
  }
  cases.push({
    name: 'crawl 101 seeds',
    request: jsonPost(
      '/v1/crawls',
      { seeds: Array.from({ length: 101 }, (_, i) => `http://e${i}.com/`) },
      admin,
    ),
    expect: 'error',
  });

  // ---- broken JSON, encodings and content types ----
  const brokenBodies: Array<[string, Buffer | string]> = [
    ['truncated', '{"query": "apollo'],
    ['trailing garbage', '{"query": "apollo"} xyz'],
    ['single quotes', "{'query': 'apollo'}"],
    ['NaN literal', '{"query": "apollo", "top_k": NaN}'],
    ['Infinity literal', '{"query": "apollo", "top_k": Infinity}'],
    ['comment', '{"query": "apollo" /* hi */}'],
    ['trailing comma', '{"query": "apollo",}'],
    ['top-level array', '["apollo"]'],
    ['top-level string', '"apollo"'],
    ['top-level number', '42'],
    ['top-level null', 'null'],
    ['top-level true', 'true'],
    ['empty body', ''],
    ['whitespace only', '   \n\t '],
    ['BOM then JSON', '\uFEFF{"query": "apollo", "bogus": 1}'],
    ['duplicate keys', '{"query": "apollo", "query": 5}'],
    ['deep array nesting', nested(100_000, 'array')],
    ['deep object nesting', `{"query": "x", "filters": ${nested(20_000, 'object')}}`],
    ['huge number', `{"query": "apollo", "top_k": 1${'0'.repeat(400)}}`],
    [
      'invalid UTF-8 bytes',
      Buffer.concat([Buffer.from('{"query": "'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf]), Buffer.from('"}')]),
    ],
    [
      'truncated UTF-8 sequence',
      Buffer.concat([Buffer.from('{"query": "caf'), Buffer.from([0xc3]), Buffer.from('"}')]),
    ],
    [
      'encoded surrogate',
      Buffer.concat([Buffer.from('{"query": "'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    ],
    [
      'overlong UTF-8 slash',
      Buffer.concat([Buffer.from('{"query": "a'), Buffer.from([0xc0, 0xaf]), Buffer.from('", "bogus": 1}')]),
    ],
    ['lone surrogate escape', '{"query": "\\ud800", "top_k": "x"}'],
    ['NUL in key', '{"que\u0000ry": "apollo"}'],
    ['control chars raw', '{"query": "a\u0001\u0002"'],
    ['UTF-16 body', Buffer.from('{"query": "apollo", "x": 1}', 'utf16le')],
    ['binary garbage', Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 37) % 256))],
  ];
  for (const path of ['/v1/answer', '/v1/chat/completions']) {
    for (const [name, body] of brokenBodies) {
      cases.push({
        name: `${path} body ${name}`,
        request: { method: 'POST', path, headers: { 'content-type': 'application/json' }, body },
        expect: 'error',
      });
    }
  }
  for (const [name, body] of brokenBodies.slice(0, 8)) {
    cases.push({
      name: `/v1/crawls body ${name}`,
      request: {
        method: 'POST',
        path: '/v1/crawls',
        headers: { 'content-type': 'application/json', ...admin },
        body,
      },
      expect: 'error',
    });
  }
  const valid = JSON.stringify({ query: 'apollo', bogus_to_fail: true });
  for (const type of [
    'text/plain',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz',
    'application/jsonx',
    'application/json; charset=utf-16',
    'application/xml',
    '',
    'application/json'.repeat(300),
    '*/*',
  ]) {
    cases.push({
      name: `answer content-type "${type.slice(0, 30)}"`,
      request: {
        method: 'POST',
        path: '/v1/answer',
        headers: type ? { 'content-type': type } : {},
        body: type === 'application/x-www-form-urlencoded' ? 'query=apollo' : valid,
      },
      expect: 'error',
    });
  }
  cases.push({
    name: 'answer without content-type',
    request: { method: 'POST', path: '/v1/answer', body: '{"query":"apollo"}' },
    expect: 'error',
  });
  // Huge bodies: declared, and actually sent.
  cases.push({
    name: 'answer declares 10 MB',
    request: {
      raw: 'POST /v1/answer HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 10485760\r\n\r\n{"query":',
    },
    expect: 'error',
  });
  cases.push({
    name: 'answer sends 2 MB',
    request: jsonPost('/v1/answer', {
      query: 'apollo',
      messages: [{ role: 'user', content: 'y'.repeat(2_000_000) }],
    }),
    expect: 'error-or-closed',
  });
  cases.push({
    name: 'chat sends 3 MB chunked',
    request: {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: `${(3_000_000).toString(16)}\r\n${'{'.padEnd(3_000_000, ' ')}\r\n0\r\n\r\n`,
    },
    expect: 'error-or-closed',
  });

  // ---- query strings ----
  const queries = [
    '',
    'q=',
    'q=%20%20',
    'q=a&q=b',
    'q[]=a',
    'q[a]=b',
    `q=${'x'.repeat(2001)}`,
    `q=${'%E6%97%A5'.repeat(2001)}`,
    'q=ok&limit=0',
    'q=ok&limit=-1',
    'q=ok&limit=51',
    'q=ok&limit=1e3',
    'q=ok&limit=abc',
    'q=ok&limit=1.5',
    'q=ok&limit=99999999999999999999',
    'q=ok&limit=',
    'q=ok&limit=0x10!',
    'q=ok&limit=Infinity',
    'q=ok&limit=NaN',
    `q=ok&sites=${'a,'.repeat(3000)}`,
    'q=ok&lang=english!',
    'q=ok&lang=',
    'q=ok&since=yesterday',
    'q=ok&since=2024-13-45',
    'q=ok&since=0000-00-00',
    'q=ok&since=99999-01-01',
    'q=ok&bogus=1',
    'q=%ZZ',
    'q=%',
    'q=%FF%FE',
    'q=%C0%AF',
    'q=%00',
    'q=%ED%A0%80',
    'q=ok&q=ok&q=ok',
  ];
  for (const path of ['/v1/search', '/v1/answer']) {
    for (const qs of queries) {
      if (path === '/v1/answer' && qs.includes('limit')) continue;
      cases.push({
        name: `GET ${path}?${qs.slice(0, 40)}`,
        request: { path: `${path}?${qs}` },
        expect: 'error',
      });
    }
  }
  for (const qs of [
    'q=ok&top_k=0',
    'q=ok&top_k=21',
    'q=ok&top_k=x',
    'q=ok&mode=magic',
    'q=ok&stream=maybe',
    'q=ok&stream=2',
  ]) {
    cases.push({ name: `GET /v1/answer?${qs}`, request: { path: `/v1/answer?${qs}` }, expect: 'error' });
  }
  cases.push({
    name: 'crawl list limit',
    request: { path: '/v1/crawls?limit=100000', headers: admin },
    expect: 'error',
  });

  // ---- paths ----
  const paths = [
    '/v1/crawls/../sites',
    '/v1/%2e%2e/sites',
    '/v1/crawls/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '//v1/searchx',
    '/V1/SEARCH?q=x',
    '/v1/crawls/crawl_%00',
    `/v1/crawls/${'a'.repeat(300)}`,
    '/v1/crawls/crawl_zzzzzzzzzzzzzzzz',
    '/v1/crawls/crawl_0000000000000000',
    '/help/../../etc/passwd',
    '/help/..%2f..%2fpackage.json',
    '/help/docs/../../package.json',
    '/help/%00',
    '/assets/../package.json',
    '/assets/..%2f..%2fpackage.json',
    '/assets/%2e%2e/%2e%2e/package.json',
    '/docs/static/../../package.json',
    '/docs/static/..%2f..%2fpackage.json',
    '/docs/static/%2e%2e%2f%2e%2e%2fpackage.json',
    '/%',
    '/%ZZ',
    '/%FF',
    `/${'a/'.repeat(4000)}`,
    '/v1/answer;jsessionid=1',
    '/v1/answer%3Fq=x',
    '/v1/models/%00',
    `/v1/models/${'m'.repeat(300)}`,
    '/.env',
    '/.git/config',
    '/wp-login.php',
    '/v1/\u00e9',
  ];
  for (const path of paths) {
    const needsAdmin = path.startsWith('/v1/crawls') || path.includes('sites');
    cases.push({
      name: `path ${path.slice(0, 40)}`,
      request: { path, headers: needsAdmin ? admin : {} },
      expect: 'error',
    });
  }
  cases.push({
    name: 'asterisk target',
    request: { raw: 'GET * HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n' },
    expect: 'error',
  });
  cases.push({
    name: 'absolute-form target',
    request: { raw: 'GET http://evil.example/nope HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n' },
    expect: 'error',
  });

  // ---- methods ----
  for (const [method, path] of [
    ['PUT', '/v1/answer'],
    ['PATCH', '/v1/answer'],
    ['DELETE', '/v1/answer'],
    ['POST', '/v1/search'],
    ['PUT', '/v1/crawls'],
    ['DELETE', '/v1/crawls'],
    ['POST', '/healthz'],
    ['TRACE', '/v1/answer'],
    ['PROPFIND', '/v1/answer'],
    ['FOO', '/v1/answer'],
    ['get', '/v1/search?q=x'],
    ['GET ', '/v1/search'],
    ['POST', '/v1/models'],
    ['DELETE', '/v1/sites'],
  ] as const) {
    cases.push({
      name: `method ${method} ${path}`,
      request: { method, path, headers: path.includes('crawls') || path.includes('sites') ? admin : {} },
      expect: 'error',
    });
  }
  cases.push({
    name: 'HEAD without q',
    request: { method: 'HEAD', path: '/v1/search' },
    expect: 'status-only',
  });
  cases.push({
    name: 'CONNECT',
    request: { raw: 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nhost: 127.0.0.1:22\r\n\r\n' },
    expect: 'error-or-closed',
  });

  // ---- auth oddities ----
  for (const value of [
    'Bearer',
    'Bearer ',
    'bearer x',
    'Basic YWRtaW46YWRtaW4=',
    `Bearer ${'k'.repeat(8000)}`,
    `Bearer ${adminKey} extra`,
    `Bearer ${adminKey.slice(0, -1)}`,
    `Token ${adminKey}`,
  ]) {
    cases.push({
      name: `admin auth "${value.slice(0, 20)}"`,
      request: { path: '/v1/sites', headers: { authorization: value } },
      expect: 'error',
    });
  }

  // ---- headers and framing ----
  const framing: Array<[string, string | Buffer, Expectation]> = [
    [
      'content-length too short',
      'POST /v1/answer HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 5\r\n\r\n{"query": "apollo", "bogus": 1}',
      'error',
    ],
    [
      'content-length and chunked',
      'POST /v1/answer HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n',
      'error',
    ],
    [
      'two content-lengths',
      'POST /v1/answer HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 2\r\ncontent-length: 3\r\n\r\n{}',
      'error',
    ],
    [
      'negative content-length',
      'POST /v1/answer HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: -1\r\n\r\n{}',
      'error',
    ],
    [
      'non-numeric content-length',
      'POST /v1/answer HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: abc\r\n\r\n{}',
      'error',
    ],
    [
      'bad chunk size',
      'POST /v1/answer HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n',
      'error',
    ],
    [
      'unknown transfer-encoding',
      'POST /v1/answer HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: gzip\r\n\r\n{}',
      'error',
    ],
    ['control char in header', 'GET /v1/search?q=x HTTP/1.1\r\nhost: x\r\nx-bad: a\u0001b\r\n\r\n', 'error'],
    ['space before colon', 'GET /v1/search?q=x HTTP/1.1\r\nhost : x\r\n\r\n', 'error'],
    ['header without colon', 'GET /v1/search?q=x HTTP/1.1\r\nhost: x\r\nnocolon\r\n\r\n', 'error'],
    ['obs-fold header', 'GET /v1/search?q=x HTTP/1.1\r\nhost: x\r\nx-fold: a\r\n  b\r\n\r\n', 'error'],
    ['missing host', 'GET /v1/answer HTTP/1.1\r\nconnection: close\r\n\r\n', 'error'],
    ['HTTP/9.9', 'GET /v1/answer HTTP/9.9\r\nhost: x\r\n\r\n', 'error'],
    ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'error'],
    ['empty request line', '\r\n\r\n', 'error-or-closed'],
    ['request line only, then EOF', 'GET /v1/answer HTTP/1.1\r\n', 'error-or-closed'],
    [
      'garbage',
      Buffer.from([
        0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a,
      ]),
      'error-or-closed',
    ],
    ['bare LF line endings', 'GET /v1/answer HTTP/1.1\nhost: x\nconnection: close\n\n', 'error'],
    ['header 20 KB', `GET /v1/answer HTTP/1.1\r\nhost: x\r\nx-big: ${'b'.repeat(20_000)}\r\n\r\n`, 'error'],
    ['URL 20 KB', `GET /v1/search?q=${'u'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\n\r\n`, 'error'],
    [
      '500 headers',
      `GET /v1/answer HTTP/1.1\r\nhost: x\r\nconnection: close\r\n${Array.from({ length: 500 }, (_, i) => `x-h${i}: v\r\n`).join('')}\r\n`,
      'error',
    ],
    [
      'expect bogus',
      'POST /v1/answer HTTP/1.1\r\nhost: x\r\nconnection: close\r\nexpect: 999-sure\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}',
      'error',
    ],
    ['HTTP/1.0 bad query', 'GET /v1/answer HTTP/1.0\r\n\r\n', 'error'],
    ['NUL in URL', 'GET /v1/answer?q=a\u0000b HTTP/1.1\r\nhost: x\r\n\r\n', 'error'],
    [
      'high bytes in URL',
      Buffer.concat([
        Buffer.from('GET /v1/answer?x='),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(' HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'),
      ]),
      'error',
    ],
  ];
  for (const [name, raw, expect] of framing) {
    cases.push({
      name: `framing ${name}`,
      request: { raw, halfClose: expect === 'error-or-closed' },
      expect,
    });
  }
  for (const [name, headers] of [
    ['odd accept', { accept: 'text/event-stream;q=abc, */*;;' }],
    ['x-request-id too long', { 'x-request-id': 'r'.repeat(500) }],
    ['x-request-id odd chars', { 'x-request-id': '<script>' }],
    ['accept-encoding odd', { 'accept-encoding': 'gzip;q=2, br;;;' }],
    ['forwarded-for spoof', { 'x-forwarded-for': '1.2.3.4, <bad>' }],
    ['duplicate authorization', { authorization: 'Bearer a, Bearer b' }],
    ['cookie junk', { cookie: `${'c=1; '.repeat(500)}` }],
  ] as const) {
    cases.push({ name: `header ${name}`, request: { path: '/v1/answer', headers }, expect: 'error' });
  }
  return cases;
}
