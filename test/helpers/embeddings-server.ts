// A local OpenAI-compatible embeddings endpoint on 127.0.0.1 for tests: POST /v1/embeddings
// returns deterministic vectors. Each word is mapped to a concept (a small synonym table puts
// "car", "automobile" and "vehicle" together) and each concept is hashed into a few signed
// dimensions, so texts sharing concepts point the same way even when they share no word — which is
// what a test of dense retrieval needs to tell it apart from BM25. Real HTTP, port 0, closed by the
// test.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FAKE_EMBEDDING_DIMS = 64;

const SYNONYMS: Readonly<Record<string, string>> = {
  automobile: 'car',
  vehicle: 'car',
  cars: 'car',
  physician: 'doctor',
  doctors: 'doctor',
  medic: 'doctor',
  feline: 'cat',
  kitten: 'cat',
  cats: 'cat',
};

const STOP = new Set([
  'a',
  'an',
  'the',
  'of',
  'and',
  'or',
  'to',
  'in',
  'is',
  'are',
  'what',
  'how',
  'do',
  'does',
]);

/** The fake model's vector for a text (unit length; all zeros for a text without content words). */
export function fakeEmbedding(text: string, dims = FAKE_EMBEDDING_DIMS): number[] {
  const v = new Array<number>(dims).fill(0);
  for (const raw of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOP.has(raw)) continue;
    const concept = SYNONYMS[raw] ?? raw;
    const h = createHash('sha256').update(concept).digest();
    for (let j = 0; j < 4; j++) {
      const dim = (h[j * 2] ?? 0) % dims;
      v[dim] = (v[dim] ?? 0) + ((h[j * 2 + 1] ?? 0) % 2 === 0 ? 1 : -1);
    }
  }
  const norm = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
  return norm > 0 ? v.map((x) => x / norm) : v;
}

export interface FakeEmbeddingsServer {
  /** Base URL to use as LLM_BASE_URL (ends in /v1). */
  readonly baseUrl: string;
  /** Inputs of every request, in order. */
  readonly requests: string[][];
  /** Answer the next `n` requests with a 500. */
  failNext(n: number): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export async function startEmbeddingsServer(): Promise<FakeEmbeddingsServer> {
  const requests: string[][] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/embeddings') {
        send(res, 404, { error: { message: 'not found' } });
        return;
      }
      const body = JSON.parse(await readBody(req)) as { input?: unknown; model?: unknown };
      const input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
      requests.push(input);
      if (failures > 0) {
        failures--;
        send(res, 500, { error: { message: 'the fake embeddings server was told to fail' } });
        return;
      }
      send(res, 200, {
        object: 'list',
        model: body.model,
        data: input.map((text, index) => ({ object: 'embedding', index, embedding: fakeEmbedding(text) })),
        usage: { prompt_tokens: 0, total_tokens: 0 },
      });
    })().catch((err: unknown) => send(res, 400, { error: { message: String(err) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext(n) {
      failures = n;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
