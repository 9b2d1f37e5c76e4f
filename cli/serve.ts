// `citebox serve`: the API and website over one runtime. On first start with an empty index it
// indexes Citebox's own documentation so the first question gets a cited answer.
import type { FastifyInstance } from 'fastify';
import { buildApp, type CloseReport, closeGracefully, listen } from '../api/index.js';
import type { PolitenessOptions } from '../crawler/index.js';
import { findDocFiles, indexDocs } from '../indexer/index.js';
import type { Config, Logger } from '../services/index.js';
import { webRoutes } from '../web/index.js';
import { openRuntime, packageRoot, packageVersion, type Runtime } from './runtime.js';

export interface Server {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly runtime: Runtime;
  /**
   * Graceful stop: refuse new requests, give in-flight ones `graceMs` (CITEBOX_SHUTDOWN_GRACE_MS by
   * default) to finish, end open streams with a final event, then stop crawls and flush and close
   * the index.
   */
  close(graceMs?: number): Promise<void>;
}

export interface ServerOptions {
  /** Crawl politeness overrides (tests use a fast retry). */
  readonly crawlPoliteness?: Partial<PolitenessOptions>;
  /** The search-result cache file the processes of this server share (cluster workers). */
  readonly sharedSearchCache?: string | undefined;
  /** A cluster worker that listens with a socket of its own on the shared port (SO_REUSEPORT). */
  readonly ownSocket?: boolean;
}

export async function startServer(
  config: Config,
  logger: Logger,
  options: ServerOptions = {},
): Promise<Server> {
  const runtime = await openRuntime(config, logger, {
    crawlPoliteness: options.crawlPoliteness,
    sharedSearchCache: options.sharedSearchCache,
  });
  const root = packageRoot();
  try {
    if (config.bootstrapDocs && (await runtime.backend.stats()).pages === 0) {
      await indexDocs(findDocFiles(root, config.publicUrl), runtime.indexer, logger);
    }
    // Jobs whose runner died (or, in a fleet, every unfinished job) are taken up; an engine out of
    // reach only delays that (the service keeps looking).
    await runtime.crawls
      .resumeOrphans()
      .catch((err: unknown) =>
        logger.warn({ err }, 'could not look for crawl jobs to resume; trying again shortly'),
      );
    const llm = runtime.llm;
    const app = await buildApp(
      {
        config,
        logger,
        metrics: runtime.metrics,
        backend: runtime.backend,
        answers: runtime.answers,
        crawls: runtime.crawls,
        ...(llm ? { readinessChecks: { llm: () => llm.ping() } } : {}),
        docsRoot: root,
        web: webRoutes,
      },
      { version: packageVersion() },
    );
    const url = await listen(app, config, { ownSocket: options.ownSocket === true });
    let closing: Promise<void> | undefined;
    return {
      app,
      url,
      runtime,
      close(graceMs = config.shutdownGraceMs) {
        closing ??= (async () => {
          let report: CloseReport | undefined;
          try {
            report = await closeGracefully(app, graceMs);
          } finally {
            // Crawls stop, written pages are flushed to the index, the index is closed.
            await runtime.close();
          }
          logger.info({ ...report }, 'server stopped');
        })();
        return closing;
      },
    };
  } catch (err) {
    await runtime.close();
    throw err;
  }
}
