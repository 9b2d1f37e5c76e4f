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

/** The error shape of the OpenAI-compatible routes (OpenAI's own). */
export const openAiErrorSchema = {
  $id: 'OpenAiError',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['message', 'type', 'param', 'code'],
      properties: {
        message: { type: 'string' },
        type: {
          type: 'string',
          description:
            '`invalid_request_error`, `authentication_error`, `permission_error`, `rate_limit_error`, `service_unavailable_error` or `server_error`.',
        },
        param: {
          type: ['string', 'null'],
          description: 'The parameter at fault (`messages[0].role`), if any.',
        },
        code: {
          type: ['string', 'null'],
          description: 'Lower-case: `model_not_found`, `invalid_api_key`, `missing_required_parameter`…',
        },
      },
    },
  },
} as const;

const siteSchema = {
  type: 'string',
  minLength: 1,
  maxLength: 253,
  pattern: '^[^\\s/]+$',
  description: 'A host name such as example.com (its subdomains included).',
} as const;
const langSchema = {
  type: 'string',
  pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$',
  description: 'A language code such as en or pt-BR.',
} as const;
/** An RFC 3339 date or date-time (with seconds and an offset) that exists on the calendar. */
const sinceSchema = {
  anyOf: [
    { type: 'string', format: 'date' },
    { type: 'string', format: 'date-time' },
  ],
  description:
    'Only pages published (or fetched, when the date is unknown) since then: a date (2024-05-01) or an RFC 3339 date-time (2024-05-01T12:00:00Z).',
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
    url: { type: 'string', description: 'The page, with a fragment that lands on the cited passage' },
    title: { type: 'string' },
    section: { type: 'string', description: "The passage's heading path in its page, joined by ' › '" },
    snippet: { type: 'string' },
    passage_id: { type: 'string' },
    supported: { type: 'boolean' },
    doc_type: {
      type: 'string',
      enum: ['pdf', 'docx', 'pptx', 'odt', 'odp', 'text', 'markdown'],
      description: 'For a document rather than a web page: its type',
    },
    page: {
      type: 'integer',
      minimum: 1,
      description: 'The page (PDF page, slide) the passage is on; the URL opens the document there (#page=N)',
    },
  },
} as const;

const sourceSchema = {
  type: 'object',
  required: ['n', 'url', 'title', 'snippet', 'score'],
  properties: {
    n: { type: 'integer' },
    url: { type: 'string', description: 'The page, with a fragment that lands on the passage' },
    title: { type: 'string' },
    section: { type: 'string', description: "The passage's heading path in its page, joined by ' › '" },
    snippet: { type: 'string' },
    score: { type: 'number' },
    published_at: { type: 'string' },
    headings: {
      type: 'array',
      items: { type: 'string' },
      description: 'The headings above the passage in its page, outermost first.',
    },
    doc_type: {
      type: 'string',
      enum: ['pdf', 'docx', 'pptx', 'odt', 'odp', 'text', 'markdown'],
      description: 'For a document rather than a web page: its type',
    },
    page: {
      type: 'integer',
      minimum: 1,
      description: 'The page (PDF page, slide) the passage is on; the URL opens the document there (#page=N)',
    },
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
      items: {
        type: 'string',
        format: 'uri',
        pattern: '^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]',
        minLength: 1,
        maxLength: 2048,
        description: 'An http(s) URL such as https://example.com/docs/.',
      },
    },
    max_pages: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    max_depth: { type: 'integer', minimum: 0, maximum: 100 },
    include: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 500 } },
    exclude: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 500 } },
    scope: { type: 'string', enum: ['host', 'domain', 'hosts'] },
    hosts: { type: 'array', maxItems: 100, items: { type: 'string', minLength: 1, maxLength: 253 } },
    max_pages_per_host: { type: 'integer', minimum: 1, maximum: 1_000_000 },
    refresh: { type: 'boolean' },
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
        scope: { type: 'string' },
        hosts: { type: 'array', items: { type: 'string' } },
        max_pages_per_host: { type: 'integer' },
        refresh: { type: 'boolean' },
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
        unchanged: { type: 'integer' },
        deleted: { type: 'integer' },
      },
    },
    /** Hosts whose page removals waited because most of their requests failed (an outage). */
    deletions_suspended: { type: 'array', items: { type: 'string' } },
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

// ---- health, sites, models ----

export const healthSchema = {
  $id: 'Health',
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: ['ok'] } },
} as const;

export const readinessSchema = {
  $id: 'Readiness',
  type: 'object',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'not_ready'] },
    checks: {
      type: 'object',
      description: 'One entry per dependency (`backend`, `llm`, `server`…); `reason` says what is wrong.',
      additionalProperties: {
        type: 'object',
        required: ['ok'],
        properties: { ok: { type: 'boolean' }, reason: { type: 'string' } },
      },
    },
  },
} as const;

export const sitesResponseSchema = {
  $id: 'Sites',
  type: 'object',
  required: ['backend', 'pages', 'passages', 'sites'],
  properties: {
    backend: { type: 'string' },
    pages: { type: 'integer' },
    passages: { type: 'integer' },
    sites: {
      type: 'array',
      items: {
        type: 'object',
        required: ['host', 'pages', 'passages'],
        properties: {
          host: { type: 'string' },
          pages: { type: 'integer' },
          passages: { type: 'integer' },
        },
      },
    },
  },
} as const;

export const modelListSchema = {
  $id: 'ModelList',
  type: 'object',
  required: ['object', 'data'],
  properties: {
    object: { type: 'string', enum: ['list'] },
    data: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'object', 'created', 'owned_by'],
        properties: {
          id: { type: 'string' },
          object: { type: 'string', enum: ['model'] },
          created: { type: 'integer' },
          owned_by: { type: 'string' },
        },
      },
    },
  },
} as const;

export const modelParamsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['model'],
  properties: { model: { type: 'string', minLength: 1, maxLength: 200 } },
} as const;

export const modelSchema = modelListSchema.properties.data.items;

// ---- the OpenAI-compatible chat facade ----

const nullable = <T extends object>(schema: T) => ({ anyOf: [schema, { type: 'null' }] }) as const;

const chatTextPartSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type', 'text'],
  properties: {
    type: { type: 'string', enum: ['text'], description: 'Only text parts; Citebox does not read images.' },
    text: { type: 'string', maxLength: 100_000 },
  },
} as const;

const chatMessageSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['role', 'content'],
  properties: {
    role: { type: 'string', enum: ['system', 'developer', 'user', 'assistant'] },
    content: {
      anyOf: [
        { type: 'string', maxLength: 100_000 },
        { type: 'array', maxItems: 50, items: chatTextPartSchema },
        { type: 'null' },
      ],
    },
    name: { type: 'string', maxLength: 200 },
    // Fields OpenAI returns on assistant messages, so a client can send its history back as is.
    refusal: nullable({ type: 'string', maxLength: 100_000 }),
    annotations: { type: 'array', maxItems: 1000 },
  },
} as const;

/** Sampling parameters an answer engine does not use; accepted so OpenAI clients work, ignored. */
const ignoredChatParams = {
  temperature: nullable({ type: 'number', minimum: 0, maximum: 2 }),
  top_p: nullable({ type: 'number', minimum: 0, maximum: 1 }),
  max_tokens: nullable({ type: 'integer', minimum: 1, maximum: 10_000_000 }),
  max_completion_tokens: nullable({ type: 'integer', minimum: 1, maximum: 10_000_000 }),
  presence_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
  frequency_penalty: nullable({ type: 'number', minimum: -2, maximum: 2 }),
  seed: nullable({ type: 'integer' }),
  stop: {
    anyOf: [
      { type: 'string', maxLength: 1000 },
      { type: 'array', maxItems: 4, items: { type: 'string', maxLength: 1000 } },
      { type: 'null' },
    ],
  },
  user: { type: 'string', maxLength: 1000 },
  logit_bias: nullable({ type: 'object', maxProperties: 300 }),
  logprobs: nullable({ type: 'boolean', enum: [false] }),
  response_format: {
    type: 'object',
    additionalProperties: false,
    required: ['type'],
    properties: { type: { type: 'string', enum: ['text'] } },
  },
  metadata: nullable({ type: 'object', maxProperties: 16 }),
  store: nullable({ type: 'boolean' }),
  service_tier: nullable({ type: 'string', maxLength: 50 }),
  reasoning_effort: nullable({ type: 'string', maxLength: 50 }),
  tools: {
    type: 'array',
    maxItems: 0,
    description: 'Citebox calls no tools; only an empty list is accepted.',
  },
  tool_choice: nullable({ type: 'string', enum: ['none', 'auto'] }),
  parallel_tool_calls: nullable({ type: 'boolean' }),
} as const;

export const chatRequestSchema = {
  $id: 'ChatCompletionRequest',
  type: 'object',
  additionalProperties: false,
  required: ['model', 'messages'],
  properties: {
    model: { type: 'string', minLength: 1, maxLength: 200, description: 'Always `citebox`.' },
    messages: {
      type: 'array',
      minItems: 1,
      maxItems: 200,
      items: chatMessageSchema,
      description:
        'The last message (role `user`) is the question; the messages before it are the conversation.',
    },
    stream: nullable({ type: 'boolean' }),
    stream_options: nullable({
      type: 'object',
      additionalProperties: false,
      properties: { include_usage: { type: 'boolean' }, include_obfuscation: { type: 'boolean' } },
    }),
    n: nullable({ type: 'integer', minimum: 1, maximum: 1 }),
    // Citebox extensions (and Perplexity's name for the site filter).
    top_k: { type: 'integer', minimum: 1, maximum: MAX_TOP_K },
    mode: { type: 'string', enum: ['auto', 'llm', 'extractive'] },
    filters: filtersSchema,
    search_domain_filter: { type: 'array', maxItems: 50, items: siteSchema },
    ...ignoredChatParams,
  },
} as const;

const searchResultSchema = {
  type: 'object',
  required: ['title', 'url', 'date', 'snippet'],
  properties: {
    title: { type: 'string' },
    url: { type: 'string' },
    date: { type: ['string', 'null'] },
    snippet: { type: 'string' },
  },
} as const;

const usageSchema = {
  type: 'object',
  required: ['prompt_tokens', 'completion_tokens', 'total_tokens'],
  properties: {
    prompt_tokens: { type: 'integer' },
    completion_tokens: { type: 'integer' },
    total_tokens: { type: 'integer' },
  },
} as const;

export const chatCompletionSchema = {
  $id: 'ChatCompletion',
  type: 'object',
  required: ['id', 'object', 'created', 'model', 'choices', 'usage', 'citations', 'search_results'],
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['chat.completion'] },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'message', 'logprobs', 'finish_reason'],
        properties: {
          index: { type: 'integer' },
          message: {
            type: 'object',
            required: ['role', 'content', 'refusal', 'annotations'],
            properties: {
              role: { type: 'string', enum: ['assistant'] },
              content: { type: 'string', description: 'The answer, Markdown with `[n]` markers.' },
              refusal: { type: 'null' },
              annotations: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['type', 'url_citation'],
                  properties: {
                    type: { type: 'string', enum: ['url_citation'] },
                    url_citation: {
                      type: 'object',
                      required: ['url', 'title', 'start_index', 'end_index'],
                      properties: {
                        url: { type: 'string' },
                        title: { type: 'string' },
                        start_index: { type: 'integer' },
                        end_index: { type: 'integer' },
                      },
                    },
                  },
                },
              },
            },
          },
          logprobs: { type: 'null' },
          finish_reason: { type: 'string', enum: ['stop'] },
        },
      },
    },
    usage: { ...usageSchema, description: 'Estimates (about four characters per token).' },
    citations: {
      type: 'array',
      items: { type: 'string' },
      description: 'Source URLs; `[n]` in the content refers to `citations[n-1]`.',
    },
    search_results: { type: 'array', items: searchResultSchema },
  },
} as const;

export const chatCompletionChunkSchema = {
  $id: 'ChatCompletionChunk',
  type: 'object',
  required: ['id', 'object', 'created', 'model', 'choices'],
  properties: {
    id: { type: 'string' },
    object: { type: 'string', enum: ['chat.completion.chunk'] },
    created: { type: 'integer' },
    model: { type: 'string' },
    choices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'delta', 'logprobs', 'finish_reason'],
        properties: {
          index: { type: 'integer' },
          delta: {
            type: 'object',
            properties: { role: { type: 'string', enum: ['assistant'] }, content: { type: 'string' } },
          },
          logprobs: { type: 'null' },
          finish_reason: { type: ['string', 'null'], enum: ['stop', null] },
        },
      },
    },
    usage: { anyOf: [usageSchema, { type: 'null' }] },
    citations: { type: 'array', items: { type: 'string' } },
    search_results: { type: 'array', items: searchResultSchema },
  },
} as const;

// ---- the answer event stream (documented in OpenAPI; the stream itself is written by hand) ----

export const answerEventSchemas = {
  sources: {
    type: 'object',
    required: ['sources'],
    properties: { sources: { type: 'array', items: sourceSchema } },
  },
  delta: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } },
  citations: {
    type: 'object',
    required: ['citations'],
    properties: { citations: { type: 'array', items: citationSchema } },
  },
  done: answerResponseSchema,
  error: errorSchema,
} as const;

const ERROR_MEANINGS: Readonly<Record<number, string>> = {
  400: 'Invalid request (`INVALID_REQUEST`, `INVALID_JSON`, `INVALID_QUERY`, `INVALID_URL`)',
  401: 'Missing or wrong key (`UNAUTHORIZED`)',
  403: 'Not enabled on this server (`FORBIDDEN`)',
  404: 'Not found (`NOT_FOUND`, `MODEL_NOT_FOUND`)',
  413: 'Body too large (`PAYLOAD_TOO_LARGE`)',
  414: 'A path parameter is too long (`URL_TOO_LONG`)',
  415: 'Body is not JSON (`UNSUPPORTED_MEDIA_TYPE`)',
  429: 'Rate limit reached (`RATE_LIMITED`); see `Retry-After`',
  503: 'Busy or shutting down (`BUSY`, `SHUTTING_DOWN`, `BACKEND_UNAVAILABLE`); see `Retry-After`',
  504: 'Took too long (`REQUEST_TIMEOUT`, `LLM_TIMEOUT`)',
};

/** Response schemas of the error statuses a route can answer, all in the contract's error shape. */
export function errorResponses(...statuses: number[]): Record<number, object> {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: ERROR_MEANINGS[status] ?? 'Error', $ref: 'Error#' }]),
  );
}

const OPENAI_ERROR_MEANINGS: Readonly<Record<number, string>> = {
  400: 'Invalid request (`invalid_request_error`)',
  401: 'Missing or wrong key (`authentication_error`, `invalid_api_key`)',
  404: 'No such model (`model_not_found`)',
  413: 'Body too large (`payload_too_large`)',
  414: 'The model name is too long (`url_too_long`)',
  415: 'Body is not JSON (`unsupported_media_type`)',
  429: 'Rate limit reached (`rate_limit_error`); see `Retry-After`',
  503: 'Busy or shutting down (`service_unavailable_error`); see `Retry-After`',
  504: 'Took too long (`server_error`, `request_timeout`)',
};

/** Error responses of the OpenAI-compatible routes, in OpenAI's error shape. */
export function openAiErrorResponses(...statuses: number[]): Record<number, object> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: OPENAI_ERROR_MEANINGS[status] ?? 'Error', $ref: 'OpenAiError#' },
    ]),
  );
}
