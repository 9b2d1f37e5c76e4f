// A small OpenAI-compatible server around node-llama-cpp, for the real-model test bed: it serves one
// GGUF model on 127.0.0.1 the way llama.cpp's server or Ollama would (`/v1/chat/completions` with
// and without Server-Sent Events, `/v1/models`, usage reports), so Citebox meets a real model
// through its ordinary LLM client. Each request gets a slot: its own context evaluated by one
// thread (two slots on two cores), which keeps the evaluated prompt, so a request that starts like
// the previous one (the same system prompt) only evaluates what differs — the prompt cache of
// llama.cpp's server. A prompt longer than the context is refused with a 400, as those servers do.
// Each reply also carries llama.cpp-style `timings` (prompt and generated tokens, cached tokens, ms).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ChatHistoryItem,
  Llama,
  LlamaChat,
  LlamaContext,
  LlamaContextSequence,
  LlamaModel,
} from './llama-runtime.js';
import { loadLlamaRuntime } from './llama-runtime.js';

export interface LocalModelServerOptions {
  readonly modelPath: string;
  /** The model id the server reports and accepts. */
  readonly modelName: string;
  readonly modelsDir: string;
  /** Context window of each slot, in tokens. */
  readonly contextTokens: number;
  /** Requests served at once (one context each); more wait in line. */
  readonly parallel?: number | undefined;
  /** Threads per request. */
  readonly threads?: number | undefined;
  readonly host?: string | undefined;
  readonly port?: number | undefined;
  /** One line per request on stderr. */
  readonly verbose?: boolean | undefined;
}

export interface LocalModelServer {
  /** Base URL for LLM_BASE_URL (ends in /v1). */
  readonly url: string;
  readonly model: string;
  readonly contextTokens: number;
  /** What each finished request cost, in order (for benchmarks). */
  readonly served: readonly ServedRequest[];
  close(): Promise<void>;
}

export interface ServedRequest {
  /** When the request arrived and when its first generated text was written, ms since the epoch. */
  readonly receivedAt: number;
  readonly firstChunkAt: number | undefined;
  readonly promptTokens: number;
  /** Prompt tokens the slot had evaluated already (its prompt cache). */
  readonly cachedTokens: number;
  readonly completionTokens: number;
  readonly queueMs: number;
  /** From the start of evaluation to the first generated text. */
  readonly firstTokenMs: number | undefined;
  readonly totalMs: number;
  readonly finishReason: string;
  readonly aborted: boolean;
}

/** A chat request as the server understands it. */
export interface ChatRequestBody {
  readonly history: ChatHistoryItem[];
  readonly maxTokens: number;
  readonly temperature: number;
  readonly topP: number | undefined;
  readonly seed: number | undefined;
  readonly stop: readonly string[];
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly repeatPenalty: number | undefined;
  readonly frequencyPenalty: number | undefined;
  readonly presencePenalty: number | undefined;
}

export class RequestError extends Error {
  readonly status: number;
  readonly type: string;
  readonly code: string | undefined;
  constructor(status: number, message: string, code?: string) {
    super(message);
    this.status = status;
    this.type = status < 500 ? 'invalid_request_error' : 'server_error';
    this.code = code;
  }
}

const DEFAULT_MAX_TOKENS = 512;

function optionalNumber(
  body: Record<string, unknown>,
  key: string,
  min: number,
  max: number,
): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new RequestError(400, `"${key}" must be a number from ${min} to ${max}`);
  }
  return value;
}

/** Validates an OpenAI chat completion request; throws RequestError (400) naming what is wrong. */
export function parseChatRequest(raw: unknown): ChatRequestBody {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new RequestError(400, 'the body must be a JSON object');
  }
  const body = raw as Record<string, unknown>;
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new RequestError(400, '"messages" must be a non-empty array');
  }
  const history: ChatHistoryItem[] = messages.map((m, i) => {
    const message = m as { role?: unknown; content?: unknown };
    const content = textContent(message.content);
    if (content === undefined)
      throw new RequestError(400, `messages[${i}].content must be a string or text parts`);
    switch (message.role) {
      case 'system':
      case 'developer':
        return { type: 'system', text: content };
      case 'user':
        return { type: 'user', text: content };
      case 'assistant':
        return { type: 'model', response: [content] };
      default:
        throw new RequestError(400, `messages[${i}].role must be system, user or assistant`);
    }
  });
  if (history.at(-1)?.type !== 'user') throw new RequestError(400, 'the last message must be from the user');
  const maxTokens =
    optionalNumber(body, 'max_completion_tokens', 1, 1_000_000) ??
    optionalNumber(body, 'max_tokens', 1, 1_000_000) ??
    DEFAULT_MAX_TOKENS;
  const stopField = body['stop'];
  const stop =
    stopField === undefined || stopField === null
      ? []
      : typeof stopField === 'string'
        ? [stopField]
        : Array.isArray(stopField) && stopField.every((s) => typeof s === 'string')
          ? (stopField as string[])
          : undefined;
  if (stop === undefined) throw new RequestError(400, '"stop" must be a string or an array of strings');
  const streamOptions = body['stream_options'] as { include_usage?: unknown } | undefined;
  return {
    history,
    maxTokens: Math.floor(maxTokens),
    temperature: optionalNumber(body, 'temperature', 0, 2) ?? 1,
    topP: optionalNumber(body, 'top_p', 0, 1),
    seed: optionalNumber(body, 'seed', -(2 ** 53), 2 ** 53),
    stop: stop.filter((s) => s.length > 0),
    stream: body['stream'] === true,
    includeUsage: streamOptions?.include_usage === true,
    repeatPenalty: optionalNumber(body, 'repeat_penalty', 0, 10),
    frequencyPenalty: optionalNumber(body, 'frequency_penalty', -2, 2),
    presencePenalty: optionalNumber(body, 'presence_penalty', -2, 2),
  };
}

function textContent(content: unknown): string | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const parts: string[] = [];
  for (const part of content) {
    const p = part as { type?: unknown; text?: unknown };
    if (p.type !== 'text' || typeof p.text !== 'string') return undefined;
    parts.push(p.text);
  }
  return parts.join('');
}

/** The OpenAI finish reason for node-llama-cpp's stop reason. */
export function finishReason(stopReason: string): 'stop' | 'length' {
  return stopReason === 'maxTokens' ? 'length' : 'stop';
}

interface Slot {
  readonly context: LlamaContext;
  readonly sequence: LlamaContextSequence;
  readonly chat: LlamaChat;
  busy: boolean;
  /** The first message of the last request it served: a request that opens alike reuses its cache. */
  opening: string;
}

/** Tokens the chat template adds around each message (Qwen: `<|im_start|>role\n` … `<|im_end|>\n`). */
const TEMPLATE_TOKENS_PER_MESSAGE = 6;
const MAX_WAITING = 64;

export async function startLocalModelServer(options: LocalModelServerOptions): Promise<LocalModelServer> {
  const runtime = await loadLlamaRuntime(options.modelsDir);
  const parallel = options.parallel ?? 2;
  const threads = options.threads ?? 1;
  const llama: Llama = await runtime.getLlama({
    gpu: false,
    build: 'never',
    logLevel: 'error',
    progressLogs: false,
    maxThreads: parallel * threads,
  });
  const model: LlamaModel = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0 });
  const slots: Slot[] = [];
  for (let i = 0; i < parallel; i++) {
    const context = await model.createContext({
      contextSize: options.contextTokens,
      sequences: 1,
      threads,
      batchSize: 512,
    });
    const sequence = context.getSequence();
    slots.push({
      context,
      sequence,
      chat: new runtime.LlamaChat({ contextSequence: sequence }),
      busy: false,
      opening: '',
    });
  }
  const contextTokens = slots[0]?.context.contextSize ?? options.contextTokens;
  const waiting: Array<{ opening: string; take: (slot: Slot) => void }> = [];
  const served: ServedRequest[] = [];
  const created = Math.floor(Date.now() / 1000);

  // Like llama.cpp's server (--slot-prompt-similarity), a request goes to the free slot whose cache
  // it can reuse: the one whose last request opened with the same message (the same system prompt).
  const acquire = (opening: string, signal: AbortSignal): Promise<Slot> => {
    const free = slots.filter((s) => !s.busy);
    const chosen = free.find((s) => s.opening === opening) ?? free.find((s) => s.opening === '') ?? free[0];
    if (chosen) {
      chosen.busy = true;
      chosen.opening = opening;
      return Promise.resolve(chosen);
    }
    if (waiting.length >= MAX_WAITING)
      return Promise.reject(new RequestError(503, 'too many requests waiting'));
    return new Promise((resolve, reject) => {
      const entry = {
        opening,
        take: (slot: Slot) => {
          signal.removeEventListener('abort', leave);
          slot.opening = opening;
          resolve(slot);
        },
      };
      const leave = () => {
        const at = waiting.indexOf(entry);
        if (at >= 0) waiting.splice(at, 1);
        reject(signal.reason);
      };
      waiting.push(entry);
      signal.addEventListener('abort', leave, { once: true });
    });
  };
  const release = (slot: Slot) => {
    const next = waiting.shift();
    if (next) next.take(slot);
    else slot.busy = false;
  };

  const promptTokens = (history: readonly ChatHistoryItem[]): number =>
    history.reduce(
      (sum, item) =>
        sum +
        TEMPLATE_TOKENS_PER_MESSAGE +
        model.tokenize(item.type === 'model' ? item.response.join('') : item.text).length,
      3,
    );

  async function chatCompletion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = performance.now();
    const request = parseChatRequest(await readJson(req));
    const estimated = promptTokens(request.history);
    if (estimated >= contextTokens) {
      throw new RequestError(
        400,
        `This model's maximum context length is ${contextTokens} tokens. However, your messages resulted in ${estimated} tokens. Please reduce the length of the messages.`,
        'context_length_exceeded',
      );
    }
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('the client went away'));
    });
    const first = request.history[0];
    const opening = first ? (first.type === 'model' ? first.response.join('') : first.text) : '';
    const slot = await acquire(opening, abort.signal);
    const started = performance.now();
    const id = `chatcmpl-${randomUUID().replaceAll('-', '')}`;
    const meterBefore = {
      input: slot.sequence.tokenMeter.usedInputTokens,
      output: slot.sequence.tokenMeter.usedOutputTokens,
    };
    let firstTokenAt: number | undefined;
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created: Math.floor(Date.now() / 1000),
        model: options.modelName,
        choices: [{ index: 0, delta, finish_reason: finish }],
      })}\n\n`;
    if (request.stream) {
      res.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      res.write(chunk({ role: 'assistant', content: '' }, null));
    }
    let result: { response: string; metadata: { stopReason: string } };
    try {
      result = await slot.chat.generateResponse(request.history, {
        maxTokens: Math.max(1, Math.min(request.maxTokens, contextTokens - estimated - 1)),
        temperature: request.temperature,
        ...(request.topP !== undefined ? { topP: request.topP } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        ...(request.stop.length > 0 ? { customStopTriggers: request.stop } : {}),
        ...(request.repeatPenalty !== undefined ||
        request.frequencyPenalty !== undefined ||
        request.presencePenalty !== undefined
          ? {
              repeatPenalty: {
                penalty: request.repeatPenalty ?? 1,
                ...(request.frequencyPenalty !== undefined
                  ? { frequencyPenalty: request.frequencyPenalty }
                  : {}),
                ...(request.presencePenalty !== undefined
                  ? { presencePenalty: request.presencePenalty }
                  : {}),
              },
            }
          : {}),
        signal: abort.signal,
        stopOnAbortSignal: true,
        onTextChunk: (text) => {
          if (text.length === 0) return;
          firstTokenAt ??= performance.now();
          if (request.stream && !res.writableEnded) res.write(chunk({ content: text }, null));
        },
      });
    } finally {
      release(slot);
    }
    const finished = performance.now();
    const completion = slot.sequence.tokenMeter.usedOutputTokens - meterBefore.output;
    const evaluated = slot.sequence.tokenMeter.usedInputTokens - meterBefore.input;
    // What the context holds now is the prompt as the template rendered it, then the reply.
    const prompt = Math.max(estimated, slot.sequence.contextTokens.length - completion);
    const finish = finishReason(result.metadata.stopReason);
    const record: ServedRequest = {
      receivedAt: epoch(received),
      firstChunkAt: firstTokenAt === undefined ? undefined : epoch(firstTokenAt),
      promptTokens: prompt,
      cachedTokens: Math.max(0, prompt - evaluated),
      completionTokens: completion,
      queueMs: started - received,
      firstTokenMs: firstTokenAt === undefined ? undefined : firstTokenAt - started,
      totalMs: finished - received,
      finishReason: finish,
      aborted: abort.signal.aborted,
    };
    served.push(record);
    if (options.verbose) {
      process.stderr.write(
        `local-model: ${record.promptTokens} prompt tokens (${record.cachedTokens} cached), ${completion} generated, first token ${Math.round(record.firstTokenMs ?? 0)} ms, ${Math.round(record.totalMs)} ms${record.aborted ? ', aborted' : ''}\n`,
      );
    }
    if (abort.signal.aborted) return;
    const usage = {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: record.cachedTokens },
    };
    const timings = {
      cache_n: record.cachedTokens,
      prompt_n: prompt - record.cachedTokens,
      prompt_ms: Math.round(record.firstTokenMs ?? finished - started),
      predicted_n: completion,
      predicted_ms: Math.round(finished - (firstTokenAt ?? started)),
      queue_ms: Math.round(record.queueMs),
    };
    if (request.stream) {
      res.write(chunk({}, finish).replace(/}\n\n$/, `,"timings":${JSON.stringify(timings)}}\n\n`));
      if (request.includeUsage) {
        res.write(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: options.modelName, choices: [], usage })}\n\n`,
        );
      }
      res.end('data: [DONE]\n\n');
      return;
    }
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: options.modelName,
      choices: [
        { index: 0, message: { role: 'assistant', content: result.response }, finish_reason: finish },
      ],
      usage,
      timings,
    });
  }

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = async () => {
      if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
        sendJson(res, 200, {
          object: 'list',
          data: [
            {
              id: options.modelName,
              object: 'model',
              created,
              owned_by: 'citebox-test-bed',
              meta: { n_ctx: contextTokens, n_ctx_train: model.trainContextSize, parallel, threads },
            },
          ],
        });
        return;
      }
      // For benchmarks: what each request cost, with times comparable across processes.
      if (req.method === 'GET' && path === '/debug/served') {
        sendJson(res, 200, served);
        return;
      }
      if (req.method === 'GET' && path === '/health') {
        sendJson(res, 200, {
          status: 'ok',
          slots_idle: slots.filter((s) => !s.busy).length,
          waiting: waiting.length,
        });
        return;
      }
      if (req.method === 'POST' && (path === '/v1/chat/completions' || path === '/chat/completions')) {
        await chatCompletion(req, res);
        return;
      }
      throw new RequestError(404, `no route ${req.method} ${path}`);
    };
    route().catch((err: unknown) => {
      if (res.headersSent) {
        // Mid-stream: say so in the stream, as llama.cpp's server does, and end it.
        if (!res.writableEnded) res.end(`data: ${JSON.stringify({ error: { message: String(err) } })}\n\n`);
        return;
      }
      if (err instanceof RequestError) {
        sendJson(res, err.status, {
          error: { message: err.message, type: err.type, code: err.code ?? null },
        });
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`local-model: ${message}\n`);
      sendJson(res, 500, { error: { message, type: 'server_error', code: null } });
    });
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${address.port}/v1`,
    model: options.modelName,
    contextTokens,
    served,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      for (const slot of slots) {
        slot.chat.dispose();
        await slot.context.dispose();
      }
      await model.dispose();
      await llama.dispose();
    },
  };
}

const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** A performance.now() reading as ms since the epoch (sub-millisecond, comparable between processes). */
export function epoch(now: number): number {
  return performance.timeOrigin + now;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RequestError(413, 'the request body is too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, 'the body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
