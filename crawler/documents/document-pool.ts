// Reads documents off the main thread, with limits: one document at a time per worker thread, a
// heap cap per thread (a document that needs more kills its thread, not the crawler), and a time
// limit per document (a thread still busy then is terminated and replaced). Threads are started
// on the first document and recycled after a number of documents, so nothing a reader leaves
// behind accumulates. Without compiled workers (running from the TypeScript sources, as tests
// do) documents are read inline, with the time limit but no way to stop a runaway reader.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CiteboxError, type ErrorCode, type Logger } from '../../services/index.js';
import { analyzeDocument, type DocumentAnalysis, type DocumentRequest } from './analyze.js';

export interface DocumentPoolOptions {
  /** Worker threads (0: inline). */
  readonly threads: number;
  /** A document taking longer than this is given up, ms. */
  readonly timeoutMs?: number | undefined;
  /** Heap of each thread, MB. */
  readonly maxHeapMb?: number | undefined;
  /** Documents a thread reads before it is replaced. */
  readonly recycleAfter?: number | undefined;
}

interface Job {
  readonly id: number;
  readonly request: DocumentRequest;
  resolve(result: DocumentAnalysis): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  /** Whether the thread has loaded its modules (the time limit starts with a ready thread). */
  ready: boolean;
  job: Job | undefined;
  timer: NodeJS.Timeout | undefined;
  done: number;
}

/** The compiled worker beside this file, if there is one (dist/, not the .ts sources). */
function workerFile(): URL | undefined {
  const url = new URL('./document-worker.js', import.meta.url);
  return import.meta.url.endsWith('.js') && existsSync(fileURLToPath(url)) ? url : undefined;
}

function failure(code: ErrorCode, message: string): CiteboxError {
  return new CiteboxError(code, message);
}

export class DocumentPool {
  readonly #logger: Logger;
  readonly #threads: number;
  readonly #timeoutMs: number;
  readonly #maxHeapMb: number;
  readonly #recycleAfter: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  #file: URL | undefined | null = null;
  #nextId = 0;
  #closed = false;

  constructor(options: DocumentPoolOptions, logger: Logger) {
    this.#logger = logger.child({ component: 'document-pool' });
    this.#threads = options.threads;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#maxHeapMb = options.maxHeapMb ?? 384;
    this.#recycleAfter = options.recycleAfter ?? 200;
  }

  get timeoutMs(): number {
    return this.#timeoutMs;
  }

  /** Reads a document; rejects with a coded error (FETCH_UNSUPPORTED, FETCH_TOO_LARGE) and its reason. */
  analyze(request: DocumentRequest): Promise<DocumentAnalysis> {
    if (this.#closed) return Promise.reject(failure('CRAWL_CANCELLED', 'the crawler is closing'));
    if (this.#file === null) this.#file = this.#threads > 0 ? workerFile() : undefined;
    if (!this.#file) return this.inline(request);
    return new Promise<DocumentAnalysis>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, request, resolve, reject });
      this.pump();
    });
  }

  private async inline(request: DocumentRequest): Promise<DocumentAnalysis> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.timedOut()), this.#timeoutMs);
    });
    try {
      return await Promise.race([analyzeDocument(request), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private timedOut(): CiteboxError {
    return failure('FETCH_UNSUPPORTED', `reading the document took longer than ${this.#timeoutMs / 1000} s`);
  }

  /** Starts queued jobs on idle, ready threads (starting threads up to the pool's size). */
  private pump(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const slot = this.#slots.find((s) => s.ready && !s.job);
      if (!slot) {
        // A thread that is still starting takes the next job once it is ready.
        if (!this.#slots.some((s) => !s.ready) && this.#slots.length < this.#threads) this.spawn();
        return;
      }
      this.run(slot, this.#queue.shift() as Job);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.#file as URL, {
      resourceLimits: { maxOldGenerationSizeMb: this.#maxHeapMb, maxYoungGenerationSizeMb: 32 },
    });
    const slot: Slot = { worker, ready: false, job: undefined, timer: undefined, done: 0 };
    worker.on(
      'message',
      (msg: {
        id: number;
        ready?: boolean;
        result?: DocumentAnalysis;
        error?: { code: ErrorCode; message: string };
      }) => {
        if (msg.ready) {
          slot.ready = true;
          this.pump();
          if (!slot.job) slot.worker.unref();
          return;
        }
        const job = slot.job;
        if (!job || job.id !== msg.id) return;
        this.settle(slot);
        if (msg.result) job.resolve(msg.result);
        else
          job.reject(
            failure(msg.error?.code ?? 'FETCH_UNSUPPORTED', msg.error?.message ?? 'unreadable document'),
          );
        slot.done++;
        if (slot.done >= this.#recycleAfter) this.retire(slot);
        this.pump();
      },
    );
    const lost = (err: unknown) => {
      const job = slot.job;
      const starting = !slot.ready;
      this.settle(slot);
      this.remove(slot);
      if (starting && !this.#closed) {
        // A thread that cannot even start: fail what waits rather than start threads for ever.
        const why = (err as Error | undefined)?.message ?? 'its thread stopped';
        for (const waiting of this.#queue.splice(0)) {
          waiting.reject(failure('FETCH_UNSUPPORTED', `the document reader could not start: ${why}`));
        }
      }
      if (job) {
        const oom = (err as { code?: string } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
        job.reject(
          failure(
            'FETCH_TOO_LARGE',
            oom
              ? `reading the document needed more than ${this.#maxHeapMb} MB`
              : `the document reader failed: ${(err as Error | undefined)?.message ?? 'its thread stopped'}`,
          ),
        );
      }
      if (!this.#closed) this.#logger.warn({ err }, 'document reader thread lost; starting another');
      this.pump();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => {
      if (this.#slots.includes(slot)) lost(new Error(`thread exited with ${code}`));
    });
    // Started for a queued document: it keeps the process alive until it has read it.
    this.#slots.push(slot);
    return slot;
  }

  private run(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref(); // a document being read keeps the process alive; an idle thread does not
    slot.timer = setTimeout(() => {
      // Still busy: the thread is stopped (whatever it is stuck in) and replaced.
      this.settle(slot);
      this.remove(slot);
      void slot.worker.terminate();
      job.reject(this.timedOut());
      this.pump();
    }, this.#timeoutMs);
    const body = new Uint8Array(job.request.body); // a copy the thread can own
    slot.worker.postMessage(
      {
        id: job.id,
        body,
        type: job.request.type,
        contentType: job.request.contentType,
        url: job.request.url,
      },
      [body.buffer],
    );
  }

  private settle(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.job = undefined;
    slot.worker.unref();
  }

  private remove(slot: Slot): void {
    const at = this.#slots.indexOf(slot);
    if (at >= 0) this.#slots.splice(at, 1);
  }

  /** Replaces a thread that has read many documents (whatever a reader leaks goes with it). */
  private retire(slot: Slot): void {
    this.remove(slot);
    void slot.worker.terminate();
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(failure('CRAWL_CANCELLED', 'the crawler is closing'));
    const slots = this.#slots.splice(0);
    for (const s of slots) {
      if (s.timer) clearTimeout(s.timer);
      s.job?.reject(failure('CRAWL_CANCELLED', 'the crawler is closing'));
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
