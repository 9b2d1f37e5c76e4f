// The answer pipeline: retrieve the best passages, write an answer that cites them as [n], and
// return it in the v1 shape — as one response or as a stream of events. Usable from the API, the
// CLI and workers alike; nothing here knows about HTTP.
import { randomUUID } from 'node:crypto';
import { CiteboxError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SearchBackend } from '../search/index.js';
import type { AnswerEvent, AnswerRequest, AnswerResponse, Citation, SearchHit, Source } from '../types.js';
import { extractiveAnswer } from './extractive.js';

export const DEFAULT_TOP_K = 5;
export const MAX_TOP_K = 20;
export const MAX_QUERY_CHARS = 2000;
/** Passages of one page among the sources, at most. */
const MAX_SOURCES_PER_PAGE = 2;

export const NO_ANSWER_TEXT =
  'I could not find an answer to that in the indexed pages. The closest sources are listed below.';
export const EMPTY_INDEX_TEXT = 'The index is empty: crawl a site first (`npx citebox crawl <url>`).';

export interface AnswerServiceDeps {
  readonly backend: SearchBackend;
  readonly logger: Logger;
}

export interface AnswerOptions {
  /** Aborted when the caller goes away; stops the work behind the answer. */
  readonly signal?: AbortSignal | undefined;
}

/** Validates what the API schema cannot (normalized emptiness, length in characters). */
export function normalizeQuery(query: string): string {
  const q = query.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (q.length === 0) throw new CiteboxError('INVALID_QUERY', 'The query is empty');
  if ([...q].length > MAX_QUERY_CHARS) {
    throw new CiteboxError('INVALID_QUERY', `The query is longer than ${MAX_QUERY_CHARS} characters`);
  }
  return q;
}

export class AnswerService {
  readonly #backend: SearchBackend;
  readonly #logger: Logger;

  constructor(deps: AnswerServiceDeps) {
    this.#backend = deps.backend;
    this.#logger = deps.logger.child({ component: 'answer' });
  }

  /** The whole answer as one response. */
  async answer(request: AnswerRequest, options: AnswerOptions = {}): Promise<AnswerResponse> {
    let done: AnswerResponse | undefined;
    for await (const event of this.stream(request, options)) {
      if (event.type === 'done') done = event.response;
    }
    if (!done) throw new CiteboxError('INTERNAL', 'The answer pipeline ended without a response');
    return done;
  }

  /** The answer as events: sources, delta…, citations, done. */
  async *stream(request: AnswerRequest, options: AnswerOptions = {}): AsyncGenerator<AnswerEvent> {
    const started = performance.now();
    const query = normalizeQuery(request.query);
    const topK = Math.min(Math.max(request.top_k ?? DEFAULT_TOP_K, 1), MAX_TOP_K);
    const hits = await this.#backend.search({
      text: query,
      limit: topK,
      maxPerPage: MAX_SOURCES_PER_PAGE,
      sites: request.filters?.sites,
      lang: request.filters?.lang,
      since: request.filters?.since,
    });
    options.signal?.throwIfAborted();
    const retrieved = performance.now();
    const sources = hits.map((hit, i) => toSource(hit, i + 1));
    yield { type: 'sources', sources };

    const extractive = extractiveAnswer({
      query,
      passages: hits.map((hit, i) => ({ n: i + 1, text: hit.passage.text, headings: hit.passage.headings })),
    });
    let answerText: string;
    let mode: AnswerResponse['answer_mode'];
    if (extractive.text) {
      answerText = extractive.text;
      mode = 'extractive';
    } else {
      answerText =
        hits.length === 0 && (await this.#backend.stats()).pages === 0 ? EMPTY_INDEX_TEXT : NO_ANSWER_TEXT;
      mode = 'none';
    }
    const renumbered = renumberCitations(answerText, hits);
    yield { type: 'delta', text: renumbered.answer };
    yield { type: 'citations', citations: renumbered.citations };
    const finished = performance.now();
    const response: AnswerResponse = {
      id: `ans_${randomUUID().replaceAll('-', '')}`,
      query,
      answer: renumbered.answer,
      answer_mode: mode,
      citations: renumbered.citations,
      sources: renumbered.sources,
      related_questions: [],
      timings: {
        retrieve_ms: round(retrieved - started),
        generate_ms: round(finished - retrieved),
        total_ms: round(finished - started),
      },
    };
    this.#logger.debug({ mode, sources: sources.length, ms: response.timings.total_ms }, 'answered');
    yield { type: 'done', response };
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function toSource(hit: SearchHit, n: number): Source {
  return {
    n,
    url: hit.passage.url,
    title: hit.passage.title,
    snippet: hit.snippet,
    score: Math.round(hit.score * 1000) / 1000,
    ...(hit.passage.publishedAt ? { published_at: hit.passage.publishedAt } : {}),
  };
}

/**
 * Renumbers the [n] markers of an answer in order of first use (1, 2, 3…), reorders the sources
 * to match (cited ones first, the rest after in rank order) and builds the citations list.
 */
export function renumberCitations(
  answer: string,
  hits: readonly SearchHit[],
): { answer: string; sources: Source[]; citations: Citation[] } {
  const order: number[] = [];
  for (const m of answer.matchAll(/\[(\d+)\]/g)) {
    const n = Number(m[1]);
    if (n >= 1 && n <= hits.length && !order.includes(n)) order.push(n);
  }
  for (let n = 1; n <= hits.length; n++) if (!order.includes(n)) order.push(n);
  const newNumber = new Map(order.map((old, i) => [old, i + 1]));
  const text = answer.replace(/\[(\d+)\]/g, (_whole, digits: string) => {
    const n = newNumber.get(Number(digits));
    return n === undefined ? '' : `[${n}]`;
  });
  const sources: Source[] = [];
  const citations: Citation[] = [];
  const cited = new Set([...text.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])));
  order.forEach((old, i) => {
    const hit = hits[old - 1];
    if (!hit) return;
    const n = i + 1;
    sources.push(toSource(hit, n));
    if (cited.has(n)) {
      citations.push({
        n,
        url: hit.passage.url,
        title: hit.passage.title,
        snippet: hit.snippet,
        passage_id: hit.passage.id,
        supported: true,
      });
    }
  });
  return { answer: text, sources, citations };
}
