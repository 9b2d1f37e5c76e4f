// The one place that turns errors into HTTP responses: {"error": {code, message, request_id}}
// with a fitting status. Never a stack trace; 5xx details go to the log only.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CiteboxError, type ErrorKind, isCiteboxError, type Logger } from '../services/index.js';

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
  internal: 500,
};

export interface ErrorBody {
  error: { code: string; message: string; request_id: string };
}

/** Stable codes for the framework's own client errors. */
const FASTIFY_CODES: Readonly<Record<string, { code: string; message?: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the body as application/json',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'INVALID_REQUEST', message: 'The JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'INVALID_JSON', message: 'The body is not valid JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'INVALID_REQUEST', message: 'Invalid Content-Length' },
  FST_ERR_BAD_URL: { code: 'INVALID_REQUEST', message: 'The URL is not valid' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'INVALID_REQUEST' },
  FST_ERR_CTP_INVALID_CONTENT_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Invalid Content-Type' },
};

interface AjvIssue {
  keyword?: string;
  instancePath?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** A message that names the offending field ("body has an unknown field \"bogus\""). */
export function validationMessage(error: {
  validation?: unknown;
  validationContext?: string;
  message: string;
}): string {
  const issues = Array.isArray(error.validation) ? (error.validation as AjvIssue[]) : [];
  const first = issues[0];
  const where = error.validationContext ?? 'request';
  if (first?.keyword === 'additionalProperties' && typeof first.params?.['additionalProperty'] === 'string') {
    const path = first.instancePath ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
    return `${path} has an unknown field "${String(first.params['additionalProperty']).slice(0, 100)}"`;
  }
  return error.message;
}

export function sendError(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  const body: ErrorBody = { error: { code, message, request_id: String(reply.request.id) } };
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

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
    const status = STATUS_BY_KIND[error.kind];
    if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: error.code }, error.message);
    const message = status >= 500 && error.kind === 'internal' ? 'Internal error' : error.message;
    return sendError(reply, status, error.code, message);
  }
  if (error.name === 'AbortError' && reply.raw.destroyed) {
    // The client went away and its work was aborted; nobody is left to answer.
    request.log.info('client closed the request');
    return sendError(reply, 499, 'CLIENT_CLOSED', 'The client closed the request');
  }
  const fe = error as FastifyError & { validation?: unknown; validationContext?: string };
  if (fe.validation) {
    return sendError(reply, 400, 'INVALID_REQUEST', validationMessage(fe));
  }
  if (fe instanceof SyntaxError && (fe as { statusCode?: number }).statusCode === 400) {
    return sendError(reply, 400, 'INVALID_JSON', `The body is not valid JSON: ${fe.message}`);
  }
  const known = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
  if (status >= 400 && status < 500) {
    return sendError(reply, status, known?.code ?? 'INVALID_REQUEST', known?.message ?? fe.message);
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, 500, 'INTERNAL', 'Internal error');
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      404,
      'NOT_FOUND',
      `No route ${request.method} ${request.url.split('?')[0]?.slice(0, 200)}`,
    ),
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
    const [status, code, message] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'HEADERS_TOO_LARGE', 'The request line or headers are too large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'REQUEST_TIMEOUT', 'The request was not received in time']
          : [400, 'INVALID_REQUEST', 'Malformed HTTP request'];
    const requestId = randomUUID();
    logger.debug({ code: err.code, status, reqId: requestId }, 'refused a malformed request');
    const body = JSON.stringify({ error: { code, message, request_id: requestId } });
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
  const body = JSON.stringify({
    error: { code: 'INVALID_REQUEST', message: 'Unsupported Expect header', request_id: requestId },
  });
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
    sendError(reply, 414, 'URL_TOO_LONG', 'A part of the path is too long');
    return;
  }
  sendError(reply, 400, 'INVALID_REQUEST', 'The URL is not valid');
}
