// `citebox reindex`: rebuilds the Elasticsearch/OpenSearch passages index with the current design
// and settings (analyzers, shards, replicas, vector field) and swaps the alias to it atomically;
// searches keep working on the old index until the swap.
import { type Config, createEngineBackend, errorMessage, type Logger } from '../../services/index.js';

export async function runReindex(
  config: Config,
  logger: Logger,
  options: { json: boolean; keepOld: boolean },
): Promise<number> {
  if (config.backend === 'sqlite') {
    process.stderr.write(
      'citebox: reindex rebuilds an Elasticsearch or OpenSearch index; the embedded SQLite index needs none.\n' +
        'To move to an engine, set CITEBOX_BACKEND and its URL, then crawl your sites again (see docs/self-hosting.md).\n',
    );
    return 1;
  }
  const backend = createEngineBackend(config, logger);
  try {
    const started = Date.now();
    process.stderr.write(`Rebuilding the "${backend.alias}" index on ${config.backend}…\n`);
    const report = await backend.reindex({ keepOld: options.keepOld });
    const seconds = (Date.now() - started) / 1000;
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ ...report, seconds })}\n`);
    } else {
      process.stdout.write(
        `Reindexed ${report.copied} documents from ${report.from} into ${report.to} in ${seconds.toFixed(1)} s; ` +
          `the alias "${backend.alias}" now points to ${report.to}.` +
          (report.caughtUp > 0 ? ` ${report.caughtUp} written meanwhile were copied again.` : '') +
          (report.failures > 0 ? ` ${report.failures} documents failed.` : '') +
          (report.deletedOld ? ` ${report.from} was deleted.` : ` ${report.from} was kept.`) +
          '\n',
      );
    }
    return report.failures > 0 ? 1 : 0;
  } catch (err) {
    process.stderr.write(`citebox: reindex failed: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    await backend.close();
  }
}
