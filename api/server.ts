// Runs an app built by buildApp: listen, and close gracefully (stop accepting, let in-flight work
// finish within the grace period, end open streams with a final event, then close).
import type { FastifyInstance, FastifyListenOptions } from 'fastify';
import type { Config } from '../services/index.js';
import { lifecycleOf } from './app.js';

/**
 * Listens on the configured address. `ownSocket`: a cluster worker with a listening socket of its
 * own on a port its siblings share (SO_REUSEPORT; cli/serve-cluster.ts), not the primary's.
 */
export async function listen(
  app: FastifyInstance,
  config: Pick<Config, 'port' | 'host'>,
  options: { readonly ownSocket?: boolean } = {},
): Promise<string> {
  if (!options.ownSocket) return app.listen({ port: config.port, host: config.host });
  // Fastify hands these options to net.Server#listen (its types predate `reusePort`).
  const listenOptions = { port: config.port, host: config.host, exclusive: true, reusePort: true };
  return app.listen(listenOptions as FastifyListenOptions);
}

export interface CloseReport {
  /** Streams that were still open at the end of the grace period and were ended early. */
  readonly stoppedStreams: number;
  /** Requests still running when the connections were closed. */
  readonly leftRequests: number;
}

/**
 * Stops the app: refuses new connections and requests (503 SHUTTING_DOWN), waits up to `graceMs`
 * for in-flight requests and streams, ends the streams still open with a final `error` event,
 * closes the remaining connections and runs the app's onClose hooks.
 */
export async function closeGracefully(app: FastifyInstance, graceMs: number): Promise<CloseReport> {
  const lifecycle = lifecycleOf(app);
  if (!lifecycle) {
    await app.close();
    return { stoppedStreams: 0, leftRequests: 0 };
  }
  const server = app.server;
  const stopped = new Promise<void>((resolve) => {
    if (!server.listening) resolve();
    else server.close(() => resolve());
  });
  server.closeIdleConnections();
  const report = await lifecycle.drain(graceMs);
  server.closeAllConnections();
  await stopped;
  await app.close();
  return report;
}
