// The one place that turns errors into HTTP responses: {"error": {code, message, request_id}}
// with a fitting status. Never a stack trace; 5xx details go to the log only.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ErrorKind, isCiteboxError } from '../services/index.js';

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
  error: FastifyError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
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
