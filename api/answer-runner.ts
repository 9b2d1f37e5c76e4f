// Runs answers for the routes (JSON, Citebox SSE, OpenAI chat): takes a slot from the AnswerGate
// (503 BUSY when saturated), aborts the work when the client leaves or the request times out, and
// records the answer's stage timings and outcome in the metrics.
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  type AnswerEvent,
  type AnswerRequest,
  type AnswerResponse,
  CiteboxError,
  isCiteboxError,
  type Metrics,
} from '../services/index.js';
import type { AnswerGate, Release } from './answer-gate.js';
import type { AnswerPort } from './deps.js';
import type { Lifecycle } from './lifecycle.js';
import { type StreamFormat, sendEventStream } from './sse.js';

export type Transport = 'json' | 'sse' | 'chat';

export interface AnswerRunnerDeps {
  readonly answers: AnswerPort;
  readonly gate: AnswerGate;
  readonly lifecycle: Lifecycle;
  readonly metrics?: Metrics | undefined;
  readonly timeoutMs: number;
}

/** Records an answer's stage timings (seconds) and outcome. */
export function recordAnswer(
  metrics: Metrics | undefined,
  response: AnswerResponse,
  transport: Transport,
): void {
  if (!metrics) return;
  const stages = metrics.answerStageDuration();
  const mode = response.answer_mode;
  stages.observe({ stage: 'retrieve', mode }, response.timings.retrieve_ms / 1000);
  stages.observe({ stage: 'generate', mode }, response.timings.generate_ms / 1000);
  stages.observe({ stage: 'total', mode }, response.timings.total_ms / 1000);
  metrics.answersTotal().inc({ mode, transport });
}

/** Aborts when the client goes away before the response is written, or when time is up. */
function requestSignal(reply: FastifyReply, timeoutMs: number): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) {
      const err = new Error('The client closed the request');
      err.name = 'AbortError';
      controller.abort(err);
    }
  };
  reply.raw.on('close', onClose);
  const remaining = Math.max(1, timeoutMs - reply.elapsedTime);
  const timer = setTimeout(
    () =>
      controller.abort(new CiteboxError('REQUEST_TIMEOUT', `The answer took longer than ${timeoutMs} ms`)),
    remaining,
  );
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      reply.raw.off('close', onClose);
    },
  };
}

async function acquire(deps: AnswerRunnerDeps, signal: AbortSignal): Promise<Release> {
  try {
    return await deps.gate.acquire(signal);
  } catch (err) {
    // Timing out in the queue means the server is saturated: say "busy, retry", not "timeout".
    if (isCiteboxError(err) && (err.code === 'BUSY' || err.code === 'REQUEST_TIMEOUT')) {
      deps.metrics?.answerRejected().inc();
      throw err.code === 'BUSY' ? err : deps.gate.busy();
    }
    throw err;
  }
}

/** One answer as JSON. */
export async function runAnswer(
  deps: AnswerRunnerDeps,
  reply: FastifyReply,
  answerRequest: AnswerRequest,
  transport: Transport,
): Promise<AnswerResponse> {
  const { signal, dispose } = requestSignal(reply, deps.timeoutMs);
  let release: Release | undefined;
  try {
    release = await acquire(deps, signal);
    const response = await deps.answers.answer(answerRequest, { signal });
    recordAnswer(deps.metrics, response, transport);
    return response;
  } catch (err) {
    const reason: unknown = signal.aborted ? signal.reason : err;
    if (release) {
      deps.metrics?.answersTotal().inc({ mode: 'failed', transport });
      deps.metrics?.answerErrors().inc({ code: isCiteboxError(reason) ? reason.code : 'INTERNAL' });
    }
    throw reason;
  } finally {
    release?.();
    dispose();
  }
}

/** One answer as a stream of events in the given format. */
export async function streamAnswer(
  deps: AnswerRunnerDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  answerRequest: AnswerRequest,
  format: StreamFormat,
  transport: Transport,
): Promise<void> {
  // The slot is taken before the stream opens, so a saturated server answers a plain 503.
  const { signal, dispose } = requestSignal(reply, deps.timeoutMs);
  let release: Release;
  try {
    release = await acquire(deps, signal);
  } catch (err) {
    throw signal.aborted ? signal.reason : err;
  } finally {
    dispose();
  }
  let finished = false;
  const onEvent = (event: AnswerEvent) => {
    if (event.type === 'done') {
      finished = true;
      recordAnswer(deps.metrics, event.response, transport);
    } else if (event.type === 'error') {
      deps.metrics?.answerErrors().inc({ code: event.code });
    }
  };
  try {
    await sendEventStream(
      request,
      reply,
      {
        lifecycle: deps.lifecycle,
        metrics: deps.metrics,
        timeoutMs: Math.max(1, deps.timeoutMs - reply.elapsedTime),
      },
      (streamSignal) => deps.answers.stream(answerRequest, { signal: streamSignal }),
      format,
      onEvent,
    );
  } finally {
    if (!finished) deps.metrics?.answersTotal().inc({ mode: 'failed', transport });
    release();
  }
}
