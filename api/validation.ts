// Request validation. JSON bodies are checked strictly (a string is not a number, unknown fields
// are refused, nothing is silently dropped); query strings and params, which are text by nature,
// have their values coerced to the declared types.
import { isUtf8 } from 'node:buffer';
import { Ajv, type Options } from 'ajv';
import type { FastifyInstance, FastifySchema, FastifySchemaCompiler } from 'fastify';
import { type AnswerRequest, CiteboxError, normalizeQuery } from '../services/index.js';
import { isAbsoluteUrl, isRealDate, isRealDateTime, normalizeSince } from './formats.js';

// `verbose` gives each error its schema, whose `description` words a failed pattern.
const common: Options = {
  removeAdditional: false,
  useDefaults: true,
  allErrors: false,
  strict: false,
  verbose: true,
};
const strictAjv = new Ajv({ ...common, coerceTypes: false });
const coercingAjv = new Ajv({ ...common, coerceTypes: 'array' });
for (const ajv of [strictAjv, coercingAjv]) {
  ajv.addFormat('date', { type: 'string', validate: isRealDate });
  ajv.addFormat('date-time', { type: 'string', validate: isRealDateTime });
  ajv.addFormat('uri', { type: 'string', validate: isAbsoluteUrl });
}

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  return ajv.compile(schema as object);
};

/**
 * Checks every request before routing work: an origin-form target, a Host header on HTTP/1.1, a
 * well-formed query string, and JSON bodies in UTF-8 (RFC 8259: invalid bytes are refused rather
 * than replaced with U+FFFD). Parsing itself stays fastify's own (prototype-poisoning checks
 * included).
 */
export function registerRequestChecks(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      done(new CiteboxError('INVALID_REQUEST', 'The body is not valid UTF-8'), undefined);
      return;
    }
    parse(request, bytes.toString('utf8'), done);
  });
  app.addHook('onRequest', (request, _reply, next) => {
    next(requestProblem(request.url, request.raw.httpVersion, request.headers.host));
  });
}

/** What is wrong with a request's target or Host, as the error to answer with. */
export function requestProblem(
  url: string,
  httpVersion: string,
  host: string | undefined,
): CiteboxError | undefined {
  // Origin-form targets only: `GET *` and `GET http://other.host/…` are not requests for us.
  if (!url.startsWith('/')) return new CiteboxError('INVALID_REQUEST', 'The request target must be a path');
  // Node's own check answers without a body; this one answers in the error shape.
  if (httpVersion === '1.1' && host === undefined) {
    return new CiteboxError('INVALID_REQUEST', 'HTTP/1.1 requests need a Host header');
  }
  const problem = queryStringProblem(url);
  return problem ? new CiteboxError('INVALID_REQUEST', problem) : undefined;
}

/**
 * A query string must be well-formed percent-encoded UTF-8 without control characters; the
 * framework's parser would otherwise pass `%FF` or `%ZZ` through as literal text. Returns the
 * problem, or undefined when the query string is fine. Cheap when there is no `%` to decode.
 */
export function queryStringProblem(url: string): string | undefined {
  const at = url.indexOf('?');
  if (at < 0) return undefined;
  const query = url.slice(at + 1);
  if (!query.includes('%')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(query.replaceAll('+', ' '));
  } catch {
    return 'The query string is not valid percent-encoded UTF-8';
  }
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(decoded)) {
    return 'The query string holds control characters';
  }
  return undefined;
}

/**
 * Checks what the schema cannot (a query that is blank once normalized, its length in
 * characters) before any work or stream starts, and puts `since` in the form the index compares.
 */
export function checkedAnswerRequest(request: AnswerRequest): AnswerRequest {
  normalizeQuery(request.query);
  const since = request.filters?.since;
  if (since === undefined || request.filters === undefined) return request;
  return { ...request, filters: { ...request.filters, since: normalizeSince(since) } };
}
