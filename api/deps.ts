// What the app is built from. Tests build the same app with their own deps.
import type { FastifyPluginAsync } from 'fastify';
import type { CrawlService } from '../crawler/index.js';
import type {
  AnswerService,
  Config,
  HealthReport,
  Logger,
  Metrics,
  SearchBackend,
} from '../services/index.js';

/** The part of the answer pipeline the API uses (tests may pass a fake). */
export type AnswerPort = Pick<AnswerService, 'answer' | 'stream'>;

export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  /** Process metrics; /metrics serves them. Optional so small tests can leave it out. */
  readonly metrics?: Metrics | undefined;
  readonly backend: SearchBackend;
  /**
   * The answer pipeline. Inside the app (the website included) every call goes through the
   * answer concurrency cap, so a plugin given these deps cannot bypass it.
   */
  readonly answers: AnswerPort;
  /** Crawl jobs; admin crawl routes answer 403 without it. */
  readonly crawls?: CrawlService | undefined;
  /** Extra readiness checks (e.g. the LLM), by name. */
  readonly readinessChecks?: Readonly<Record<string, () => Promise<HealthReport>>>;
  /** Folder holding README.md and docs/, served under /help/ by the website. */
  readonly docsRoot?: string | undefined;
  /** The website, registered as a plugin with these deps (web/ depends on api/, not the reverse). */
  readonly web?: FastifyPluginAsync<{ deps: AppDeps }> | undefined;
}
