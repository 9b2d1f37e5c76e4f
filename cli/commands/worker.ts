// `citebox worker`: runs the crawl jobs that an API started with CITEBOX_CRAWL_WORKER=false only
// queues (docker compose runs one of each). Jobs are shared through crawl.sqlite in the data
// directory: the worker picks up queued jobs and jobs whose runner died, claims each in a
// transaction (several workers never run one job twice), and sees cancels made through the API.
import { statSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Config, Logger } from '../../services/index.js';
import { openRuntime } from '../runtime.js';

export interface WorkerOptions {
  /** How often to look for queued jobs, in ms. */
  readonly pollMs?: number;
  /** Stops the worker (tests); SIGTERM/SIGINT do the same from the command line. */
  readonly signal?: AbortSignal;
}

/** The file a live worker touches on every poll; `citebox worker --healthcheck` reads it. */
export function workerHeartbeatPath(dataDir: string): string {
  return join(dataDir, `worker-${hostname()}.alive`);
}

export async function runWorker(
  config: Config,
  logger: Logger,
  options: WorkerOptions = {},
): Promise<number> {
  if (!config.crawlWorker) {
    logger.error('CITEBOX_CRAWL_WORKER=false: this process may not run crawl jobs');
    return 1;
  }
  const pollMs = options.pollMs ?? 2_000;
  const runtime = await openRuntime(config, logger);
  const heartbeat = workerHeartbeatPath(config.dataDir);
  const log = logger.child({ component: 'worker' });
  log.info({ backend: config.backend, dataDir: config.dataDir, pollMs }, 'crawl worker started');
  const stop = new AbortController();
  options.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  try {
    while (!stop.signal.aborted) {
      let started: string[] = [];
      try {
        started = await runtime.crawls.resumeOrphans();
      } catch (err) {
        log.warn({ err }, 'looking for crawl jobs failed; trying again');
      }
      if (started.length > 0) log.info({ jobs: started }, 'running crawl jobs');
      touch(heartbeat);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        stop.signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
  } finally {
    // Running jobs stop where they are and stay resumable by the next worker.
    await runtime.close();
    log.info('crawl worker stopped');
  }
  return 0;
}

/** Exit code for a container healthcheck: 0 when this host's worker polled in the last minute. */
export function workerHealth(config: Config, maxAgeMs = 60_000): number {
  try {
    return Date.now() - statSync(workerHeartbeatPath(config.dataDir)).mtimeMs <= maxAgeMs ? 0 : 1;
  } catch {
    return 1;
  }
}

function touch(path: string): void {
  const now = new Date();
  try {
    utimesSync(path, now, now);
  } catch {
    writeFileSync(path, `${process.pid}\n`);
  }
}
