// Errors in OpenAI's shape for the OpenAI-compatible routes (/v1/chat/completions, /v1/models and
// the other paths an OpenAI client may call): {"error": {message, type, param, code}} with
// OpenAI's types and lower-case codes, as OpenAI clients and chat UIs expect. The Citebox routes
// keep the contract's own shape. Pure.
import type { ErrorCode } from '../services/index.js';

export interface OpenAiError {
  readonly message: string;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
}

export interface OpenAiErrorBody {
  readonly error: OpenAiError;
}

/** Paths of OpenAI's API that clients pointed at Citebox's /v1 call; errors there are OpenAI's. */
const OPENAI_PREFIXES = ['/v1/chat/', '/v1/models', '/v1/completions', '/v1/embeddings', '/v1/responses'];

/** Whether a request URL (path and query) is one of the OpenAI-compatible paths. */
export function isOpenAiPath(url: string): boolean {
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  for (const prefix of OPENAI_PREFIXES) {
    if (!path.startsWith(prefix)) continue;
    const next = path[prefix.length];
    // `/v1/models` and `/v1/models/x`, not `/v1/modelsx`.
    if (prefix.endsWith('/') || next === undefined || next === '/') return true;
  }
  return false;
}

/** OpenAI's error type for an HTTP status. */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status === 503) return 'service_unavailable_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Codes whose OpenAI name is not simply the lower-case Citebox code. */
const OPENAI_CODES: Readonly<Partial<Record<ErrorCode, string>>> = {
  UNAUTHORIZED: 'invalid_api_key',
  RATE_LIMITED: 'rate_limit_exceeded',
  MODEL_NOT_FOUND: 'model_not_found',
  INTERNAL: 'server_error',
};

/** The parameter a Citebox error is about, when it is always the same one. */
const PARAM_OF_CODE: Readonly<Partial<Record<ErrorCode, string>>> = {
  MODEL_NOT_FOUND: 'model',
  INVALID_QUERY: 'messages',
};

export function openAiCode(code: ErrorCode | string): string {
  return OPENAI_CODES[code as ErrorCode] ?? code.toLowerCase();
}

export interface OpenAiErrorInput {
  readonly code: ErrorCode | string;
  readonly message: string;
  readonly status: number;
  /** The parameter at fault, when known. */
  readonly param?: string | null | undefined;
  /** A more precise OpenAI code (e.g. `missing_required_parameter` from validation). */
  readonly openAiCode?: string | undefined;
}

export function openAiError(input: OpenAiErrorInput): OpenAiErrorBody {
  return {
    error: {
      message: input.message,
      type: openAiErrorType(input.status),
      param: input.param ?? PARAM_OF_CODE[input.code as ErrorCode] ?? null,
      code: input.openAiCode ?? openAiCode(input.code),
    },
  };
}
