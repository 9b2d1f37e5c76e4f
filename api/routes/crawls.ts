// Admin routes: crawl jobs (POST/GET/DELETE /v1/crawls) and the indexed sites (GET /v1/sites).
// Every route of this plugin needs the admin key, checked before anything else is read.
import type { FastifyPluginAsync } from 'fastify';
import type { CrawlRequest } from '../../crawler/index.js';
import { CiteboxError } from '../../services/index.js';
import { requireAdmin } from '../auth.js';
import type { RouteOptions } from '../context.js';
import { ADMIN_SECURITY } from '../openapi.js';
import {
  crawlBodySchema,
  crawlIdParamsSchema,
  crawlJobSchema,
  errorResponses,
  sitesResponseSchema,
} from '../schemas.js';

const crawlListQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
} as const;

export const crawlRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const { deps } = ctx;
  const crawls = () => {
    if (!deps.crawls) throw new CiteboxError('FORBIDDEN', 'Crawling is not enabled on this server');
    return deps.crawls;
  };
  app.addHook('onRequest', async (request) => requireAdmin(request, deps.config.adminKey));
  const common = { tags: ['admin'], security: ADMIN_SECURITY };

  app.post<{ Body: CrawlRequest }>(
    '/v1/crawls',
    {
      schema: {
        ...common,
        summary: 'Start a crawl',
        description:
          'Seeds must be http(s) URLs. The job runs in the background; poll `GET /v1/crawls/{id}`. Defaults: `max_pages` 1000, `max_depth` 10.',
        body: crawlBodySchema,
        response: { 202: crawlJobSchema, ...errorResponses(400, 401, 403, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const job = await crawls().start(request.body);
      request.log.info({ job: job.id, seeds: job.seeds.length }, 'crawl requested');
      return reply.code(202).send(job);
    },
  );

  app.get<{ Querystring: { limit: number } }>(
    '/v1/crawls',
    {
      schema: {
        ...common,
        summary: 'List crawls, newest first',
        querystring: crawlListQuerySchema,
        response: {
          200: {
            type: 'object',
            required: ['crawls'],
            properties: { crawls: { type: 'array', items: crawlJobSchema } },
          },
          ...errorResponses(400, 401, 403, 429, 503),
        },
      },
    },
    async (request) => ({ crawls: await crawls().list(request.query.limit) }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/crawls/:id',
    {
      schema: {
        ...common,
        summary: 'A crawl and its progress',
        params: crawlIdParamsSchema,
        response: { 200: crawlJobSchema, ...errorResponses(400, 401, 403, 404, 414, 429, 503) },
      },
    },
    async (request) => crawls().get(request.params.id),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/crawls/:id',
    {
      schema: {
        ...common,
        summary: 'Cancel a crawl',
        description: 'Cancelling a finished crawl changes nothing and returns it as it is.',
        params: crawlIdParamsSchema,
        response: { 200: crawlJobSchema, ...errorResponses(400, 401, 403, 404, 414, 429, 503) },
      },
    },
    async (request) => crawls().cancel(request.params.id),
  );

  app.get(
    '/v1/sites',
    {
      schema: {
        ...common,
        summary: 'The indexed sites with their page and passage counts',
        response: { 200: sitesResponseSchema, ...errorResponses(401, 403, 429, 503) },
      },
    },
    async () => {
      const stats = await deps.backend.stats();
      return {
        backend: stats.backend,
        pages: stats.pages,
        passages: stats.passages,
        sites: stats.sites.map((s) => ({ host: s.host, pages: s.pages, passages: s.passages })),
      };
    },
  );
};
