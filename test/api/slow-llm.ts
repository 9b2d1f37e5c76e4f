// A minimal OpenAI-compatible LLM on 127.0.0.1 that streams its reply slowly, so a test can act
// while an answer is still being written. Records whether each request was aborted by its client.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlowLlm {
  readonly url: string;
  readonly requests: Array<{ aborted: boolean; finished: boolean }>;
  close(): Promise<void>;
}

export async function startSlowLlm(options: {
  chunk: string;
  chunks: number;
  intervalMs: number;
}): Promise<SlowLlm> {
  const requests: SlowLlm['requests'] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          data: [{ id: 'slow', object: 'model', created: 0, owned_by: 'test' }],
        }),
      );
      return;
    }
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString('utf8');
    });
    req.on('end', () => {
      const record = { aborted: false, finished: false };
      requests.push(record);
      const stream = (JSON.parse(body || '{}') as { stream?: boolean }).stream === true;
      const base = { id: 'chatcmpl-slow', created: 0, model: 'slow' };
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            ...base,
            object: 'chat.completion',
            choices: [
              { index: 0, message: { role: 'assistant', content: options.chunk }, finish_reason: 'stop' },
            ],
          }),
        );
        record.finished = true;
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let sent = 0;
      const timer = setInterval(() => {
        if (sent >= options.chunks) {
          clearInterval(timer);
          res.write(
            `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
          );
          res.end('data: [DONE]\n\n');
          record.finished = true;
          return;
        }
        sent++;
        res.write(
          `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: options.chunk }, finish_reason: null }] })}\n\n`,
        );
      }, options.intervalMs);
      res.on('close', () => {
        clearInterval(timer);
        if (!record.finished) record.aborted = true;
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
