// Operations: /healthz (the process is alive), /readyz (the backend, and the LLM when set, answer;
// each check with its reason, and not ready while shutting down) and /metrics (Prometheus).
import type { FastifyPluginAsync } from 'fastify';
import { errorMessage, type HealthReport } from '../../services/index.js';
import { requireApiKey } from '../auth.js';
import type { RouteOptions } from '../context.js';
import { API_SECURITY } from '../openapi.js';
import { errorResponses, healthSchema, readinessSchema } from '../schemas.js';

/** A readiness check that hangs is a failed check, not a hung probe. */
export const CHECK_TIMEOUT_MS = 2000;

async function runCheck(check: () => Promise<HealthReport>): Promise<{ ok: boolean; reason?: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const report = await Promise.race([
      check(),
      new Promise<HealthReport>((resolve) => {
        timer = setTimeout(
          () => resolve({ ok: false, reason: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return report.reason ? { ok: report.ok, reason: report.reason } : { ok: report.ok };
  } catch (err) {
    return { ok: false, reason: errorMessage(err) };
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const { deps, lifecycle } = ctx;
  const ops = { tags: ['operations'] };

  app.get(
    '/healthz',
    { schema: { ...ops, summary: 'Liveness: the process answers', response: { 200: healthSchema } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        ...ops,
        summary: 'Readiness: the search backend (and the LLM, when configured) answer',
        response: { 200: readinessSchema, 503: readinessSchema },
      },
    },
    async (_request, reply) => {
      const checks: Record<string, { ok: boolean; reason?: string }> = {};
      const named: Array<[string, () => Promise<HealthReport>]> = [
        ['backend', () => deps.backend.ping()],
        ...Object.entries(deps.readinessChecks ?? {}),
      ];
      const results = await Promise.all(named.map(([, check]) => runCheck(check)));
      named.forEach(([name], i) => {
        checks[name] = results[i] ?? { ok: false, reason: 'not run' };
      });
      if (lifecycle.draining) checks['server'] = { ok: false, reason: 'shutting down' };
      const ok = Object.values(checks).every((c) => c.ok);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ready' : 'not_ready', checks });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        ...ops,
        summary: 'Prometheus metrics',
        description:
          'Text exposition format. Needs a key (API or admin) when `CITEBOX_API_KEYS` is set. Metric names are listed in docs/api.md.',
        security: API_SECURITY,
        produces: ['text/plain'],
        response: {
          200: {
            description: 'Prometheus text format',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...errorResponses(401),
        },
      },
    },
    async (request, reply) => {
      requireApiKey(request, deps.config.apiKeys, deps.config.adminKey);
      const metrics = deps.metrics;
      if (!metrics) return reply.type('text/plain; version=0.0.4; charset=utf-8').send('');
      try {
        const stats = await deps.backend.stats();
        const gauge = metrics.indexDocuments();
        gauge.set({ kind: 'pages' }, stats.pages);
        gauge.set({ kind: 'passages' }, stats.passages);
      } catch (err) {
        request.log.warn({ err }, 'index stats unavailable for metrics');
      }
      return reply.type(metrics.contentType).send(await metrics.text());
    },
  );
};
