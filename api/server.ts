// Runs an app built by buildApp: listen, and close gracefully (stop accepting, let in-flight work
// finish within the grace period, end open streams with a final event, then close).
import { createServer, type Server } from 'node:net';
import type { FastifyInstance, FastifyListenOptions } from 'fastify';
import type { Config } from '../services/index.js';
import { lifecycleOf } from './app.js';

/** The extra listening sockets of an app that listens with several (closed with it). */
const extraListeners = new WeakMap<FastifyInstance, readonly Server[]>();

/**
 * Listens on the configured address. `ownSocket`: a cluster worker with listening sockets of its
 * own on a port its siblings share (SO_REUSEPORT; cli/serve-cluster.ts), not the primary's —
 * `acceptSockets` of them (CITEBOX_ACCEPT_SOCKETS), all feeding the one HTTP server.
 *
 * Why several: libuv (since 1.49, Node 23) accepts one connection per listening socket per turn of
 * the event loop, and a turn of a busy server lasts as long as the requests it has in hand (16
 * answers ≈ 40 ms), so a burst of 16 new connections on one socket waited up to 0.6 s for the last
 * to be accepted while the connections already open were served again and again. The kernel
 * spreads new connections over every socket of the port, and each socket gives one per turn.
 */
export async function listen(
  app: FastifyInstance,
  config: Pick<Config, 'port' | 'host'> & Partial<Pick<Config, 'acceptSockets'>>,
  options: { readonly ownSocket?: boolean } = {},
): Promise<string> {
  if (!options.ownSocket) return app.listen({ port: config.port, host: config.host });
  // Fastify hands these options to net.Server#listen (its types predate `reusePort`).
  const listenOptions = { port: config.port, host: config.host, exclusive: true, reusePort: true };
  const extra: Server[] = [];
  extraListeners.set(app, extra);
  // (Fastify takes hooks only before it listens.)
  app.addHook('onClose', async () => {
    for (const listener of extra) closeListener(listener);
  });
  const url = await app.listen(listenOptions as FastifyListenOptions);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  for (let i = 1; i < (config.acceptSockets ?? 1); i++) {
    // An HTTP server takes connections accepted elsewhere through its 'connection' event.
    const listener = createServer((socket) => app.server.emit('connection', socket));
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ ...listenOptions, port }, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    extra.push(listener);
  }
  return url;
}

/** Stops a listening socket from accepting (its connections belong to the HTTP server, which ends them). */
function closeListener(listener: Server): void {
  if (listener.listening) listener.close();
}

/** How many sockets the app listens with (1 unless `listen` opened more). */
export function listeningSockets(app: FastifyInstance): number {
  return 1 + (extraListeners.get(app)?.filter((l) => l.listening).length ?? 0);
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
  // The other listening sockets stop accepting too (their connections are the server's).
  for (const listener of extraListeners.get(app) ?? []) closeListener(listener);
  server.closeIdleConnections();
  const report = await lifecycle.drain(graceMs);
  server.closeAllConnections();
  await stopped;
  await app.close();
  return report;
}
