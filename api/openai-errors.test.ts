import { describe, expect, it } from 'vitest';
import { isOpenAiPath, openAiError } from './openai-errors.js';

describe('isOpenAiPath', () => {
  it.each([
    ['/v1/chat/completions', true],
    ['/v1/chat/completions?x=1', true],
    ['/v1/models', true],
    ['/v1/models/citebox', true],
    ['/v1/embeddings', true],
    ['/v1/modelsx', false],
    ['/v1/answer', false],
    ['/v1/search?q=/v1/models', false],
    ['/', false],
  ])('%s → %s', (url, expected) => {
    expect(isOpenAiPath(url)).toBe(expected);
  });
});

describe('openAiError', () => {
  it.each([
    [
      { code: 'MODEL_NOT_FOUND', message: 'no', status: 404 },
      { message: 'no', type: 'invalid_request_error', param: 'model', code: 'model_not_found' },
    ],
    [
      { code: 'UNAUTHORIZED', message: 'key', status: 401 },
      { message: 'key', type: 'authentication_error', param: null, code: 'invalid_api_key' },
    ],
    [
      { code: 'RATE_LIMITED', message: 'slow down', status: 429 },
      { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
    ],
    [
      {
        code: 'INVALID_REQUEST',
        message: '"n" must be at most 1',
        status: 400,
        param: 'n',
        openAiCode: 'above_max_value',
      },
      {
        message: '"n" must be at most 1',
        type: 'invalid_request_error',
        param: 'n',
        code: 'above_max_value',
      },
    ],
    [
      { code: 'METHOD_NOT_ALLOWED', message: 'no', status: 405 },
      { message: 'no', type: 'invalid_request_error', param: null, code: 'method_not_allowed' },
    ],
    [
      { code: 'BUSY', message: 'busy', status: 503 },
      { message: 'busy', type: 'service_unavailable_error', param: null, code: 'busy' },
    ],
    [
      { code: 'INTERNAL', message: 'Internal error', status: 500 },
      { message: 'Internal error', type: 'server_error', param: null, code: 'server_error' },
    ],
    [
      { code: 'INVALID_QUERY', message: 'The query is empty', status: 400 },
      {
        message: 'The query is empty',
        type: 'invalid_request_error',
        param: 'messages',
        code: 'invalid_query',
      },
    ],
  ] as const)('%j', (input, error) => {
    expect(openAiError(input)).toEqual({ error });
  });
});
