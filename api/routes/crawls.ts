// Admin crawl routes: POST /v1/crawls, GET /v1/crawls, GET /v1/crawls/:id, DELETE /v1/crawls/:id.
import type { FastifyPluginAsync } from 'fastify';
import type { CrawlRequest } from '../../crawler/index.js';
import { CiteboxError } from '../../services/index.js';
import { requireAdmin } from '../auth.js';
import type { AppDeps } from '../deps.js';
import { crawlBodySchema, crawlIdParamsSchema, crawlJobSchema } from '../schemas.js';

export const crawlRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const crawls = () => {
    if (!deps.crawls) throw new CiteboxError('FORBIDDEN', 'Crawling is not enabled on this server');
    return deps.crawls;
  };
  app.addHook('onRequest', async (request) => requireAdmin(request, deps.config.adminKey));

  app.post<{ Body: CrawlRequest }>(
    '/v1/crawls',
    {
      schema: { summary: 'Start a crawl (admin)', body: crawlBodySchema, response: { 202: crawlJobSchema } },
    },
    async (request, reply) => {
      const job = crawls().start(request.body);
      request.log.info({ job: job.id, seeds: job.seeds }, 'crawl requested');
      return reply.code(202).send(job);
    },
  );

  app.get(
    '/v1/crawls',
    {
      schema: {
        summary: 'List crawls (admin)',
        response: {
          200: { type: 'object', properties: { crawls: { type: 'array', items: crawlJobSchema } } },
        },
      },
    },
    async () => ({ crawls: crawls().list() }),
  );

  app.get<{ Params: { id: string } }>(
    '/v1/crawls/:id',
    {
      schema: {
        summary: 'A crawl and its progress (admin)',
        params: crawlIdParamsSchema,
        response: { 200: crawlJobSchema },
      },
    },
    async (request) => crawls().get(request.params.id),
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/crawls/:id',
    {
      schema: {
        summary: 'Cancel a crawl (admin)',
        params: crawlIdParamsSchema,
        response: { 200: crawlJobSchema },
      },
    },
    async (request) => crawls().cancel(request.params.id),
  );
};
