// The OpenAI-compatible facade: POST /v1/chat/completions (JSON and streamed) and GET /v1/models,
// so any OpenAI client or chat UI can ask Citebox. The wire format lives in openai-format.ts.
import type { FastifyPluginAsync } from 'fastify';
import { CiteboxError } from '../../services/index.js';
import { runAnswer, streamAnswer } from '../answer-runner.js';
import { requireApiKey } from '../auth.js';
import type { RouteOptions } from '../context.js';
import {
  CHAT_MODEL,
  type ChatCompletionRequest,
  ChunkStream,
  chatCompletion,
  completionId,
  dataFrame,
  errorFrame,
  toAnswerRequest,
} from '../openai-format.js';
import { API_SECURITY } from '../openapi.js';
import {
  chatCompletionSchema,
  chatRequestSchema,
  modelListSchema,
  modelParamsSchema,
  modelSchema,
  openAiErrorResponses,
} from '../schemas.js';
import type { StreamFormat } from '../sse.js';
import { checkedAnswerRequest } from '../validation.js';

/** Conversations are longer than questions. */
export const CHAT_BODY_LIMIT_BYTES = 1024 * 1024;
/** `created` of the one model: when the facade's contract was fixed. */
const MODEL_CREATED = 1_767_225_600;

export const chatRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const { config } = ctx.deps;

  app.post<{ Body: ChatCompletionRequest }>(
    '/v1/chat/completions',
    {
      bodyLimit: CHAT_BODY_LIMIT_BYTES,
      handlerTimeout: config.requestTimeoutMs + 1000,
      schema: {
        summary: 'Ask Citebox through the OpenAI chat-completions API',
        description:
          'The last user message is the question; earlier messages are the conversation. The answer is `choices[0].message.content` with `[n]` markers; `citations[n-1]` is the URL of `[n]` and `search_results` lists the sources. Sampling parameters (`temperature`, `max_tokens`…) are accepted and ignored. With `stream: true`: `chat.completion.chunk` objects as `data:` lines, then `data: [DONE]`.',
        tags: ['openai'],
        security: API_SECURITY,
        body: chatRequestSchema,
        response: {
          200: {
            description: 'A chat.completion, or with `stream: true` its chunks',
            content: {
              'application/json': { schema: chatCompletionSchema },
              'text/event-stream': {
                schema: { type: 'string', description: 'chat.completion.chunk objects, then [DONE]' },
              },
            },
          },
          ...openAiErrorResponses(400, 401, 404, 413, 415, 429, 503, 504),
        },
      },
    },
    async (request, reply) => {
      requireApiKey(request, config.apiKeys, config.adminKey);
      const chat = request.body;
      const answerRequest = checkedAnswerRequest(toAnswerRequest(chat));
      const id = completionId();
      const created = Math.floor(Date.now() / 1000);
      if (chat.stream === true) {
        const chunks = new ChunkStream(chat, id, created);
        const format: StreamFormat = {
          event: (event) => chunks.push(event).map(dataFrame).join(''),
          failure: (error) => errorFrame(error),
          end: () => chunks.end(),
        };
        return streamAnswer(ctx.runner, request, reply, answerRequest, format, 'chat');
      }
      const response = await runAnswer(ctx.runner, reply, answerRequest, 'chat');
      return chatCompletion(chat, response, id, created);
    },
  );

  const model = { id: CHAT_MODEL, object: 'model', created: MODEL_CREATED, owned_by: 'citebox' } as const;

  app.get(
    '/v1/models',
    {
      schema: {
        summary: 'The models of the OpenAI facade (one: citebox)',
        tags: ['openai'],
        security: API_SECURITY,
        response: { 200: modelListSchema, ...openAiErrorResponses(401, 429, 503) },
      },
    },
    async (request) => {
      requireApiKey(request, config.apiKeys, config.adminKey);
      return { object: 'list', data: [model] };
    },
  );

  app.get<{ Params: { model: string } }>(
    '/v1/models/:model',
    {
      schema: {
        summary: 'One model of the OpenAI facade',
        tags: ['openai'],
        security: API_SECURITY,
        params: modelParamsSchema,
        response: { 200: modelSchema, ...openAiErrorResponses(400, 401, 404, 414, 429, 503) },
      },
    },
    async (request) => {
      requireApiKey(request, config.apiKeys, config.adminKey);
      if (request.params.model !== CHAT_MODEL) {
        throw new CiteboxError('MODEL_NOT_FOUND', `The model "${request.params.model}" does not exist`);
      }
      return model;
    },
  );
};
