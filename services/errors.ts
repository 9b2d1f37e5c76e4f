// Every error Citebox raises on purpose is declared here once, with a stable code, a default
// message and what the caller should do next. Only the API's error handler maps them to HTTP
// status codes (by `kind`). Vendor errors are wrapped with the original kept as `cause`.

/** What went wrong, in terms a caller can act on; the API maps each kind to one status. */
export type ErrorKind =
  | 'invalid_input' // fix the request
  | 'unauthorized' // send credentials
  | 'forbidden' // credentials are not enough
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited' // retry later
  | 'unavailable' // a dependency is down; retry later
  | 'timeout'
  | 'upstream' // a dependency answered badly
  | 'cancelled' // the caller went away; nobody is left to answer
  | 'internal';

/** What the caller does next. */
export type ErrorAction = 'fix_input' | 'retry' | 'skip' | 'stop';

interface ErrorSpec {
  readonly kind: ErrorKind;
  readonly action: ErrorAction;
  readonly message: string;
}

export const ERROR_CODES = {
  // configuration and start-up
  CONFIG_INVALID: { kind: 'invalid_input', action: 'stop', message: 'Invalid configuration' },
  NODE_TOO_OLD: { kind: 'internal', action: 'stop', message: 'This Node.js is too old' },
  // requests
  INVALID_REQUEST: { kind: 'invalid_input', action: 'fix_input', message: 'The request is not valid' },
  INVALID_QUERY: { kind: 'invalid_input', action: 'fix_input', message: 'The query is not valid' },
  INVALID_URL: { kind: 'invalid_input', action: 'fix_input', message: 'Not an http(s) URL' },
  PAYLOAD_TOO_LARGE: { kind: 'too_large', action: 'fix_input', message: 'The request body is too large' },
  UNAUTHORIZED: { kind: 'unauthorized', action: 'fix_input', message: 'Missing or invalid credentials' },
  FORBIDDEN: { kind: 'forbidden', action: 'stop', message: 'Not allowed' },
  NOT_FOUND: { kind: 'not_found', action: 'fix_input', message: 'Not found' },
  RATE_LIMITED: { kind: 'rate_limited', action: 'retry', message: 'Too many requests' },
  BUSY: { kind: 'unavailable', action: 'retry', message: 'The server is busy; retry shortly' },
  CONFLICT: { kind: 'conflict', action: 'fix_input', message: 'Conflict with the current state' },
  MODEL_NOT_FOUND: { kind: 'not_found', action: 'fix_input', message: 'No such model' },
  SHUTTING_DOWN: { kind: 'unavailable', action: 'retry', message: 'The server is shutting down; retry' },
  REQUEST_TIMEOUT: { kind: 'timeout', action: 'retry', message: 'The request took too long' },
  CLIENT_CLOSED: { kind: 'cancelled', action: 'stop', message: 'The client closed the request' },
  // requests the HTTP layer refuses before a route sees them (the API gives some a more precise
  // status than their kind's)
  INVALID_JSON: { kind: 'invalid_input', action: 'fix_input', message: 'The body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: {
    kind: 'invalid_input',
    action: 'fix_input',
    message: 'Send the body as application/json',
  },
  HEADERS_TOO_LARGE: {
    kind: 'too_large',
    action: 'fix_input',
    message: 'The request line or headers are too large',
  },
  URL_TOO_LONG: { kind: 'too_large', action: 'fix_input', message: 'A part of the path is too long' },
  METHOD_NOT_ALLOWED: {
    kind: 'invalid_input',
    action: 'fix_input',
    message: 'This path does not take that method',
  },
  // search backend
  BACKEND_UNAVAILABLE: { kind: 'unavailable', action: 'retry', message: 'The search backend is unreachable' },
  BACKEND_ERROR: { kind: 'upstream', action: 'retry', message: 'The search backend failed' },
  BACKEND_UNSUPPORTED: {
    kind: 'upstream',
    action: 'stop',
    message: 'The search engine lacks a feature Citebox needs',
  },
  INDEX_WRITE_FAILED: { kind: 'internal', action: 'retry', message: 'Writing to the index failed' },
  // LLM
  LLM_UNAVAILABLE: { kind: 'unavailable', action: 'retry', message: 'The language model is unreachable' },
  LLM_TIMEOUT: { kind: 'timeout', action: 'retry', message: 'The language model did not answer in time' },
  LLM_ERROR: { kind: 'upstream', action: 'retry', message: 'The language model failed' },
  LLM_CONTEXT_OVERFLOW: {
    kind: 'upstream',
    action: 'retry',
    message: "The prompt is longer than the language model's context",
  },
  // crawling
  FETCH_FAILED: { kind: 'upstream', action: 'retry', message: 'Fetching the URL failed' },
  FETCH_TIMEOUT: { kind: 'timeout', action: 'retry', message: 'Fetching the URL timed out' },
  FETCH_BLOCKED: { kind: 'forbidden', action: 'skip', message: 'The URL may not be fetched' },
  FETCH_UNSUPPORTED: {
    kind: 'invalid_input',
    action: 'skip',
    message: 'The response is not a supported document',
  },
  FETCH_TOO_LARGE: { kind: 'too_large', action: 'skip', message: 'The response body is too large' },
  ROBOTS_DENIED: { kind: 'forbidden', action: 'skip', message: 'robots.txt disallows this URL' },
  CRAWL_CANCELLED: { kind: 'conflict', action: 'stop', message: 'The crawl was cancelled' },
  // anything else
  INTERNAL: { kind: 'internal', action: 'stop', message: 'Internal error' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface CiteboxErrorOptions {
  cause?: unknown;
  details?: Record<string, unknown>;
  /** For rate limits and busy answers: seconds until a retry makes sense. */
  retryAfterSeconds?: number;
}

export class CiteboxError extends Error {
  override readonly name = 'CiteboxError';
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly action: ErrorAction;
  readonly details: Record<string, unknown> | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message?: string, options: CiteboxErrorOptions = {}) {
    const spec: ErrorSpec = ERROR_CODES[code];
    super(message ?? spec.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = spec.kind;
    this.action = spec.action;
    this.details = options.details;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get retryable(): boolean {
    return this.action === 'retry';
  }
}

export function isCiteboxError(err: unknown): err is CiteboxError {
  return err instanceof CiteboxError;
}

/** Wraps any thrown value into a CiteboxError of the given code, keeping the original as cause. */
export function wrapError(err: unknown, code: ErrorCode, message?: string): CiteboxError {
  if (err instanceof CiteboxError) return err;
  const text = err instanceof Error ? err.message : String(err);
  return new CiteboxError(code, message ? `${message}: ${text}` : text, { cause: err });
}

/** The message of any thrown value, for logs and job failure reasons. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
