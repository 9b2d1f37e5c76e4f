// LLM answers through the real HTTP API: Citebox started with LLM_BASE_URL pointing at the
// scripted OpenAI-compatible server, asked over JSON and Server-Sent Events.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Server, startServer } from '../../cli/serve.js';
import { createLogger } from '../../services/index.js';
import { type TestEnv, testConfig } from '../helpers/config.js';
import { type FakeLlm, startFakeLlm, streamReply } from '../helpers/llm-server.js';
import { PAGES, page, promValue } from './fixtures.js';

interface SseEvent {
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** Reads SSE frames from a fetch response as they arrive. */
async function* sseEvents(res: Response): AsyncGenerator<SseEvent> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
      const frame = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const event = /^event: (.*)$/m.exec(frame)?.[1];
      const data = /^data: (.*)$/m.exec(frame)?.[1];
      if (event && data) yield { event, data: JSON.parse(data) };
    }
  }
}

describe('LLM answers over HTTP', () => {
  let llm: FakeLlm;
  let env: TestEnv;
  let server: Server;

  beforeAll(async () => {
    llm = await startFakeLlm();
    env = testConfig({
      LLM_BASE_URL: llm.url,
      LLM_MODEL: 'fake-model',
      LLM_TIMEOUT_MS: '2000',
      CITEBOX_ANSWER_CACHE_SIZE: '0',
    });
    server = await startServer(env.config, createLogger(env.config));
    for (const p of PAGES) await server.runtime.indexer.indexPage(page(p.url, p.title, p.paragraphs, p.lang));
    await server.runtime.indexer.flush();
  });
  afterAll(async () => {
    await server?.close();
    await llm?.close();
    env?.cleanup();
  });
  beforeEach(() => {
    llm.requests.length = 0;
  });

  const ask = (body: Record<string, unknown>, init: RequestInit = {}) =>
    fetch(`${server.url}/v1/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...init,
    });

  it('answers as JSON with verified citations', async () => {
    llm.respond((r) =>
      r.purpose === 'answer'
        ? streamReply('Neil Armstrong and Buzz Aldrin landed on July 20, 1969 [1].')
        : streamReply('Who walked on the Moon?'),
    );
    const res = await ask({ query: 'When did Apollo 11 land on the Moon?' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      answer: string;
      answer_mode: string;
      model: string;
      citations: Array<{ n: number; url: string; supported: boolean }>;
      related_questions: string[];
    };
    expect(body.answer_mode).toBe('llm');
    expect(body.model).toBe('fake-model');
    expect(body.answer).toBe('Neil Armstrong and Buzz Aldrin landed on July 20, 1969 [1].');
    expect(body.citations).toEqual([
      expect.objectContaining({ n: 1, url: 'https://facts.test/apollo', supported: true }),
    ]);
    expect(body.related_questions).toEqual(['Who walked on the Moon?']);
  });

  it('streams sources, deltas, citations and done as Server-Sent Events', async () => {
    llm.respond((r) =>
      r.purpose === 'answer'
        ? streamReply('Apollo 11 landed on July 20, 1969【1】.', { chunkDelayMs: 5 })
        : streamReply(''),
    );
    const res = await ask({ query: 'When did Apollo 11 land on the Moon?', stream: true });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events: SseEvent[] = [];
    for await (const e of sseEvents(res)) events.push(e);
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('sources');
    expect(names.slice(-2)).toEqual(['citations', 'done']);
    const text = events
      .filter((e) => e.event === 'delta')
      .map((e) => e.data['text'])
      .join('');
    expect(text).toBe('Apollo 11 landed on July 20, 1969[1].');
    expect(events.at(-1)?.data['answer']).toBe(text);
  });

  it('sends an error event and then the extractive answer when the model breaks off mid-stream', async () => {
    llm.respond((r) =>
      r.purpose === 'answer'
        ? streamReply(['Apollo 11 ', 'landed ', 'on'], { dropAfter: 2 })
        : streamReply(''),
    );
    const res = await ask({ query: 'When did Apollo 11 land on the Moon?', stream: true });
    const events: SseEvent[] = [];
    for await (const e of sseEvents(res)) events.push(e);
    const names = events.map((e) => e.event);
    const errorAt = names.indexOf('error');
    expect(errorAt).toBeGreaterThan(0);
    expect(names.slice(errorAt)).toEqual(['error', 'delta', 'citations', 'done']);
    expect(events.at(-1)?.data['answer_mode']).toBe('extractive');
    expect(String(events.at(-1)?.data['answer'])).toContain('July 20, 1969');
  });

  it('aborts the upstream LLM request when the HTTP client disconnects mid-stream', async () => {
    llm.respond(() =>
      streamReply(
        Array.from({ length: 300 }, (_, i) => `word${i} `),
        { chunkDelayMs: 20 },
      ),
    );
    const controller = new AbortController();
    const res = await ask(
      { query: 'When did Apollo 11 land on the Moon?', stream: true },
      { signal: controller.signal },
    );
    let deltas = 0;
    await expect(
      (async () => {
        for await (const e of sseEvents(res)) {
          if (e.event === 'delta' && ++deltas === 2) controller.abort();
        }
      })(),
    ).rejects.toThrow();
    await llm.waitForAbort(0);
    expect(llm.requests[0]?.finished).toBe(false);
  });

  it("records the LLM's requests, latency and the server's token counts in /metrics", async () => {
    const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
    const answerLabels = { model: 'fake-model', purpose: 'answer' };
    const before = await scrape();
    const delta = (after: string, name: string, labels: Record<string, string>) =>
      promValue(after, name, labels) - promValue(before, name, labels);

    llm.respond((r) =>
      r.purpose === 'answer'
        ? streamReply('Apollo 11 landed on July 20, 1969 [1].', {
            usage: { prompt_tokens: 321, completion_tokens: 11 },
          })
        : streamReply('Who walked on the Moon?', { usage: false }),
    );
    const ok = await ask({ query: 'When did Apollo 11 land on the Moon?' });
    expect(((await ok.json()) as { answer_mode: string }).answer_mode).toBe('llm');
    expect(llm.requests.every((r) => r.body['stream_options'] !== undefined)).toBe(true);
    let after = await scrape();
    expect(delta(after, 'citebox_llm_requests_total', { ...answerLabels, outcome: 'ok' })).toBe(1);
    expect(
      delta(after, 'citebox_llm_request_duration_seconds_count', { ...answerLabels, outcome: 'ok' }),
    ).toBe(1);
    expect(delta(after, 'citebox_llm_time_to_first_token_seconds_count', answerLabels)).toBe(1);
    expect(delta(after, 'citebox_llm_tokens_total', { ...answerLabels, kind: 'prompt' })).toBe(321);
    expect(delta(after, 'citebox_llm_tokens_total', { ...answerLabels, kind: 'completion' })).toBe(11);
    // The related-questions call came back without a usage report: counted, but no tokens.
    expect(delta(after, 'citebox_llm_requests_total', { purpose: 'related', outcome: 'ok' })).toBe(1);
    expect(delta(after, 'citebox_llm_usage_missing_total', { purpose: 'related' })).toBe(1);
    expect(delta(after, 'citebox_llm_tokens_total', { purpose: 'related' })).toBe(0);

    llm.respond((r) => (r.purpose === 'answer' ? { kind: 'status', status: 500 } : streamReply('')));
    const failed = await ask({ query: 'When did Apollo 11 land on the Moon?' });
    expect(((await failed.json()) as { answer_mode: string }).answer_mode).toBe('extractive');
    after = await scrape();
    expect(delta(after, 'citebox_llm_requests_total', { ...answerLabels, outcome: 'error' })).toBe(1);
    expect(
      delta(after, 'citebox_llm_request_duration_seconds_count', { ...answerLabels, outcome: 'error' }),
    ).toBe(1);
    expect(delta(after, 'citebox_llm_retries_total', { model: 'fake-model' })).toBe(2);
    expect(delta(after, 'citebox_llm_errors_total', { code: 'LLM_ERROR' })).toBe(1);
  });

  it('reports the LLM in /readyz', async () => {
    const res = await fetch(`${server.url}/readyz`);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean }> };
    expect(body.checks['llm']).toEqual({ ok: true });
  });
});
