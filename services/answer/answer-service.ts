// The answer pipeline: retrieve the best passages, write an answer that cites them as [n] — with
// the LLM when one is configured, extractively otherwise or when it fails — verify every citation,
// and return it in the v1 shape, as one response or as a stream of events. Usable from the API,
// the CLI and workers alike; nothing here knows about HTTP.
//
// Numbering: in a stream, the `sources` event goes out before the first token, numbered by
// retrieval rank, and every later event (deltas, citations, done) keeps those numbers, so a client
// can resolve each [n] the moment it arrives. A whole answer (answer()) keeps the same numbers, so
// one answer reads the same in JSON, in the CLI, in a stream and on the website: [n] is always the
// n-th source in rank order (an answer may cite [3] first).
import { randomUUID } from 'node:crypto';
import { CiteboxError, errorMessage, isCiteboxError } from '../errors.js';
import { type ChatTurn, type LlmClient, modelParamsBillions } from '../llm/index.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { SearchBackend } from '../search/index.js';
import { makeSnippet, normalizeForMatch, queryTerms } from '../text/index.js';
import type {
  AnswerEvent,
  AnswerMode,
  AnswerRequest,
  AnswerResponse,
  ChatMessage,
  Citation,
  SearchHit,
  Source,
} from '../types.js';
import { AnswerAssembler, type CitationUse } from './answer-assembler.js';
import { AnswerCache, answerCacheKey } from './answer-cache.js';
import { CitationStyleNormalizer } from './citation-style.js';
import { PassageEvidence } from './citation-verifier.js';
import { documentPlace, passageLink, sectionOf } from './deep-link.js';
import { EchoedTagStripper } from './echoed-tags.js';
import {
  definitionSubject,
  extractiveAnswer,
  passageAnswerScores,
  wantsAnswerRanking,
} from './extractive.js';
import { cleanRewrite, needsContext, standaloneQueryFallback } from './followup.js';
import { questionLanguage, wrongLanguage } from './language-check.js';
import {
  answerSystemPrompt,
  answerUserPrompt,
  estimateTokens,
  fitPassages,
  judgePrompt,
  languageName,
  type PromptPassage,
  parseQuestionList,
  relatedQuestionsPrompt,
  standaloneQuestionPrompt,
} from './prompt.js';
import { renumberAnswer } from './renumber.js';
import { echoesQuestion, onlyRestatesSources, RepetitionGuard } from './repetition-guard.js';
import { retrievalCoverage, tooWeakToAnswer } from './retrieval-confidence.js';

export const DEFAULT_TOP_K = 5;
export const MAX_TOP_K = 20;
export const MAX_QUERY_CHARS = 2000;
/**
 * Passages of one page among the sources, at most. The answer is often in a page's third or
 * fourth best passage; four still leaves room for a second page among five sources.
 */
const MAX_SOURCES_PER_PAGE = 4;
/** Candidates read per source, for a question whose sources are chosen by what they answer. */
const ANSWER_RANKING_WIDEN = 3;

/** Hits without later copies of a passage's text (compared without case and spacing). */
export function withoutCopies(hits: readonly SearchHit[]): SearchHit[] {
  if (hits.length < 2) return [...hits];
  // A cheap key first (the text's two ends); the whole text only compared when keys meet.
  const quick = (text: string) =>
    `${text.slice(0, 64).replace(/\s+/g, ' ').trim()}|${text.slice(-64).replace(/\s+/g, ' ').trim()}`;
  const normal = (text: string) => text.replace(/\s+/g, ' ').trim().toLowerCase();
  const byQuick = new Map<string, string[]>();
  const seen = new Set<string>();
  const out: SearchHit[] = [];
  for (const hit of hits) {
    const text = hit.passage.text;
    const q = quick(text).toLowerCase();
    const same = byQuick.get(q);
    if (same) {
      const n = normal(text);
      if (seen.has(n) || same.some((t) => normal(t) === n)) continue;
      same.push(text);
      seen.add(n);
    } else {
      byQuick.set(q, [text]);
    }
    out.push(hit);
  }
  return out;
}

/**
 * The `topK` hits whose sentences answer the question best (extractive scoring over all of them,
 * which keeps the retrieval rank as one of its signals), best first.
 */
function rankByAnswer(
  question: string,
  hits: readonly SearchHit[],
  topK: number,
): { hits: SearchHit[]; termWeights: ReadonlyMap<string, number> | undefined } {
  if (hits.length <= 1) return { hits: [...hits], termWeights: undefined };
  const { scores, termWeights } = passageAnswerScores({
    query: question,
    passages: hits.map((hit, i) => ({
      n: i + 1,
      text: hit.passage.text,
      title: hit.passage.title,
      headings: hit.passage.headings,
      kind: hit.passage.kind,
    })),
  });
  const ranked = hits
    .map((hit, i) => ({ hit, i, score: scores[i] ?? 0 }))
    .sort((a, b) => b.score - a.score || a.i - b.i)
    .slice(0, topK)
    .map((r) => r.hit);
  return { hits: ranked, termWeights };
}
/** Tokens kept for the model's reply. */
const REPLY_TOKENS = 700;
/** Side calls (rewrite, related questions, judge) get at most this long. */
const SIDE_CALL_TIMEOUT_MS = 8_000;
/** Related questions are asked only of a model expected to write them within this long. */
const RELATED_BUDGET_MS = 3_000;
const RELATED_PROMPT_TOKENS = 120;
const RELATED_REPLY_TOKENS = 50;
/** Sources for a model whose speed is not known yet (the first answer after start-up), tokens. */
const FIRST_CALL_SOURCE_TOKENS = 600;
/** However slow the model, it gets at least this many tokens of sources. */
const MIN_SOURCE_TOKENS = 150;
/** The user turn around the sources and question (labels, instructions), tokens. */
const USER_TURN_TOKENS = 60;
/** Characters of a streamed answer within which its language is checked. */
const LANGUAGE_CHECK_CHARS = 400;
/** Doubtful citations the LLM judge looks at, at most, per answer. */
const MAX_JUDGED = 6;

export const NO_ANSWER_TEXT =
  'I could not find an answer to that in the indexed pages. The closest sources are listed below.';
/** The no-answer text when no indexed page came close enough to list as a source. */
export const NO_SOURCES_TEXT =
  'I could not find an answer to that in the indexed pages, and none of them is close enough to list as a source.';
export const EMPTY_INDEX_TEXT = 'The index is empty: crawl a site first (`npx citebox crawl <url>`).';

export interface AnswerSettings {
  /** Finished answers kept in memory (0: no cache). */
  readonly cacheSize?: number | undefined;
  /** The model's context window in tokens; passages are fitted into it. */
  readonly contextTokens?: number | undefined;
  /** Ask the LLM to judge citations the overlap check finds doubtful. */
  readonly llmJudge?: boolean | undefined;
  /**
   * Send the model no more sources than it reads in this long (by its measured speed), so that
   * its answer starts in time; 0 fills the context whatever the speed.
   */
  readonly targetFirstTokenMs?: number | undefined;
  /**
   * In `auto` mode a model whose name gives fewer parameters than this (billions) is not asked:
   * small models answer worse than the extractive answers (docs/answers.md). 0: always asked.
   */
  readonly autoMinParamsB?: number | undefined;
}

export interface AnswerServiceDeps {
  readonly backend: SearchBackend;
  readonly logger: Logger;
  /** The language model; without it every answer is extractive. */
  readonly llm?: LlmClient | undefined;
  readonly metrics?: Metrics | undefined;
  readonly settings?: AnswerSettings | undefined;
}

export interface AnswerOptions {
  /** Aborted when the caller goes away; stops the work behind the answer, the LLM call included. */
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

/** What one answer is being made from. */
interface Context {
  readonly started: number;
  readonly query: string;
  /** The question as retrieval and the model see it (standalone for follow-ups). */
  readonly question: string;
  readonly lang: string | undefined;
  readonly hits: readonly SearchHit[];
  /** The passages as the model reads them (cut to fit; empty without a model), numbered as hits. */
  readonly prompted: PromptPassage[];
  /** Each hit's retrieval rank, when sources were chosen among more passages (rankByAnswer). */
  readonly ranks?: ReadonlyMap<SearchHit, number> | undefined;
  /** The question's term weights over those passages. */
  readonly termWeights?: ReadonlyMap<string, number> | undefined;
  /** Each passage's evidence as numbered here, prepared once for every check that reads it. */
  readonly evidence: PassageEvidenceCache;
  readonly signal: AbortSignal | undefined;
}

/**
 * The evidence of an answer's passages (stems, numbers), made when first read and shared: the
 * retrieval check and the citation checks read the same passages, and preparing one was done
 * twice (about 8 % of an extractive answer's CPU). Keyed by the passage record and its number.
 */
class PassageEvidenceCache {
  readonly #made = new Map<SearchHit['passage'], PassageEvidence>();

  of(hit: SearchHit, n: number): PassageEvidence {
    const made = this.#made.get(hit.passage);
    if (made?.n === n) return made;
    const evidence = new PassageEvidence({
      n,
      text: hit.passage.text,
      title: hit.passage.title,
      headings: hit.passage.headings,
    });
    this.#made.set(hit.passage, evidence);
    return evidence;
  }
}

/** How the written answer came about. */
interface Written {
  readonly assembler: AnswerAssembler;
  readonly mode: AnswerMode;
  /** The LLM was wanted but failed; the answer is a fallback (not cached). */
  readonly fellBack: boolean;
}

export class AnswerService {
  readonly #backend: SearchBackend;
  readonly #logger: Logger;
  readonly #llm: LlmClient | undefined;
  readonly #cache: AnswerCache;
  readonly #contextTokens: number;
  readonly #judge: boolean;
  readonly #targetFirstTokenMs: number;
  /** `auto` mode asks the model (false for a model too small to beat the extractive answers). */
  readonly #autoAsksModel: boolean;
  readonly #metrics: Metrics | undefined;

  constructor(deps: AnswerServiceDeps) {
    this.#backend = deps.backend;
    this.#logger = deps.logger.child({ component: 'answer' });
    this.#llm = deps.llm;
    this.#cache = new AnswerCache(deps.settings?.cacheSize ?? 500);
    this.#contextTokens = deps.settings?.contextTokens ?? 4096;
    this.#judge = deps.settings?.llmJudge ?? false;
    this.#targetFirstTokenMs = deps.settings?.targetFirstTokenMs ?? 0;
    const size = deps.llm ? modelParamsBillions(deps.llm.model) : undefined;
    const minimum = deps.settings?.autoMinParamsB ?? 0;
    this.#autoAsksModel = deps.llm !== undefined && !(size !== undefined && size < minimum);
    if (deps.llm && !this.#autoAsksModel) {
      this.#logger.info(
        { model: deps.llm.model, billions: size, minimum },
        'a small model: auto-mode answers are extractive (ask with mode "llm" for its answers)',
      );
    }
    this.#metrics = deps.metrics;
  }

  /** Whether answers may come from a language model. */
  get hasLlm(): boolean {
    return this.#llm !== undefined;
  }

  /** The whole answer as one response, numbered as its stream is (sources in rank order). */
  async answer(request: AnswerRequest, options: AnswerOptions = {}): Promise<AnswerResponse> {
    let done: AnswerResponse | undefined;
    for await (const event of this.stream(request, options)) {
      if (event.type === 'done') done = event.response;
    }
    if (!done) throw new CiteboxError('INTERNAL', 'The answer pipeline ended without a response');
    return done;
  }

  /**
   * The answer as events: sources, delta…, citations, done. When the LLM fails part-way, an
   * `error` event comes first and the extractive answer follows (deltas, citations, done).
   */
  async *stream(request: AnswerRequest, options: AnswerOptions = {}): AsyncGenerator<AnswerEvent> {
    const started = performance.now();
    const signal = options.signal;
    const query = normalizeQuery(request.query);
    const topK = Math.min(Math.max(request.top_k ?? DEFAULT_TOP_K, 1), MAX_TOP_K);
    const wantsLlm =
      this.#llm !== undefined &&
      (request.mode === 'llm' || (request.mode !== 'extractive' && this.#autoAsksModel));
    const history = (request.messages ?? []).filter((m) => m.role !== 'system' && m.content.trim());
    const question = history.length > 0 ? await this.#standalone(query, history, wantsLlm, signal) : query;
    signal?.throwIfAborted();

    const generation = await this.#backend.generation();
    const key = answerCacheKey({
      question,
      filters: request.filters,
      mode: wantsLlm ? 'llm' : 'extractive',
      topK,
      generation,
    });
    const cached = this.#cache.get(key);
    if (cached) {
      yield* replay(cached, query, started);
      return;
    }

    // A question that asks for something a passage states or not (a default, a limit, a version,
    // how to do it, an identifier) picks its sources among more passages, by what they answer.
    const rerank = wantsAnswerRanking(question);
    let hits = await this.#backend.search({
      text: question,
      limit: rerank ? topK * ANSWER_RANKING_WIDEN : topK,
      maxPerPage: MAX_SOURCES_PER_PAGE,
      sites: request.filters?.sites,
      lang: request.filters?.lang,
      since: request.filters?.since,
    });
    // The same text on several pages (options shared by commands, release notes repeated on
    // later releases' pages) is one source: the best-ranked copy stays.
    hits = withoutCopies(hits);
    let ranks: Map<SearchHit, number> | undefined;
    let termWeights: ReadonlyMap<string, number> | undefined;
    if (rerank) {
      ranks = new Map(hits.map((hit, i) => [hit, i]));
      ({ hits, termWeights } = rankByAnswer(question, hits, topK));
    }
    const subject = definitionSubject(question);
    if (subject) hits = await this.#withLeadPassages(hits, subject, question, topK);
    signal?.throwIfAborted();
    const retrieved = performance.now();
    const evidence = new PassageEvidenceCache();
    const coverage = retrievalCoverage(
      question,
      hits.map((h, i) => evidence.of(h, i + 1)),
    );
    if (hits.length === 0 || tooWeakToAnswer(coverage)) {
      yield* this.#abstain(query, hits, started, retrieved);
      return;
    }

    const lang = questionLanguage(question);
    // What the model sees must fit its context; sources are the passages it sees.
    const fitted = wantsLlm ? this.#fit(question, hits, history, lang) : { hits, prompted: [] };
    const usable = fitted.hits;
    const context: Context = {
      started,
      query,
      question,
      lang,
      hits: usable,
      prompted: fitted.prompted,
      ranks,
      termWeights,
      evidence,
      signal,
    };
    yield { type: 'sources', sources: usable.map((hit, i) => toSource(hit, i + 1)) };

    let written: Written | undefined;
    if (wantsLlm) written = yield* this.#llmAnswer(context);
    if (!written) {
      written = { assembler: this.#extractive(context), mode: 'extractive', fellBack: wantsLlm };
      if (written.assembler.text) yield { type: 'delta', text: written.assembler.text };
    }
    if (written.assembler.text.trim() === '') {
      yield* this.#noAnswer(context, retrieved);
      return;
    }
    const uses = await this.#judgeDoubtful(written, usable, signal);
    const citations = citationsFor(written.assembler.text, uses, usable);
    yield { type: 'citations', citations };

    const related = written.mode === 'llm' ? await this.#relatedQuestions(context) : [];
    const finished = performance.now();
    const response: AnswerResponse = {
      id: newId(),
      query,
      answer: written.assembler.text.trim(),
      answer_mode: written.mode,
      citations,
      sources: usable.map((hit, i) => toSource(hit, i + 1)),
      related_questions: related,
      timings: timings(started, retrieved, finished),
      ...(written.mode === 'llm' && this.#llm ? { model: this.#llm.model } : {}),
    };
    this.#count(written);
    if (!written.fellBack) this.#cache.set(key, response);
    this.#logger.debug(
      {
        mode: response.answer_mode,
        sources: usable.length,
        ms: response.timings.total_ms,
        ...written.assembler.counts,
      },
      'answered',
    );
    yield { type: 'done', response };
  }

  /**
   * Streams the model's answer through the citation assembler. Returns undefined when the model
   * failed before writing anything (the caller falls back silently); after an `error` event when it
   * failed part-way, returns the extractive fallback.
   */
  async *#llmAnswer(context: Context): AsyncGenerator<AnswerEvent, Written | undefined> {
    const llm = this.#llm as LlmClient;
    const passages = context.hits.map((hit, i) => ({
      n: i + 1,
      title: hit.passage.title,
      url: passageLink(hit.passage),
      text: hit.passage.text,
      headings: hit.passage.headings,
      kind: hit.passage.kind,
    }));
    // What the model reads: the passages as fitted (the full ones back the citation checks).
    let prompted: PromptPassage[] = context.prompted;
    let shrunk = false;
    let correction: string | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const assembler = new AnswerAssembler(passages, { citeUncited: true });
      // Small models cite in styles of their own (line prefixes, lists after the sentence): made
      // into markers after their claims before the assembler verifies them.
      const style = new CitationStyleNormalizer(passages.length);
      const loops = new RepetitionGuard();
      // The prompt's <source> tags, copied into the answer by small models.
      const tags = new EchoedTagStripper();
      // The correction goes into the user turn: many chat templates allow a system message only
      // first, and roles that alternate.
      const user = answerUserPrompt(context.question, prompted, context.lang);
      const messages: ChatTurn[] = [
        { role: 'system', content: answerSystemPrompt(context.lang) },
        { role: 'user', content: correction ? `${user}\n\n${correction}` : user },
      ];
      let emitted = false;
      let wrong: string | undefined;
      let checkLanguage = true;
      try {
        for await (const chunk of llm.stream({
          messages,
          maxTokens: REPLY_TOKENS,
          signal: context.signal,
          purpose: 'answer',
        })) {
          context.signal?.throwIfAborted();
          const text = assembler.push(style.push(loops.push(tags.push(chunk))));
          if (text) {
            emitted = true;
            yield { type: 'delta', text };
          }
          if (loops.stopped) {
            // leaving the loop aborts the upstream request
            this.#logger.warn({ model: llm.model }, 'the LLM repeated itself; its answer was cut there');
            this.#metrics
              ?.counter('citebox_llm_errors_total', 'LLM errors, by code', ['code'])
              .inc({ code: 'REPETITION' });
            break;
          }
          // The language shows in the first sentences; later text is not checked again.
          if (checkLanguage) {
            checkLanguage = assembler.plain.length <= LANGUAGE_CHECK_CHARS;
            wrong = wrongLanguage(context.lang, assembler.plain);
            if (wrong) break; // leaving the loop aborts the upstream request
          }
        }
        if (!wrong) {
          const rest =
            assembler.push(style.push(loops.push(tags.end()) + loops.end()) + style.end()) + assembler.end();
          if (rest) {
            emitted = true;
            yield { type: 'delta', text: rest };
          }
          if (assembler.text.trim() === '')
            throw new CiteboxError('LLM_ERROR', 'The language model returned no answer');
          if (onlyRestatesSources(assembler.plain, prompted))
            throw new CiteboxError(
              'LLM_ERROR',
              "The language model wrote only the sources' titles or markers instead of an answer",
            );
          if (echoesQuestion(assembler.plain, context.question))
            throw new CiteboxError(
              'LLM_ERROR',
              'The language model repeated the question instead of answering',
            );
          return { assembler, mode: 'llm', fellBack: false };
        }
      } catch (err) {
        context.signal?.throwIfAborted();
        const error = isCiteboxError(err)
          ? err
          : new CiteboxError('LLM_ERROR', errorMessage(err), { cause: err });
        if (error.code === 'LLM_CONTEXT_OVERFLOW' && !emitted && !shrunk) {
          // The server counts tokens differently from Citebox's estimate: ask again with half.
          this.#logger.warn(
            { err: error.message, passages: prompted.length },
            'the prompt overflowed; halving it',
          );
          shrunk = true;
          prompted = halvePassages(prompted);
          attempt--;
          continue;
        }
        this.#logger.warn(
          { err: error.message, code: error.code, emitted },
          'LLM answer failed; answering extractively',
        );
        this.#metrics
          ?.counter('citebox_llm_errors_total', 'LLM errors, by code', ['code'])
          .inc({ code: error.code });
        if (!emitted) return undefined;
        yield {
          type: 'error',
          code: error.code,
          message: `${error.message}; here is an extractive answer instead`,
        };
        return yield* this.#extractiveFallback(context);
      }
      // The model answered in the wrong language: take back what was streamed and ask once more.
      const expected = languageName(context.lang) ?? context.lang ?? 'the language of the question';
      const got = languageName(wrong) ?? wrong;
      this.#logger.warn(
        { expected: context.lang, got: wrong, attempt },
        'LLM answered in the wrong language',
      );
      this.#metrics
        ?.counter('citebox_llm_errors_total', 'LLM errors, by code', ['code'])
        .inc({ code: 'WRONG_LANGUAGE' });
      if (attempt === 1) {
        yield {
          type: 'error',
          code: 'LLM_ERROR',
          message: `The language model answered in ${got} instead of ${expected}; here is an extractive answer instead`,
        };
        return yield* this.#extractiveFallback(context);
      }
      if (emitted) {
        yield {
          type: 'error',
          code: 'LLM_ERROR',
          message: `The language model answered in ${got} instead of ${expected}; answering again`,
        };
      }
      correction = `Your answer must be written in ${expected}, not in ${got}. Answer again, in ${expected}.`;
    }
    return undefined;
  }

  /** The extractive answer after the model failed part-way (an `error` event went out before). */
  async *#extractiveFallback(context: Context): AsyncGenerator<AnswerEvent, Written> {
    const assembler = this.#extractive(context);
    if (assembler.text) yield { type: 'delta', text: assembler.text };
    return { assembler, mode: 'extractive', fellBack: true };
  }

  #extractive(context: Context): AnswerAssembler {
    const result = extractiveAnswer({
      query: context.question,
      passages: context.hits.map((hit, i) => ({
        n: i + 1,
        text: hit.passage.text,
        headings: hit.passage.headings,
        title: hit.passage.title,
        kind: hit.passage.kind,
        // Chosen among more passages: the retrieval rank, not the place in this list, is the prior.
        rank: context.ranks?.get(hit),
      })),
      termWeights: context.termWeights,
    });
    const assembler = new AnswerAssembler(context.hits.map((hit, i) => context.evidence.of(hit, i + 1)));
    assembler.push(result.text);
    assembler.end();
    return assembler;
  }

  /**
   * "What is X?" is best answered by how a page about X opens. The opening passages of the pages
   * retrieved that name X join the sources, right after the first passage of their page.
   */
  async #withLeadPassages(
    hits: readonly SearchHit[],
    subject: string,
    question: string,
    topK: number,
  ): Promise<SearchHit[]> {
    const have = new Set(hits.map((h) => h.passage.id));
    const pages = [...new Set(hits.map((h) => h.passage.pageId))].slice(0, 3);
    const wanted = pages.map((pageId) => `${pageId}-0`).filter((id) => !have.has(id));
    if (wanted.length === 0) return [...hits];
    const leads = (await this.#backend.getPassages(wanted)).filter((p) =>
      normalizeForMatch(`${p.title}\n${p.text}`).includes(subject),
    );
    const terms = queryTerms(question);
    const out = [...hits];
    for (const lead of leads) {
      const at = out.findIndex((h) => h.passage.pageId === lead.pageId);
      const score = out[at]?.score ?? 0;
      out.splice(at + 1, 0, { passage: lead, score, snippet: makeSnippet(lead.text, terms) });
    }
    return out.slice(0, topK);
  }

  /**
   * The hits the model is given, and their text as it reads it: fitted to its context, and to what
   * it reads within the first-token target at its measured speed (fewer, tighter passages for a
   * slow model). The hits keep their whole text, which citations are checked against.
   */
  #fit(
    question: string,
    hits: readonly SearchHit[],
    history: readonly ChatMessage[],
    lang: string | undefined,
  ): { hits: SearchHit[]; prompted: PromptPassage[] } {
    const system = estimateTokens(answerSystemPrompt(lang));
    const turn =
      estimateTokens(question) +
      history.reduce((sum, m) => sum + estimateTokens(m.content) + 4, 0) +
      USER_TURN_TOKENS;
    const fitted = fitPassages(
      hits.map((hit, i) => ({
        n: i + 1,
        title: hit.passage.title,
        url: passageLink(hit.passage),
        text: hit.passage.text,
        // The model sees the passage's structure: its heading path, a definition's term.
        headings: hit.passage.headings,
        kind: hit.passage.kind,
      })),
      {
        contextTokens: this.#contextTokens,
        replyTokens: REPLY_TOKENS,
        overheadTokens: system + turn,
        sourceTokens: this.#sourceTokens(system + turn, system),
        question,
      },
    );
    return { hits: fitted.map((p) => hits[p.n - 1] as SearchHit), prompted: fitted };
  }

  /** Tokens of sources the model reads within the first-token target, or undefined for no limit. */
  #sourceTokens(overhead: number, system: number): number | undefined {
    if (this.#targetFirstTokenMs <= 0) return undefined;
    const speed = this.#llm?.speed;
    const rate = speed?.prefillTokensPerSecond;
    if (!speed || rate === undefined) return FIRST_CALL_SOURCE_TOKENS;
    // A server that caches the prompt's opening reads the system prompt once, not per answer.
    const fresh = overhead - (speed.cachesPrompt ? system : 0);
    return Math.max(MIN_SOURCE_TOKENS, Math.floor((rate * this.#targetFirstTokenMs) / 1000 - fresh));
  }

  async #standalone(
    query: string,
    history: readonly ChatMessage[],
    wantsLlm: boolean,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    if (!needsContext(query)) return query;
    if (wantsLlm && this.#llm) {
      try {
        const reply = await this.#llm.complete({
          messages: standaloneQuestionPrompt(history, query),
          purpose: 'rewrite',
          maxTokens: 120,
          temperature: 0,
          signal,
          timeoutMs: SIDE_CALL_TIMEOUT_MS,
        });
        const rewritten = cleanRewrite(reply, MAX_QUERY_CHARS);
        if (rewritten) return rewritten;
      } catch (err) {
        signal?.throwIfAborted();
        this.#logger.warn({ err: errorMessage(err) }, 'rewriting the follow-up failed; using the fallback');
      }
    }
    return standaloneQueryFallback(query, history);
  }

  async #relatedQuestions(context: Context): Promise<string[]> {
    if (!this.#llm) return [];
    // A slow model would keep the reader waiting for the end of the answer: no related questions.
    const expected = this.#llm.speed?.expectedMs(RELATED_PROMPT_TOKENS, RELATED_REPLY_TOKENS);
    if (expected !== undefined && expected > RELATED_BUDGET_MS) return [];
    try {
      const reply = await this.#llm.complete({
        messages: relatedQuestionsPrompt(
          context.question,
          context.hits.map((h, i) => ({ n: i + 1, title: h.passage.title, url: h.passage.url, text: '' })),
          context.lang,
        ),
        purpose: 'related',
        maxTokens: 150,
        temperature: 0.3,
        signal: context.signal,
        timeoutMs: SIDE_CALL_TIMEOUT_MS,
      });
      return parseQuestionList(reply);
    } catch (err) {
      context.signal?.throwIfAborted();
      this.#logger.warn({ err: errorMessage(err) }, 'related questions failed');
      return [];
    }
  }

  /** With the judge on, doubtful citations get a yes/no from the LLM. */
  async #judgeDoubtful(
    written: Written,
    hits: readonly SearchHit[],
    signal: AbortSignal | undefined,
  ): Promise<readonly CitationUse[]> {
    const uses = written.assembler.uses;
    if (!this.#judge || !this.#llm || written.mode !== 'llm') return uses;
    const out = [...uses];
    let judged = 0;
    for (let i = 0; i < out.length && judged < MAX_JUDGED; i++) {
      const use = out[i] as CitationUse;
      const passage = hits[use.n - 1]?.passage.text;
      if (use.supported || !passage) continue;
      judged++;
      try {
        const reply = await this.#llm.complete({
          messages: judgePrompt(use.claim, passage),
          purpose: 'judge',
          maxTokens: 3,
          temperature: 0,
          signal,
          timeoutMs: SIDE_CALL_TIMEOUT_MS,
        });
        if (/^\s*yes\b/i.test(reply)) out[i] = { ...use, supported: true };
      } catch (err) {
        signal?.throwIfAborted();
        this.#logger.warn({ err: errorMessage(err) }, 'the citation judge failed');
        break;
      }
    }
    return out;
  }

  async *#abstain(
    query: string,
    hits: readonly SearchHit[],
    started: number,
    retrieved: number,
  ): AsyncGenerator<AnswerEvent> {
    const sources = hits.map((hit, i) => toSource(hit, i + 1));
    yield { type: 'sources', sources };
    const empty = hits.length === 0 && (await this.#backend.stats()).pages === 0;
    const text = empty ? EMPTY_INDEX_TEXT : hits.length === 0 ? NO_SOURCES_TEXT : NO_ANSWER_TEXT;
    yield { type: 'delta', text };
    yield { type: 'citations', citations: [] };
    const response: AnswerResponse = {
      id: newId(),
      query,
      answer: text,
      answer_mode: 'none',
      citations: [],
      sources,
      related_questions: [],
      timings: timings(started, retrieved, performance.now()),
    };
    yield { type: 'done', response };
  }

  async *#noAnswer(context: Context, retrieved: number): AsyncGenerator<AnswerEvent> {
    // The sources event has gone out already; the rest is as for an abstention.
    const sources = context.hits.map((hit, i) => toSource(hit, i + 1));
    yield { type: 'delta', text: NO_ANSWER_TEXT };
    yield { type: 'citations', citations: [] };
    yield {
      type: 'done',
      response: {
        id: newId(),
        query: context.query,
        answer: NO_ANSWER_TEXT,
        answer_mode: 'none',
        citations: [],
        sources,
        related_questions: [],
        timings: timings(context.started, retrieved, performance.now()),
      },
    };
  }

  #count(written: Written): void {
    if (!this.#metrics) return;
    const verdicts = this.#metrics.counter(
      'citebox_citations_total',
      'Citation markers by verification verdict',
      ['verdict'],
    );
    for (const [verdict, n] of Object.entries(written.assembler.counts))
      if (n > 0) verdicts.inc({ verdict }, n);
  }
}

function newId(): string {
  return `ans_${randomUUID().replaceAll('-', '')}`;
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function timings(started: number, retrieved: number, finished: number): AnswerResponse['timings'] {
  return {
    retrieve_ms: round(retrieved - started),
    generate_ms: round(finished - retrieved),
    total_ms: round(finished - started),
  };
}

function toSource(hit: SearchHit, n: number): Source {
  const section = sectionOf(hit.passage);
  return {
    n,
    url: passageLink(hit.passage),
    title: hit.passage.title,
    ...(section ? { section } : {}),
    snippet: hit.snippet,
    score: Math.round(hit.score * 1000) / 1000,
    ...(hit.passage.publishedAt ? { published_at: hit.passage.publishedAt } : {}),
    ...(hit.passage.headings.length > 0 ? { headings: hit.passage.headings } : {}),
    ...documentPlace(hit.passage),
  };
}

function toCitation(hit: SearchHit, n: number, supported: boolean): Citation {
  const section = sectionOf(hit.passage);
  return {
    n,
    url: passageLink(hit.passage),
    title: hit.passage.title,
    ...(section ? { section } : {}),
    snippet: hit.snippet,
    passage_id: hit.passage.id,
    supported,
    ...documentPlace(hit.passage),
  };
}

/** A citation is supported when every claim it backs was found supported. */
function supportByNumber(uses: readonly CitationUse[]): Map<number, boolean> {
  const out = new Map<number, boolean>();
  for (const use of uses) out.set(use.n, (out.get(use.n) ?? true) && use.supported);
  return out;
}

/** The citations of a text, in the text's numbering, in order of first use. */
function citationsFor(text: string, uses: readonly CitationUse[], hits: readonly SearchHit[]): Citation[] {
  const support = supportByNumber(uses);
  const { order, cited } = renumberAnswer(text, hits.length);
  const out: Citation[] = [];
  for (let i = 0; i < cited.size; i++) {
    const n = order[i] as number;
    const hit = hits[n - 1];
    if (hit) out.push(toCitation(hit, n, support.get(n) ?? true));
  }
  return out;
}

/**
 * Renumbers a response's [n] markers in order of first use (1, 2, 3…) and reorders its sources to
 * match: cited ones first, the rest after in rank order. Citations follow their sources.
 */
export function renumberResponse(response: AnswerResponse): AnswerResponse {
  const byN = new Map(response.sources.map((s) => [s.n, s]));
  const count = Math.max(0, ...response.sources.map((s) => s.n));
  const { text, order } = renumberAnswer(response.answer, count);
  const newNumber = new Map(order.map((old, i) => [old, i + 1]));
  const sources: Source[] = [];
  for (const old of order) {
    const source = byN.get(old);
    if (source) sources.push({ ...source, n: newNumber.get(old) as number });
  }
  const citations = response.citations
    .filter((c) => newNumber.has(c.n))
    .map((c) => ({ ...c, n: newNumber.get(c.n) as number }))
    .sort((a, b) => a.n - b.n);
  return { ...response, answer: text, sources, citations };
}

/** A cached answer, streamed as if new (it is already in its final numbering). */
async function* replay(cached: AnswerResponse, query: string, started: number): AsyncGenerator<AnswerEvent> {
  yield { type: 'sources', sources: cached.sources };
  yield { type: 'delta', text: cached.answer };
  yield { type: 'citations', citations: cached.citations };
  const ms = round(performance.now() - started);
  yield {
    type: 'done',
    response: { ...cached, id: newId(), query, timings: { retrieve_ms: ms, generate_ms: 0, total_ms: ms } },
  };
}

/** Renumbers an extractive-style answer over hits (kept for callers of the earlier API). */
export function renumberCitations(
  answer: string,
  hits: readonly SearchHit[],
): { answer: string; sources: Source[]; citations: Citation[] } {
  const citations = citationsFor(answer, [], hits);
  const response = renumberResponse({
    id: '',
    query: '',
    answer,
    answer_mode: 'extractive',
    citations,
    sources: hits.map((hit, i) => toSource(hit, i + 1)),
    related_questions: [],
    timings: { retrieve_ms: 0, generate_ms: 0, total_ms: 0 },
  });
  return { answer: response.answer, sources: [...response.sources], citations: [...response.citations] };
}

/** Half the prompt: the first half of the passages, or the first half of a lone passage's text. */
function halvePassages(passages: readonly PromptPassage[]): PromptPassage[] {
  if (passages.length > 1) return passages.slice(0, Math.ceil(passages.length / 2));
  const only = passages[0];
  if (!only) return [];
  return [{ ...only, text: only.text.slice(0, Math.ceil(only.text.length / 2)) }];
}
