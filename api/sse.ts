// Server-Sent Events for streamed answers (/v1/answer and the OpenAI facade). The reply is
// hijacked and written by hand. The stream always ends with a final frame: the producer's own last
// event, or an error frame when it failed, timed out or the server shut down. When the client goes
// away the AbortController aborts the work behind the stream.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type AnswerEvent, CiteboxError, isCiteboxError, type Metrics } from '../services/index.js';
import type { Lifecycle } from './lifecycle.js';

/** Comment frames keep proxies from closing a stream that is quiet (a slow LLM's first token). */
const HEARTBEAT_MS = 15_000;

export interface ErrorPayload {
  readonly code: string;
  readonly message: string;
  readonly request_id: string;
}

/** How one kind of stream puts events on the wire. */
export interface StreamFormat {
  /** The frames for one answer event ('' writes nothing). */
  event(event: AnswerEvent): string;
  /** The last frame of a stream that ended early (failure, timeout, shutdown). */
  failure(error: ErrorPayload): string;
  /** The last frame after the producer finished (e.g. `data: [DONE]`). */
  end?(): string;
}

export interface StreamContext {
  readonly lifecycle: Lifecycle;
  readonly metrics?: Metrics | undefined;
  readonly timeoutMs: number;
}

/** One SSE frame; data is JSON on one line. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The data payload each answer event carries on the wire (the Citebox event schema). */
export function eventPayload(event: AnswerEvent, requestId: string): unknown {
  switch (event.type) {
    case 'sources':
      return { sources: event.sources };
    case 'delta':
      return { text: event.text };
    case 'citations':
      return { citations: event.citations };
    case 'error':
      return { error: { code: event.code, message: event.message, request_id: requestId } };
    case 'done':
      return event.response;
    default: {
      // Event types added later travel as their own fields.
      const { type: _type, ...rest } = event as { type: string } & Record<string, unknown>;
      return rest;
    }
  }
}

/** The Citebox event stream of /v1/answer: `event: <type>` + `data: <json>`. */
export function citeboxFormat(requestId: string): StreamFormat {
  return {
    event: (event) => sseFrame(event.type, eventPayload(event, requestId)),
    failure: (error) => sseFrame('error', { error }),
  };
}

export function wantsEventStream(request: FastifyRequest, stream: boolean | undefined): boolean {
  if (stream !== undefined) return stream;
  return (request.headers.accept ?? '').includes('text/event-stream');
}

export function toErrorPayload(err: unknown, requestId: string): ErrorPayload {
  if (isCiteboxError(err)) {
    const message = err.kind === 'internal' ? 'Internal error' : err.message;
    return { code: err.code, message, request_id: requestId };
  }
  return { code: 'INTERNAL', message: 'Internal error', request_id: requestId };
}

class ClientClosed extends Error {
  override readonly name = 'AbortError';
}

/**
 * Streams the producer's events to the client until it ends, the client leaves, the request times
 * out or the server shuts down. `onEvent` sees every event (metrics); it must not throw.
 */
export async function sendEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: StreamContext,
  produce: (signal: AbortSignal) => AsyncIterable<AnswerEvent>,
  format: StreamFormat,
  onEvent?: (event: AnswerEvent) => void,
): Promise<void> {
  const requestId = String(request.id);
  const controller = new AbortController();
  const raw = reply.raw;
  let ended = false;
  const onClose = () => {
    if (!ended) controller.abort(new ClientClosed('The client closed the stream'));
  };
  raw.on('close', onClose);
  const timer = setTimeout(
    () => controller.abort(new CiteboxError('REQUEST_TIMEOUT', 'The answer took too long and was stopped')),
    ctx.timeoutMs,
  );
  const untrack = ctx.lifecycle.streamOpened({ stop: (reason) => controller.abort(reason) });
  ctx.metrics?.streamsOpen().inc();

  reply.hijack();
  // Hooks (security headers, CORS, rate-limit, request id) wrote to the reply; keep them.
  const headers: Record<string, string | string[] | number> = {};
  for (const [name, value] of Object.entries(reply.getHeaders()))
    if (value !== undefined) headers[name] = value;
  raw.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
    'x-request-id': requestId,
  });
  raw.flushHeaders();
  const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), HEARTBEAT_MS);

  const aborted = new Promise<never>((_resolve, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);

  const write = async (frame: string): Promise<void> => {
    if (frame === '' || raw.destroyed) return;
    if (!raw.write(frame)) {
      await Promise.race([new Promise<void>((resolve) => raw.once('drain', resolve)), aborted]);
    }
  };

  const iterator = produce(controller.signal)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) break;
      onEvent?.(next.value);
      await write(format.event(next.value));
    }
    if (format.end) await write(format.end());
  } catch (err) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : err;
    if (reason instanceof ClientClosed) {
      request.log.info('client closed the stream');
    } else {
      if (!isCiteboxError(reason) || reason.kind === 'internal')
        request.log.error({ err: reason }, 'answer stream failed');
      else request.log.warn({ code: reason.code }, reason.message);
      const payload = toErrorPayload(reason, requestId);
      ctx.metrics?.answerErrors().inc({ code: payload.code });
      if (!raw.destroyed) raw.write(format.failure(payload));
    }
    if (!controller.signal.aborted) controller.abort(reason);
    // Let the producer clean up (close its LLM request); it must not hold the stream open.
    iterator.return?.().catch((cleanupErr: unknown) => {
      request.log.warn({ err: cleanupErr }, 'answer producer failed while closing');
    });
  } finally {
    ended = true;
    clearTimeout(timer);
    clearInterval(heartbeat);
    raw.off('close', onClose);
    untrack();
    ctx.metrics?.streamsOpen().dec();
    raw.end();
  }
}
