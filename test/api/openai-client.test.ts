// The OpenAI-compatible facade driven by the official `openai` client, pointed at a real Citebox
// server (its own docs indexed, extractive answers): completions, streaming (raw chunks and the
// client's own stream helper, which checks the wire format as it assembles it), models, errors.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, startServer } from '../../cli/serve.js';
import { createLogger } from '../../services/index.js';
import { type TestEnv, testConfig } from '../helpers/config.js';

const KEY = 'sk-citebox-test-key';
const QUESTION = 'How do I crawl my site?';

interface CiteboxExtras {
  citations: string[];
  search_results: Array<{ title: string; url: string; date: string | null; snippet: string }>;
}

describe('OpenAI client against Citebox', () => {
  let env: TestEnv;
  let server: Server;
  let client: OpenAI;

  beforeAll(async () => {
    env = testConfig({ CITEBOX_API_KEYS: KEY, CITEBOX_BOOTSTRAP_DOCS: 'true' });
    server = await startServer(env.config, createLogger(env.config));
    client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    await server?.close(1000);
    env?.cleanup();
  });

  it('answers a chat completion with [n] markers, citations and search results', async () => {
    const completion = await client.chat.completions.create({
      model: 'citebox',
      messages: [
        { role: 'system', content: 'Answer briefly.' },
        { role: 'user', content: QUESTION },
      ],
      temperature: 0.2,
      max_tokens: 300,
    });
    expect(completion.object).toBe('chat.completion');
    expect(completion.model).toBe('citebox');
    expect(completion.id).toMatch(/^chatcmpl-/);
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.message.role).toBe('assistant');
    const content = choice?.message.content ?? '';
    const markers = [...content.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
    expect(markers.length).toBeGreaterThan(0);
    const extras = completion as unknown as CiteboxExtras;
    for (const n of markers) expect(extras.citations[n - 1]).toMatch(/^https?:\/\//);
    expect(extras.search_results.length).toBe(extras.citations.length);
    expect(extras.search_results[0]?.url).toBe(extras.citations[0]);
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    // OpenAI's own citation form: annotations that point at the markers.
    const annotations = choice?.message.annotations ?? [];
    expect(annotations.length).toBe(markers.length);
    const first = annotations[0]?.url_citation;
    expect(content.slice(first?.start_index, first?.end_index)).toMatch(/^\[\d+\]$/);
  });

  it('streams chunks ending with finish_reason, citations, usage and [DONE]', async () => {
    const stream = await client.chat.completions.create({
      model: 'citebox',
      messages: [{ role: 'user', content: QUESTION }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0]?.id)).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toMatch(/\[\d+\]/);
    const stop = chunks.find((c) => c.choices[0]?.finish_reason === 'stop');
    expect((stop as unknown as CiteboxExtras).citations.length).toBeGreaterThan(0);
    const usage = chunks.at(-1);
    expect(usage?.choices).toEqual([]);
    expect(usage?.usage?.completion_tokens).toBeGreaterThan(0);

    // The same answer as the non-streamed one (the index did not change), with the same numbers:
    // both number the sources in retrieval order, and each marker leads to the same URL.
    const whole = await client.chat.completions.create({
      model: 'citebox',
      messages: [{ role: 'user', content: QUESTION }],
    });
    const cited = (content: string, urls: string[]) =>
      [...content.matchAll(/\[(\d+)\]/g)].map((m) => urls[Number(m[1]) - 1]);
    const streamed = cited(text, (stop as unknown as CiteboxExtras).citations);
    expect(streamed.every((u) => typeof u === 'string' && u.startsWith('http'))).toBe(true);
    expect(streamed).toEqual(
      cited(whole.choices[0]?.message.content ?? '', (whole as unknown as CiteboxExtras).citations),
    );
    expect(text).toBe(whole.choices[0]?.message.content);
  });

  it('works with the client’s stream helper, which assembles the final message', async () => {
    const runner = client.chat.completions.stream({
      model: 'citebox',
      messages: [{ role: 'user', content: 'What does the answer API return?' }],
    });
    const deltas: string[] = [];
    runner.on('content', (delta) => deltas.push(delta));
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.message.content).toBe(deltas.join(''));
    expect(final.choices[0]?.finish_reason).toBe('stop');
  });

  it('follows up: earlier turns are the conversation, the last user message the question', async () => {
    const completion = await client.chat.completions.create({
      model: 'citebox',
      messages: [
        { role: 'user', content: QUESTION },
        { role: 'assistant', content: 'Run `npx citebox crawl <url>` [1].' },
        { role: 'user', content: 'How do I limit the number of pages?' },
      ],
    });
    expect(completion.choices[0]?.message.content?.length).toBeGreaterThan(0);
  });

  it('lists the citebox model', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(['citebox']);
    expect((await client.models.retrieve('citebox')).owned_by).toBe('citebox');
  });

  it('raises the client’s typed errors', async () => {
    const wrongModel = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((err: unknown) => err);
    expect(wrongModel).toBeInstanceOf(OpenAI.NotFoundError);
    const notFound = wrongModel as InstanceType<typeof OpenAI.NotFoundError>;
    // OpenAI's error shape: the client reads code, type and param from it.
    expect([notFound.code, notFound.type, notFound.param]).toEqual([
      'model_not_found',
      'invalid_request_error',
      'model',
    ]);

    const anonymous = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'wrong', maxRetries: 0 });
    const unauthorized = await anonymous.models.list().catch((err: unknown) => err);
    expect(unauthorized).toBeInstanceOf(OpenAI.AuthenticationError);

    const invalid = await client.chat.completions
      .create({ model: 'citebox', messages: [{ role: 'user', content: 'hi' }], n: 3 })
      .catch((err: unknown) => err);
    expect(invalid).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = invalid as InstanceType<typeof OpenAI.BadRequestError>;
    expect([bad.code, bad.type, bad.param]).toEqual(['above_max_value', 'invalid_request_error', 'n']);
    // Plain words, not the schema validator's ("body/n must be <= 1, body/n must be null, …").
    expect(bad.message).toBe('400 "n" must be at most 1');

    const missing = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
      body: JSON.stringify({ model: 'citebox' }),
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: {
        message: '"messages" is required',
        type: 'invalid_request_error',
        param: 'messages',
        code: 'missing_required_parameter',
      },
    });
  });
});
