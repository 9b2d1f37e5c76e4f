// What the LLM client records per call: the outcome, the latency, the time to the first token and
// the tokens the server says it used. Tokens come only from the server's own `usage` report
// (Citebox never estimates them here); a successful call without one is counted as such instead.
import { isCiteboxError } from '../errors.js';
import type { Metrics } from '../metrics.js';

/** What a call was for; a label on every LLM metric. */
export type LlmPurpose = 'answer' | 'rewrite' | 'related' | 'judge' | 'other';

/** How a call ended. */
export type LlmOutcome = 'ok' | 'timeout' | 'unavailable' | 'error' | 'aborted';

/** The token counts a server reports, as far as they are numbers. */
export interface LlmUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Prompt tokens the server had cached (OpenAI's `prompt_tokens_details.cached_tokens`). */
  readonly cachedTokens?: number | undefined;
}

/** The outcome of a call that threw: by our error code, or `aborted` when the caller gave up. */
export function llmOutcome(err: unknown, callerAborted: boolean): LlmOutcome {
  if (callerAborted) return 'aborted';
  if (isCiteboxError(err)) {
    if (err.code === 'LLM_TIMEOUT') return 'timeout';
    if (err.code === 'LLM_UNAVAILABLE') return 'unavailable';
  }
  if (err instanceof Error && err.name === 'AbortError') return 'aborted';
  return 'error';
}

/** The counts of an OpenAI-style `usage` object, or undefined when it has none worth trusting. */
export function readUsage(usage: unknown): LlmUsage | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const {
    prompt_tokens: prompt,
    completion_tokens: completion,
    prompt_tokens_details: details,
  } = usage as Record<string, unknown>;
  if (!isCount(prompt) || !isCount(completion)) return undefined;
  const cached = (details as { cached_tokens?: unknown } | null | undefined)?.cached_tokens;
  return {
    promptTokens: prompt,
    completionTokens: completion,
    ...(isCount(cached) ? { cachedTokens: cached } : {}),
  };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** One call being measured. */
export interface LlmCallRecord {
  /** The first generated text arrived (only the first call counts). */
  firstToken(): void;
  /** The server reported its usage (the last report of a call counts). */
  usage(usage: LlmUsage): void;
  retried(): void;
  /** The call ended; records everything once. */
  end(outcome: LlmOutcome): void;
}

const NOTHING: LlmCallRecord = {
  firstToken() {},
  usage() {},
  retried() {},
  end() {},
};

export function startLlmCall(
  metrics: Metrics | undefined,
  model: string,
  purpose: LlmPurpose,
): LlmCallRecord {
  if (!metrics) return NOTHING;
  const started = performance.now();
  let firstTokenSeen = false;
  let reported: LlmUsage | undefined;
  let ended = false;
  return {
    firstToken() {
      if (firstTokenSeen) return;
      firstTokenSeen = true;
      metrics.llmTimeToFirstToken().observe({ model, purpose }, (performance.now() - started) / 1000);
    },
    usage(usage) {
      reported = usage;
    },
    retried() {
      metrics.llmRetries().inc({ model });
    },
    end(outcome) {
      if (ended) return;
      ended = true;
      metrics.llmRequests().inc({ model, purpose, outcome });
      metrics.llmDuration().observe({ model, purpose, outcome }, (performance.now() - started) / 1000);
      if (reported) {
        const tokens = metrics.llmTokens();
        tokens.inc({ kind: 'prompt', model, purpose }, reported.promptTokens);
        tokens.inc({ kind: 'completion', model, purpose }, reported.completionTokens);
      } else if (outcome === 'ok') {
        metrics.llmUsageMissing().inc({ model, purpose });
      }
    },
  };
}
