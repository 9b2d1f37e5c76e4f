// A raw HTTP/1.1 client over node:net for tests that must send exactly the bytes they want
// (broken framing, invalid UTF-8, odd methods and request lines) and read whatever comes back.
import { connect } from 'node:net';

export interface RawResponse {
  /** Undefined when the server closed the connection without answering. */
  readonly status: number | undefined;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

export interface RawRequest {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: Record<string, string | number>;
  readonly body?: string | Buffer;
  /** Send exactly these bytes instead of building a request. */
  readonly raw?: Buffer | string;
  /** Close our side after sending (for requests that never complete); a server may take it as "gone". */
  readonly halfClose?: boolean;
}

function parseResponse(data: Buffer): RawResponse {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return { status: undefined, headers: {}, body: data };
  const head = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const line of head.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  let body = data.subarray(end + 4);
  if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
  else if (headers['content-length'] !== undefined)
    body = body.subarray(0, Number(headers['content-length']));
  return { status: Number.isFinite(status) ? status : undefined, headers, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < data.length) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) break;
    const size = Number.parseInt(data.subarray(at, lineEnd).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

export function buildRequest(request: RawRequest): Buffer {
  if (request.raw !== undefined)
    return Buffer.isBuffer(request.raw) ? request.raw : Buffer.from(request.raw, 'latin1');
  const body =
    request.body === undefined
      ? undefined
      : Buffer.isBuffer(request.body)
        ? request.body
        : Buffer.from(request.body);
  const headers: Record<string, string | number> = {
    host: '127.0.0.1',
    connection: 'close',
    ...request.headers,
  };
  if (
    body &&
    !Object.keys(headers).some((h) => ['content-length', 'transfer-encoding'].includes(h.toLowerCase()))
  )
    headers['content-length'] = body.length;
  const head = `${request.method ?? 'GET'} ${request.path ?? '/'} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body ?? Buffer.alloc(0)]);
}

/** Sends one request on a fresh connection and reads until the server closes it (or timeout). */
export function rawRequest(port: number, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no end of response within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while we are still writing a large body; what it answered counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseResponse(Buffer.concat(chunks)));
    });
    if (request.halfClose) socket.end(buildRequest(request));
    else socket.write(buildRequest(request), () => undefined);
  });
}
