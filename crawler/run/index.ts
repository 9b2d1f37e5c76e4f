// One run of one job: the dispatcher, the per-URL and per-page pipelines, the outcome batch, the
// revisit pass and sitemaps, over either crawl state (one owner per job, or a fleet).
export { JobRun } from './job-run.js';
export { canonicalFromLinkHeader, parseXRobotsTag } from './robots-headers.js';
export type { RunnerDeps, RunOptions } from './run-context.js';
