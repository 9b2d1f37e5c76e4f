// The one place that turns errors into HTTP responses: {"error": {code, message, request_id}}
// with a fitting status. Never a stack trace; 5xx details go to the log only. Every code sent is
// declared in services/errors.ts; its status comes from its kind (or STATUS_BY_CODE).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  CiteboxError,
  ERROR_CODES,
  type ErrorCode,
  type ErrorKind,
  isCiteboxError,
  type Logger,
} from '../services/index.js';
import { isOpenAiPath, type OpenAiErrorBody, openAiError } from './openai-errors.js';
import { type SchemaIssue, validationProblem } from './validation-messages.js';

export const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  timeout: 504,
  upstream: 502,
  cancelled: 499, // nginx's "client closed request": logged, never seen by the client
  internal: 500,
};

/** Codes whose HTTP status is more precise than their kind's. */
export const STATUS_BY_CODE: Readonly<Partial<Record<ErrorCode, number>>> = {
  UNSUPPORTED_MEDIA_TYPE: 415,
  URL_TOO_LONG: 414,
  METHOD_NOT_ALLOWED: 405,
  HEADERS_TOO_LARGE: 431,
};

/** The HTTP status of an error code. */
export function statusOf(code: ErrorCode): number {
  return STATUS_BY_CODE[code] ?? STATUS_BY_KIND[ERROR_CODES[code].kind];
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string };
}

/**
 * Stable codes for the framework's own client errors (sent with fastify's status); without a
 * message, fastify's own is sent.
 */
const FASTIFY_CODES: Readonly<Record<string, { code: ErrorCode; message?: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: ERROR_CODES.PAYLOAD_TOO_LARGE.message },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: ERROR_CODES.UNSUPPORTED_MEDIA_TYPE.message,
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_REQUEST', message: 'The JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: ERROR_CODES.INVALID_JSON.message },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_REQUEST', message: 'Invalid Content-Length' },
  FST_ERR_BAD_URL: { code: 'INVALID_REQUEST', message: 'The URL is not valid' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'INVALID_REQUEST' },
  FST_ERR_CTP_INVALID_CONTENT_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Invalid Content-Type' },
};

/** What an error response may say beyond its code and message (the OpenAI shape uses it). */
export interface ErrorExtras {
  /** The parameter at fault. */
  readonly param?: string | null | undefined;
  /** A more precise OpenAI-style code (from validation). */
  readonly openAiCode?: string | undefined;
}

/**
 * Sends the error body; the message and the status default to the code's. On the OpenAI-compatible
 * paths the body is OpenAI's `{"error": {message, type, param, code}}`; the request id is in the
 * `x-request-id` header either way.
 */
export function sendError(
  reply: FastifyReply,
  code: ErrorCode,
  message: string = ERROR_CODES[code].message,
  status: number = statusOf(code),
  extras: ErrorExtras = {},
): FastifyReply {
  const body: ErrorBody | OpenAiErrorBody = isOpenAiPath(reply.request.url)
    ? openAiError({ code, message, status, ...extras })
    : { error: { code, message, request_id: String(reply.request.id) } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** The body of an error answered outside fastify (raw sockets and responses), as JSON. */
function rawErrorBody(code: ErrorCode, message: string, requestId: string): string {
  const body: ErrorBody = { error: { code, message, request_id: requestId } };
  return JSON.stringify(body);
}

/**
 * Retry-After for a 503 that names no time of its own (an unreachable search backend): long enough
 * for a restarting engine not to be hammered, short enough that clients come back soon after.
 */
export const RETRY_UNAVAILABLE_S = 5;

export function errorHandler(
  thrown: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  let error = thrown;
  // fastify's own handler timeout (the backstop behind the routes' timeouts).
  if ((error as FastifyError).code === 'FST_ERR_HANDLER_TIMEOUT') {
    error = new CiteboxError('REQUEST_TIMEOUT', 'The request took too long and was stopped', {
      cause: error,
    });
  }
  if (isCiteboxError(error)) {
    const status = statusOf(error.code);
    const retryAfter =
      error.retryAfterSeconds ?? (status === 503 && error.retryable ? RETRY_UNAVAILABLE_S : undefined);
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: error.code }, error.message);
    const message = status >= 500 && error.kind === 'internal' ? ERROR_CODES.INTERNAL.message : error.message;
    const param = error.details?.['param'];
    return sendError(reply, error.code, message, status, typeof param === 'string' ? { param } : {});
  }
  if (error.name === 'AbortError' && reply.raw.destroyed) {
    // The client went away and its work was aborted; nobody is left to answer.
    request.log.info('client closed the request');
    return sendError(reply, 'CLIENT_CLOSED');
  }
  const fe = error as FastifyError & { validation?: unknown; validationContext?: string };
  if (Array.isArray(fe.validation)) {
    const problem = validationProblem(fe.validation as SchemaIssue[], fe.validationContext ?? 'body');
    return sendError(reply, problem.citeboxCode, problem.message, 400, {
      param: problem.param,
      openAiCode: problem.code,
    });
  }
  if (fe instanceof SyntaxError && (fe as { statusCode?: number }).statusCode === 400) {
    return sendError(reply, 'INVALID_JSON', `${ERROR_CODES.INVALID_JSON.message}: ${fe.message}`);
  }
  const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return sendError(reply, known?.code ?? 'INVALID_REQUEST', known?.message ?? fe.message, status);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, 'INTERNAL');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 'NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`),
  );
}

/**
 * Answers requests Node's HTTP parser refused (malformed request line or headers, headers too
 * large, a body that never arrives) in the contract's error shape, with a fresh request id.
 */
export function clientErrorResponder(logger: Logger) {
  return function onClientError(err: Error & { code?: string }, socket: Socket): void {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') {
      socket.destroy();
      return;
    }
    const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    // 408, not REQUEST_TIMEOUT's 504: here it is the request itself that did not arrive in time.
    const [status, code, message]: [number, ErrorCode, string] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [statusOf('HEADERS_TOO_LARGE'), 'HEADERS_TOO_LARGE', ERROR_CODES.HEADERS_TOO_LARGE.message]
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'REQUEST_TIMEOUT', 'The request was not received in time']
          : [statusOf('INVALID_REQUEST'), 'INVALID_REQUEST', 'Malformed HTTP request'];
    const requestId = randomUUID();
    logger.debug({ code: err.code, status, reqId: requestId }, 'refused a malformed request');
    const body = rawErrorBody(code, message, requestId);
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\n` +
        'Connection: close\r\n\r\n' +
        body,
    );
  };
}

/** Node answers an unknown `Expect` itself, with an empty 417; this one is in the error shape. */
export function expectationFailed(_request: IncomingMessage, response: ServerResponse): void {
  const requestId = randomUUID();
  const body = rawErrorBody('INVALID_REQUEST', 'Unsupported Expect header', requestId);
  response.writeHead(417, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-request-id': requestId,
    connection: 'close',
  });
  response.end(body);
}

/**
 * Errors the router raises before any hook runs: a path that is not valid percent-encoding, or a
 * path parameter over the length limit.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.header('x-request-id', request.id);
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    sendError(reply, 'URL_TOO_LONG');
    return;
  }
  sendError(reply, 'INVALID_REQUEST', 'The URL is not valid');
}
