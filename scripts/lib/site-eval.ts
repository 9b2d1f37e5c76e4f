// The documentation-site half of `eval:answers` (`--site <html-root> <qa dir>`): serves a folder of
// HTML on 127.0.0.1 as a static site, and scores answers to questions whose gold is a short string
// and the page(s) that state it (the format of ../shared/bench-data/qa-gitdocs and qa-sqlitedocs).
// The crawl and the questions go through the real crawler and the real API, as for the prose sets.
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';
import type { AnswerResponse } from '../../services/index.js';
import { wordTokens } from '../../services/index.js';
import { citationFigures } from './answer-probe.js';

export interface SiteQuestion {
  readonly id: string;
  readonly question: string;
  readonly answers: readonly string[];
  /** Gold pages, relative to the site root. */
  readonly urls: readonly string[];
  readonly kind?: string | undefined;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.pdf': 'application/pdf',
  '.xml': 'application/xml',
};

/**
 * A static file server over `root` (as `python3 -m http.server` would serve it): symlinks are
 * followed but must stay inside the root; a folder serves its index.html; anything else is 404.
 */
export async function serveStaticSite(root: string): Promise<{ origin: string; server: HttpServer }> {
  const base = realpathSync(resolve(root));
  const server = createServer((req, res) => {
    const notFound = () => {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      notFound();
      return;
    }
    let file: string;
    try {
      file = realpathSync(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) return notFound();
      if (statSync(file).isDirectory()) file = realpathSync(join(file, 'index.html'));
      if (!statSync(file).isFile()) return notFound();
    } catch {
      return notFound();
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** An answer's text as a reader sees it: no [n] markers, no Markdown code marks, single spaces. */
export function visibleAnswerText(answer: string): string {
  return answer
    .replace(/\[\d+\]/g, ' ')
    .replace(/^```[^\n]*$/gm, ' ')
    .replace(/`/g, '')
    .replace(/\*\*/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether an answer contains a gold string (case-insensitive, white space collapsed). */
export function answerHasGold(answer: string, gold: string): boolean {
  const g = gold.replace(/\s+/g, ' ').trim().toLowerCase();
  return g.length > 0 && visibleAnswerText(answer).toLowerCase().includes(g);
}

/** The site-relative path of a URL on the served origin ("git-gc.html"), without query or fragment. */
export function sitePath(url: string, origin: string): string | undefined {
  try {
    const u = new URL(url);
    if (u.origin !== origin) return undefined;
    return decodeURIComponent(u.pathname).replace(/^\/+/, '');
  } catch {
    return undefined;
  }
}

/** Prose words of an answer (code blocks excluded: a how-to may add a command below its words). */
export function proseWords(answer: string): number {
  return wordTokens(answer.replace(/```[\s\S]*?(```|$)/g, ' ').replace(/\[\d+\]/g, ' ')).length;
}

export interface SiteQuestionResult {
  readonly id: string;
  readonly kind: string;
  readonly question: string;
  readonly gold: readonly string[];
  readonly gold_urls: readonly string[];
  readonly answer_mode: string;
  readonly gold_in_answer: boolean;
  readonly first_citation_gold: boolean;
  /** The first citation's page states a gold string (the lenient check: another page may say it too). */
  readonly first_citation_states_gold: boolean;
  readonly gold_in_sources: boolean;
  /** The answer shows code (a code span or block): what a how-to question should get. */
  readonly shows_code: boolean;
  readonly words: number;
  readonly latency_ms: number;
  /** To the first words of the answer (the first `delta` of the stream), when it was streamed. */
  readonly first_words_ms?: number | undefined;
  /** Citations, those Citebox's verifier marked supported, answer sentences, those carrying one. */
  readonly citations: number;
  readonly supported: number;
  readonly sentences: number;
  readonly cited_sentences: number;
  readonly answer: string;
  readonly first_citation: string | undefined;
  readonly sources: readonly string[];
}

/** Scores one answer against a question of a documentation-site set. */
export function scoreSiteAnswer(
  q: SiteQuestion,
  response: AnswerResponse,
  origin: string,
  latencyMs: number,
  /** The visible text of a page of the site, lower case (for the lenient citation check). */
  pageText: (path: string) => string = () => '',
  firstWordsMs?: number | undefined,
): SiteQuestionResult {
  const gold = new Set(q.urls.map((u) => u.replace(/^\/+/, '')));
  const firstMarker = /\[(\d+)\]/.exec(response.answer);
  const firstN = firstMarker ? Number(firstMarker[1]) : response.citations[0]?.n;
  const firstCitation = response.citations.find((c) => c.n === firstN) ?? response.citations[0];
  const firstPath = firstCitation ? sitePath(firstCitation.url, origin) : undefined;
  const sources = response.sources.map((s) => sitePath(s.url, origin) ?? s.url);
  const answered = response.answer_mode !== 'none';
  const cited = answered
    ? citationFigures(response)
    : { citations: 0, supported: 0, sentences: 0, citedSentences: 0 };
  return {
    id: q.id,
    kind: q.kind ?? 'other',
    question: q.question,
    gold: q.answers,
    gold_urls: q.urls,
    answer_mode: response.answer_mode,
    gold_in_answer: answered && q.answers.some((g) => answerHasGold(response.answer, g)),
    first_citation_gold: answered && firstPath !== undefined && gold.has(firstPath),
    first_citation_states_gold:
      answered &&
      firstPath !== undefined &&
      (gold.has(firstPath) ||
        q.answers.some((g) => pageText(firstPath).includes(g.replace(/\s+/g, ' ').toLowerCase()))),
    gold_in_sources: sources.some((s) => gold.has(s)),
    shows_code: answered && /`/.test(response.answer),
    words: answered ? proseWords(response.answer) : 0,
    latency_ms: latencyMs,
    ...(firstWordsMs !== undefined ? { first_words_ms: firstWordsMs } : {}),
    citations: cited.citations,
    supported: cited.supported,
    sentences: cited.sentences,
    cited_sentences: cited.citedSentences,
    answer: response.answer,
    first_citation: firstPath,
    sources,
  };
}

export interface SiteFigures {
  readonly questions: number;
  readonly gold_in_answer: number;
  readonly first_citation_gold: number;
  readonly first_citation_states_gold: number;
  readonly gold_in_sources: number;
  readonly abstentions: number;
  readonly mean_words: number;
  readonly answers_over_60_words: number;
  readonly latency_p50_ms: number;
  readonly latency_p95_ms: number;
  /** To the first words of the answer, over the answers that were streamed and had words. */
  readonly first_words_p50_ms: number;
  readonly first_words_p95_ms: number;
  /** Supported citations / citations, and answer sentences with a supported one / sentences. */
  readonly citation_supported: number;
  readonly citation_recall: number;
  /** How the answers were made (an LLM run may fall back to extractive, or abstain). */
  readonly answer_modes: Record<string, number>;
}

function share(n: number, of: number): number {
  return of === 0 ? 0 : Math.round((n / of) * 10000) / 10000;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at] as number;
}

export function summarize(results: readonly SiteQuestionResult[]): SiteFigures {
  const answered = results.filter((r) => r.answer_mode !== 'none');
  const latencies = results.map((r) => r.latency_ms).sort((a, b) => a - b);
  const firstWords = results
    .flatMap((r) => (r.first_words_ms === undefined ? [] : [r.first_words_ms]))
    .sort((a, b) => a - b);
  const sum = (pick: (r: SiteQuestionResult) => number) => results.reduce((a, r) => a + pick(r), 0);
  const modes: Record<string, number> = {};
  for (const r of results) modes[r.answer_mode] = (modes[r.answer_mode] ?? 0) + 1;
  return {
    questions: results.length,
    gold_in_answer: share(results.filter((r) => r.gold_in_answer).length, results.length),
    first_citation_gold: share(results.filter((r) => r.first_citation_gold).length, results.length),
    first_citation_states_gold: share(
      results.filter((r) => r.first_citation_states_gold).length,
      results.length,
    ),
    gold_in_sources: share(results.filter((r) => r.gold_in_sources).length, results.length),
    abstentions: share(results.length - answered.length, results.length),
    mean_words:
      answered.length === 0
        ? 0
        : Math.round((answered.reduce((a, r) => a + r.words, 0) / answered.length) * 10) / 10,
    answers_over_60_words: answered.filter((r) => r.words > 60).length,
    latency_p50_ms: Math.round(percentile(latencies, 50) * 10) / 10,
    latency_p95_ms: Math.round(percentile(latencies, 95) * 10) / 10,
    first_words_p50_ms: Math.round(percentile(firstWords, 50) * 10) / 10,
    first_words_p95_ms: Math.round(percentile(firstWords, 95) * 10) / 10,
    citation_supported: share(
      sum((r) => r.supported),
      sum((r) => r.citations),
    ),
    citation_recall: share(
      sum((r) => r.cited_sentences),
      sum((r) => r.sentences),
    ),
    answer_modes: modes,
  };
}

/** Figures for the whole set and for each `kind`, plus how-to questions (those given by id). */
export function siteReport(
  results: readonly SiteQuestionResult[],
  howtoIds: ReadonlySet<string>,
): { all: SiteFigures; by_kind: Record<string, SiteFigures>; howto: SiteFigures & { shows_code: number } } {
  const byKind: Record<string, SiteQuestionResult[]> = {};
  for (const r of results) {
    const list = byKind[r.kind] ?? [];
    list.push(r);
    byKind[r.kind] = list;
  }
  const howto = results.filter((r) => howtoIds.has(r.id));
  return {
    all: summarize(results),
    by_kind: Object.fromEntries(Object.entries(byKind).map(([k, rs]) => [k, summarize(rs)])),
    howto: { ...summarize(howto), shows_code: share(howto.filter((r) => r.shows_code).length, howto.length) },
  };
}

/** How-to question ids listed in a set's README ("How-to questions (…): id, id, …."). */
export function howtoIdsFromReadme(readme: string): Set<string> {
  const line = readme.split('\n').find((l) => /how-to questions/i.test(l));
  return new Set(line ? [...line.matchAll(/\b[a-z]+-\d+\b/g)].map((m) => m[0]) : []);
}

/**
 * A page's visible text, lower case with single spaces: tags, scripts and styles out, entities of
 * the common kinds decoded (enough to find a gold string, as the sets' own check does).
 */
export function visiblePageText(html: string): string {
  return html
    .replace(/<(script|style|head)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;|&rsquo;|&#8217;/g, "'")
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .toLowerCase();
}
