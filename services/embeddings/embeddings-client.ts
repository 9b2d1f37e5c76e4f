// Passage and query embeddings through any OpenAI-compatible embeddings endpoint (OpenAI, Ollama,
// vLLM, llama.cpp's server, text-embeddings-inference) with the `openai` package. The rest of
// Citebox sees only Embedder, so tests can stand in a local server. Batching, timeouts and error
// wrapping live here; vectors come back unit-length, so cosine similarity is a dot product.

import type * as OpenAiLibrary from 'openai';
import type OpenAI from 'openai';
import { CiteboxError } from '../errors.js';
import { lazyLibrary } from '../lazy-library.js';
import type { Logger } from '../logger.js';

export interface Embedder {
  /** The embeddings model's name. */
  readonly model: string;
  /**
   * One unit-length vector per text, in order. Throws CiteboxError LLM_UNAVAILABLE / LLM_TIMEOUT /
   * LLM_ERROR, or the signal's AbortError when the caller aborted.
   */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]>;
  /** Frees what the embedder holds (a worker thread); later calls start it again. */
  close?(): Promise<void>;
}

export interface EmbeddingsClientOptions {
  readonly baseUrl: string;
  readonly apiKey?: string | undefined;
  readonly model: string;
  /** Timeout of one request, in ms. */
  readonly timeoutMs: number;
  readonly logger: Logger;
  /** Texts per request. */
  readonly batchSize?: number | undefined;
  /** Longest text sent, in characters (longer ones are cut; models have input limits). */
  readonly maxChars?: number | undefined;
  /** Retries after a 429, a 5xx or a refused connection. */
  readonly maxRetries?: number | undefined;
}

const DEFAULT_BATCH_SIZE = 64;
const DEFAULT_MAX_CHARS = 4000;
/** The `openai` package, loaded when the first client is built (lazy-library.ts). */
const openai = lazyLibrary<typeof OpenAiLibrary>('openai');
const DEFAULT_MAX_RETRIES = 2;

/** Scales a vector to unit length (a zero vector stays zero). */
export function unitVector(vector: readonly number[]): number[] {
  let norm = 0;
  for (const x of vector) norm += x * x;
  if (norm === 0) return [...vector];
  const scale = 1 / Math.sqrt(norm);
  return vector.map((x) => x * scale);
}

export class OpenAiEmbeddingsClient implements Embedder {
  readonly model: string;
  readonly #client: OpenAI;
  readonly #batchSize: number;
  readonly #maxChars: number;
  readonly #logger: Logger;
  readonly #baseUrl: string;

  constructor(options: EmbeddingsClientOptions) {
    this.model = options.model;
    this.#baseUrl = options.baseUrl;
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.#maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
    this.#logger = options.logger.child({ component: 'embeddings' });
    this.#client = new (openai().OpenAI)({
      baseURL: options.baseUrl,
      // Local servers take any key; the client library insists on one.
      apiKey: options.apiKey ?? 'not-needed',
      timeout: options.timeoutMs,
      maxRetries: options.maxRetries ?? DEFAULT_MAX_RETRIES,
    });
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += this.#batchSize) {
      const batch = texts.slice(i, i + this.#batchSize).map((t) => {
        const cut = t.length > this.#maxChars ? t.slice(0, this.#maxChars) : t;
        // Endpoints refuse empty inputs; a single space embeds as "nothing".
        return cut.trim().length > 0 ? cut : ' ';
      });
      out.push(...(await this.embedBatch(batch, signal)));
    }
    return out;
  }

  private async embedBatch(input: string[], signal: AbortSignal | undefined): Promise<number[][]> {
    let response: OpenAI.Embeddings.CreateEmbeddingResponse;
    try {
      response = await this.#client.embeddings.create(
        { model: this.model, input, encoding_format: 'float' },
        signal ? { signal } : undefined,
      );
    } catch (err) {
      throw this.wrap(err, signal);
    }
    const data = [...(response.data ?? [])].sort((a, b) => a.index - b.index);
    if (data.length !== input.length) {
      throw new CiteboxError(
        'LLM_ERROR',
        `The embeddings endpoint returned ${data.length} vectors for ${input.length} texts`,
      );
    }
    const dims = data[0]?.embedding.length ?? 0;
    return data.map((d) => {
      if (!Array.isArray(d.embedding) || d.embedding.length === 0 || d.embedding.length !== dims) {
        throw new CiteboxError('LLM_ERROR', 'The embeddings endpoint returned a malformed vector');
      }
      return unitVector(d.embedding);
    });
  }

  private wrap(err: unknown, signal: AbortSignal | undefined): unknown {
    if (err instanceof openai().APIUserAbortError || signal?.aborted) return signal?.reason ?? err;
    if (err instanceof openai().APIConnectionTimeoutError) {
      return new CiteboxError(
        'LLM_TIMEOUT',
        `The embeddings endpoint at ${this.#baseUrl} did not answer in time`,
        {
          cause: err,
        },
      );
    }
    if (err instanceof openai().APIConnectionError) {
      return new CiteboxError(
        'LLM_UNAVAILABLE',
        `The embeddings endpoint at ${this.#baseUrl} is unreachable`,
        {
          cause: err,
        },
      );
    }
    if (err instanceof openai().APIError) {
      this.#logger.warn({ status: err.status, model: this.model }, 'embeddings request failed');
      return new CiteboxError(
        'LLM_ERROR',
        `The embeddings endpoint answered ${err.status ?? 'an error'}: ${err.message}`,
        {
          cause: err,
        },
      );
    }
    return new CiteboxError('LLM_ERROR', 'Embedding failed', { cause: err });
  }
}
