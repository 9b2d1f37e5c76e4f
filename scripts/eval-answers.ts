// `npm run eval:answers -- <qa dir> [--json] [--limit N]`: end-to-end answer quality. Serves the
// folder's documents as web pages on 127.0.0.1 (`/<id>.html`, the title as <h1>, one <p> per
// paragraph, an index page linking them), crawls them with the real crawler through the real API,
// asks every question over HTTP and scores the answers: the share containing a gold answer (SQuAD
// normalisation), citation precision (the cited page holds a gold answer), abstentions, answer
// length and latency — in extractive mode and, when an LLM is configured, in LLM mode. Questions are
// asked as a browser does (Server-Sent Events), so the time to the first words is measured too, and
// citations are read as Citebox's verifier marked them (supported citations, sentences that carry
// one). `--llm-local <model>` answers with a real small model on 127.0.0.1 (lib/local-llm.ts);
// `--sample N` asks a fixed random sample; `--unanswerable N` leaves articles out of the site and
// asks N of their questions, which should be declined.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startServer } from '../cli/serve.js';
import { type Config, createLogger, hasLlm, loadConfig, wordTokens } from '../services/index.js';
import {
  askStreaming,
  citationFigures,
  declines,
  fixedSample,
  type ProbedAnswer,
} from './lib/answer-probe.js';
import { LOCAL_LLM_ARGS, LOCAL_LLM_USAGE, type LocalLlm, localLlmFromArgs } from './lib/local-llm.js';
import { runSiteEval } from './lib/site-eval-run.js';

interface QaDocument {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

interface QaQuestion {
  readonly id: string;
  readonly question: string;
  readonly answers: readonly string[];
  readonly doc_ids: readonly string[];
}

const USAGE = `Usage: npm run eval:answers -- <qa dir> [--json] [--limit N] [--mode extractive|llm] [--top-k N] [--details FILE]
  --sample N         a fixed random sample of N questions (--seed S, default 19) instead of all
  --unanswerable N   leave some articles out of the site and ask N of their questions (to be declined)
  --site <html root>  serve the folder as a static site on 127.0.0.1, crawl it from index.html, and score
                     answers to the questions of a documentation-site set (questions.jsonl with answers,
                     urls, kind): gold in answer, first citation on a gold page, gold page in sources
${LOCAL_LLM_USAGE}`;
const ADMIN_KEY = 'eval-answers-admin-key';

function readJsonl<T>(path: string): T[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as T);
}

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

function pagePath(id: string): string {
  return `/${encodeURIComponent(id)}.html`;
}

/** The documents as a small web site: an index page linking one page per document. */
async function serveDocuments(docs: readonly QaDocument[]): Promise<{ origin: string; server: HttpServer }> {
  const pages = new Map<string, string>();
  const lang = docs.some((d) => /[\u4e00-\u9fff]/.test(d.text)) ? 'zh' : 'en';
  for (const doc of docs) {
    const paragraphs = doc.text
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => `<p>${escapeHtml(p)}</p>`)
      .join('\n');
    pages.set(
      pagePath(doc.id),
      `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${escapeHtml(doc.title)}</title></head><body><main><h1>${escapeHtml(doc.title)}</h1>\n${paragraphs}\n</main></body></html>`,
    );
  }
  const links = docs.map((d) => `<li><a href="${pagePath(d.id)}">${escapeHtml(d.title)}</a></li>`).join('\n');
  pages.set(
    '/',
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>Articles</title></head><body><main><h1>Articles</h1><ul>${links}</ul></main></body></html>`,
  );
  const server = createServer((req, res) => {
    const body = pages.get((req.url ?? '/').split('?')[0] ?? '/');
    if (!body) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** SQuAD's answer normalisation: lower case, no punctuation, no articles, single spaces. */
export function normalizeAnswer(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, ' ')
    .replace(/\b(a|an|the)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const CJK = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]/u;

/** Whether `text` contains `gold` once both are normalized (on word boundaries; CJK ignores spaces). */
export function containsAnswer(text: string, gold: string): boolean {
  return containsNormalized(normalizeAnswer(text), gold);
}

function containsNormalized(normalizedText: string, gold: string): boolean {
  const g = normalizeAnswer(gold);
  if (!g) return false;
  if (CJK.test(g)) return normalizedText.replaceAll(' ', '').includes(g.replaceAll(' ', ''));
  return ` ${normalizedText} `.includes(` ${g} `);
}

function stripMarkers(answer: string): string {
  return answer.replace(/\[\d+\]/g, ' ');
}

/** Words as the answer budget counts them: word tokens (ICU segments Chinese into words). */
function answerWords(answer: string): number {
  return wordTokens(stripMarkers(answer)).length;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at] as number;
}

interface ModeFigures {
  readonly mode: string;
  readonly questions: number;
  readonly gold_contained: number;
  readonly citation_precision: number;
  /** Citations pointing at the page the question was written from. */
  readonly citation_gold_page: number;
  /** Citations Citebox's verifier marked supported, of all citations. */
  readonly citation_supported: number;
  /** Answer sentences (3+ words) carrying a supported citation, of all answer sentences. */
  readonly citation_recall: number;
  readonly abstention_rate: number;
  /** Questions about articles left out of the site that were declined, and how many were asked. */
  readonly unanswerable_declined?: number | undefined;
  readonly unanswerable_questions?: number | undefined;
  readonly mean_answer_words: number;
  readonly answers_over_60_words: number;
  /** To the first words of the answer (the first `delta` event). */
  readonly first_words_p50_ms: number;
  readonly first_words_p95_ms: number;
  readonly latency_p50_ms: number;
  readonly latency_p95_ms: number;
  readonly sources_p95_ms: number;
  /** How the answers were made (an LLM run may fall back to extractive). */
  readonly answer_modes: Record<string, number>;
  /** `error` events: the LLM failed part-way and an extractive answer followed. */
  readonly stream_errors: number;
  readonly errors: number;
}

async function ask(
  apiUrl: string,
  q: QaQuestion,
  mode: string,
  topK: number | undefined,
): Promise<ProbedAnswer | undefined> {
  try {
    return await askStreaming(apiUrl, { query: q.question, mode, ...(topK ? { top_k: topK } : {}) });
  } catch (err) {
    process.stderr.write(`question ${q.id}: ${(err as Error).message}\n`);
    return undefined;
  }
}

async function evaluateMode(
  mode: 'extractive' | 'llm',
  questions: readonly QaQuestion[],
  unanswerable: readonly QaQuestion[],
  apiUrl: string,
  docByUrl: ReadonlyMap<string, QaDocument>,
  normalizedDocs: ReadonlyMap<string, string>,
  topK: number | undefined,
  details: unknown[] | undefined,
): Promise<ModeFigures> {
  let contained = 0;
  let abstained = 0;
  let citations = 0;
  let preciseCitations = 0;
  let goldPageCitations = 0;
  let supported = 0;
  let sentences = 0;
  let citedSentences = 0;
  let words = 0;
  let over60 = 0;
  let answered = 0;
  let errors = 0;
  let streamErrors = 0;
  const latencies: number[] = [];
  const firstWords: number[] = [];
  const toSources: number[] = [];
  const modes: Record<string, number> = {};
  let done = 0;
  for (const q of questions) {
    const probe = await ask(apiUrl, q, mode, topK);
    done++;
    if (done % 500 === 0) process.stderr.write(`  ${mode}: ${done}/${questions.length}\n`);
    if (!probe) {
      errors++;
      continue;
    }
    const response = probe.response;
    latencies.push(probe.totalMs);
    toSources.push(probe.sourcesMs);
    if (probe.firstDeltaMs !== undefined) firstWords.push(probe.firstDeltaMs);
    streamErrors += probe.errors.length;
    modes[response.answer_mode] = (modes[response.answer_mode] ?? 0) + 1;
    const hit = q.answers.some((gold) => containsAnswer(stripMarkers(response.answer), gold));
    if (response.answer_mode === 'none') abstained++;
    else {
      answered++;
      const w = answerWords(response.answer);
      words += w;
      if (w > 60) over60++;
      if (hit) contained++;
      const cited = citationFigures(response);
      supported += cited.supported;
      sentences += cited.sentences;
      citedSentences += cited.citedSentences;
      for (const c of response.citations) {
        citations++;
        const doc = docByUrl.get(c.url.replace(/#.*$/, ''));
        const text = doc ? normalizedDocs.get(doc.id) : undefined;
        if (text && q.answers.some((gold) => containsNormalized(text, gold))) preciseCitations++;
        if (doc && q.doc_ids.includes(doc.id)) goldPageCitations++;
      }
    }
    details?.push({
      id: q.id,
      question: q.question,
      gold: q.answers,
      mode: response.answer_mode,
      asked_mode: mode,
      contained: hit && response.answer_mode !== 'none',
      answer: response.answer,
      cited: response.citations.map((c) => ({
        n: c.n,
        doc: docByUrl.get(c.url.replace(/#.*$/, ''))?.id ?? c.url,
        supported: c.supported,
      })),
      gold_doc: q.doc_ids,
      first_words_ms: probe.firstDeltaMs === undefined ? null : Math.round(probe.firstDeltaMs),
      total_ms: Math.round(probe.totalMs),
      ...(probe.errors.length > 0 ? { stream_errors: probe.errors } : {}),
    });
  }
  let declined = 0;
  for (const q of unanswerable) {
    const probe = await ask(apiUrl, q, mode, topK);
    if (!probe) {
      errors++;
      continue;
    }
    const didDecline = declines(probe.response);
    if (didDecline) declined++;
    details?.push({
      id: q.id,
      question: q.question,
      unanswerable: true,
      declined: didDecline,
      mode: probe.response.answer_mode,
      asked_mode: mode,
      answer: probe.response.answer,
      total_ms: Math.round(probe.totalMs),
    });
  }
  const share = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 10000) / 10000);
  const ms = (values: readonly number[], p: number) =>
    Math.round(
      percentile(
        [...values].sort((a, b) => a - b),
        p,
      ) * 10,
    ) / 10;
  return {
    mode,
    questions: questions.length,
    gold_contained: share(contained, questions.length),
    citation_precision: share(preciseCitations, citations),
    citation_gold_page: share(goldPageCitations, citations),
    citation_supported: share(supported, citations),
    citation_recall: share(citedSentences, sentences),
    abstention_rate: share(abstained, questions.length),
    ...(unanswerable.length > 0
      ? {
          unanswerable_declined: share(declined, unanswerable.length),
          unanswerable_questions: unanswerable.length,
        }
      : {}),
    mean_answer_words: answered === 0 ? 0 : Math.round((words / answered) * 10) / 10,
    answers_over_60_words: over60,
    first_words_p50_ms: ms(firstWords, 50),
    first_words_p95_ms: ms(firstWords, 95),
    latency_p50_ms: ms(latencies, 50),
    latency_p95_ms: ms(latencies, 95),
    sources_p95_ms: ms(toSources, 95),
    answer_modes: modes,
    stream_errors: streamErrors,
    errors,
  };
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
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      limit: { type: 'string' },
      mode: { type: 'string' },
      'top-k': { type: 'string' },
      details: { type: 'string' },
      sample: { type: 'string' },
      seed: { type: 'string', default: '19' },
      unanswerable: { type: 'string' },
      ...LOCAL_LLM_ARGS,
      site: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const dir = positionals[0];
  if (values.help || !dir) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const root = resolve(dir);
  if (values.site !== undefined) {
    // A documentation site, with the local model too when --llm-local names one.
    const localModel = await localLlmFromArgs(values);
    try {
      return await runSiteEval({
        siteRoot: resolve(values.site),
        qaDir: root,
        json: values.json ?? false,
        limit: values.limit ? Number(values.limit) : undefined,
        sample: values.sample ? Number(values.sample) : undefined,
        seed: Number(values.seed),
        mode: values.mode,
        topK: values['top-k'] ? Number(values['top-k']) : undefined,
        details: values.details,
        progress: localModel !== undefined,
        config: localModel
          ? { ...localModel.config, llmTimeoutMs: Math.max(loadConfig().llmTimeoutMs, 600_000) }
          : undefined,
      });
    } finally {
      await localModel?.close();
    }
  }
  let docs = readJsonl<QaDocument>(join(root, 'documents.jsonl'));
  let questions = readJsonl<QaQuestion>(join(root, 'questions.jsonl'));
  const allQuestions = questions.length;
  const seed = Number(values.seed);
  // Unanswerable questions: articles left out of the site (a fixed choice), some of their questions
  // asked; every other question is about an article that is served.
  let unanswerable: QaQuestion[] = [];
  if (values.unanswerable) {
    const wanted = Number(values.unanswerable);
    const heldOut = new Set(fixedSample(docs, Math.max(1, Math.ceil(wanted / 8)), seed + 1).map((d) => d.id));
    const about = (q: QaQuestion) => q.doc_ids.some((id) => heldOut.has(id));
    unanswerable = fixedSample(questions.filter(about), wanted, seed + 2);
    questions = questions.filter((q) => !about(q));
    docs = docs.filter((d) => !heldOut.has(d.id));
  }
  if (values.sample) questions = fixedSample(questions, Number(values.sample), seed);
  else if (values.limit) {
    // An even spread over the set, so a quick run sees every article.
    const limit = Number(values.limit);
    const step = questions.length / Math.max(1, limit);
    questions = Array.from(
      { length: Math.min(limit, questions.length) },
      (_, i) => questions[Math.floor(i * step)] as QaQuestion,
    );
  }
  const topK = values['top-k'] ? Number(values['top-k']) : undefined;

  const local: LocalLlm | undefined = await localLlmFromArgs(values);
  // A local model on a busy CPU may take minutes for a long prompt: measure it rather than cut it off.
  const base = local
    ? Object.freeze({
        ...loadConfig(),
        ...local.config,
        llmTimeoutMs: Math.max(loadConfig().llmTimeoutMs, 600_000),
      })
    : loadConfig();
  const modes: Array<'extractive' | 'llm'> = values.mode
    ? [values.mode as 'extractive' | 'llm']
    : hasLlm(base)
      ? ['extractive', 'llm']
      : ['extractive'];
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-eval-answers-'));
  const overrides: Record<string, unknown> = {
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
    // Settings of the API layer that would get in the way of a benchmark, where they exist.
    rateLimitPerMinute: 0,
    accessLog: false,
    requestTimeoutMs: 600_000,
  };
  const config = Object.freeze({ ...base, ...overrides }) as Config;
  const logger = createLogger(config, pino.destination(2));
  const site = await serveDocuments(docs);
  const server = await startServer(config, logger);
  try {
    const crawlStarted = performance.now();
    const res = await fetch(`${server.url}/v1/crawls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seeds: [`${site.origin}/`], max_pages: docs.length + 10, max_depth: 2 }),
    });
    if (res.status !== 202)
      throw new Error(`starting the crawl failed: HTTP ${res.status} ${await res.text()}`);
    const job = await waitForCrawl(server.url, ((await res.json()) as { id: string }).id);
    const crawlMs = performance.now() - crawlStarted;
    const stats = await server.runtime.backend.stats();
    process.stderr.write(
      `crawled ${job.stats['indexed'] ?? 0} pages (${stats.passages} passages) in ${Math.round(crawlMs)} ms: ${job.status}\n`,
    );

    const docByUrl = new Map<string, QaDocument>();
    for (const doc of docs) docByUrl.set(new URL(pagePath(doc.id), site.origin).href, doc);
    const normalizedDocs = new Map(docs.map((d) => [d.id, normalizeAnswer(`${d.title}\n${d.text}`)]));
    const details: unknown[] | undefined = values.details ? [] : undefined;
    const figures: ModeFigures[] = [];
    for (const mode of modes) {
      figures.push(
        await evaluateMode(
          mode,
          questions,
          unanswerable,
          server.url,
          docByUrl,
          normalizedDocs,
          topK,
          details,
        ),
      );
    }
    if (values.details && details) {
      writeFileSync(values.details, `${details.map((d) => JSON.stringify(d)).join('\n')}\n`);
    }

    const name = root.split('/').filter(Boolean).at(-1) ?? root;
    process.stdout.write(
      `eval:answers ${name}: ${questions.length} of ${allQuestions} questions${values.sample ? ` (fixed sample, seed ${seed})` : ''}${unanswerable.length ? ` + ${unanswerable.length} unanswerable` : ''}, ${docs.length} documents, ${stats.passages} passages${local ? `, model ${local.model}` : ''}\n`,
    );
    for (const f of figures) {
      process.stdout.write(
        [
          `  ${f.mode}:`,
          `    gold answer contained   ${(f.gold_contained * 100).toFixed(1)}%`,
          `    citation precision      ${(f.citation_precision * 100).toFixed(1)}% (cited page holds a gold answer; ${(f.citation_gold_page * 100).toFixed(1)}% cite the question's own page)`,
          `    citations supported     ${pct(f.citation_supported)} (Citebox's verifier); sentences cited ${pct(f.citation_recall)}`,
          `    abstention rate         ${pct(f.abstention_rate)}${f.unanswerable_questions ? `; unanswerable declined ${pct(f.unanswerable_declined ?? 0)} of ${f.unanswerable_questions}` : ''}`,
          `    mean answer length      ${f.mean_answer_words} words (${f.answers_over_60_words} over 60)`,
          `    first words p50 / p95   ${f.first_words_p50_ms} / ${f.first_words_p95_ms} ms`,
          `    whole answer p50 / p95  ${f.latency_p50_ms} / ${f.latency_p95_ms} ms (sources p95 ${f.sources_p95_ms} ms)`,
          `    answer modes            ${JSON.stringify(f.answer_modes)}${f.stream_errors ? `, ${f.stream_errors} stream errors` : ''}${f.errors ? `, ${f.errors} errors` : ''}`,
          '',
        ].join('\n'),
      );
    }
    if (values.json) {
      const out: Record<string, unknown> = {
        dataset: name,
        questions: questions.length,
        documents: docs.length,
        passages: stats.passages,
        crawl_ms: Math.round(crawlMs),
        ...(values.sample ? { sample: questions.length, seed } : {}),
        ...(local ? { model: local.model, context_tokens: local.contextTokens } : {}),
      };
      for (const f of figures) out[f.mode] = f;
      process.stdout.write(`${JSON.stringify(out)}\n`);
    }
    return figures.some((f) => f.errors > 0) ? 1 : 0;
  } finally {
    await server.close();
    await new Promise<void>((r) => {
      site.server.closeAllConnections();
      site.server.close(() => r());
    });
    rmSync(dataDir, { recursive: true, force: true });
    await local?.close();
  }
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `eval:answers: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
