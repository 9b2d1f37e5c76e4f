// POST /v1/answer and GET /v1/answer: the answer, as JSON or as Server-Sent Events.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AnswerRequest, RequestedMode } from '../../services/index.js';
import { runAnswer, streamAnswer } from '../answer-runner.js';
import { requireApiKey } from '../auth.js';
import type { RouteOptions } from '../context.js';
import { API_SECURITY } from '../openapi.js';
import {
  answerBodySchema,
  answerQuerySchema,
  answerResponseSchema,
  errorResponses,
  splitSites,
} from '../schemas.js';
import { citeboxFormat, wantsEventStream } from '../sse.js';
import { checkedAnswerRequest } from '../validation.js';

interface AnswerBody {
  query: string;
  top_k?: number;
  filters?: { sites?: string[]; lang?: string; since?: string };
  mode?: RequestedMode;
  messages?: Array<{ role: 'user' | 'assistant' | 'system'; content: string }>;
  stream?: boolean;
}

interface AnswerQuery {
  q: string;
  top_k?: number;
  sites?: string;
  lang?: string;
  since?: string;
  mode?: RequestedMode;
  stream?: boolean;
}

const STREAM_DESCRIPTION =
  'With `stream: true` or `Accept: text/event-stream`: Server-Sent Events `sources`, `delta`, `citations`, `done` (or `error`); see the API description for the event schemas.';

const answerResponses = {
  200: {
    description: 'The answer (JSON), or its event stream',
    content: {
      'application/json': { schema: answerResponseSchema },
      'text/event-stream': { schema: { type: 'string', description: STREAM_DESCRIPTION } },
    },
  },
  ...errorResponses(400, 401, 413, 415, 429, 503, 504),
};

export const answerRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const { config } = ctx.deps;
  // The route's own timeout answers first (504 REQUEST_TIMEOUT); fastify's is the backstop.
  const handlerTimeout = config.requestTimeoutMs + 1000;

  async function respond(
    request: FastifyRequest,
    reply: FastifyReply,
    asked: AnswerRequest,
    stream: boolean | undefined,
  ) {
    requireApiKey(request, config.apiKeys, config.adminKey);
    // A blank query is refused here, as JSON, before a stream would open.
    const answerRequest = checkedAnswerRequest(asked);
    if (wantsEventStream(request, stream)) {
      return streamAnswer(
        ctx.runner,
        request,
        reply,
        answerRequest,
        citeboxFormat(String(request.id)),
        'sse',
      );
    }
    return runAnswer(ctx.runner, reply, answerRequest, 'json');
  }

  app.post<{ Body: AnswerBody }>(
    '/v1/answer',
    {
      handlerTimeout,
      schema: {
        summary: 'Answer a question with cited sources',
        description: STREAM_DESCRIPTION,
        tags: ['answers'],
        security: API_SECURITY,
        body: answerBodySchema,
        response: answerResponses,
      },
    },
    async (request, reply) => {
      const { stream, ...body } = request.body;
      return respond(request, reply, body, stream);
    },
  );

  app.get<{ Querystring: AnswerQuery }>(
    '/v1/answer',
    {
      handlerTimeout,
      schema: {
        summary: 'Answer a question (query-string form)',
        description: `\`sites\` is comma-separated. ${STREAM_DESCRIPTION}`,
        tags: ['answers'],
        security: API_SECURITY,
        querystring: answerQuerySchema,
        response: answerResponses,
      },
    },
    async (request, reply) => {
      const q = request.query;
      const sites = splitSites(q.sites);
      const answerRequest: AnswerRequest = {
        query: q.q,
        top_k: q.top_k,
        mode: q.mode,
        filters: sites || q.lang || q.since ? { sites, lang: q.lang, since: q.since } : undefined,
      };
      return respond(request, reply, answerRequest, q.stream);
    },
  );
};
