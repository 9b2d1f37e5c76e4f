// A scriptable OpenAI-compatible server on 127.0.0.1 for tests and benchmarks: each chat request
// gets the reply a test scripts for it (a stream of chunks with delays, an HTTP error, a hang),
// and the server records what it was asked and whether the client went away before the end.
// Tests import it through test/helpers/llm-server.ts; bench:answers uses it directly.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type LlmReply =
  /** A streamed reply; `delayMs` before the first chunk, `chunkDelayMs` between the others. */
  | {
      readonly kind: 'stream';
      readonly chunks: readonly string[];
      readonly delayMs?: number;
      readonly chunkDelayMs?: number;
      /** After the chunks, keep the connection open without finishing (a stalled model). */
      readonly stall?: boolean;
      /** Destroy the connection after this many chunks (a crashed server). */
      readonly dropAfter?: number;
      /**
       * The token counts reported when the client asks for them (`stream_options.include_usage`,
       * or always without streaming); by default about four characters of prompt per token and
       * one token per chunk. `false`: no report (a server that does not support it).
       */
      readonly usage?: { readonly prompt_tokens: number; readonly completion_tokens: number } | false;
    }
  | {
      readonly kind: 'status';
      readonly status: number;
      readonly body?: unknown;
      readonly headers?: Record<string, string>;
    }
  /** Accept the request and never answer. */
  | { readonly kind: 'hang' };

/** What a chat request was for, read from its system prompt. */
export type LlmPurpose = 'answer' | 'rewrite' | 'related' | 'judge' | 'other';

export interface LlmRequestRecord {
  readonly index: number;
  readonly purpose: LlmPurpose;
  readonly body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    stream?: boolean;
    max_tokens?: number;
    [key: string]: unknown;
  };
  readonly headers: IncomingMessage['headers'];
  /** performance.now() when the request body had arrived. */
  readonly receivedAt: number;
  /** performance.now() when the first content chunk was written, if one was. */
  firstChunkAt?: number;
  /** The client closed the connection before the reply was complete. */
  aborted: boolean;
  /** The reply was written completely. */
  finished: boolean;
}

export type LlmResponder = (request: LlmRequestRecord) => LlmReply;

export interface FakeLlm {
  /** Base URL to give as LLM_BASE_URL (ends in /v1). */
  readonly url: string;
  readonly model: string;
  readonly requests: LlmRequestRecord[];
  /** Replies for the next answer requests, in order; then `fallback`. */
  queue(...replies: LlmReply[]): void;
  /** Replaces how requests are answered. */
  respond(responder: LlmResponder): void;
  /** Resolves when request `index` has been aborted by the client (rejects after timeoutMs). */
  waitForAbort(index: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export function purposeOf(body: LlmRequestRecord['body']): LlmPurpose {
  const system = body.messages?.find((m) => m.role === 'system')?.content ?? '';
  if (/You are Citebox/.test(system)) return 'answer';
  if (/standalone search question/.test(system)) return 'rewrite';
  if (/follow-up questions/.test(system)) return 'related';
  if (/You check citations/.test(system)) return 'judge';
  return 'other';
}

/** Splits a text into chunks of `size` characters, as a model streams tokens. */
export function chunked(text: string, size = 4): string[] {
  const out: string[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(''));
  return out;
}

export function streamReply(
  text: string | readonly string[],
  options: Partial<Extract<LlmReply, { kind: 'stream' }>> = {},
): LlmReply {
  return { kind: 'stream', chunks: typeof text === 'string' ? chunked(text) : text, ...options };
}

/** The `usage` object the server reports for a reply, or undefined when it reports none. */
function usageReport(
  body: LlmRequestRecord['body'],
  reply: Extract<LlmReply, { kind: 'stream' }>,
): { prompt_tokens: number; completion_tokens: number; total_tokens: number } | undefined {
  if (reply.usage === false) return undefined;
  const prompt =
    reply.usage?.prompt_tokens ??
    (body.messages ?? []).reduce((sum, m) => sum + Math.ceil(String(m.content).length / 4), 0);
  const completion = reply.usage?.completion_tokens ?? reply.chunks.length;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FakeLlmOptions {
  readonly model?: string;
  /** Where to listen: 127.0.0.1 and a free port by default (a container listens on 0.0.0.0). */
  readonly host?: string;
  readonly port?: number;
}

export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const model = options.model ?? 'fake-model';
  const requests: LlmRequestRecord[] = [];
  const queued: LlmReply[] = [];
  const abortWaiters = new Map<number, () => void>();
  let responder: LlmResponder = (request) => {
    if (request.purpose === 'answer') {
      return queued.shift() ?? streamReply('The answer is in the first source [1].');
    }
    if (request.purpose === 'related') {
      return streamReply('What else is there?\nHow does it work?\nWhere can I read more?');
    }
    if (request.purpose === 'judge') return streamReply('yes');
    return queued.shift() ?? streamReply('OK');
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: model, object: 'model', created: 0, owned_by: 'test' }],
        }),
      );
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'not found' } }));
      return;
    }
    let body: LlmRequestRecord['body'];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: 'bad json' } }));
      return;
    }
    const record: LlmRequestRecord = {
      index: requests.length,
      purpose: purposeOf(body),
      body,
      headers: req.headers,
      receivedAt: performance.now(),
      aborted: false,
      finished: false,
    };
    requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished) {
        record.aborted = true;
        abortWaiters.get(record.index)?.();
      }
    });
    const reply = responder(record);
    if (reply.kind === 'hang') return;
    if (reply.kind === 'status') {
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(
        JSON.stringify(
          reply.body ?? { error: { message: `scripted ${reply.status}`, type: 'server_error' } },
        ),
      );
      record.finished = true;
      return;
    }
    const id = `chatcmpl-${record.index}`;
    const usage = usageReport(body, reply);
    const includeUsage =
      (body['stream_options'] as { include_usage?: unknown } | undefined)?.include_usage === true;
    const frame = (delta: Record<string, unknown>, finish: string | null = null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created: 0,
        model,
        choices: [{ index: 0, delta, finish_reason: finish }],
        // As OpenAI does: `usage: null` on every chunk but the last when usage was asked for.
        ...(includeUsage ? { usage: null } : {}),
      })}\n\n`;
    if (body.stream === false) {
      if (reply.delayMs) await sleep(reply.delayMs);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created: 0,
          model,
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: reply.chunks.join('') },
              finish_reason: 'stop',
            },
          ],
          ...(usage ? { usage } : {}),
        }),
      );
      record.finished = true;
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.flushHeaders();
    if (reply.delayMs) await sleep(reply.delayMs);
    if (record.aborted) return;
    res.write(frame({ role: 'assistant', content: '' }));
    let sent = 0;
    for (const text of reply.chunks) {
      if (record.aborted) return;
      if (reply.dropAfter !== undefined && sent >= reply.dropAfter) {
        // Let the client read what was sent, then cut the connection.
        await sleep(50);
        res.destroy();
        return;
      }
      if (sent > 0 && reply.chunkDelayMs) await sleep(reply.chunkDelayMs);
      if (record.aborted) return;
      res.write(frame({ content: text }));
      record.firstChunkAt ??= performance.now();
      sent++;
    }
    if (reply.stall) return;
    res.write(frame({}, 'stop'));
    if (includeUsage && usage) {
      // The usage report is a chunk of its own with empty `choices`, before [DONE].
      res.write(
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model, choices: [], usage })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
    record.finished = true;
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/v1`,
    model,
    requests,
    queue: (...replies) => {
      queued.push(...replies);
    },
    respond: (next) => {
      responder = next;
    },
    waitForAbort: (index, timeoutMs = 5_000) =>
      new Promise<void>((resolve, reject) => {
        if (requests[index]?.aborted) {
          resolve();
          return;
        }
        const timer = setTimeout(() => reject(new Error(`request ${index} was not aborted`)), timeoutMs);
        abortWaiters.set(index, () => {
          clearTimeout(timer);
          resolve();
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
