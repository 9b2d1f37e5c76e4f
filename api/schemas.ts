// JSON schemas of the public v1 contract: request validation (unknown fields are refused, not
// dropped) and response serialization. The same schemas feed the OpenAPI document.
import { MAX_QUERY_CHARS, MAX_TOP_K } from '../services/index.js';

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'request_id'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        request_id: { type: 'string' },
      },
    },
  },
} as const;

const siteSchema = { type: 'string', minLength: 1, maxLength: 253, pattern: '^[^\\s/]+$' } as const;
const langSchema = { type: 'string', pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$' } as const;
/** An ISO 8601 date or date-time. */
const sinceSchema = {
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?)?$',
} as const;

export const filtersSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    sites: { type: 'array', maxItems: 50, items: siteSchema },
    lang: langSchema,
    since: sinceSchema,
  },
} as const;

export const answerBodySchema = {
  $id: 'AnswerRequest',
  type: 'object',
  additionalProperties: false,
  required: ['query'],
  properties: {
    query: { type: 'string', minLength: 1, maxLength: MAX_QUERY_CHARS },
    top_k: { type: 'integer', minimum: 1, maximum: MAX_TOP_K },
    filters: filtersSchema,
    mode: { type: 'string', enum: ['auto', 'llm', 'extractive'] },
    messages: {
      type: 'array',
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role', 'content'],
        properties: {
          role: { type: 'string', enum: ['user', 'assistant', 'system'] },
          content: { type: 'string', maxLength: 20_000 },
        },
      },
    },
    stream: { type: 'boolean' },
  },
} as const;

export const answerQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['q'],
  properties: {
    q: { type: 'string', minLength: 1, maxLength: MAX_QUERY_CHARS },
    top_k: { type: 'integer', minimum: 1, maximum: MAX_TOP_K },
    sites: { type: 'string', maxLength: 4000 },
    lang: langSchema,
    since: sinceSchema,
    mode: { type: 'string', enum: ['auto', 'llm', 'extractive'] },
    stream: { type: 'boolean' },
  },
} as const;

const citationSchema = {
  type: 'object',
  required: ['n', 'url', 'title', 'snippet', 'passage_id', 'supported'],
  properties: {
    n: { type: 'integer' },
    url: { type: 'string' },
    title: { type: 'string' },
    snippet: { type: 'string' },
    passage_id: { type: 'string' },
    supported: { type: 'boolean' },
  },
} as const;

const sourceSchema = {
  type: 'object',
  required: ['n', 'url', 'title', 'snippet', 'score'],
  properties: {
    n: { type: 'integer' },
    url: { type: 'string' },
    title: { type: 'string' },
    snippet: { type: 'string' },
    score: { type: 'number' },
    published_at: { type: 'string' },
  },
} as const;

export const answerResponseSchema = {
  $id: 'AnswerResponse',
  type: 'object',
  required: ['id', 'query', 'answer', 'answer_mode', 'citations', 'sources', 'related_questions', 'timings'],
  properties: {
    id: { type: 'string' },
    query: { type: 'string' },
    answer: { type: 'string' },
    answer_mode: { type: 'string', enum: ['llm', 'extractive', 'none'] },
    citations: { type: 'array', items: citationSchema },
    sources: { type: 'array', items: sourceSchema },
    related_questions: { type: 'array', items: { type: 'string' } },
    timings: {
      type: 'object',
      required: ['retrieve_ms', 'generate_ms', 'total_ms'],
      properties: {
        retrieve_ms: { type: 'number' },
        generate_ms: { type: 'number' },
        total_ms: { type: 'number' },
      },
    },
    model: { type: 'string' },
  },
} as const;

export const searchQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['q'],
  properties: {
    q: { type: 'string', minLength: 1, maxLength: MAX_QUERY_CHARS },
    limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
    sites: { type: 'string', maxLength: 4000 },
    lang: langSchema,
    since: sinceSchema,
  },
} as const;

export const searchResponseSchema = {
  $id: 'SearchResponse',
  type: 'object',
  required: ['results', 'took_ms'],
  properties: {
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['url', 'title', 'snippet', 'score', 'passages'],
        properties: {
          url: { type: 'string' },
          title: { type: 'string' },
          snippet: { type: 'string' },
          score: { type: 'number' },
          published_at: { type: 'string' },
          passages: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'snippet', 'score', 'headings'],
              properties: {
                id: { type: 'string' },
                snippet: { type: 'string' },
                score: { type: 'number' },
                headings: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    took_ms: { type: 'number' },
  },
} as const;

export const crawlBodySchema = {
  $id: 'CrawlRequest',
  type: 'object',
  additionalProperties: false,
  required: ['seeds'],
  properties: {
    seeds: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 2048 },
    },
    max_pages: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    max_depth: { type: 'integer', minimum: 0, maximum: 100 },
    include: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 500 } },
    exclude: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 500 } },
  },
} as const;

export const crawlJobSchema = {
  $id: 'CrawlJob',
  type: 'object',
  required: ['id', 'status', 'seeds', 'stats', 'started_at', 'finished_at', 'created_at'],
  properties: {
    id: { type: 'string' },
    status: { type: 'string', enum: ['queued', 'running', 'done', 'failed', 'cancelled'] },
    seeds: { type: 'array', items: { type: 'string' } },
    options: {
      type: 'object',
      properties: {
        max_pages: { type: 'integer' },
        max_depth: { type: 'integer' },
        include: { type: 'array', items: { type: 'string' } },
        exclude: { type: 'array', items: { type: 'string' } },
      },
    },
    stats: {
      type: 'object',
      required: ['discovered', 'fetched', 'indexed', 'skipped', 'failed'],
      properties: {
        discovered: { type: 'integer' },
        fetched: { type: 'integer' },
        indexed: { type: 'integer' },
        skipped: { type: 'integer' },
        failed: { type: 'integer' },
        queued: { type: 'integer' },
      },
    },
    error: { type: ['string', 'null'] },
    created_at: { type: 'string' },
    started_at: { type: ['string', 'null'] },
    finished_at: { type: ['string', 'null'] },
  },
} as const;

export const crawlIdParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^crawl_[0-9a-f]{16}$' } },
} as const;

/** Splits a comma-separated `sites` query parameter. */
export function splitSites(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const sites = value
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return sites.length > 0 ? sites : undefined;
}
