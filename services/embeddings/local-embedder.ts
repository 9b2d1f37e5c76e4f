// Embeddings computed in-process (`EMBEDDINGS_MODEL=local:all-MiniLM-L6-v2`): a small sentence
// embeddings model run by @huggingface/transformers on onnxruntime's CPU build, in a worker thread
// so that the event loop keeps serving while passages are embedded. No embeddings server needed;
// the model and runtime come from CITEBOX_MODELS_DIR (`npm run models:prepare`).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CiteboxError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Embedder } from './embeddings-client.js';
import { type LocalEmbeddingModel, TRANSFORMERS_RUNTIME, transformersEntry } from './local-models.js';

export interface LocalEmbedderOptions {
  readonly model: LocalEmbeddingModel;
  readonly modelsDir: string;
  readonly logger: Logger;
  /**
   * Texts per call into the model. One by default: on onnxruntime's CPU build a batch costs more
   * CPU a text than texts one at a time (padding, and the int8 kernels do no better on the larger
   * matrices): SciFact abstracts, one thread, 6.8 s of CPU for 96 one at a time, 7.7 s in twos,
   * 9.3 s in eights (sorted by length), 11.1 s in sixteens.
   */
  readonly batchSize?: number | undefined;
  /** onnxruntime threads. */
  readonly threads?: number | undefined;
}

interface Pending {
  readonly resolve: (vectors: number[][]) => void;
  readonly reject: (err: Error) => void;
  readonly count: number;
}

const DEFAULT_BATCH_SIZE = 1;
/** About four characters a token: texts are cut to the model's input length before tokenizing. */
const CHARS_PER_TOKEN = 4;

/** Whether the model and runtime are where local embeddings look for them; a message when not. */
export function localEmbedderMissing(modelsDir: string, model: LocalEmbeddingModel): string | undefined {
  const weights = join(
    modelsDir,
    model.name,
    'onnx',
    model.dtype === 'q8' ? 'model_quantized.onnx' : 'model.onnx',
  );
  if (!existsSync(weights)) {
    return `the model ${model.name} is not in ${modelsDir} (run \`npm run models:prepare -- ${model.name}\`)`;
  }
  if (!existsSync(transformersEntry(modelsDir))) {
    return `${TRANSFORMERS_RUNTIME.package}@${TRANSFORMERS_RUNTIME.version} is not in ${modelsDir} (run \`npm run models:prepare -- ${model.name}\`)`;
  }
  return undefined;
}

export class LocalEmbedder implements Embedder {
  readonly model: string;
  readonly #options: LocalEmbedderOptions;
  readonly #logger: Logger;
  #worker: Worker | undefined;
  #ready: Promise<void> | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;

  constructor(options: LocalEmbedderOptions) {
    this.model = `local:${options.model.name}`;
    this.#options = options;
    this.#logger = options.logger.child({ component: 'embeddings', model: this.model });
  }

  async embed(texts: readonly string[], signal?: AbortSignal): Promise<number[][]> {
    const worker = await this.#start();
    const size = this.#options.batchSize ?? DEFAULT_BATCH_SIZE;
    const maxChars = this.#options.model.maxTokens * CHARS_PER_TOKEN;
    const out: number[][] = [];
    for (let i = 0; i < texts.length; i += size) {
      signal?.throwIfAborted();
      const batch = texts
        .slice(i, i + size)
        .map((t) => (t.length > maxChars ? t.slice(0, maxChars) : t) || ' ');
      out.push(...(await this.#call(worker, batch)));
    }
    return out;
  }

  async close(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#ready = undefined;
    if (worker) await worker.terminate();
  }

  #start(): Promise<Worker> {
    if (this.#worker && this.#ready) {
      const worker = this.#worker;
      return this.#ready.then(() => worker);
    }
    const missing = localEmbedderMissing(this.#options.modelsDir, this.#options.model);
    if (missing) return Promise.reject(new CiteboxError('LLM_UNAVAILABLE', `Local embeddings: ${missing}`));
    // From dist/ the worker is JavaScript; from the sources (tests) Node strips its types.
    const here = import.meta.url;
    const file = new URL(
      here.endsWith('.ts') ? './local-embedder-worker.ts' : './local-embedder-worker.js',
      here,
    );
    const worker = new Worker(file, {
      workerData: {
        entry: transformersEntry(this.#options.modelsDir),
        modelsDir: this.#options.modelsDir,
        model: this.#options.model.name,
        dtype: this.#options.model.dtype,
        threads: this.#options.threads ?? 1,
      },
    });
    worker.unref();
    this.#worker = worker;
    const started = performance.now();
    this.#ready = new Promise<void>((resolve, reject) => {
      const onMessage = (message: { ready?: boolean; error?: string; id?: number }) => {
        if (message.ready === undefined) return;
        worker.off('message', onMessage);
        if (message.ready) {
          this.#logger.info({ ms: Math.round(performance.now() - started) }, 'local embeddings model loaded');
          resolve();
        } else reject(new CiteboxError('LLM_ERROR', `Local embeddings could not load: ${message.error}`));
      };
      worker.on('message', onMessage);
    });
    worker.on(
      'message',
      (message: { id?: number; dims?: number; vectors?: Float32Array; error?: string }) => {
        if (message.id === undefined) return;
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        if (message.error !== undefined || !message.vectors || !message.dims) {
          pending.reject(
            new CiteboxError('LLM_ERROR', `Local embeddings failed: ${message.error ?? 'no vectors'}`),
          );
          return;
        }
        const vectors: number[][] = [];
        for (let i = 0; i < pending.count; i++) {
          vectors.push(Array.from(message.vectors.subarray(i * message.dims, (i + 1) * message.dims)));
        }
        pending.resolve(vectors);
      },
    );
    worker.on('error', (err) => this.#fail(err));
    worker.on('exit', (code) => {
      if (this.#worker === worker) {
        this.#worker = undefined;
        this.#ready = undefined;
      }
      this.#fail(new Error(`the embeddings worker exited (${code})`));
    });
    return this.#ready.then(() => worker);
  }

  #call(worker: Worker, texts: string[]): Promise<number[][]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, count: texts.length });
      worker.ref();
      worker.postMessage({ id, texts });
    }).finally(() => {
      if (this.#pending.size === 0) worker.unref();
    }) as Promise<number[][]>;
  }

  #fail(err: Error): void {
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(
        new CiteboxError('LLM_ERROR', `Local embeddings failed: ${err.message}`, { cause: err }),
      );
    }
  }
}
