// The `citebox` command: serve | crawl | ask | status.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import {
  type Config,
  createLogger,
  errorMessage,
  isCiteboxError,
  type Logger,
  loadConfig,
  sharedResultStorePath,
} from '../services/index.js';
import { runAsk } from './commands/ask.js';
import { CRAWL_USAGE, runCrawl } from './commands/crawl.js';
import { runReindex } from './commands/reindex.js';
import { runStatus } from './commands/status.js';
import { runWorker, workerHealth } from './commands/worker.js';
import { packageVersion } from './runtime.js';
import { startServer } from './serve.js';
import { type ClusterMessage, isClusterMessage, runServePrimary } from './serve-cluster.js';

const USAGE = `Usage: citebox <command> [options]

Commands:
  serve                         run the API and website (PORT, default 8080)
  crawl <url...>                crawl sites into the index; resumes an interrupted crawl
      --max-pages N  --max-depth N  --include PATTERN  --exclude PATTERN
      --scope host|domain  --host NAME (more hosts)  --max-pages-per-host N  --refresh
  ask "<question>"              answer a question from the index
      --json  --top-k N  --sites a.com,b.org
  status                        backend, pages, passages, sites, crawl jobs
      --json
  worker                        run queued crawl jobs (beside an API with CITEBOX_CRAWL_WORKER=false)
      --healthcheck  (exit 0 when this host's worker is alive)
  reindex                       rebuild the Elasticsearch/OpenSearch index, swap its alias atomically
      --json  --keep-old

Configuration comes from the environment (see README).`;

function fail(message: string, code = 1): never {
  process.stderr.write(`citebox: ${message}\n`);
  process.exit(code);
}

function cliLogger(config: Config): Logger {
  // Commands other than serve keep stdout for their output and only log warnings unless asked.
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  return createLogger({ logLevel: level }, pino.destination(2));
}

async function serve(config: Config): Promise<void> {
  // Log lines are written asynchronously: a request never waits on the write of its access-log
  // line (stdout may be a slow pipe), and lines logged while a write is pending go out together.
  // Flushed at exit, whatever the way out.
  const destination = pino.destination({ dest: 1, sync: false });
  process.on('exit', () => {
    try {
      destination.flushSync();
    } catch (err) {
      process.stderr.write(`citebox: could not flush the last log lines: ${errorMessage(err)}\n`);
    }
  });
  const logger = createLogger(config, destination);
  const workers = config.workers === 'auto' ? availableParallelism() : config.workers;
  if (workers > 1 && cluster.isPrimary) {
    await runServePrimary(config, logger, workers);
    return;
  }
  // Workers share a search-result cache that their primary made room for (serve-cluster.ts).
  const server = await startServer(config, logger, {
    sharedSearchCache: cluster.isWorker ? sharedResultStorePath(config.dataDir, process.ppid) : undefined,
  });
  // Which process answered a scrape of /metrics (each worker has its own counters).
  server.runtime.metrics
    .gauge('citebox_server_process', 'This server process: cluster worker id (0 when alone) and pid', [
      'worker',
      'pid',
    ])
    .set({ worker: String(cluster.worker?.id ?? 0), pid: String(process.pid) }, 1);
  if (!cluster.isWorker) {
    logger.info(
      { url: server.url, backend: config.backend, dataDir: config.dataDir },
      'Citebox is listening',
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      // A second signal means "now".
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down');
    // Streams get the grace period and a final event; closing the index must not hang for ever.
    const force = setTimeout(() => {
      logger.error('shutdown did not finish in time; exiting');
      process.exit(1);
    }, config.shutdownGraceMs + 15_000);
    force.unref();
    server
      .close()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (cluster.isWorker) {
    // The primary says when all workers listen; it also asks them to stop.
    logger.info({ url: server.url, worker: cluster.worker?.id, pid: process.pid }, 'server worker listening');
    process.send?.({ type: 'citebox:listening', url: server.url } satisfies ClusterMessage);
    process.on('message', (message: unknown) => {
      if (isClusterMessage(message) && message.type === 'citebox:shutdown' && !stopping) stop('primary');
    });
    // A primary that died leaves no one to hand out connections: stop too.
    process.on('disconnect', () => {
      if (!stopping) stop('disconnect');
    });
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    fail(`invalid configuration: ${errorMessage(err)}`);
  }
  switch (command) {
    case 'serve':
      return serve(config);
    case 'crawl': {
      // Usage errors exit 2, a failed crawl 1 (CRAWL_USAGE lists the codes).
      const usage: (message: string) => never = (message) =>
        fail(`${message}\n(citebox crawl --help lists the options)`, 2);
      let parsed: ReturnType<typeof parseCrawlArgs> | undefined;
      try {
        parsed = parseCrawlArgs(rest);
      } catch (err) {
        // Node's parser explains "--" after its first sentence; the first says what went wrong.
        usage(errorMessage(err).split('. ')[0] ?? errorMessage(err));
      }
      const { values, positionals } = parsed;
      if (values.help) {
        process.stdout.write(`${CRAWL_USAGE}\n`);
        return;
      }
      if (positionals.length === 0) usage('crawl needs at least one URL');
      const scope = values.scope;
      if (scope !== undefined && scope !== 'host' && scope !== 'domain') {
        usage('--scope must be host or domain');
      }
      const exit = await runCrawl(config, cliLogger(config), {
        seeds: positionals,
        maxPages: intOption(values['max-pages'], '--max-pages', 2),
        maxDepth: intOption(values['max-depth'], '--max-depth', 2),
        include: values.include,
        exclude: values.exclude,
        scope,
        hosts: values.host,
        maxPagesPerHost: intOption(values['max-pages-per-host'], '--max-pages-per-host', 2),
        refresh: values.refresh ?? false,
      });
      process.exitCode = exit;
      return;
    }
    case 'ask': {
      const { values, positionals } = parseArgs({
        args: [...rest],
        allowPositionals: true,
        options: { json: { type: 'boolean' }, 'top-k': { type: 'string' }, sites: { type: 'string' } },
      });
      const question = positionals.join(' ').trim();
      if (!question) fail('ask needs a question, e.g. citebox ask "how do I crawl my site?"');
      process.exitCode = await runAsk(config, cliLogger(config), {
        question,
        json: values.json ?? false,
        topK: intOption(values['top-k'], '--top-k'),
        sites: values.sites
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      });
      return;
    }
    case 'status': {
      const { values } = parseArgs({ args: [...rest], options: { json: { type: 'boolean' } } });
      process.exitCode = await runStatus(config, cliLogger(config), { json: values.json ?? false });
      return;
    }
    case 'worker': {
      const { values } = parseArgs({ args: [...rest], options: { healthcheck: { type: 'boolean' } } });
      if (values.healthcheck) {
        process.exitCode = workerHealth(config);
        return;
      }
      const stop = new AbortController();
      process.once('SIGTERM', () => stop.abort());
      process.once('SIGINT', () => stop.abort());
      const code = await runWorker(config, createLogger(config), { signal: stop.signal });
      process.exit(code);
      return;
    }
    case 'reindex': {
      const { values } = parseArgs({
        args: [...rest],
        options: { json: { type: 'boolean' }, 'keep-old': { type: 'boolean' } },
      });
      process.exitCode = await runReindex(config, cliLogger(config), {
        json: values.json ?? false,
        keepOld: values['keep-old'] ?? false,
      });
      return;
    }
    default:
      fail(`unknown command "${command}"\n\n${USAGE}`);
  }
}

function intOption(value: string | undefined, name: string, exitCode = 1): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`${name} must be a whole number, not "${value}"`, exitCode);
  return Number(value);
}

function parseCrawlArgs(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      'max-pages': { type: 'string' },
      'max-depth': { type: 'string' },
      include: { type: 'string', multiple: true },
      exclude: { type: 'string', multiple: true },
      scope: { type: 'string' },
      host: { type: 'string', multiple: true },
      'max-pages-per-host': { type: 'string' },
      refresh: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

// `citebox ask … | head`: a reader that stops reading early is not an error. (The server and the
// worker log to stdout; for them a closed stdout is left to the logger.)
const command = process.argv[2];
if (command !== 'serve' && command !== 'worker') {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (isCiteboxError(err)) fail(`${err.code}: ${err.message}`);
  if (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    fail(err.message);
  process.stderr.write(`citebox: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
