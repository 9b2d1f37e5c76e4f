// Answer streams on a real listening app with a scripted pipeline: event order and headers, the
// stream going on after a recoverable error event, failures, timeouts, clients that leave, and
// graceful shutdown ending open streams with a final event.
import { afterEach, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, closeGracefully } from '../../api/index.js';
import { CiteboxError } from '../../services/index.js';
import { answerFor, errorBody, normalScript, parseSse, SOURCES, startApi, type TestApi } from './helpers.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const streamAnswer = (base: string, query = 'when did apollo land', init: RequestInit = {}) =>
  fetch(`${base}/v1/answer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, stream: true }),
    ...init,
  });

describe('answer streams', () => {
  it('sends sources, deltas, citations and done, with the usual headers', async () => {
    api = await startApi();
    const res = await streamAnswer(api.url, 'when did apollo land', {
      headers: { 'content-type': 'application/json', 'x-request-id': 'sse-1' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-request-id')).toBe('sse-1');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual(['sources', 'delta', 'delta', 'citations', 'done']);
    expect(JSON.parse(events[0]?.data ?? '')).toEqual({ sources: SOURCES });
    expect(JSON.parse(events[1]?.data ?? '')).toEqual({ text: 'Apollo 11 landed on July 20, 1969 [1].' });
    expect(JSON.parse(events[4]?.data ?? '')).toEqual(answerFor({ query: 'when did apollo land' }));
    // GET with Accept: text/event-stream streams too.
    const get = await fetch(`${api.url}/v1/answer?q=apollo`, { headers: { accept: 'text/event-stream' } });
    expect(parseSse(await get.text()).at(-1)?.event).toBe('done');
  });

  it('keeps writing events after an error event until the pipeline ends', async () => {
    api = await startApi();
    api.answers.script = [
      { event: { type: 'sources', sources: SOURCES } },
      { event: { type: 'delta', text: 'The model' } },
      {
        event: { type: 'error', code: 'LLM_ERROR', message: 'the model failed; answering from the passages' },
      },
      { event: { type: 'delta', text: 'Apollo 11 landed in 1969 [1].' } },
      { event: (r) => ({ type: 'done', response: answerFor(r) }) },
    ];
    const res = await streamAnswer(api.url, 'apollo', {
      headers: { 'content-type': 'application/json', 'x-request-id': 'fallback-1' },
    });
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual(['sources', 'delta', 'error', 'delta', 'done']);
    expect(JSON.parse(events[2]?.data ?? '')).toEqual({
      error: {
        code: 'LLM_ERROR',
        message: 'the model failed; answering from the passages',
        request_id: 'fallback-1',
      },
    });
  });

  it('ends with an error event when the pipeline throws, without leaking internals', async () => {
    api = await startApi();
    api.answers.script = [
      { event: { type: 'sources', sources: SOURCES } },
      {
        event: () => {
          throw new CiteboxError('BACKEND_UNAVAILABLE', 'The search backend is unreachable');
        },
      },
    ];
    const events = parseSse(await (await streamAnswer(api.url)).text());
    expect(events.map((e) => e.event)).toEqual(['sources', 'error']);
    expect(errorBody(JSON.parse(events[1]?.data ?? '')).code).toBe('BACKEND_UNAVAILABLE');

    api.answers.script = [
      {
        event: () => {
          throw new TypeError('cannot read x of undefined at /secret/path.ts');
        },
      },
    ];
    const internal = parseSse(await (await streamAnswer(api.url)).text());
    expect(internal.map((e) => e.event)).toEqual(['error']);
    expect(errorBody(JSON.parse(internal[0]?.data ?? ''))).toMatchObject({
      code: 'INTERNAL',
      message: 'Internal error',
    });
  });

  it('stops a stream that runs past the request timeout with a final error event', async () => {
    api = await startApi({ CITEBOX_REQUEST_TIMEOUT_MS: '1000' });
    api.answers.script = [{ event: { type: 'sources', sources: SOURCES } }, ...normalScript(5000).slice(1)];
    const started = performance.now();
    const events = parseSse(await (await streamAnswer(api.url)).text());
    expect(performance.now() - started).toBeLessThan(3000);
    expect(events.map((e) => e.event)).toEqual(['sources', 'error']);
    expect(errorBody(JSON.parse(events[1]?.data ?? '')).code).toBe('REQUEST_TIMEOUT');
    expect(api.answers.aborted).toBe(1);
    // The JSON form answers 504 in the error shape.
    const res = await fetch(`${api.url}/v1/answer?q=apollo`);
    expect(res.status).toBe(504);
    expect(errorBody(await res.json()).code).toBe('REQUEST_TIMEOUT');
  });

  it('aborts the work behind a stream whose client went away', async () => {
    api = await startApi();
    api.answers.script = normalScript(300);
    const controller = new AbortController();
    const res = await streamAnswer(api.url, 'apollo', {
      signal: controller.signal,
      headers: { 'content-type': 'application/json' },
    });
    const reader = res.body?.getReader();
    await reader?.read();
    controller.abort();
    for (let i = 0; i < 50 && api.answers.aborted === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(api.answers.aborted).toBe(1);
  });
});

describe('graceful shutdown', () => {
  it('lets short work finish, ends open streams with a final event, refuses new requests', async () => {
    const started = await startApi();
    api = started;
    started.answers.script = normalScript(400); // about 1.2 s in all
    const res = await streamAnswer(started.url);
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('event: sources');

    const closing = closeGracefully(started.app, 300);
    // While draining, requests that still reach the app are refused in the error shape.
    const during = await started.app.inject({ method: 'GET', url: '/v1/search?q=apollo' });
    expect(during.statusCode).toBe(503);
    expect(during.headers['connection']).toBe('close');
    expect(errorBody(during.json()).code).toBe('SHUTTING_DOWN');
    const ready = await started.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({
      status: 'not_ready',
      checks: { server: { ok: false, reason: 'shutting down' } },
    });

    let rest = '';
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      rest += new TextDecoder().decode(chunk.value);
    }
    const report = await closing;
    expect(report.stoppedStreams).toBe(1);
    const events = parseSse(rest);
    expect(events.at(-1)?.event).toBe('error');
    expect(errorBody(JSON.parse(events.at(-1)?.data ?? '')).code).toBe('SHUTTING_DOWN');
    expect(started.answers.aborted).toBe(1);
  });

  it('waits for a stream that finishes within the grace period', async () => {
    const started = await startApi();
    api = started;
    started.answers.script = normalScript(100);
    const res = await streamAnswer(started.url);
    const text = res.text();
    await new Promise((r) => setTimeout(r, 50));
    const report = await closeGracefully(started.app, 5000);
    expect(report.stoppedStreams).toBe(0);
    expect(parseSse(await text).at(-1)?.event).toBe('done');
  });
});
