// buildApp(deps) builds the whole HTTP app; listen() and closeGracefully() in server.ts run it.
// Tests use buildApp with inject() or listen on port 0.
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Config } from '../services/index.js';
import { AllowedMethods } from './allowed-methods.js';
import { AnswerGate, gateAnswers } from './answer-gate.js';
import type { ApiContext } from './context.js';
import type { AppDeps } from './deps.js';
import {
  clientErrorResponder,
  expectationFailed,
  frameworkErrorHandler,
  registerErrorHandling,
  sendError,
} from './error-handler.js';
import { Lifecycle } from './lifecycle.js';
import { registerObservability } from './observability.js';
import { registerOpenApi } from './openapi.js';
import { registerRateLimit } from './rate-limit.js';
import { answerRoutes } from './routes/answer.js';
import { chatRoutes } from './routes/chat.js';
import { crawlRoutes } from './routes/crawls.js';
import { healthRoutes } from './routes/health.js';
import { searchRoutes } from './routes/search.js';
import { errorSchema, openAiErrorSchema } from './schemas.js';
import { registerSecurity } from './security.js';
import { registerRequestChecks, validatorCompiler } from './validation.js';

/** Default body limit; the chat route allows more (conversations). */
export const BODY_LIMIT_BYTES = 64 * 1024;
const REQUEST_ID = /^[\w.:-]{1,128}$/;

const lifecycles = new WeakMap<FastifyInstance, Lifecycle>();

/** The shutdown bookkeeping of an app built by buildApp. */
export function lifecycleOf(app: FastifyInstance): Lifecycle | undefined {
  return lifecycles.get(app);
}

/** CITEBOX_TRUST_PROXY as fastify's trustProxy: true, a hop count, or addresses/CIDRs. */
export function trustProxyOption(
  value: Config['trustProxy'],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (!value || value.length === 0) return false;
  if (value.length === 1) {
    const only = value[0]?.toLowerCase() ?? '';
    if (only === 'true') return true;
    if (only === 'false') return false;
    if (/^\d+$/.test(only)) {
      const hops = Number(only);
      return (_address, hop) => hop < hops;
    }
  }
  return [...value];
}

/**
 * A known path asked with a method it does not serve: 405 with `Allow`, before any body is read;
 * OPTIONS (when no CORS preflight route took it): 204 with `Allow`. Unknown paths stay 404.
 */
function registerAllowedMethods(app: FastifyInstance): void {
  const table = new AllowedMethods();
  app.addHook('onRoute', (route) => table.add(route.method, route.url ?? route.path));
  app.addHook('onRequest', (request, reply, next) => {
    if (!request.is404) return next();
    const allowed = table.allowed(request.url);
    if (allowed.length === 0) return next();
    reply.header('allow', allowed.join(', '));
    if (request.method === 'OPTIONS') {
      reply.code(204).send();
      return;
    }
    sendError(
      reply,
      'METHOD_NOT_ALLOWED',
      `${request.method.slice(0, 20)} is not served here; this path takes ${allowed.join(', ')}`,
    );
  });
}

export async function buildApp(deps: AppDeps, options: { version?: string } = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const logger = deps.logger.child({ component: 'api' });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    // One access-log line per request is written by observability.ts instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    requestTimeout: config.requestTimeoutMs,
    handlerTimeout: config.requestTimeoutMs,
    // Draining is answered by our own hook, in the contract's error shape.
    return503OnClosing: false,
    // closeGracefully drains first; whatever is still connected when the app closes (a client that
    // opened a connection and never sent a request) must not hold the close up.
    forceCloseConnections: true,
    trustProxy: trustProxyOption(config.trustProxy),
    clientErrorHandler: clientErrorResponder(logger),
    // Router-level errors (a bad percent-encoding in the path, a too long parameter).
    frameworkErrors: frameworkErrorHandler,
    // Checked in our own hook, to answer in the error shape.
    http: { requireHostHeader: false },
    // A caller's request id is kept when it is sane, so logs line up across services.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  const lifecycle = new Lifecycle();
  lifecycles.set(app, lifecycle);
  const metrics = deps.metrics;
  const slots = metrics?.answerSlotsInUse();
  const queue = metrics?.answerQueueLength();
  const gate = new AnswerGate({
    concurrency: config.answerConcurrency,
    queue: config.answerQueue,
    onChange: (running, waiting) => {
      slots?.set(running);
      queue?.set(waiting);
    },
  });
  const ctx: ApiContext = {
    deps,
    gate,
    lifecycle,
    runner: {
      answers: deps.answers,
      gate,
      lifecycle,
      metrics,
      timeoutMs: config.requestTimeoutMs,
    },
  };

  app.addSchema(errorSchema);
  app.addSchema(openAiErrorSchema);
  app.setValidatorCompiler(validatorCompiler);
  app.server.on('checkExpectation', expectationFailed);
  registerErrorHandling(app);
  registerObservability(app, { lifecycle, metrics, accessLog: config.accessLog });
  registerRequestChecks(app);
  registerAllowedMethods(app);
  await registerSecurity(app, config);
  await registerRateLimit(app, config, metrics);
  await registerOpenApi(app, options.version ?? '1');

  await app.register(healthRoutes, { ctx });
  await app.register(answerRoutes, { ctx });
  await app.register(chatRoutes, { ctx });
  await app.register(searchRoutes, { ctx });
  await app.register(crawlRoutes, { ctx });
  // The website's answers go through the same concurrency cap as the API's.
  if (deps.web) await app.register(deps.web, { deps: { ...deps, answers: gateAnswers(deps.answers, gate) } });
  return app;
}
