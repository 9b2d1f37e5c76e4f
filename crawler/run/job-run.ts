// One run of one job in this process, from start to end: the sitemaps, the crawl (the
// dispatcher), the revisit pass, deletions, and the job's end. One owner per job (crawl.sqlite)
// does every step itself. In a fleet every worker runs the crawl, and the steps that must happen
// once (reading sitemaps, queueing the revisit pass, finishing) go to whichever worker takes them
// first, under a lease; the job ends when its frontier holds no queued URL.

import type { Logger } from '../../services/index.js';
import type { CrawlJob, FleetCoordination } from '../state/index.js';
import { statsOf } from '../state/index.js';
import { Dispatcher } from './dispatcher.js';
import { FleetFeed, type FrontierFeed, OwnerFeed } from './frontier-feed.js';
import { OutcomeBatch } from './outcome-batch.js';
import { FleetAllowance, OwnerAllowance, type PageAllowance } from './page-allowance.js';
import { PagePipeline } from './page-pipeline.js';
import { applyDeletions, enqueueRevisits } from './revisit-pass.js';
import { RunContext, type RunnerDeps, type RunOptions } from './run-context.js';
import { discoverSitemaps } from './sitemap-discovery.js';
import { UrlPipeline } from './url-pipeline.js';

/** How long a fleet member waits before looking at the job's queue again, ms. */
const FLEET_POLL_MS = 500;

export class JobRun {
  readonly #ctx: RunContext;
  readonly #batch: OutcomeBatch;
  readonly #feed: FrontierFeed;
  readonly #allowance: PageAllowance;
  readonly #dispatcher: Dispatcher;

  private constructor(ctx: RunContext, hostFetched: Map<string, number>) {
    this.#ctx = ctx;
    this.#batch = new OutcomeBatch(ctx);
    this.#feed = ctx.fleet ? new FleetFeed(ctx) : new OwnerFeed(ctx, this.#batch);
    this.#allowance = ctx.fleet ? new FleetAllowance(ctx) : new OwnerAllowance(ctx);
    this.#dispatcher = new Dispatcher(ctx, this.#batch, this.#feed, this.#allowance, hostFetched);
    const pages = new PagePipeline(ctx, this.#batch);
    this.#dispatcher.pipeline = new UrlPipeline(ctx, this.#batch, pages, (e) => this.#dispatcher.later(e));
  }

  static async create(deps: RunnerDeps, job: CrawlJob, log: Logger, options: RunOptions): Promise<JobRun> {
    const { store } = deps;
    // One owner: the job's counters. A fleet member counts what it does (the job's are counted
    // from the shared frontier).
    const counters = store.fleet
      ? { discovered: 0, fetched: 0, indexed: 0, skipped: 0, failed: 0, unchanged: 0, deleted: 0 }
      : await store.countJob(job.id);
    // From the durable frontier, so a resumed job does not fetch a host past its cap.
    const hostFetched =
      job.options.max_pages_per_host === undefined
        ? new Map<string, number>()
        : await store.fetchedPerHost(job.id);
    return new JobRun(new RunContext(deps, job, log, options, counters), hostFetched);
  }

  async execute(): Promise<CrawlJob> {
    const ctx = this.#ctx;
    const onAbort = () => ctx.stop.abort();
    ctx.options.signal?.addEventListener('abort', onAbort, { once: true });
    if (ctx.options.signal?.aborted) ctx.stop.abort();
    try {
      return ctx.fleet ? await this.executeShared(ctx.fleet) : await this.executeOwned();
    } finally {
      ctx.options.signal?.removeEventListener('abort', onAbort);
      ctx.deps.metrics.setQueued(ctx.job.id, undefined);
    }
  }

  private async executeOwned(): Promise<CrawlJob> {
    const ctx = this.#ctx;
    const { store } = ctx.deps;
    const jobId = ctx.job.id;
    ctx.log.info({ seeds: ctx.job.seeds, options: ctx.job.options }, 'crawl started');
    try {
      await store.rememberFrontier(jobId, ctx.guard);
      // Sitemap URLs count as one step from the seeds: a crawl of the seeds alone reads none.
      if (!(await store.sitemapsDone(jobId)) && ctx.job.options.max_depth >= 1) {
        await discoverSitemaps(ctx);
        if (!ctx.signal.aborted) await store.setSitemapsDone(jobId);
      }
      for (;;) {
        await this.#dispatcher.loop();
        if (ctx.signal.aborted || this.#dispatcher.capped) break;
        // The frontier is exhausted: revisit known pages the crawl did not reach, once.
        if ((await store.jobPhase(jobId)) === 'crawl') {
          await store.setPhase(jobId, 'revisit');
          const added = await enqueueRevisits(ctx, await this.#allowance.left());
          this.#feed.reopen();
          if (added > 0) continue;
        }
        break;
      }
      await this.#dispatcher.drain();
      await this.#batch.flush(true);
      if (!ctx.signal.aborted || ctx.cancelled) {
        await applyDeletions(ctx, this.#batch);
        await ctx.deps.sink.flush();
      }
    } catch (err) {
      await this.salvage();
      throw err;
    }

    if (ctx.cancelled || (await store.cancelRequested(jobId))) {
      await store.finishJob(jobId, 'cancelled', null);
    } else if (ctx.signal.aborted) {
      await ctx.deps.sink.flush();
      await store.releaseJob(jobId, ctx.deps.owner);
      ctx.log.info('crawl interrupted; it resumes on the next run');
      return store.requireJob(jobId);
    } else {
      await this.finishWithVerdict();
    }
    return this.finished();
  }

  /**
   * A fleet member's run: it crawls with the others until the job's frontier holds no queued URL
   * (nothing claimed, nothing due later), doing the one-process steps it is first to take.
   */
  private async executeShared(fleet: FleetCoordination): Promise<CrawlJob> {
    const ctx = this.#ctx;
    const { store, owner } = ctx.deps;
    const jobId = ctx.job.id;
    ctx.log.info({ seeds: ctx.job.seeds, options: ctx.job.options }, 'crawling with the fleet');
    try {
      await store.rememberFrontier(jobId, ctx.guard);
      if (ctx.job.options.max_depth >= 1 && !(await fleet.stepDone(jobId, 'sitemaps'))) {
        // One worker reads the sitemaps; the others crawl the seeds meanwhile.
        if ((await fleet.beginStep(jobId, 'sitemaps', owner)) === 'mine') {
          await discoverSitemaps(ctx);
          if (!ctx.signal.aborted) await fleet.endStep(jobId, 'sitemaps', owner);
          this.#feed.reopen();
        }
      }
      for (;;) {
        await this.#dispatcher.loop();
        await this.#dispatcher.drain();
        if (ctx.signal.aborted) break;
        if (!(await this.saved())) continue;
        if (this.#dispatcher.capped) break;
        const next = await this.nextStep(fleet);
        if (next === 'crawl') continue;
        break;
      }
    } catch (err) {
      await this.salvage();
      throw err;
    }
    // What this run holds and did not start goes back to the job; so do unused pages.
    await this.quietly('give claims back', () => this.#feed.giveBack(this.#dispatcher.unstarted()));
    await this.quietly('give pages back', () => this.#allowance.release());
    const cancelled = ctx.cancelled || (await store.cancelRequested(jobId));
    if (ctx.signal.aborted && !cancelled) {
      await ctx.deps.sink.flush();
      ctx.log.info(
        'stopped; the other workers go on with the crawl, and so does this one when it starts again',
      );
      return store.requireJob(jobId);
    }
    // The end of the job: one worker finishes it.
    if ((await fleet.beginStep(jobId, 'finish', owner)) !== 'mine') return store.requireJob(jobId);
    if (!ctx.signal.aborted || cancelled) {
      await applyDeletions(ctx, this.#batch);
      await ctx.deps.sink.flush();
    }
    if (cancelled) await store.finishJob(jobId, 'cancelled', null);
    else await this.finishWithVerdict();
    await fleet.endStep(jobId, 'finish', owner);
    return this.finished();
  }

  /** Writes the batch; false when the engine is out of reach (the run waits, then goes on). */
  private async saved(): Promise<boolean> {
    const ctx = this.#ctx;
    try {
      await this.#batch.flush(true);
      ctx.recovered();
      return true;
    } catch (err) {
      if (!ctx.troubled(err, 'save crawl progress')) throw err;
      await ctx.sleep(Math.max(0, ctx.backoffUntil - Date.now()));
      return false;
    }
  }

  /**
   * What a fleet member does when it found nothing to claim: crawl on (URLs are queued, claimed
   * by others or due later, or a step is under way), queue the revisit pass, or end.
   */
  private async nextStep(fleet: FleetCoordination): Promise<'crawl' | 'end'> {
    const ctx = this.#ctx;
    const jobId = ctx.job.id;
    try {
      if (await fleet.stepDone(jobId, 'finish')) return 'end';
      if ((await fleet.pendingUrls(jobId)) > 0 || (await fleet.stepBusy(jobId))) {
        // Nothing here to work on: pages reserved of max_pages go back, for the workers holding
        // the hosts of the URLs left (else, near max_pages, they could wait on each other).
        await this.#allowance.release();
        await ctx.sleep(FLEET_POLL_MS);
        this.#feed.reopen();
        return 'crawl';
      }
      if (!(await fleet.stepDone(jobId, 'revisit'))) {
        const step = await fleet.beginStep(jobId, 'revisit', ctx.deps.owner);
        if (step === 'mine') {
          await enqueueRevisits(ctx, await this.#allowance.left());
          await fleet.endStep(jobId, 'revisit', ctx.deps.owner);
        } else if (step === 'taken') await ctx.sleep(FLEET_POLL_MS);
        this.#feed.reopen();
        return 'crawl';
      }
      return 'end';
    } catch (err) {
      if (!ctx.troubled(err, 'look at the job')) throw err;
      await ctx.sleep(Math.max(0, ctx.backoffUntil - Date.now()));
      return 'crawl';
    }
  }

  /** The job's status from its counters: failed when nothing could be indexed. */
  private async finishWithVerdict(): Promise<void> {
    const ctx = this.#ctx;
    const { store } = ctx.deps;
    const jobId = ctx.job.id;
    const stats = statsOf(ctx.fleet ? await store.countJob(jobId, { fresh: true }) : ctx.counters);
    if (stats.indexed + stats.unchanged === 0 && stats.failed + stats.skipped > 0) {
      const reasons = [
        ...(await store.failureReasons(jobId)),
        ...(stats.failed === 0 ? ['every URL was skipped'] : []),
      ];
      await store.finishJob(jobId, 'failed', `No page could be indexed: ${reasons.join('; ')}`);
    } else {
      await store.finishJob(jobId, 'done', null);
    }
  }

  private async finished(): Promise<CrawlJob> {
    const ctx = this.#ctx;
    const finished = await ctx.deps.store.requireJob(ctx.job.id);
    ctx.options.onProgress?.(finished.stats);
    ctx.log.info({ status: finished.status, stats: finished.stats }, 'crawl finished');
    return finished;
  }

  /** After a failure: stop, let fetches in flight end, and save what they found. */
  private async salvage(): Promise<void> {
    const ctx = this.#ctx;
    ctx.stop.abort();
    await this.#dispatcher.drain();
    try {
      await this.#batch.flush(true);
    } catch (flushErr) {
      ctx.log.warn({ err: flushErr }, 'could not save the last batch');
    }
    await this.quietly('give claims back', () => this.#feed.giveBack(this.#dispatcher.unstarted()));
    await this.quietly('give pages back', () => this.#allowance.release());
  }

  private async quietly(what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (err) {
      this.#ctx.log.warn({ err }, `could not ${what}; they return to the job after the lease`);
    }
  }
}
