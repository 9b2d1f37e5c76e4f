// Prometheus metrics. One Metrics object per process, created by the runtime and passed down
// (no global registry); each component defines its own metrics through get-or-create helpers,
// so two components asking for the same metric share it. Names start with `citebox_`.
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets for LLM calls: from a cached prompt on a local model to a long reply. */
const LLM_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

export class Metrics {
  readonly registry = new Registry();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'citebox_' });
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Counter<L>;
    return new Counter({ name, help, labelNames: [...labelNames], registers: [this.registry] });
  }

  gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Gauge<L>;
    return new Gauge({ name, help, labelNames: [...labelNames], registers: [this.registry] });
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[] = [],
    buckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  ): Histogram<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) return existing as Histogram<L>;
    return new Histogram({
      name,
      help,
      labelNames: [...labelNames],
      buckets: [...buckets],
      registers: [this.registry],
    });
  }

  // ---- The process's metrics, named in one place. Each component records its own through these
  // accessors (get-or-create, so the API and the answer pipeline share one object).

  /** HTTP latency by route template (`/v1/crawls/:id`, `unmatched` for 404s). Recorded by the API. */
  httpRequestDuration(): Histogram<'method' | 'route' | 'status_code'> {
    return this.histogram(
      'citebox_http_request_duration_seconds',
      'HTTP request latency by route',
      ['method', 'route', 'status_code'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
  }

  /** Answer latency per stage (`retrieve`, `generate`, `total`) and answer mode, from AnswerResponse.timings. */
  answerStageDuration(): Histogram<'stage' | 'mode'> {
    return this.histogram(
      'citebox_answer_stage_duration_seconds',
      'Answer latency per pipeline stage',
      ['stage', 'mode'],
      [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
  }

  /** Answers finished, by mode (`llm`, `extractive`, `none`, `failed`) and transport (`json`, `sse`, `chat`). */
  answersTotal(): Counter<'mode' | 'transport'> {
    return this.counter('citebox_answers_total', 'Answers finished', ['mode', 'transport']);
  }

  /** Error events and failures of answers by error code (LLM errors included). */
  answerErrors(): Counter<'code'> {
    return this.counter('citebox_answer_errors_total', 'Errors while answering, by code', ['code']);
  }

  /** Answer slots in use and answers waiting for one (the API's concurrency cap). */
  answerSlotsInUse(): Gauge {
    return this.gauge('citebox_answer_slots_in_use', 'Answers being generated now');
  }

  answerQueueLength(): Gauge {
    return this.gauge('citebox_answer_queue_length', 'Answers waiting for a slot');
  }

  /** Answers refused with 503 because every slot and queue place was taken. */
  answerRejected(): Counter {
    return this.counter('citebox_answer_rejected_total', 'Answers refused because the server was busy');
  }

  /** Requests refused with 429 by the rate limiter. */
  rateLimited(): Counter {
    return this.counter('citebox_rate_limited_total', 'Requests refused by the rate limiter');
  }

  /** Server-Sent Event streams open now. */
  streamsOpen(): Gauge {
    return this.gauge('citebox_sse_streams_open', 'Server-Sent Event streams open now');
  }

  /** Pages and passages in the index (`kind`), refreshed when /metrics is scraped. */
  indexDocuments(): Gauge<'kind'> {
    return this.gauge('citebox_index_documents', 'Pages and passages in the index', ['kind']);
  }

  // ---- The LLM client's metrics (services/llm/llm-metrics.ts records them). One request is one
  // call of the client (its retries included); `purpose` says what the answer pipeline asked for
  // (`answer`, `rewrite`, `related`, `judge`, or `other`).

  /**
   * LLM requests by model, purpose and outcome: `ok`, `timeout` (LLM_TIMEOUT), `unavailable`
   * (LLM_UNAVAILABLE), `error` (LLM_ERROR), `aborted` (the caller went away or stopped reading).
   */
  llmRequests(): Counter<'model' | 'purpose' | 'outcome'> {
    return this.counter('citebox_llm_requests_total', 'LLM requests, by outcome', [
      'model',
      'purpose',
      'outcome',
    ]);
  }

  /** LLM request latency, from the call to the end of the reply (retries included). */
  llmDuration(): Histogram<'model' | 'purpose' | 'outcome'> {
    return this.histogram(
      'citebox_llm_request_duration_seconds',
      'LLM request latency, retries included',
      ['model', 'purpose', 'outcome'],
      LLM_BUCKETS,
    );
  }

  /** Time from the call to the first generated text (a reasoning model's thinking counts). */
  llmTimeToFirstToken(): Histogram<'model' | 'purpose'> {
    return this.histogram(
      'citebox_llm_time_to_first_token_seconds',
      'LLM time to the first generated token, retries included',
      ['model', 'purpose'],
      LLM_BUCKETS,
    );
  }

  /**
   * LLM tokens by kind (`prompt`, `completion`), as the server reports them in `usage`; calls
   * without a usage report add nothing here (see llmUsageMissing).
   */
  llmTokens(): Counter<'kind' | 'model' | 'purpose'> {
    return this.counter('citebox_llm_tokens_total', 'LLM tokens used, as reported by the server', [
      'kind',
      'model',
      'purpose',
    ]);
  }

  /** Successful LLM requests whose server reported no token usage (their tokens are not counted). */
  llmUsageMissing(): Counter<'model' | 'purpose'> {
    return this.counter(
      'citebox_llm_usage_missing_total',
      'Successful LLM requests without a token usage report',
      ['model', 'purpose'],
    );
  }

  /** Attempts repeated after a 429, a 5xx or a refused connection. */
  llmRetries(): Counter<'model'> {
    return this.counter('citebox_llm_retries_total', 'LLM attempts retried', ['model']);
  }

  /**
   * Answers whose LLM writing failed, by code (`LLM_TIMEOUT`, `LLM_UNAVAILABLE`, `LLM_ERROR`,
   * `WRONG_LANGUAGE`). Recorded by the answer service, once per failed attempt at an answer.
   */
  llmErrors(): Counter<'code'> {
    return this.counter('citebox_llm_errors_total', 'LLM errors, by code', ['code']);
  }

  // The crawler's metrics (citebox_crawl_*) are defined in crawler/crawl-metrics.ts.

  /** The exposition text for GET /metrics. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
