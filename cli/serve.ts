// `citebox serve`: the API and website over one runtime. On first start with an empty index it
// indexes Citebox's own documentation so the first question gets a cited answer.
import type { FastifyInstance } from 'fastify';
import { buildApp, listen } from '../api/index.js';
import type { PolitenessOptions } from '../crawler/index.js';
import { findDocFiles, indexDocs } from '../indexer/index.js';
import type { Config, Logger } from '../services/index.js';
import { webRoutes } from '../web/index.js';
import { openRuntime, packageRoot, type Runtime } from './runtime.js';

export interface Server {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly runtime: Runtime;
  close(): Promise<void>;
}

export interface ServerOptions {
  /** Crawl politeness overrides (tests use a fast retry). */
  readonly crawlPoliteness?: Partial<PolitenessOptions>;
}

export async function startServer(
  config: Config,
  logger: Logger,
  options: ServerOptions = {},
): Promise<Server> {
  const runtime = await openRuntime(config, logger, { crawlPoliteness: options.crawlPoliteness });
  const root = packageRoot();
  try {
    if (config.bootstrapDocs && (await runtime.backend.stats()).pages === 0) {
      await indexDocs(findDocFiles(root, config.publicUrl), runtime.indexer, logger);
    }
    runtime.crawls.resumeOrphans();
    const app = await buildApp({
      config,
      logger,
      metrics: runtime.metrics,
      backend: runtime.backend,
      answers: runtime.answers,
      crawls: runtime.crawls,
      docsRoot: root,
      web: webRoutes,
    });
    const url = await listen(app, config);
    let closing: Promise<void> | undefined;
    return {
      app,
      url,
      runtime,
      close() {
        closing ??= (async () => {
          await app.close();
          await runtime.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await runtime.close();
    throw err;
  }
}
