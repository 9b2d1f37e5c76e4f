// Server-Sent Events for streamed answers. The reply is hijacked and written by hand; when the
// client goes away the AbortController aborts the work behind the stream.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AnswerEvent } from '../services/index.js';

/** One SSE frame; data is JSON on one line. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The data payload each answer event carries on the wire. */
export function eventPayload(event: AnswerEvent): unknown {
  switch (event.type) {
    case 'sources':
      return { sources: event.sources };
    case 'delta':
      return { text: event.text };
    case 'citations':
      return { citations: event.citations };
    case 'error':
      return { error: { code: event.code, message: event.message } };
    case 'done':
      return event.response;
  }
}

export function wantsEventStream(request: FastifyRequest, stream: boolean | undefined): boolean {
  if (stream !== undefined) return stream;
  return (request.headers.accept ?? '').includes('text/event-stream');
}

/**
 * Streams events to the client. `produce` receives an AbortSignal that fires when the client
 * disconnects. Errors thrown by the producer become an `error` event; the stream always ends.
 */
export async function sendEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  produce: (signal: AbortSignal) => AsyncIterable<AnswerEvent>,
  toError: (err: unknown) => { code: string; message: string },
): Promise<void> {
  const controller = new AbortController();
  const onClose = () => controller.abort();
  reply.raw.on('close', onClose);
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(request.id),
  });
  reply.raw.flushHeaders();
  try {
    for await (const event of produce(controller.signal)) {
      if (controller.signal.aborted) break;
      reply.raw.write(sseFrame(event.type, eventPayload(event)));
    }
  } catch (err) {
    if (!controller.signal.aborted) {
      const { code, message } = toError(err);
      request.log.warn({ err }, 'answer stream failed');
      reply.raw.write(sseFrame('error', { error: { code, message, request_id: String(request.id) } }));
    }
  } finally {
    reply.raw.off('close', onClose);
    reply.raw.end();
  }
}
