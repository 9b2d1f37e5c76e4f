// Runs one crawl job to its end in this process (crawler/run/ holds its parts): it takes the job
// (as its one owner, or as one worker of a fleet), runs it until its frontier is exhausted, it is
// cancelled, or `signal` stops it (a stopped job stays resumable; a cancelled one is finished).
import { CiteboxError, type Logger } from '../services/index.js';
import { JobRun, type RunnerDeps, type RunOptions } from './run/index.js';
import type { CrawlJob } from './state/index.js';

export type { RunnerDeps, RunOptions } from './run/index.js';
export { canonicalFromLinkHeader, parseXRobotsTag } from './run/index.js';

export class CrawlRunner {
  readonly #deps: RunnerDeps;
  readonly #logger: Logger;

  constructor(deps: RunnerDeps) {
    this.#deps = deps;
    this.#logger = deps.logger.child({ component: 'crawler' });
  }

  /** Runs the job until its frontier is exhausted, it is cancelled, or `signal` stops it. */
  async run(jobId: string, options: RunOptions = {}): Promise<CrawlJob> {
    const { store } = this.#deps;
    if (!(await store.claimJob(jobId, this.#deps.owner, this.#deps.staleMs, this.#deps.ownerAlive))) {
      throw new CiteboxError('CONFLICT', `Crawl ${jobId} is finished or run by another process`);
    }
    // The page threads start while the job starts (robots.txt, the first fetches), not on its first page.
    this.#deps.pages.warm();
    const run = await JobRun.create(
      this.#deps,
      await store.requireJob(jobId),
      this.#logger.child({ job: jobId }),
      options,
    );
    return run.execute();
  }
}
