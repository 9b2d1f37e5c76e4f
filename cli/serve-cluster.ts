// `citebox serve` with CITEBOX_WORKERS > 1: a primary process forks that many servers (node:cluster)
// which share the port. How new connections reach them (CITEBOX_WORKERS_BALANCE): on Linux each
// worker has its own listening socket on the port (SO_REUSEPORT) and the kernel spreads connections
// over them, so a burst of new connections under load is accepted at once by every worker; elsewhere
// the primary accepts each connection and hands it to the next worker in turn (node:cluster
// round-robin), where each hand-off waits for a busy worker's event loop: measured with 32 new
// connections opened at once on two busy workers, the last ones waited 0.4-0.9 s for their first
// response (docs/api.md). Each worker opens the index itself (SQLite in WAL mode lets many
// processes read while one writes). The first worker
// keeps the configured roles — it indexes the docs on a first start and runs crawl jobs — and is
// started alone; the others start once it listens, with both roles off (crawls asked of them are
// queued, and the first worker picks them up). Worker output reaches stdout through the primary
// one whole line at a time, so log lines of two processes never mix. SIGTERM/SIGINT: every worker
// shuts down gracefully (in-flight streams end with a final event) and the primary exits 0 when
// they all did. A worker that dies is started again. The workers share a search-result cache file
// (services/search/shared-result-store.ts) named after the primary's pid; the primary removes it
// when the server stops, and at start any left by a server that was killed.
import cluster, { type Worker } from 'node:cluster';
import { createServer } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { type Config, type Logger, removeSharedResultStores } from '../services/index.js';

/** Messages between the primary and its workers. */
export type ClusterMessage =
  | { readonly type: 'citebox:listening'; readonly url: string }
  | { readonly type: 'citebox:shutdown' };

export function isClusterMessage(value: unknown): value is ClusterMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { type?: unknown }).type === 'string' &&
    (value as { type: string }).type.startsWith('citebox:')
  );
}

/**
 * Environment of worker `index` (0-based) over the primary's own. `port`: the port every worker
 * listens on with its own socket (CITEBOX_WORKERS_BALANCE=kernel), the one the primary found free
 * when the configured port is 0.
 */
export function workerEnvironment(index: number, port?: number): Record<string, string> {
  // Only the first worker indexes the docs and runs crawl jobs.
  const roles: Record<string, string> =
    index === 0 ? {} : { CITEBOX_CRAWL_WORKER: 'false', CITEBOX_BOOTSTRAP_DOCS: 'false' };
  return port === undefined ? roles : { ...roles, PORT: String(port) };
}

/** Whether the workers listen with sockets of their own (SO_REUSEPORT) rather than through the primary. */
export function workersOwnSockets(
  balance: Config['workersBalance'],
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (balance === 'auto') return platform === 'linux';
  return balance === 'kernel';
}

/**
 * Listens on `host:port` once, without SO_REUSEPORT, and closes: the port the workers will share
 * (the one the system picked when `port` is 0). A port another program holds fails here with
 * EADDRINUSE, as it would without SO_REUSEPORT, rather than being silently shared with it.
 */
export function reservePort(host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ host, port, exclusive: true }, () => {
      const address = probe.address();
      const found = typeof address === 'object' && address ? address.port : port;
      probe.close(() => resolve(found));
    });
  });
}

/** Copies `from` to `to` in whole lines (a partial last line waits for its end). */
function relayLines(from: Readable | null, to: Writable): void {
  if (!from) return;
  let rest = '';
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => {
    const text = rest + chunk;
    const cut = text.lastIndexOf('\n');
    if (cut < 0) {
      rest = text;
      return;
    }
    rest = text.slice(cut + 1);
    to.write(text.slice(0, cut + 1));
  });
  from.on('end', () => {
    if (rest) to.write(`${rest}\n`);
    rest = '';
  });
}

const RESTART_DELAY_MS = 1_000;

/**
 * Runs the primary: forks `count` workers (this same program, `citebox serve`), logs
 * "Citebox is listening" once all of them listen, restarts a worker that dies, and on SIGTERM or
 * SIGINT asks them all to stop and exits with 0 when every one exited with 0.
 */
export async function runServePrimary(config: Config, logger: Logger, count: number): Promise<void> {
  const log = logger.child({ component: 'cluster' });
  const stale = removeSharedResultStores(config.dataDir, process.pid);
  if (stale.length > 0)
    log.info({ files: stale }, 'removed search-result caches of servers no longer running');
  cluster.setupPrimary({ silent: true });
  const ownSockets = workersOwnSockets(config.workersBalance);
  // With sockets of their own, every worker (and any that replaces one) listens on the same port.
  const port = ownSockets ? await reservePort(config.host, config.port) : undefined;
  const roles = new Map<Worker, number>();
  let stopping = false;
  let started = false;

  const fork = (index: number): Worker => {
    const worker = cluster.fork(workerEnvironment(index, port));
    roles.set(worker, index);
    relayLines(worker.process.stdout, process.stdout);
    relayLines(worker.process.stderr, process.stderr);
    return worker;
  };

  const listening = (worker: Worker): Promise<string> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: unknown) => {
        if (isClusterMessage(message) && message.type === 'citebox:listening') {
          worker.off('exit', onExit);
          worker.off('message', onMessage);
          resolve(message.url);
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        worker.off('message', onMessage);
        reject(new Error(`worker ${worker.process.pid} exited with ${signal ?? code} before listening`));
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
    });

  cluster.on('exit', (worker, code, signal) => {
    const index = roles.get(worker);
    roles.delete(worker);
    if (stopping || !started || index === undefined) return;
    log.error(
      { worker: index, pid: worker.process.pid, code, signal },
      'a server worker died; starting another',
    );
    setTimeout(() => {
      if (stopping) return;
      const replacement = fork(index);
      listening(replacement).catch((err: unknown) => log.error({ err, worker: index }, 'restart failed'));
    }, RESTART_DELAY_MS).unref();
  });

  const stop = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: stopping the workers without waiting');
      for (const worker of roles.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal, workers: roles.size, graceMs: config.shutdownGraceMs }, 'shutting down');
    const codes: Array<number | null> = [];
    const exited = [...roles.keys()].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) {
            codes.push(worker.process.exitCode);
            resolve();
            return;
          }
          worker.once('exit', (code) => {
            codes.push(code);
            resolve();
          });
          worker.send({ type: 'citebox:shutdown' } satisfies ClusterMessage);
        }),
    );
    const force = setTimeout(() => {
      log.error('workers did not stop in time; exiting');
      for (const worker of roles.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, config.shutdownGraceMs + 20_000);
    force.unref();
    void Promise.all(exited).then(() => {
      const ok = codes.every((c) => c === 0);
      removeSharedResultStores(config.dataDir, process.pid);
      log.info({ workers: codes.length, ok }, 'server stopped');
      process.exit(ok ? 0 : 1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  try {
    // The first worker alone: it may index the docs, which the others would otherwise race for.
    const first = fork(0);
    const url = await listening(first);
    const rest: Worker[] = [];
    for (let i = 1; i < count; i++) rest.push(fork(i));
    await Promise.all(rest.map(listening));
    started = true;
    log.info(
      {
        url,
        workers: count,
        balance: ownSockets ? 'kernel' : 'primary',
        pids: [first, ...rest].map((w) => w.process.pid),
        backend: config.backend,
        dataDir: config.dataDir,
        pid: process.pid,
      },
      'Citebox is listening',
    );
  } catch (err) {
    stopping = true;
    for (const worker of roles.keys()) worker.process.kill('SIGTERM');
    throw err;
  }
}
