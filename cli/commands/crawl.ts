// `citebox crawl <url...>`: crawls in the foreground with a live progress line, resumes an
// interrupted crawl of the same seeds, and ends with a summary. Ctrl-C stops it resumably.
import type { CrawlStats } from '../../crawler/index.js';
import { type Config, errorMessage, isCiteboxError, type Logger } from '../../services/index.js';
import { EXIT_USAGE } from '../help.js';
import { openRuntime } from '../runtime.js';

export interface CrawlCommandOptions {
  readonly seeds: readonly string[];
  readonly maxPages?: number | undefined;
  readonly maxDepth?: number | undefined;
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
  readonly scope?: 'host' | 'domain' | undefined;
  /** More hosts to crawl besides the scope's (with either scope). */
  readonly hosts?: readonly string[] | undefined;
  readonly maxPagesPerHost?: number | undefined;
  /** Re-fetch every page now, whatever its revisit interval says. */
  readonly refresh?: boolean | undefined;
}

function bar(done: number, total: number, width = 24): string {
  const ratio = total > 0 ? Math.min(1, done / total) : 0;
  const filled = Math.round(ratio * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

export function progressLine(stats: CrawlStats, elapsedMs: number, fetchedBefore = 0): string {
  const seconds = Math.max(elapsedMs / 1000, 0.001);
  const unchanged = stats.unchanged ?? 0;
  const done = stats.indexed + stats.skipped + stats.failed + unchanged;
  const rate = Math.max(0, stats.fetched - fetchedBefore) / seconds;
  return `${bar(done, done + stats.queued)} fetched ${stats.fetched}  queued ${stats.queued}  indexed ${stats.indexed}${unchanged ? `  unchanged ${unchanged}` : ''}  skipped ${stats.skipped}  errors ${stats.failed}  ${rate.toFixed(1)} pages/s`;
}

export async function runCrawl(
  config: Config,
  logger: Logger,
  options: CrawlCommandOptions,
): Promise<number> {
  const runtime = await openRuntime(config, logger);
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastLine = 0;
  // A resumed job's earlier fetches do not count towards this run's rate.
  let fetchedBefore: number | undefined;
  const show = (stats: CrawlStats, force = false) => {
    fetchedBefore ??= stats.fetched;
    const line = progressLine(stats, Date.now() - started, fetchedBefore);
    if (tty) process.stderr.write(`\r\x1b[2K${line}`);
    else if (force || Date.now() - lastLine > 5000) {
      process.stderr.write(`${line}\n`);
      lastLine = Date.now();
    }
  };
  try {
    const job = await runtime.crawls.runForeground(
      {
        seeds: options.seeds,
        max_pages: options.maxPages,
        max_depth: options.maxDepth,
        include: options.include,
        exclude: options.exclude,
        // --host adds to --scope (normalizeCrawlRequest combines them, as for the API).
        scope: options.scope,
        hosts: options.hosts,
        max_pages_per_host: options.maxPagesPerHost,
        refresh: options.refresh,
      },
      {
        signal: controller.signal,
        onProgress: (stats) => show(stats),
        onJob: (job, resumed) => {
          if (resumed) fetchedBefore = job.stats.fetched;
          process.stderr.write(
            `${resumed ? 'Resuming' : 'Starting'} crawl ${job.id} of ${job.seeds.join(', ')}\n`,
          );
        },
      },
    );
    show(job.stats, true);
    if (tty) process.stderr.write('\n');
    const seconds = (Date.now() - started) / 1000;
    const s = job.stats;
    if (interrupted) {
      process.stdout.write(
        `Crawl ${job.id} interrupted after ${seconds.toFixed(1)} s; run the same command again to resume.\n`,
      );
      return 130;
    }
    process.stdout.write(
      `Crawl ${job.id} ${job.status} in ${seconds.toFixed(1)} s: ${s.indexed} pages indexed, ${s.fetched} fetched, ${s.unchanged ?? 0} unchanged, ${s.skipped} skipped, ${s.failed} failed, ${s.deleted ?? 0} removed from the index, ${s.discovered} discovered.\n`,
    );
    if (job.error) process.stdout.write(`Reason: ${job.error}\n`);
    if (s.skipped > 0) {
      const reasons = await runtime.crawls.skipReasons(job.id, 4);
      process.stdout.write(`Skipped: ${reasons.map((r) => `${r.count} ${r.reason}`).join('; ')}\n`);
    }
    if (job.deletions_suspended?.length) {
      process.stdout.write(
        `Most requests to ${job.deletions_suspended.join(', ')} failed, so no page of it was removed; the next crawl checks again.\n`,
      );
    }
    return job.status === 'done' ? 0 : 1;
  } catch (err) {
    // A seed that is not an http(s) URL, a bad pattern: the command line is wrong.
    if (isCiteboxError(err) && err.action === 'fix_input') {
      process.stderr.write(`citebox: ${errorMessage(err)}\n(citebox crawl --help lists the options)\n`);
      return EXIT_USAGE;
    }
    process.stderr.write(`\ncitebox: crawl failed: ${errorMessage(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runtime.close();
  }
}
