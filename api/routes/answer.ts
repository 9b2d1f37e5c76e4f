// POST /v1/answer and GET /v1/answer: the answer, as JSON or as Server-Sent Events.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type AnswerRequest, isCiteboxError, type RequestedMode } from '../../services/index.js';
import { requireApiKey } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { answerBodySchema, answerQuerySchema, answerResponseSchema, splitSites } from '../schemas.js';
import { sendEventStream, wantsEventStream } from '../sse.js';

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

export const answerRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const { answers, config } = deps;
  const toError = (err: unknown) =>
    isCiteboxError(err)
      ? { code: err.code, message: err.message }
      : { code: 'INTERNAL', message: 'Internal error' };

  async function respond(
    request: FastifyRequest,
    reply: FastifyReply,
    answerRequest: AnswerRequest,
    stream: boolean | undefined,
  ) {
    requireApiKey(request, config.apiKeys, config.adminKey);
    if (wantsEventStream(request, stream)) {
      return sendEventStream(request, reply, (signal) => answers.stream(answerRequest, { signal }), toError);
    }
    // The response stream closing before it finished means the client went away: stop the work.
    const controller = new AbortController();
    const onClose = () => {
      if (!reply.raw.writableFinished) controller.abort();
    };
    reply.raw.on('close', onClose);
    try {
      return await answers.answer(answerRequest, { signal: controller.signal });
    } finally {
      reply.raw.off('close', onClose);
    }
  }

  app.post<{ Body: AnswerBody }>(
    '/v1/answer',
    {
      schema: {
        summary: 'Answer a question with cited sources',
        body: answerBodySchema,
        response: { 200: answerResponseSchema },
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
      schema: {
        summary: 'Answer a question (query-string form)',
        querystring: answerQuerySchema,
        response: { 200: answerResponseSchema },
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
