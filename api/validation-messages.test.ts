import { describe, expect, it } from 'vitest';
import { answerBodySchema, answerQuerySchema, chatRequestSchema, crawlBodySchema } from './schemas.js';
import { validatorCompiler } from './validation.js';
import { paramName, type SchemaIssue, validationProblem } from './validation-messages.js';

/** The problem the real validator finds in a value, as the API reports it. */
function problemOf(schema: object, value: unknown, part = 'body') {
  const validate = validatorCompiler({ schema, httpPart: part, method: 'POST', url: '/' }) as ((
    v: unknown,
  ) => boolean) & { errors?: SchemaIssue[] };
  expect(validate(value), JSON.stringify(value)).toBe(false);
  return validationProblem(validate.errors ?? [], part);
}

const user = [{ role: 'user', content: 'hi' }];

describe('validationProblem', () => {
  it.each([
    // A failed nullable field says what is wrong with the value, not every alternative.
    [
      chatRequestSchema,
      { model: 'citebox', messages: user, n: 3 },
      'n',
      '"n" must be at most 1',
      'above_max_value',
    ],
    [
      chatRequestSchema,
      { model: 'citebox', messages: user, n: 'x' },
      'n',
      '"n" must be a whole number or null',
      'invalid_type',
    ],
    [
      chatRequestSchema,
      { model: 'citebox' },
      'messages',
      '"messages" is required',
      'missing_required_parameter',
    ],
    [
      chatRequestSchema,
      { model: 'citebox', messages: [] },
      'messages',
      '"messages" must not be empty',
      'empty_array',
    ],
    [
      chatRequestSchema,
      { model: 'citebox', messages: [{ role: 'tool', content: 'x' }] },
      'messages[0].role',
      '"messages[0].role" must be one of "system", "developer", "user", "assistant"',
      'invalid_value',
    ],
    [
      chatRequestSchema,
      { model: 'citebox', messages: [{ role: 'user', content: 5 }] },
      'messages[0].content',
      '"messages[0].content" must be a string, a list or null',
      'invalid_type',
    ],
    [
      chatRequestSchema,
      { model: 'citebox', messages: user, bogus: 1 },
      'bogus',
      'Unknown parameter "bogus"',
      'unknown_parameter',
    ],
    [
      chatRequestSchema,
      { model: 'citebox', messages: user, temperature: 3 },
      'temperature',
      '"temperature" must be at most 2',
      'above_max_value',
    ],
    [answerBodySchema, { query: '' }, 'query', '"query" must not be empty', 'empty_string'],
    [answerBodySchema, { query: 'x', top_k: 0 }, 'top_k', '"top_k" must be at least 1', 'below_min_value'],
    [answerBodySchema, 'just text', null, 'The body must be an object', 'invalid_type'],
    [
      answerBodySchema,
      { query: 'x', filters: { sites: ['a b'] } },
      'filters.sites[0]',
      '"filters.sites[0]" must be a host name such as example.com (its subdomains included)',
      'invalid_value',
    ],
    [
      answerBodySchema,
      { query: 'x', filters: { since: '2023-02-29' } },
      'filters.since',
      '"filters.since" must be a real date (YYYY-MM-DD) or a real date-time (RFC 3339, e.g. 2024-05-01T12:00:00Z)',
      'invalid_value',
    ],
    [
      answerBodySchema,
      { query: 'x', filters: { extra: 1 } },
      'filters.extra',
      'Unknown parameter "extra" in "filters"',
      'unknown_parameter',
    ],
    [
      crawlBodySchema,
      { seeds: ['ftp://example.com/'] },
      'seeds[0]',
      '"seeds[0]" must be an http(s) URL such as https://example.com/docs/',
      'invalid_value',
    ],
  ] as const)('%#: %j', (schema, value, param, message, code) => {
    const citeboxCode = param?.startsWith('seeds') ? 'INVALID_URL' : 'INVALID_REQUEST';
    expect(problemOf(schema, value)).toEqual({ param, message, code, citeboxCode });
  });

  it('names query-string parameters and the query string itself', () => {
    expect(problemOf(answerQuerySchema, {}, 'querystring')).toEqual({
      param: 'q',
      message: '"q" is required',
      code: 'missing_required_parameter',
      citeboxCode: 'INVALID_REQUEST',
    });
    expect(problemOf(answerQuerySchema, { q: 'x', bogus: '1' }, 'querystring').message).toBe(
      'Unknown parameter "bogus" in the query string',
    );
  });

  it('never passes on the validator’s own wording', () => {
    const p = problemOf(chatRequestSchema, { model: 'citebox', messages: user, n: 3 });
    expect(p.message).not.toMatch(/body\/|must match a schema|anyOf/);
  });
});

describe('paramName', () => {
  it.each([
    ['', undefined, null],
    ['/n', undefined, 'n'],
    ['/messages/0/role', undefined, 'messages[0].role'],
    ['/filters', 'since', 'filters.since'],
    ['', 'query', 'query'],
    ['/a~1b', undefined, 'a/b'],
  ] as const)('%s + %s → %s', (path, child, expected) => {
    expect(paramName(path, child)).toBe(expected);
  });
});
