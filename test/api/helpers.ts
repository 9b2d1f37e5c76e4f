// Helpers for the API tests: a scriptable answer pipeline (events with delays, honouring the
// abort signal), an in-memory backend, an app built by buildApp listening on 127.0.0.1:0, an SSE
// reader, and a logger whose output the test can read.
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { type AppDeps, buildApp } from '../../api/index.js';
import {
  type AnswerEvent,
  type AnswerRequest,
  type AnswerResponse,
  CiteboxError,
  createLogger,
  type Logger,
  Metrics,
  type SearchBackend,
  type Source,
} from '../../services/index.js';
import { type TestEnv, testConfig } from '../helpers/config.js';

export const SOURCES: Source[] = [
  { n: 1, url: 'https://a.example/apollo', title: 'Apollo', snippet: 'Apollo 11 landed in 1969.', score: 3 },
  { n: 2, url: 'https://b.example/moon', title: 'Moon', snippet: 'The Moon is far.', score: 2 },
];

export function answerFor(request: AnswerRequest): AnswerResponse {
  return {
    id: 'ans_test',
    query: request.query,
    answer: 'Apollo 11 landed on July 20, 1969 [1]. The Moon is far [2].',
    answer_mode: 'extractive',
    citations: [
      {
        n: 1,
        url: SOURCES[0]!.url,
        title: 'Apollo',
        snippet: 'Apollo 11 landed in 1969.',
        passage_id: 'p1-0',
        supported: true,
      },
    ],
    sources: SOURCES,
    related_questions: [],
    timings: { retrieve_ms: 1.5, generate_ms: 2.5, total_ms: 4 },
  };
}

export interface ScriptStep {
  readonly event: AnswerEvent | ((request: AnswerRequest) => AnswerEvent);
  readonly delayMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** The normal event sequence of an answer. */
export function normalScript(delayMs = 0): ScriptStep[] {
  return [
    { event: { type: 'sources', sources: SOURCES }, delayMs },
    { event: { type: 'delta', text: 'Apollo 11 landed on July 20, 1969 [1].' }, delayMs },
    { event: { type: 'delta', text: ' The Moon is far [2].' }, delayMs },
    { event: (r) => ({ type: 'citations', citations: answerFor(r).citations }) },
    { event: (r) => ({ type: 'done', response: answerFor(r) }) },
  ];
}

/** An answer pipeline that plays a script; records the requests and whether they were aborted. */
export class ScriptedAnswers {
  script: ScriptStep[] = normalScript();
  readonly requests: AnswerRequest[] = [];
  aborted = 0;
  running = 0;
  maxRunning = 0;

  async answer(
    request: AnswerRequest,
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<AnswerResponse> {
    let done: AnswerResponse | undefined;
    for await (const event of this.stream(request, options)) if (event.type === 'done') done = event.response;
    if (!done) throw new CiteboxError('INTERNAL', 'no done event');
    return done;
  }

  async *stream(
    request: AnswerRequest,
    options: { signal?: AbortSignal | undefined } = {},
  ): AsyncGenerator<AnswerEvent> {
    this.requests.push(request);
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      for (const step of this.script) {
        if (step.delayMs) await sleep(step.delayMs, options.signal);
        yield typeof step.event === 'function' ? step.event(request) : step.event;
      }
    } catch (err) {
      if (options.signal?.aborted) this.aborted++;
      throw err;
    } finally {
      this.running--;
    }
  }
}

/** A backend that is enough for the API's own routes (search, sites, readiness). */
export function memoryBackend(over: Partial<SearchBackend> = {}): SearchBackend {
  const backend: Partial<SearchBackend> = {
    kind: 'sqlite',
    async open() {},
    async search(query) {
      return SOURCES.slice(0, query.limit).map((s, i) => ({
        passage: {
          id: `p${i}-0`,
          pageId: `p${i}`,
          url: s.url,
          host: new URL(s.url).host,
          title: s.title,
          headings: ['History'],
          text: s.snippet,
          position: 0,
          wordCount: 5,
        },
        score: s.score,
        snippet: s.snippet,
      }));
    },
    async stats() {
      return {
        backend: 'sqlite',
        pages: 2,
        passages: 7,
        sites: [
          { host: 'a.example', pages: 1, passages: 4 },
          { host: 'b.example', pages: 1, passages: 3 },
        ],
        generation: 1,
      };
    },
    async ping() {
      return { ok: true };
    },
    async refresh() {},
    async close() {},
    ...over,
  };
  return backend as SearchBackend;
}

/** A logger writing JSON lines into an array, to check what is (not) logged. */
export function capturingLogger(level = 'info'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(line);
      cb();
    },
  });
  const logger = createLogger({ logLevel: level as 'info' }, sink);
  return { logger, lines };
}

export interface TestApi {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly env: TestEnv;
  readonly answers: ScriptedAnswers;
  readonly metrics: Metrics;
  close(): Promise<void>;
}

export async function startApi(
  env: Record<string, string> = {},
  over: Partial<AppDeps> = {},
): Promise<TestApi> {
  const testEnv = testConfig(env);
  const answers = new ScriptedAnswers();
  const metrics = new Metrics({ defaultMetrics: false });
  const app = await buildApp({
    config: testEnv.config,
    logger: createLogger(testEnv.config),
    metrics,
    backend: memoryBackend(),
    answers,
    ...over,
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    url,
    env: testEnv,
    answers,
    metrics,
    async close() {
      await app.close();
      testEnv.cleanup();
    },
  };
}

export interface SseEvent {
  readonly event: string | undefined;
  readonly data: string;
}

/** Parses a complete SSE body into events (comments skipped). */
export function parseSse(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (event !== undefined || data.length > 0) events.push({ event, data: data.join('\n') });
  }
  return events;
}

export function errorBody(value: unknown): { code: string; message: string; request_id: string } {
  const body = value as { error?: { code: string; message: string; request_id: string } };
  if (!body.error) throw new Error(`not an error body: ${JSON.stringify(value)}`);
  return body.error;
}
