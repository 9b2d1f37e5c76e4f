// buildApp(deps) builds the whole HTTP app; listen() in server.ts starts it. Tests use buildApp
// with inject() or listen on port 0.
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { AppDeps } from './deps.js';
import { registerErrorHandling } from './error-handler.js';
import { answerRoutes } from './routes/answer.js';
import { crawlRoutes } from './routes/crawls.js';
import { healthRoutes } from './routes/health.js';
import { searchRoutes } from './routes/search.js';
import { errorSchema } from './schemas.js';
import { validatorCompiler } from './validation.js';

export const BODY_LIMIT_BYTES = 64 * 1024;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: 60_000,
    // A caller's request id is kept when it is sane, so logs line up across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  app.addSchema(errorSchema);
  app.setValidatorCompiler(validatorCompiler);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  registerErrorHandling(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Citebox API',
        version: '1',
        description:
          'Answers with cited sources over the sites you crawl. Errors are {"error": {code, message, request_id}}.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, { deps });
  await app.register(answerRoutes, { deps });
  await app.register(searchRoutes, { deps });
  await app.register(crawlRoutes, { deps });
  if (deps.web) await app.register(deps.web, { deps });
  return app;
}
