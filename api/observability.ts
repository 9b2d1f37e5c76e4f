// Per-request bookkeeping in one place: the request id header, in-flight counting for graceful
// shutdown (new requests are refused while draining), the latency histogram per route and one
// access-log line per request. Everything is recorded when the response stream closes, so
// streams, hijacked replies and clients that went away are all counted.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CiteboxError, type Metrics } from '../services/index.js';
import type { Lifecycle } from './lifecycle.js';

/** Probes keep answering while draining: /readyz then says "shutting down". */
const DRAIN_EXEMPT = new Set(['/healthz', '/readyz', '/metrics']);

export interface ObservabilityOptions {
  readonly lifecycle: Lifecycle;
  readonly metrics?: Metrics | undefined;
  readonly accessLog: boolean;
}

/** The route template for labels; unmatched requests share one label (no unbounded cardinality). */
export function routeLabel(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

export function registerObservability(app: FastifyInstance, options: ObservabilityOptions): void {
  const { lifecycle, metrics, accessLog } = options;
  const histogram = metrics?.httpRequestDuration();

  function finished(request: FastifyRequest, reply: FastifyReply): void {
    const status = reply.raw.statusCode;
    const seconds = reply.elapsedTime / 1000;
    const route = routeLabel(request);
    histogram?.observe({ method: request.method, route, status_code: String(status) }, seconds);
    if (accessLog) {
      request.log.info(
        {
          method: request.method,
          route,
          path: request.url.split('?', 1)[0]?.slice(0, 200),
          status,
          ms: Math.round(seconds * 10_000) / 10,
          ip: request.ip,
          ...(reply.raw.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    }
  }

  // Callback-style hooks: they run on every request, and an async hook costs a promise each.
  app.addHook('onRequest', (request, reply, next) => {
    reply.header('x-request-id', request.id);
    const done = lifecycle.requestStarted();
    reply.raw.once('close', () => {
      done();
      finished(request, reply);
    });
    if (lifecycle.draining && !DRAIN_EXEMPT.has(routeLabel(request))) {
      reply.header('connection', 'close');
      next(new CiteboxError('SHUTTING_DOWN', 'The server is shutting down; retry on another instance'));
      return;
    }
    next();
  });

  // While draining, connections are closed after their response, so the server can stop.
  app.addHook('onSend', (_request, reply, payload, next) => {
    if (lifecycle.draining) reply.header('connection', 'close');
    next(null, payload);
  });
}
