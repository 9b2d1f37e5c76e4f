import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { CiteboxError, ERROR_CODES, type ErrorCode, silentLogger } from '../services/index.js';
import { clientErrorResponder, errorHandler, frameworkErrorHandler, statusOf } from './error-handler.js';

/** What a handler sent: status and body. */
interface Sent {
  status?: number;
  body?: unknown;
}

function stubs(options: { destroyed?: boolean; url?: string } = {}) {
  const sent: Sent = {};
  const headers: Record<string, string> = {};
  const log = { info() {}, error() {}, warn() {}, debug() {} };
  const request = { id: 'req-1', log, url: options.url ?? '/v1/answer' } as unknown as FastifyRequest;
  const reply = {
    request,
    raw: { destroyed: options.destroyed ?? false },
    code(status: number) {
      sent.status = status;
      return this;
    },
    header(name: string, value: string) {
      headers[name] = value;
      return this;
    },
    type() {
      return this;
    },
    send(body: unknown) {
      sent.body = body;
      return this;
    },
  } as unknown as FastifyReply;
  return { sent, request, reply, headers };
}

const fastifyError = (code: string, statusCode: number, message = 'fastify says no') =>
  Object.assign(new Error(message), { code, statusCode }) as FastifyError;

describe('statusOf', () => {
  it.each([
    ['INVALID_REQUEST', 400],
    ['INVALID_JSON', 400],
    ['UNAUTHORIZED', 401],
    ['FORBIDDEN', 403],
    ['NOT_FOUND', 404],
    ['PAYLOAD_TOO_LARGE', 413],
    ['URL_TOO_LONG', 414],
    ['UNSUPPORTED_MEDIA_TYPE', 415],
    ['RATE_LIMITED', 429],
    ['HEADERS_TOO_LARGE', 431],
    ['CLIENT_CLOSED', 499],
    ['METHOD_NOT_ALLOWED', 405],
    ['INTERNAL', 500],
    ['LLM_ERROR', 502],
    ['BUSY', 503],
    ['LLM_TIMEOUT', 504],
  ] as const)('%s is %i', (code, status) => {
    expect(statusOf(code)).toBe(status);
  });

  it('gives every declared code an HTTP status', () => {
    for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
      expect(statusOf(code), code).toBeGreaterThanOrEqual(400);
    }
  });
});

describe('errorHandler', () => {
  it.each([
    [
      'a coded error',
      new CiteboxError('LLM_UNAVAILABLE', 'down'),
      503,
      { code: 'LLM_UNAVAILABLE', message: 'down' },
    ],
    [
      'an internal error, without its message',
      new CiteboxError('INTERNAL', 'secret detail'),
      500,
      { code: 'INTERNAL', message: 'Internal error' },
    ],
    [
      'a body of the wrong media type',
      fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415),
      415,
      { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as application/json' },
    ],
    [
      'an invalid Content-Type',
      fastifyError('FST_ERR_CTP_INVALID_CONTENT_TYPE', 415),
      415,
      { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Invalid Content-Type' },
    ],
    [
      'broken JSON (fastify)',
      fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400),
      400,
      { code: 'INVALID_JSON', message: 'The body is not valid JSON' },
    ],
    [
      'broken JSON (the parser)',
      Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 }),
      400,
      { code: 'INVALID_JSON', message: 'The body is not valid JSON: Unexpected token' },
    ],
    [
      'a body over the limit',
      fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413),
      413,
      { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
    ],
    [
      "another framework client error, with fastify's status",
      fastifyError('FST_ERR_SOMETHING_NEW', 405, 'not allowed'),
      405,
      { code: 'INVALID_REQUEST', message: 'not allowed' },
    ],
    ['anything else', new Error('boom'), 500, { code: 'INTERNAL', message: 'Internal error' }],
  ])('answers %s', (_name, error, status, body) => {
    const { sent, request, reply } = stubs();
    errorHandler(error, request, reply);
    expect(sent).toEqual({ status, body: { error: { ...body, request_id: 'req-1' } } });
  });

  it.each([
    ['an unreachable backend: a default', new CiteboxError('BACKEND_UNAVAILABLE', 'down'), '5'],
    ['a busy server: its own estimate', new CiteboxError('BUSY', 'busy', { retryAfterSeconds: 3 }), '3'],
    ['a client error: none', new CiteboxError('INVALID_REQUEST', 'bad'), undefined],
    ['an internal error: none', new CiteboxError('INTERNAL', 'boom'), undefined],
  ])('sets Retry-After for %s', (_name, error, retryAfter) => {
    const { request, reply, headers } = stubs();
    errorHandler(error, request, reply);
    expect(headers['retry-after']).toBe(retryAfter);
  });

  it('answers 499 CLIENT_CLOSED when the client went away and its work was aborted', () => {
    const { sent, request, reply } = stubs({ destroyed: true });
    errorHandler(Object.assign(new Error('aborted'), { name: 'AbortError' }), request, reply);
    expect(sent).toEqual({
      status: 499,
      body: {
        error: { code: 'CLIENT_CLOSED', message: 'The client closed the request', request_id: 'req-1' },
      },
    });
  });
});

describe('errorHandler on the OpenAI-compatible paths', () => {
  it.each([
    [
      '/v1/chat/completions',
      new CiteboxError('MODEL_NOT_FOUND', 'The model "gpt-4" does not exist'),
      404,
      {
        message: 'The model "gpt-4" does not exist',
        type: 'invalid_request_error',
        param: 'model',
        code: 'model_not_found',
      },
    ],
    [
      '/v1/models',
      new CiteboxError('UNAUTHORIZED', 'This route needs Authorization: Bearer <API key>'),
      401,
      {
        message: 'This route needs Authorization: Bearer <API key>',
        type: 'authentication_error',
        param: null,
        code: 'invalid_api_key',
      },
    ],
    [
      '/v1/chat/completions',
      Object.assign(new Error('body/n must be <= 1, body/n must be null'), {
        statusCode: 400,
        validationContext: 'body',
        validation: [
          { keyword: 'maximum', instancePath: '/n', params: { comparison: '<=', limit: 1 } },
          { keyword: 'type', instancePath: '/n', params: { type: 'null' } },
          { keyword: 'anyOf', instancePath: '/n', params: {} },
        ],
      }),
      400,
      {
        message: '"n" must be at most 1',
        type: 'invalid_request_error',
        param: 'n',
        code: 'above_max_value',
      },
    ],
    [
      '/v1/chat/completions',
      fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400),
      400,
      {
        message: 'The body is not valid JSON',
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_json',
      },
    ],
  ])('%s: %s', (url, error, status, body) => {
    const { sent, request, reply } = stubs({ url });
    errorHandler(error, request, reply);
    expect(sent).toEqual({ status, body: { error: body } });
  });

  it('keeps the contract’s shape and plain words on the Citebox routes', () => {
    const { sent, request, reply } = stubs({ url: '/v1/answer' });
    const error = Object.assign(new Error('body/top_k must be >= 1'), {
      statusCode: 400,
      validationContext: 'body',
      validation: [{ keyword: 'minimum', instancePath: '/top_k', params: { comparison: '>=', limit: 1 } }],
    });
    errorHandler(error, request, reply);
    expect(sent).toEqual({
      status: 400,
      body: {
        error: { code: 'INVALID_REQUEST', message: '"top_k" must be at least 1', request_id: 'req-1' },
      },
    });
  });
});

describe('frameworkErrorHandler', () => {
  it.each([
    ['FST_ERR_MAX_PARAM_LENGTH', 414, { code: 'URL_TOO_LONG', message: 'A part of the path is too long' }],
    ['FST_ERR_BAD_URL', 400, { code: 'INVALID_REQUEST', message: 'The URL is not valid' }],
  ])('answers %s with %i', (code, status, body) => {
    const { sent, request, reply } = stubs();
    frameworkErrorHandler(fastifyError(code, 400), request, reply);
    expect(sent).toEqual({ status, body: { error: { ...body, request_id: 'req-1' } } });
  });
});

describe('clientErrorResponder', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', '431 Request Header Fields Too Large', 'HEADERS_TOO_LARGE'],
    ['ERR_HTTP_REQUEST_TIMEOUT', '408 Request Timeout', 'REQUEST_TIMEOUT'],
    ['HPE_INVALID_METHOD', '400 Bad Request', 'INVALID_REQUEST'],
  ])('answers %s with %s', (errorCode, statusLine, code) => {
    let written = '';
    const socket = {
      writable: true,
      end(data: string) {
        written = data;
      },
      destroy() {},
    } as unknown as Socket;
    clientErrorResponder(silentLogger())(Object.assign(new Error('parse'), { code: errorCode }), socket);
    expect(written.startsWith(`HTTP/1.1 ${statusLine}\r\n`)).toBe(true);
    const body = JSON.parse(written.slice(written.indexOf('\r\n\r\n') + 4)) as { error: { code: string } };
    expect(body.error.code).toBe(code);
  });
});
