// The OpenAI-compatible client against the scripted server: what it sends, how it wraps failures
// into coded errors, how it adapts to endpoints that refuse a parameter, its readiness ping, and
// the metrics it records (requests by outcome, latency, first token, the server's token counts).
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ChatRequest,
  CiteboxError,
  Metrics,
  OpenAiCompatibleClient,
  silentLogger,
} from '../../services/index.js';
import { type FakeLlm, startFakeLlm, streamReply } from '../helpers/llm-server.js';
import { promValue } from './fixtures.js';

describe('OpenAiCompatibleClient', () => {
  let llm: FakeLlm;
  beforeAll(async () => {
    llm = await startFakeLlm();
  });
  afterAll(async () => {
    await llm?.close();
  });
  beforeEach(() => {
    llm.requests.length = 0;
  });

  const client = (
    options: { apiKey?: string; timeoutMs?: number; baseUrl?: string; metrics?: Metrics } = {},
  ) =>
    new OpenAiCompatibleClient({
      baseUrl: options.baseUrl ?? llm.url,
      apiKey: options.apiKey,
      model: 'fake-model',
      timeoutMs: options.timeoutMs ?? 2_000,
      logger: silentLogger(),
      retryBaseMs: 10,
      metrics: options.metrics,
    });
  const ask = (c: OpenAiCompatibleClient) => c.complete({ messages: [{ role: 'user', content: 'hi' }] });

  it('streams a chat completion with the model, the key and a token limit', async () => {
    llm.respond(() => streamReply('Hello there.'));
    expect(await ask(client({ apiKey: 'sk-test' }))).toBe('Hello there.');
    const [request] = llm.requests;
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.body).toMatchObject({
      model: 'fake-model',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(request?.body.max_tokens).toBeGreaterThan(0);
  });

  it('drops the thinking block of a reasoning model', async () => {
    llm.respond(() => streamReply(['<think>', 'let me see', '</think>', '\n\nHello.']));
    expect(await ask(client())).toBe('Hello.');
  });

  it.each([
    [401, 'LLM_ERROR', /refused the API key/],
    [404, 'LLM_ERROR', /not found/],
    [400, 'LLM_ERROR', /HTTP 400/],
    [503, 'LLM_UNAVAILABLE', /busy or down/],
  ])('wraps HTTP %i into %s', async (status, code, message) => {
    llm.respond(() => ({ kind: 'status', status, body: { error: { message: 'nope' } } }));
    const err = await ask(client()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CiteboxError);
    expect(err).toMatchObject({ code });
    expect((err as Error).message).toMatch(message);
    expect((err as Error).cause).toBeDefined();
  });

  it.each([
    "This model's maximum context length is 4096 tokens. However, your messages resulted in 5012 tokens.",
    'the request exceeds the available context size, try increasing it',
    'Input length (5012) exceeds the context window of the model',
  ])('names a prompt longer than the context: %s', async (text) => {
    llm.respond(() => ({ kind: 'status', status: 400, body: { error: { message: text } } }));
    const err = await ask(client()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LLM_CONTEXT_OVERFLOW' });
  });

  it('learns how fast the model reads and writes from its usage reports and timings', async () => {
    const c = client();
    expect(c.speed?.prefillTokensPerSecond).toBeUndefined();
    // 400 prompt tokens, 100 of them cached, the first token after ~50 ms.
    llm.respond(() =>
      streamReply(
        Array.from({ length: 20 }, () => 'word '),
        {
          delayMs: 50,
          chunkDelayMs: 2,
          usage: { prompt_tokens: 400, completion_tokens: 20 },
        },
      ),
    );
    await ask(c);
    const rate = c.speed?.prefillTokensPerSecond ?? 0;
    // ~400 tokens in ~50 ms (plus the local round trip): thousands a second, not tens.
    expect(rate).toBeGreaterThan(400);
    expect(rate).toBeLessThan(400 / 0.05);
    expect(c.speed?.decodeTokensPerSecond).toBeGreaterThan(0);
  });

  it('wraps a refused connection into LLM_UNAVAILABLE after its retries', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const address = probe.address() as { port: number };
        probe.close(() => resolve(address.port));
      });
    });
    const err = await ask(client({ baseUrl: `http://127.0.0.1:${port}/v1` })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LLM_UNAVAILABLE' });
  });

  it('keeps retries within the timeout', async () => {
    llm.respond(() => ({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }));
    const started = performance.now();
    const err = await ask(client({ timeoutMs: 300 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'LLM_TIMEOUT' });
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('switches to max_completion_tokens for endpoints that refuse max_tokens', async () => {
    llm.respond((request) =>
      'max_tokens' in request.body
        ? {
            kind: 'status',
            status: 400,
            body: {
              error: {
                message:
                  "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
                param: 'max_tokens',
              },
            },
          }
        : streamReply('OK.'),
    );
    const c = client();
    expect(await ask(c)).toBe('OK.');
    expect(await ask(c)).toBe('OK.');
    expect(llm.requests.map((r) => 'max_completion_tokens' in r.body)).toEqual([false, true, true]);
  });

  it('pings /models for readiness', async () => {
    expect(await client().ping()).toEqual({ ok: true });
    const down = await client({ baseUrl: 'http://127.0.0.1:9/v1' }).ping();
    expect(down.ok).toBe(false);
    expect(down.reason).toMatch(/127\.0\.0\.1:9/);
  });

  describe('metrics', () => {
    const question = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
      messages: [{ role: 'user', content: 'hi' }],
      ...extra,
    });
    const read = async (metrics: Metrics, name: string, labels: Record<string, string> = {}) =>
      promValue(await metrics.text(), name, labels);

    it("records the request, its latency, the first token and the server's token counts", async () => {
      llm.respond(() =>
        streamReply(['Hello', ' there.'], { usage: { prompt_tokens: 12, completion_tokens: 3 } }),
      );
      const metrics = new Metrics({ defaultMetrics: false });
      // The usage chunk (empty `choices`) adds no text.
      expect(await client({ metrics }).complete(question({ purpose: 'judge' }))).toBe('Hello there.');
      expect(llm.requests[0]?.body['stream_options']).toEqual({ include_usage: true });
      const labels = { model: 'fake-model', purpose: 'judge' };
      expect(await read(metrics, 'citebox_llm_requests_total', { ...labels, outcome: 'ok' })).toBe(1);
      expect(await read(metrics, 'citebox_llm_requests_total')).toBe(1);
      expect(
        await read(metrics, 'citebox_llm_request_duration_seconds_count', { ...labels, outcome: 'ok' }),
      ).toBe(1);
      expect(await read(metrics, 'citebox_llm_request_duration_seconds_sum')).toBeGreaterThan(0);
      expect(await read(metrics, 'citebox_llm_time_to_first_token_seconds_count', labels)).toBe(1);
      expect(await read(metrics, 'citebox_llm_tokens_total', { ...labels, kind: 'prompt' })).toBe(12);
      expect(await read(metrics, 'citebox_llm_tokens_total', { ...labels, kind: 'completion' })).toBe(3);
      expect(await read(metrics, 'citebox_llm_usage_missing_total')).toBe(0);
    });

    it('labels calls without a purpose as other', async () => {
      llm.respond(() => streamReply('OK.'));
      const metrics = new Metrics({ defaultMetrics: false });
      await client({ metrics }).complete(question());
      expect(await read(metrics, 'citebox_llm_requests_total', { purpose: 'other', outcome: 'ok' })).toBe(1);
      // The fake server's default: a token per chunk.
      expect(await read(metrics, 'citebox_llm_tokens_total', { kind: 'completion' })).toBe(1);
    });

    it('counts no tokens when the server reports no usage, and says so', async () => {
      llm.respond(() => streamReply('Hello.', { usage: false }));
      const metrics = new Metrics({ defaultMetrics: false });
      expect(await client({ metrics }).complete(question({ purpose: 'answer' }))).toBe('Hello.');
      expect(await read(metrics, 'citebox_llm_tokens_total')).toBe(0);
      expect(await read(metrics, 'citebox_llm_usage_missing_total', { purpose: 'answer' })).toBe(1);
      expect(await read(metrics, 'citebox_llm_requests_total', { outcome: 'ok' })).toBe(1);
    });

    it.each([
      [500, 'error', 2],
      [401, 'error', 0],
      [503, 'unavailable', 2],
    ])('records HTTP %i as outcome %s (after %i retries)', async (status, outcome, retries) => {
      llm.respond(() => ({ kind: 'status', status }));
      const metrics = new Metrics({ defaultMetrics: false });
      await expect(client({ metrics }).complete(question({ purpose: 'rewrite' }))).rejects.toBeInstanceOf(
        CiteboxError,
      );
      expect(await read(metrics, 'citebox_llm_requests_total', { purpose: 'rewrite', outcome })).toBe(1);
      expect(await read(metrics, 'citebox_llm_requests_total')).toBe(1);
      expect(await read(metrics, 'citebox_llm_request_duration_seconds_count', { outcome })).toBe(1);
      expect(await read(metrics, 'citebox_llm_retries_total', { model: 'fake-model' })).toBe(retries);
      expect(await read(metrics, 'citebox_llm_time_to_first_token_seconds_count')).toBe(0);
      expect(await read(metrics, 'citebox_llm_usage_missing_total')).toBe(0);
    });

    it('records a timeout', async () => {
      llm.respond(() => ({ kind: 'hang' }));
      const metrics = new Metrics({ defaultMetrics: false });
      await expect(client({ metrics, timeoutMs: 150 }).complete(question())).rejects.toMatchObject({
        code: 'LLM_TIMEOUT',
      });
      expect(await read(metrics, 'citebox_llm_requests_total', { outcome: 'timeout' })).toBe(1);
    });

    it('records aborted when the caller goes away or stops reading', async () => {
      llm.respond(() => streamReply(['one ', 'two ', 'three ', 'four'], { chunkDelayMs: 30 }));
      const metrics = new Metrics({ defaultMetrics: false });
      const c = client({ metrics });
      const controller = new AbortController();
      await expect(
        (async () => {
          for await (const _ of c.stream(question({ signal: controller.signal }))) controller.abort();
        })(),
      ).rejects.toThrow();
      for await (const _ of c.stream(question())) break;
      expect(await read(metrics, 'citebox_llm_requests_total', { outcome: 'aborted' })).toBe(2);
      expect(await read(metrics, 'citebox_llm_requests_total')).toBe(2);
      expect(await read(metrics, 'citebox_llm_time_to_first_token_seconds_count')).toBe(2);
      expect(await read(metrics, 'citebox_llm_usage_missing_total')).toBe(0);
    });

    it('stops asking for usage from an endpoint that refuses stream_options', async () => {
      llm.respond((request) =>
        'stream_options' in request.body
          ? {
              kind: 'status',
              status: 400,
              body: { error: { message: 'Unrecognized request argument supplied: stream_options' } },
            }
          : streamReply('OK.'),
      );
      const metrics = new Metrics({ defaultMetrics: false });
      const c = client({ metrics });
      expect(await c.complete(question())).toBe('OK.');
      expect(await c.complete(question())).toBe('OK.');
      expect(llm.requests.map((r) => 'stream_options' in r.body)).toEqual([true, false, false]);
      expect(await read(metrics, 'citebox_llm_requests_total', { outcome: 'ok' })).toBe(2);
      expect(await read(metrics, 'citebox_llm_usage_missing_total')).toBe(2);
    });
  });
});
