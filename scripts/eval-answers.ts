// `npm run eval:answers -- <qa dir> [--json] [--limit N]`: end-to-end answer quality. Serves the
// folder's documents as web pages on 127.0.0.1 (`/<id>.html`, the title as <h1>, one <p> per
// paragraph, an index page linking them), crawls them with the real crawler through the real API,
// asks every question over HTTP and scores the answers: the share containing a gold answer (SQuAD
// normalisation), citation precision (the cited page holds a gold answer), abstentions, answer
// length and latency — in extractive mode and, when an LLM is configured, in LLM mode.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startServer } from '../cli/serve.js';
import {
  type AnswerResponse,
  type Config,
  createLogger,
  hasLlm,
  loadConfig,
  wordTokens,
} from '../services/index.js';

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

const USAGE =
  'Usage: npm run eval:answers -- <qa dir> [--json] [--limit N] [--mode extractive|llm] [--top-k N] [--details FILE]';
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
  readonly abstention_rate: number;
  readonly mean_answer_words: number;
  readonly answers_over_60_words: number;
  readonly latency_p50_ms: number;
  readonly latency_p95_ms: number;
  /** How the answers were made (an LLM run may fall back to extractive). */
  readonly answer_modes: Record<string, number>;
  readonly errors: number;
}

async function evaluateMode(
  mode: 'extractive' | 'llm',
  questions: readonly QaQuestion[],
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
  let words = 0;
  let over60 = 0;
  let answered = 0;
  let errors = 0;
  const latencies: number[] = [];
  const modes: Record<string, number> = {};
  let done = 0;
  for (const q of questions) {
    const started = performance.now();
    let response: AnswerResponse | undefined;
    try {
      const res = await fetch(`${apiUrl}/v1/answer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: q.question, mode, ...(topK ? { top_k: topK } : {}) }),
      });
      if (res.ok) response = (await res.json()) as AnswerResponse;
      else {
        errors++;
        process.stderr.write(`question ${q.id}: HTTP ${res.status} ${await res.text()}\n`);
      }
    } catch (err) {
      errors++;
      process.stderr.write(`question ${q.id}: ${(err as Error).message}\n`);
    }
    latencies.push(performance.now() - started);
    done++;
    if (done % 500 === 0) process.stderr.write(`  ${mode}: ${done}/${questions.length}\n`);
    if (!response) continue;
    modes[response.answer_mode] = (modes[response.answer_mode] ?? 0) + 1;
    const hit = q.answers.some((gold) => containsAnswer(stripMarkers(response.answer), gold));
    if (response.answer_mode === 'none') abstained++;
    else {
      answered++;
      const w = answerWords(response.answer);
      words += w;
      if (w > 60) over60++;
      if (hit) contained++;
      for (const c of response.citations) {
        citations++;
        const doc = docByUrl.get(c.url);
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
      contained: hit && response.answer_mode !== 'none',
      answer: response.answer,
      cited: response.citations.map((c) => docByUrl.get(c.url)?.id ?? c.url),
      gold_doc: q.doc_ids,
    });
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const share = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 10000) / 10000);
  return {
    mode,
    questions: questions.length,
    gold_contained: share(contained, questions.length),
    citation_precision: share(preciseCitations, citations),
    citation_gold_page: share(goldPageCitations, citations),
    abstention_rate: share(abstained, questions.length),
    mean_answer_words: answered === 0 ? 0 : Math.round((words / answered) * 10) / 10,
    answers_over_60_words: over60,
    latency_p50_ms: Math.round(percentile(sorted, 50) * 10) / 10,
    latency_p95_ms: Math.round(percentile(sorted, 95) * 10) / 10,
    answer_modes: modes,
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
      help: { type: 'boolean', default: false },
    },
  });
  const dir = positionals[0];
  if (values.help || !dir) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const root = resolve(dir);
  const docs = readJsonl<QaDocument>(join(root, 'documents.jsonl'));
  let questions = readJsonl<QaQuestion>(join(root, 'questions.jsonl'));
  const allQuestions = questions.length;
  if (values.limit) {
    // An even spread over the set, so a quick run sees every article.
    const limit = Number(values.limit);
    const step = questions.length / Math.max(1, limit);
    questions = Array.from(
      { length: Math.min(limit, questions.length) },
      (_, i) => questions[Math.floor(i * step)] as QaQuestion,
    );
  }
  const topK = values['top-k'] ? Number(values['top-k']) : undefined;

  const base = loadConfig();
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
      figures.push(await evaluateMode(mode, questions, server.url, docByUrl, normalizedDocs, topK, details));
    }
    if (values.details && details) {
      writeFileSync(values.details, `${details.map((d) => JSON.stringify(d)).join('\n')}\n`);
    }

    const name = root.split('/').filter(Boolean).at(-1) ?? root;
    process.stdout.write(
      `eval:answers ${name}: ${questions.length} of ${allQuestions} questions, ${docs.length} documents, ${stats.passages} passages\n`,
    );
    for (const f of figures) {
      process.stdout.write(
        [
          `  ${f.mode}:`,
          `    gold answer contained   ${(f.gold_contained * 100).toFixed(1)}%`,
          `    citation precision      ${(f.citation_precision * 100).toFixed(1)}% (cited page holds a gold answer; ${(f.citation_gold_page * 100).toFixed(1)}% cite the question's own page)`,
          `    abstention rate         ${(f.abstention_rate * 100).toFixed(1)}%`,
          `    mean answer length      ${f.mean_answer_words} words (${f.answers_over_60_words} over 60)`,
          `    latency p50 / p95       ${f.latency_p50_ms} / ${f.latency_p95_ms} ms`,
          `    answer modes            ${JSON.stringify(f.answer_modes)}${f.errors ? `, ${f.errors} errors` : ''}`,
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
  }
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
