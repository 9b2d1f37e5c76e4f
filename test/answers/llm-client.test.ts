// The OpenAI-compatible client against the scripted server: what it sends, how it wraps failures
// into coded errors, how it adapts to endpoints that refuse a parameter, and its readiness ping.
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CiteboxError, OpenAiCompatibleClient, silentLogger } from '../../services/index.js';
import { type FakeLlm, startFakeLlm, streamReply } from '../helpers/llm-server.js';

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

  const client = (options: { apiKey?: string; timeoutMs?: number; baseUrl?: string } = {}) =>
    new OpenAiCompatibleClient({
      baseUrl: options.baseUrl ?? llm.url,
      apiKey: options.apiKey,
      model: 'fake-model',
      timeoutMs: options.timeoutMs ?? 2_000,
      logger: silentLogger(),
      retryBaseMs: 10,
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
});
