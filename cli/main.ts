// The `citebox` command: serve | crawl | ask | status | worker | reindex, and their --help (help.ts).
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { tuneCrawlProcess } from '../crawler/process-tuning.js';
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
import { type CrawlCommandOptions, runCrawl } from './commands/crawl.js';
import { runReindex } from './commands/reindex.js';
import { runStatus } from './commands/status.js';
import { runWorker, workerHealth } from './commands/worker.js';
import { EXIT_USAGE, helpText, overviewHelp } from './help.js';
import { logOutput } from './log-output.js';
import { packageVersion } from './runtime.js';
import { startServer } from './serve.js';
import {
  type ClusterMessage,
  isClusterMessage,
  runServePrimary,
  workersOwnSockets,
} from './serve-cluster.js';

function fail(message: string, code = 1): never {
  process.stderr.write(`citebox: ${message}\n`);
  process.exit(code);
}

function cliLogger(config: Config): Logger {
  // Commands other than serve keep stdout for their output and only log warnings unless asked.
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const output = logOutput(config.logFormat, 2);
  process.on('exit', () => output.flush());
  return createLogger({ logLevel: level }, output.destination);
}

async function serve(config: Config): Promise<void> {
  // JSON log lines are written asynchronously: a request never waits on the write of its
  // access-log line (stdout may be a slow pipe), and lines logged while a write is pending go out
  // together. Flushed at exit, whatever the way out. On a terminal: readable lines (LOG_FORMAT).
  const output = logOutput(config.logFormat, 1);
  process.on('exit', () => {
    try {
      output.flush();
    } catch (err) {
      process.stderr.write(`citebox: could not flush the last log lines: ${errorMessage(err)}\n`);
    }
  });
  const logger = createLogger(config, output.destination);
  const workers = config.workers === 'auto' ? availableParallelism() : config.workers;
  if (workers > 1 && cluster.isPrimary) {
    await runServePrimary(config, logger, workers);
    return;
  }
  // Workers share a search-result cache that their primary made room for (serve-cluster.ts).
  const server = await startServer(config, logger, {
    sharedSearchCache: cluster.isWorker ? sharedResultStorePath(config.dataDir, process.ppid) : undefined,
    ownSocket: cluster.isWorker && workersOwnSockets(config.workersBalance),
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
    // A primary that died leaves no one to restart or stop the workers (nor, with
    // CITEBOX_WORKERS_BALANCE=primary, to hand out connections): stop too.
    process.on('disconnect', () => {
      if (!stopping) stop('disconnect');
    });
  }
}

/** Bad usage: says what is wrong and where the help is, and exits EXIT_USAGE. */
function usage(command: string, message: string): never {
  fail(`${message}\n(citebox ${command} --help lists the options)`, EXIT_USAGE);
}

/** Node's parseArgs, its errors turned into usage errors (its first sentence says what is wrong). */
function parsing<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    return usage(command, errorMessage(err).split('. ')[0] ?? errorMessage(err));
  }
}

function intOption(command: string, value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) usage(command, `${name} must be a whole number, not "${value}"`);
  return Number(value);
}

/** What a command line asks for, checked before the configuration is read. */
function plan(command: string, args: readonly string[]): (config: Config) => Promise<void> {
  switch (command) {
    case 'serve': {
      parsing(command, () => parseArgs({ args: [...args], options: {} }));
      return (config) => serve(config);
    }
    case 'crawl': {
      const { values, positionals } = parsing(command, () =>
        parseArgs({
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
          },
        }),
      );
      if (positionals.length === 0) usage(command, 'crawl needs at least one URL');
      const scope = values.scope;
      if (scope !== undefined && scope !== 'host' && scope !== 'domain') {
        usage(command, '--scope must be host or domain');
      }
      const options: CrawlCommandOptions = {
        seeds: positionals,
        maxPages: intOption(command, values['max-pages'], '--max-pages'),
        maxDepth: intOption(command, values['max-depth'], '--max-depth'),
        include: values.include,
        exclude: values.exclude,
        scope: scope as CrawlCommandOptions['scope'],
        hosts: values.host,
        maxPagesPerHost: intOption(command, values['max-pages-per-host'], '--max-pages-per-host'),
        refresh: values.refresh ?? false,
      };
      return async (config) => {
        // A process that only crawls runs without V8's top-tier compiler (crawler/process-tuning.ts).
        tuneCrawlProcess();
        process.exitCode = await runCrawl(config, cliLogger(config), options);
      };
    }
    case 'ask': {
      const { values, positionals } = parsing(command, () =>
        parseArgs({
          args: [...args],
          allowPositionals: true,
          options: { json: { type: 'boolean' }, 'top-k': { type: 'string' }, sites: { type: 'string' } },
        }),
      );
      const question = positionals.join(' ').trim();
      if (!question) usage(command, 'ask needs a question, e.g. citebox ask "how do I crawl my site?"');
      const options = {
        question,
        json: values.json ?? false,
        topK: intOption(command, values['top-k'], '--top-k'),
        sites: values.sites
          ?.split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
      return async (config) => {
        process.exitCode = await runAsk(config, cliLogger(config), options);
      };
    }
    case 'status': {
      const { values } = parsing(command, () =>
        parseArgs({ args: [...args], options: { json: { type: 'boolean' } } }),
      );
      return async (config) => {
        process.exitCode = await runStatus(config, cliLogger(config), { json: values.json ?? false });
      };
    }
    case 'worker': {
      const { values } = parsing(command, () =>
        parseArgs({ args: [...args], options: { healthcheck: { type: 'boolean' } } }),
      );
      return async (config) => {
        if (values.healthcheck) {
          process.exitCode = workerHealth(config);
          return;
        }
        const stop = new AbortController();
        process.once('SIGTERM', () => stop.abort());
        process.once('SIGINT', () => stop.abort());
        const output = logOutput(config.logFormat, 1);
        const code = await runWorker(config, createLogger(config, output.destination), {
          signal: stop.signal,
        });
        output.flush();
        process.exit(code);
      };
    }
    case 'reindex': {
      const { values } = parsing(command, () =>
        parseArgs({
          args: [...args],
          options: { json: { type: 'boolean' }, 'keep-old': { type: 'boolean' } },
        }),
      );
      return async (config) => {
        process.exitCode = await runReindex(config, cliLogger(config), {
          json: values.json ?? false,
          keepOld: values['keep-old'] ?? false,
        });
      };
    }
    default:
      return fail(`unknown command "${command}"\n\n${overviewHelp()}`, EXIT_USAGE);
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  // Help needs no configuration, so it works before anything is set up.
  const help = helpText(argv);
  if (help !== undefined) {
    process.stdout.write(`${help}\n`);
    return;
  }
  const [command = '', ...rest] = argv;
  if (command === 'help') fail(`unknown command "${rest[0]}"\n\n${overviewHelp()}`, EXIT_USAGE);
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${packageVersion()}\n`);
    return;
  }
  const run = plan(command, rest);
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    fail(`invalid configuration: ${errorMessage(err)}`);
  }
  await run(config);
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
  process.stderr.write(`citebox: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
