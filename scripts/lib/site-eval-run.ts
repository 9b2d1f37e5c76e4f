// `eval:answers --site <html root> <qa dir>`: serve a documentation site on 127.0.0.1, crawl it whole
// with the real crawler through the real API, ask every question over HTTP, and print
// gold-in-answer, first-citation-on-a-gold-page, gold-page-in-sources, abstentions, words and
// latency, overall, by `kind`, and for how-to questions.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startServer } from '../../cli/serve.js';
import { type Config, createLogger, hasLlm, loadConfig } from '../../services/index.js';
import { askStreaming, fixedSample } from './answer-probe.js';
import {
  howtoIdsFromReadme,
  type SiteFigures,
  type SiteQuestion,
  type SiteQuestionResult,
  scoreSiteAnswer,
  serveStaticSite,
  siteReport,
  visiblePageText,
} from './site-eval.js';

export interface SiteEvalOptions {
  readonly siteRoot: string;
  readonly qaDir: string;
  readonly json: boolean;
  readonly limit?: number | undefined;
  /** A fixed random sample of this many questions (seeded), instead of all. */
  readonly sample?: number | undefined;
  readonly seed?: number | undefined;
  readonly mode?: string | undefined;
  readonly topK?: number | undefined;
  readonly details?: string | undefined;
  /** One line per question on stderr (long runs with a real model). */
  readonly progress?: boolean | undefined;
  /** Overrides of the server's configuration (an LLM to use, for example). */
  readonly config?: Partial<Config> | undefined;
}

const ADMIN_KEY = 'eval-site-admin-key';

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

async function waitForCrawl(
  apiUrl: string,
  id: string,
): Promise<{ status: string; stats: Record<string, number> }> {
  for (;;) {
    const res = await fetch(`${apiUrl}/v1/crawls/${id}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    const job = (await res.json()) as { status: string; stats: Record<string, number> };
    if (!['queued', 'running'].includes(job.status)) return job;
    await new Promise((r) => setTimeout(r, 250));
  }
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

function line(label: string, f: SiteFigures): string {
  return (
    `  ${label.padEnd(10)} n=${String(f.questions).padStart(3)}  gold-in-answer ${pct(f.gold_in_answer).padStart(6)}` +
    `  first-citation-gold ${pct(f.first_citation_gold).padStart(6)} (states it ${pct(f.first_citation_states_gold).padStart(6)})  gold-in-sources ${pct(f.gold_in_sources).padStart(6)}` +
    `  abstain ${pct(f.abstentions).padStart(6)}  words ${f.mean_words}  cited ${pct(f.citation_supported)} supported / ${pct(f.citation_recall)} of sentences` +
    `  first words p50/p95 ${f.first_words_p50_ms}/${f.first_words_p95_ms} ms  whole p50/p95 ${f.latency_p50_ms}/${f.latency_p95_ms} ms`
  );
}

export async function runSiteEval(opts: SiteEvalOptions): Promise<number> {
  let questions = readJsonl<SiteQuestion>(join(opts.qaDir, 'questions.jsonl'));
  const allQuestions = questions.length;
  if (opts.sample) questions = fixedSample(questions, opts.sample, opts.seed ?? 19);
  else if (opts.limit) {
    const step = questions.length / Math.max(1, opts.limit);
    questions = Array.from(
      { length: Math.min(opts.limit, questions.length) },
      (_, i) => questions[Math.floor(i * step)] as SiteQuestion,
    );
  }
  const readmePath = join(opts.qaDir, 'README.md');
  const howto = howtoIdsFromReadme(existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '');
  const texts = new Map<string, string>();
  const pageText = (path: string): string => {
    let text = texts.get(path);
    if (text === undefined) {
      const file = join(opts.siteRoot, path);
      text = existsSync(file) ? visiblePageText(readFileSync(file, 'utf8')) : '';
      texts.set(path, text);
    }
    return text;
  };

  const base = loadConfig();
  const withOverrides = { ...base, ...opts.config } as Config;
  const modes: Array<'extractive' | 'llm'> = opts.mode
    ? [opts.mode as 'extractive' | 'llm']
    : hasLlm(withOverrides)
      ? ['extractive', 'llm']
      : ['extractive'];
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-eval-site-'));
  const config = Object.freeze({
    ...withOverrides,
    port: 0,
    host: '127.0.0.1',
    dataDir,
    allowPrivateNetworks: true,
    crawlDelayMs: 0,
    crawlConcurrency: 4,
    bootstrapDocs: false,
    adminKey: ADMIN_KEY,
    apiKeys: Object.freeze([]),
    answerCacheSize: 0,
    logLevel: base.logLevel === 'info' ? 'warn' : base.logLevel,
    rateLimitPerMinute: 0,
    accessLog: false,
    requestTimeoutMs: 600_000,
  }) as Config;
  const logger = createLogger(config, pino.destination(2));
  const site = await serveStaticSite(opts.siteRoot);
  const server = await startServer(config, logger);
  try {
    const crawlStarted = performance.now();
    const res = await fetch(`${server.url}/v1/crawls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seeds: [`${site.origin}/index.html`], max_pages: 20_000, max_depth: 20 }),
    });
    if (res.status !== 202)
      throw new Error(`starting the crawl failed: HTTP ${res.status} ${await res.text()}`);
    const job = await waitForCrawl(server.url, ((await res.json()) as { id: string }).id);
    const crawlMs = performance.now() - crawlStarted;
    const stats = await server.runtime.backend.stats();
    process.stderr.write(
      `crawled ${opts.siteRoot}: ${JSON.stringify(job.stats)} -> ${stats.pages} pages, ${stats.passages} passages in ${Math.round(crawlMs)} ms (${job.status})\n`,
    );

    const report: Record<string, unknown> = {
      dataset: opts.qaDir.split('/').filter(Boolean).at(-1),
      site: opts.siteRoot,
      questions: questions.length,
      of: allQuestions,
      pages: stats.pages,
      passages: stats.passages,
      crawl_ms: Math.round(crawlMs),
    };
    const details: Array<SiteQuestionResult & { mode: string }> = [];
    for (const mode of modes) {
      const results: SiteQuestionResult[] = [];
      let errors = 0;
      let streamErrors = 0;
      for (const q of questions) {
        // Asked as a browser does (Server-Sent Events), so the time to the first words is measured.
        let probe: Awaited<ReturnType<typeof askStreaming>>;
        try {
          probe = await askStreaming(server.url, {
            query: q.question,
            mode,
            ...(opts.topK ? { top_k: opts.topK } : {}),
          });
        } catch (err) {
          errors++;
          process.stderr.write(`question ${q.id}: ${(err as Error).message}\n`);
          continue;
        }
        streamErrors += probe.errors.length;
        const result = scoreSiteAnswer(
          q,
          probe.response,
          site.origin,
          probe.totalMs,
          pageText,
          probe.firstDeltaMs,
        );
        results.push(result);
        details.push({ ...result, mode });
        if (opts.progress)
          process.stderr.write(
            `  ${mode} ${q.id}: ${result.answer_mode} gold ${result.gold_in_answer ? 'yes' : 'no'} first words ${Math.round(probe.firstDeltaMs ?? 0)} ms, whole ${Math.round(probe.totalMs)} ms\n`,
          );
      }
      const figures = siteReport(results, howto);
      process.stdout.write(
        `eval:answers --site ${report['dataset']} (${mode}): ${questions.length} of ${allQuestions} questions, ${stats.pages} pages, ${stats.passages} passages\n`,
      );
      process.stdout.write(`${line('all', figures.all)}\n`);
      for (const [kind, f] of Object.entries(figures.by_kind).sort())
        process.stdout.write(`${line(kind, f)}\n`);
      if (figures.howto.questions > 0)
        process.stdout.write(
          `${line('how-to', figures.howto)}  shows code ${pct(figures.howto.shows_code)}\n`,
        );
      if (errors) process.stdout.write(`  ${errors} errors\n`);
      report[mode] = { ...figures, errors, stream_errors: streamErrors };
    }
    if (opts.details) writeFileSync(opts.details, `${details.map((d) => JSON.stringify(d)).join('\n')}\n`);
    if (opts.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } finally {
    await server.close();
    await new Promise<void>((r) => {
      site.server.closeAllConnections();
      site.server.close(() => r());
    });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
