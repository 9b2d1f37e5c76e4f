// /healthz: the process is alive. /readyz: the search backend answers (and the LLM, when set).
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../deps.js';

const checkSchema = {
  type: 'object',
  properties: { ok: { type: 'boolean' }, reason: { type: 'string' } },
} as const;

export const healthRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/healthz',
    {
      schema: {
        summary: 'Liveness',
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  const readySchema = {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['ready', 'not_ready'] },
      checks: { type: 'object', additionalProperties: checkSchema },
    },
  } as const;

  app.get(
    '/readyz',
    { schema: { summary: 'Readiness', response: { 200: readySchema, 503: readySchema } } },
    async (_request, reply) => {
      const checks: Record<string, { ok: boolean; reason?: string }> = {};
      const backend = await deps.backend.ping();
      checks['backend'] = backend.reason ? { ok: backend.ok, reason: backend.reason } : { ok: backend.ok };
      for (const [name, check] of Object.entries(deps.readinessChecks ?? {})) {
        const report = await check();
        checks[name] = report.reason ? { ok: report.ok, reason: report.reason } : { ok: report.ok };
      }
      const ok = Object.values(checks).every((c) => c.ok);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
    },
  );
};
