// The language model behind LLM answers: any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM,
// llama.cpp's server) through the `openai` package. The rest of Citebox sees only LlmClient, so
// tests and other vendors can stand in. Retries, timeouts, error wrapping and the LLM metrics
// (through llm-metrics.ts) live here.

import type * as OpenAiLibrary from 'openai';
import type OpenAI from 'openai';
import type {
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { CiteboxError } from '../errors.js';
import { lazyLibrary } from '../lazy-library.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { HealthReport } from '../types.js';
import {
  type LlmCallRecord,
  type LlmOutcome,
  type LlmPurpose,
  llmOutcome,
  readUsage,
  startLlmCall,
} from './llm-metrics.js';
import { ModelSpeed } from './model-speed.js';
import { ThinkingFilter } from './thinking-filter.js';

export interface ChatTurn {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
}

export interface ChatRequest {
  readonly messages: readonly ChatTurn[];
  /** Upper bound on the reply's length, in tokens. */
  readonly maxTokens?: number | undefined;
  readonly temperature?: number | undefined;
  /** Aborted when the caller goes away; the upstream HTTP request is aborted with it. */
  readonly signal?: AbortSignal | undefined;
  /** Overrides the client's timeout for this request (short side calls use less). */
  readonly timeoutMs?: number | undefined;
  /** What the call is for, as its metrics label (`other` when not given). */
  readonly purpose?: LlmPurpose | undefined;
}

export interface LlmClient {
  /** The model name, as reported in answers. */
  readonly model: string;
  /** How fast the model has been reading prompts and writing replies (clients that measure it). */
  readonly speed?: ModelSpeed | undefined;
  /**
   * The reply's text as it arrives. Throws CiteboxError LLM_UNAVAILABLE / LLM_TIMEOUT / LLM_ERROR,
   * or the signal's AbortError when the caller aborted.
   */
  stream(request: ChatRequest): AsyncIterable<string>;
  /** The whole reply. Same errors as stream(). */
  complete(request: ChatRequest): Promise<string>;
  /** Whether the endpoint answers (for /readyz). */
  ping(): Promise<HealthReport>;
}

export interface OpenAiCompatibleOptions {
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  readonly model: string;
  /**
   * The first token must arrive within this many ms of the call (retries included), and no gap
   * between two chunks may be longer.
   */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Retries after a 429, a 5xx or a refused connection, before the first token. */
  readonly maxRetries?: number | undefined;
  /** First backoff delay; doubles with each retry (with jitter), capped by retry-after when sent. */
  readonly retryBaseMs?: number | undefined;
  /** Where requests, latency and tokens are recorded (nothing is without it). */
  readonly metrics?: Metrics | undefined;
}

/** The `openai` package, loaded when the first client is built (lazy-library.ts). */
const openai = lazyLibrary<typeof OpenAiLibrary>('openai');
const DEFAULT_MAX_RETRIES = 2;
const DEFAULT_RETRY_BASE_MS = 300;
/** A retry-after longer than this is not worth waiting for: fall back instead. */
const MAX_RETRY_AFTER_MS = 5_000;
const PING_TIMEOUT_MS = 3_000;

/** Why an attempt ended, when it was us who ended it. */
type AbortReason = 'timeout' | undefined;

export class OpenAiCompatibleClient implements LlmClient {
  readonly model: string;
  readonly speed = new ModelSpeed();
  readonly #client: OpenAI;
  readonly #timeoutMs: number;
  readonly #maxRetries: number;
  readonly #retryBaseMs: number;
  readonly #logger: Logger;
  readonly #baseUrl: string;
  readonly #metrics: Metrics | undefined;
  /** Endpoints that refuse `max_tokens` (newer OpenAI models) get `max_completion_tokens`. */
  #useMaxCompletionTokens = false;
  /** Endpoints that refuse a temperature (reasoning models) get none. */
  #omitTemperature = false;
  /** Endpoints that refuse `stream_options` (usage reports in streams) get none. */
  #omitStreamOptions = false;

  constructor(options: OpenAiCompatibleOptions) {
    this.model = options.model;
    this.#timeoutMs = options.timeoutMs;
    this.#maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.#retryBaseMs = options.retryBaseMs ?? DEFAULT_RETRY_BASE_MS;
    this.#logger = options.logger.child({ component: 'llm' });
    this.#baseUrl = options.baseUrl;
    this.#metrics = options.metrics;
    this.#client = new (openai().OpenAI)({
      baseURL: options.baseUrl,
      // Local servers (Ollama, llama.cpp) need no key, but the SDK insists on one.
      apiKey: options.apiKey ?? 'no-key',
      // Retries and timeouts are ours: the SDK's cover only the wait for response headers.
      maxRetries: 0,
      timeout: options.timeoutMs,
      logLevel: 'off',
    });
  }

  async *stream(request: ChatRequest): AsyncGenerator<string> {
    const call = startLlmCall(this.#metrics, this.model, request.purpose ?? 'other');
    // Stays undefined when the consumer stops reading early (the generator is returned).
    let outcome: LlmOutcome | undefined;
    try {
      yield* this.#stream(request, call);
      outcome = 'ok';
    } catch (err) {
      outcome = llmOutcome(err, request.signal?.aborted === true);
      throw err;
    } finally {
      call.end(outcome ?? 'aborted');
    }
  }

  async *#stream(request: ChatRequest, call: LlmCallRecord): AsyncGenerator<string> {
    const timeoutMs = request.timeoutMs ?? this.#timeoutMs;
    const watchdog = new Watchdog(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, watchdog.signal]) : watchdog.signal;
    let yielded = false;
    try {
      for (let attempt = 0; ; attempt++) {
        const sent = performance.now();
        let firstAt: number | undefined;
        let usage: ReturnType<typeof readUsage>;
        let timings: ServerTimings | undefined;
        try {
          const upstream = await this.#client.chat.completions.create(this.#streamParams(request), {
            signal,
            timeout: timeoutMs,
            maxRetries: 0,
          });
          const thinking = new ThinkingFilter();
          for await (const chunk of upstream) {
            request.signal?.throwIfAborted();
            watchdog.arm();
            // The usage report comes in a last chunk of its own, with empty `choices`.
            usage = readUsage(chunk.usage) ?? usage;
            if (usage) call.usage(usage);
            timings = readTimings(chunk) ?? timings;
            const delta = chunk.choices?.[0]?.delta;
            if (delta && hasGeneratedText(delta)) {
              call.firstToken();
              firstAt ??= performance.now();
            }
            const text = thinking.push(delta?.content ?? '');
            if (text) {
              yielded = true;
              yield text;
            }
          }
          // The SDK ends the iteration quietly when its signal aborts: say why it ended.
          request.signal?.throwIfAborted();
          if (watchdog.reason === 'timeout') throw new Error('LLM timeout');
          const rest = thinking.end();
          if (rest) yield rest;
          if (usage) {
            const ended = performance.now();
            this.speed.observe({
              promptTokens: usage.promptTokens,
              cachedTokens: usage.cachedTokens ?? timings?.cached,
              completionTokens: usage.completionTokens,
              firstTokenMs: firstAt === undefined ? undefined : firstAt - sent,
              generationMs: firstAt === undefined ? undefined : ended - firstAt,
              serverPromptTokens: timings?.promptTokens,
              serverPromptMs: timings?.promptMs,
            });
          }
          return;
        } catch (err) {
          request.signal?.throwIfAborted();
          const error = this.#wrap(err, watchdog.reason, timeoutMs);
          const delay = yielded ? undefined : this.#retryDelay(err, attempt);
          if (delay === undefined) {
            if (this.#adapt(err, yielded)) continue;
            throw error;
          }
          call.retried();
          this.#logger.warn({ attempt: attempt + 1, delayMs: delay, err: error.message }, 'retrying the LLM');
          try {
            await sleep(delay, signal);
          } catch (slept) {
            request.signal?.throwIfAborted();
            throw this.#wrap(slept, watchdog.reason, timeoutMs);
          }
        }
      }
    } finally {
      watchdog.stop();
    }
  }

  async complete(request: ChatRequest): Promise<string> {
    let text = '';
    for await (const piece of this.stream(request)) text += piece;
    return text.trim();
  }

  async ping(): Promise<HealthReport> {
    try {
      await this.#client.models.list({ timeout: PING_TIMEOUT_MS, maxRetries: 0 });
      return { ok: true };
    } catch (err) {
      // Some OpenAI-compatible servers have no /models; any HTTP answer means it is reachable.
      if (
        err instanceof openai().APIError &&
        err.status !== undefined &&
        err.status < 500 &&
        err.status !== 401
      ) {
        return { ok: true };
      }
      return {
        ok: false,
        reason: `${this.#baseUrl}: ${this.#wrap(err, undefined, PING_TIMEOUT_MS).message}`,
      };
    }
  }

  #params(request: ChatRequest): ChatCompletionCreateParams {
    const maxTokens = request.maxTokens ?? 800;
    return {
      model: this.model,
      messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
      ...(this.#useMaxCompletionTokens ? { max_completion_tokens: maxTokens } : { max_tokens: maxTokens }),
      ...(this.#omitTemperature ? {} : { temperature: request.temperature ?? 0.2 }),
    };
  }

  #streamParams(request: ChatRequest): ChatCompletionCreateParamsStreaming {
    return {
      ...this.#params(request),
      stream: true,
      // Asks for the token counts in a last chunk (OpenAI, vLLM, llama.cpp, Ollama ≥ 0.5.2).
      ...(this.#omitStreamOptions ? {} : { stream_options: { include_usage: true } }),
    };
  }

  /** Learns from a 400 that names a parameter this endpoint refuses; true when worth one more try. */
  #adapt(err: unknown, yielded: boolean): boolean {
    if (yielded || !(err instanceof openai().APIError) || err.status !== 400) return false;
    const text = `${err.message} ${err.param ?? ''}`;
    if (!this.#useMaxCompletionTokens && /max_tokens/.test(text) && /max_completion_tokens/.test(text)) {
      this.#useMaxCompletionTokens = true;
      return true;
    }
    if (!this.#omitTemperature && /temperature/.test(text)) {
      this.#omitTemperature = true;
      return true;
    }
    if (!this.#omitStreamOptions && /stream_options|include_usage/.test(text)) {
      this.#omitStreamOptions = true;
      return true;
    }
    return false;
  }

  /** The wait before the next attempt, or undefined when the error is not worth retrying. */
  #retryDelay(err: unknown, attempt: number): number | undefined {
    if (attempt >= this.#maxRetries) return undefined;
    const status = err instanceof openai().APIError ? err.status : undefined;
    const refused =
      err instanceof openai().APIConnectionError && !(err instanceof openai().APIConnectionTimeoutError);
    const retryable = status === 429 || (status !== undefined && status >= 500) || refused;
    if (!retryable || err instanceof openai().APIUserAbortError) return undefined;
    const backoff = this.#retryBaseMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
    const after = err instanceof openai().APIError ? retryAfterMs(err.headers) : undefined;
    if (after !== undefined) return after > MAX_RETRY_AFTER_MS ? undefined : after;
    return Math.round(backoff);
  }

  #wrap(err: unknown, reason: AbortReason, timeoutMs: number): CiteboxError {
    const model = this.model;
    if (reason === 'timeout' || err instanceof openai().APIConnectionTimeoutError) {
      return new CiteboxError('LLM_TIMEOUT', `The language model did not answer within ${timeoutMs} ms`, {
        cause: err,
        details: { model },
      });
    }
    if (err instanceof CiteboxError) return err;
    if (err instanceof openai().APIError && err.status !== undefined) {
      const status = err.status;
      const details = { model, status };
      if (status === 429 || status === 502 || status === 503 || status === 504) {
        const after = retryAfterMs(err.headers);
        return new CiteboxError('LLM_UNAVAILABLE', `The language model is busy or down (HTTP ${status})`, {
          cause: err,
          details,
          ...(after !== undefined ? { retryAfterSeconds: Math.ceil(after / 1000) } : {}),
        });
      }
      if (status === 400 && CONTEXT_OVERFLOW.test(err.message)) {
        return new CiteboxError(
          'LLM_CONTEXT_OVERFLOW',
          `The prompt is longer than the model's context: ${err.message}`,
          {
            cause: err,
            details,
          },
        );
      }
      if (status === 401 || status === 403) {
        return new CiteboxError('LLM_ERROR', `The language model refused the API key (HTTP ${status})`, {
          cause: err,
          details,
        });
      }
      if (status === 404) {
        return new CiteboxError(
          'LLM_ERROR',
          `The language model endpoint or model "${model}" was not found`,
          {
            cause: err,
            details,
          },
        );
      }
      return new CiteboxError('LLM_ERROR', `The language model failed (HTTP ${status}): ${err.message}`, {
        cause: err,
        details,
      });
    }
    if (err instanceof openai().APIConnectionError) {
      return new CiteboxError('LLM_UNAVAILABLE', `The language model is unreachable at ${this.#baseUrl}`, {
        cause: err,
        details: { model },
      });
    }
    if (err instanceof TypeError && /terminated|other side closed|socket/i.test(err.message)) {
      return new CiteboxError('LLM_UNAVAILABLE', 'The connection to the language model broke off', {
        cause: err,
        details: { model },
      });
    }
    const message = err instanceof Error ? err.message : String(err);
    return new CiteboxError('LLM_ERROR', `The language model failed: ${message}`, {
      cause: err,
      details: { model },
    });
  }
}

/** How servers word a prompt longer than the context (OpenAI, llama.cpp's server, vLLM, LM Studio). */
const CONTEXT_OVERFLOW =
  /context[ _-]?(?:length|size|window)|maximum context|too many tokens|exceeds? (?:the )?(?:available )?context|prompt is too long/i;

/** llama.cpp's server (and the test bed's) report what a call cost in a `timings` object. */
interface ServerTimings {
  readonly promptTokens: number;
  readonly promptMs: number;
  readonly cached: number | undefined;
}

function readTimings(chunk: object): ServerTimings | undefined {
  const t = (chunk as { timings?: Record<string, unknown> }).timings;
  if (!t || typeof t.prompt_n !== 'number' || typeof t.prompt_ms !== 'number') return undefined;
  return {
    promptTokens: t.prompt_n,
    promptMs: t.prompt_ms,
    cached: typeof t.cache_n === 'number' ? t.cache_n : undefined,
  };
}

/** Whether a chunk's delta carries generated text: the reply, or a reasoning model's thinking. */
function hasGeneratedText(delta: object): boolean {
  const fields = delta as { content?: unknown; reasoning_content?: unknown; reasoning?: unknown };
  return [fields.content, fields.reasoning_content, fields.reasoning].some(
    (v) => typeof v === 'string' && v.length > 0,
  );
}

/**
 * Aborts when the first chunk (or the next one) is later than the timeout. `arm()` restarts the
 * clock; the first deadline covers retries too, so a failing endpoint cannot hold an answer for
 * (retries × timeout).
 */
class Watchdog {
  readonly #controller = new AbortController();
  readonly #ms: number;
  #timer: NodeJS.Timeout | undefined;
  reason: AbortReason;

  constructor(ms: number) {
    this.#ms = ms;
    this.arm();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  arm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.reason = 'timeout';
      this.#controller.abort(new Error('LLM timeout'));
    }, this.#ms);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
  }
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
