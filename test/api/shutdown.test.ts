// Graceful shutdown of the real server process (`node bin/citebox.js serve`, built by pretest):
// SIGTERM while an answer stream and a chat stream are being written by a slow LLM. The server
// stops accepting connections, ends both streams with a final event, aborts the LLM requests
// behind them, flushes and closes the index, and exits 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSse } from './helpers.js';
import { ROOT, type Spawned, spawnServer } from './server-process.js';
import { type SlowLlm, startSlowLlm } from './slow-llm.js';

const QUESTION = 'How do I crawl my site with Citebox?';

/** Reads a streamed response until `until` matches what arrived, then keeps reading in the background. */
async function openStream(
  url: string,
  body: unknown,
  until: RegExp,
): Promise<{ text: () => string; ended: Promise<void> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  const reader = res.body?.getReader();
  if (!reader) throw new Error('no body');
  let text = '';
  const decoder = new TextDecoder();
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) throw new Error(`stream ended before ${until}: ${text}`);
    text += decoder.decode(chunk.value, { stream: true });
    if (until.test(text)) break;
  }
  const ended = (async () => {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return;
      text += decoder.decode(chunk.value, { stream: true });
    }
  })();
  return { text: () => text, ended };
}

describe('graceful shutdown of the server process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-shutdown-'));
  let llm: SlowLlm | undefined;
  let server: Spawned | undefined;
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await llm?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('ends in-flight streams with a final event, flushes the index and exits 0 on SIGTERM', async () => {
    llm = await startSlowLlm({
      chunk: 'Crawl it with the crawl command [1]. ',
      chunks: 200,
      intervalMs: 100,
    });
    server = await spawnServer(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        CITEBOX_DATA_DIR: dataDir,
        CITEBOX_BOOTSTRAP_DOCS: 'true',
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'slow',
        CITEBOX_SHUTDOWN_GRACE_MS: '700',
        LOG_LEVEL: 'info',
      },
      { startTimeoutMs: 30_000 },
    );
    const { url } = server;

    const answer = await openStream(
      `${url}/v1/answer`,
      { query: QUESTION, stream: true, mode: 'llm' },
      /event: delta/,
    );
    const chat = await openStream(
      `${url}/v1/chat/completions`,
      {
        model: 'citebox',
        stream: true,
        mode: 'llm',
        messages: [{ role: 'user', content: `${QUESTION} Briefly.` }],
      },
      /"content":"[^"]+"/,
    );

    const signalled = performance.now();
    server.child.kill('SIGTERM');
    let streamsEnded = false;
    const bothEnded = Promise.all([answer.ended, chat.ended]).then(() => {
      streamsEnded = true;
    });
    // At once: no new connections, while the open streams go on.
    await new Promise((r) => setTimeout(r, 150));
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(streamsEnded).toBe(false);
    await bothEnded;
    const streamsEndedAfter = performance.now() - signalled;

    // The answer stream: deltas so far, then a final error event saying why it ended.
    const events = parseSse(answer.text());
    expect(events[0]?.event).toBe('sources');
    expect(events.at(-1)?.event).toBe('error');
    expect(JSON.parse(events.at(-1)?.data ?? '{}')).toMatchObject({ error: { code: 'SHUTTING_DOWN' } });
    // The chat stream: OpenAI's error object as its last data line, no [DONE].
    const chatData = parseSse(chat.text()).map((e) => e.data);
    expect(JSON.parse(chatData.at(-1) ?? '{}')).toMatchObject({
      error: { code: 'shutting_down', type: 'service_unavailable_error' },
    });
    expect(chatData).not.toContain('[DONE]');
    // Ended after the grace period, not at once and not at the LLM's pace (20 s).
    expect(streamsEndedAfter).toBeGreaterThan(500);
    expect(streamsEndedAfter).toBeLessThan(8000);

    expect(await server.exit).toBe(0);
    const stopped = server.logs.find((l) => l['msg'] === 'server stopped');
    expect(stopped).toMatchObject({ stoppedStreams: 2, leftRequests: 0 });
    // The LLM requests behind the streams were aborted, not left running.
    expect(llm.requests.filter((r) => r.aborted).length).toBeGreaterThanOrEqual(2);

    // The index was flushed and closed cleanly: another process reads it.
    const status = spawn(process.execPath, [join(ROOT, 'bin', 'citebox.js'), 'status', '--json'], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', CITEBOX_DATA_DIR: dataDir, LOG_LEVEL: 'error' },
    });
    let out = '';
    status.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => status.on('exit', resolve));
    expect(code).toBe(0);
    expect((JSON.parse(out) as { pages: number }).pages).toBeGreaterThan(0);
  });
});
