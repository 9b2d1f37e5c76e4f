// `citebox status`: backend, pages, passages, sites and crawl jobs.
import type { Config, Logger } from '../../services/index.js';
import { openRuntime } from '../runtime.js';

export async function runStatus(config: Config, logger: Logger, options: { json: boolean }): Promise<number> {
  const runtime = await openRuntime(config, logger);
  try {
    const stats = await runtime.backend.stats();
    const jobs = await runtime.crawls.list(20);
    const status = {
      backend: stats.backend,
      data_dir: config.dataDir,
      pages: stats.pages,
      passages: stats.passages,
      sites: stats.sites,
      crawl_jobs: jobs.map((j) => ({
        id: j.id,
        status: j.status,
        seeds: j.seeds,
        stats: j.stats,
        created_at: j.created_at,
        error: j.error,
      })),
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `Backend:   ${stats.backend} (${config.dataDir})`,
      `Pages:     ${stats.pages}`,
      `Passages:  ${stats.passages}`,
      `Sites:     ${stats.sites.length === 0 ? 'none' : ''}`,
      ...stats.sites.slice(0, 20).map((s) => `  ${s.host}: ${s.pages} pages, ${s.passages} passages`),
      `Crawl jobs: ${jobs.length === 0 ? 'none' : ''}`,
      ...jobs.map(
        (j) =>
          `  ${j.id} ${j.status.padEnd(9)} ${j.seeds.join(' ')} — ${j.stats.indexed} indexed, ${j.stats.failed} failed${j.error ? ` (${j.error})` : ''}`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}
