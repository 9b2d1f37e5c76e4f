// Runs page analysis (decode, extract, hash) on worker threads, so parsing pages does not hold up
// fetching and indexing on the main thread and a second core gets used. Each worker's heap is
// capped. Without compiled workers (running from TypeScript sources, as the tests do) or with
// size 0, it analyzes inline; a worker that dies has its pages analyzed inline instead. The
// threads start with a crawl (warm), and the first page goes inline if none has started yet
// (loading a thread's modules takes a few hundred milliseconds on a busy machine).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../services/index.js';
import { type AnalysisRequest, analyzePage, type PageAnalysis } from './page-analysis.js';

/** A thread cuts pages into passages while it has fewer pages than this in hand. */
const CUT_ON_THREAD_BELOW = 4;

interface Pending {
  readonly request: AnalysisRequest;
  resolve(result: PageAnalysis): void;
  reject(err: Error): void;
}

interface PoolWorker {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
  /** The thread has loaded its modules and takes pages. */
  ready: boolean;
}

/** The compiled worker beside this file, if there is one (dist/, not the .ts sources). */
function workerFile(): URL | undefined {
  const url = new URL('./extract-worker.js', import.meta.url);
  return import.meta.url.endsWith('.js') && existsSync(fileURLToPath(url)) ? url : undefined;
}

export class ExtractPool {
  readonly #workers: PoolWorker[] = [];
  readonly #logger: Logger;
  readonly #size: number;
  #started = false;
  #nextId = 0;
  /** Pages analyzed here because no thread had started yet. */
  #inlineWhileStarting = 0;
  #closed = false;

  /** Threads start with the first page, so commands that never crawl start none. */
  constructor(size: number, logger: Logger) {
    this.#logger = logger.child({ component: 'extract-pool' });
    this.#size = size;
  }

  /** Worker threads in use (0: inline). */
  get size(): number {
    this.start();
    return this.#workers.length;
  }

  /** Starts the threads now (a crawl is starting), so they are ready by the first pages. */
  warm(): void {
    this.start();
  }

  /** Resolves once every thread has started (tests; pages do not wait for it). */
  async ready(): Promise<void> {
    this.start();
    while (this.#workers.some((w) => !w.ready)) await new Promise((r) => setTimeout(r, 5));
  }

  private start(): void {
    if (this.#started || this.#closed) return;
    this.#started = true;
    const file = this.#size > 0 ? workerFile() : undefined;
    if (!file) return;
    for (let i = 0; i < this.#size; i++) this.spawn(file);
  }

  private spawn(file: URL): void {
    const worker = new Worker(file, {
      // A page's DOM is transient: a small young generation keeps each worker's memory low.
      resourceLimits: { maxYoungGenerationSizeMb: 16, maxOldGenerationSizeMb: 512 },
    });
    const entry: PoolWorker = { worker, pending: new Map(), ready: false };
    worker.on('message', (msg: { id: number; result?: PageAnalysis; error?: string; ready?: true }) => {
      if (msg.ready) {
        entry.ready = true;
        return;
      }
      const p = entry.pending.get(msg.id);
      if (!p) return;
      entry.pending.delete(msg.id);
      if (entry.pending.size === 0) worker.unref();
      if (msg.result) p.resolve(msg.result);
      else p.reject(new Error(msg.error ?? 'extraction failed'));
    });
    const lost = (reason: unknown) => {
      const at = this.#workers.indexOf(entry);
      if (at >= 0) this.#workers.splice(at, 1);
      if (!this.#closed) this.#logger.warn({ err: reason }, 'extraction worker lost; analyzing inline');
      // Its pages are analyzed here instead, so nothing in flight is lost.
      for (const p of entry.pending.values()) this.inline(p.request).then(p.resolve, p.reject);
      entry.pending.clear();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => {
      if (this.#workers.includes(entry)) lost(new Error(`worker exited with ${code}`));
    });
    worker.unref();
    this.#workers.push(entry);
  }

  private async inline(request: AnalysisRequest): Promise<PageAnalysis> {
    return analyzePage(request);
  }

  analyze(request: AnalysisRequest): Promise<PageAnalysis> {
    this.start();
    if (this.#workers.length === 0) return this.inline(request);
    // The least busy thread that has started. While none has, the first page is analyzed here (a
    // crawl's first page, whose links everything else waits for, is not held up by a thread's
    // start) and the next ones wait in the threads' queues (analyzing them here too would build
    // their trees in this thread's heap as well).
    let target: PoolWorker | undefined;
    for (const w of this.#workers)
      if (w.ready && (!target || w.pending.size < target.pending.size)) target = w;
    if (!target) {
      if (this.#inlineWhileStarting++ === 0) return this.inline(request);
      for (const w of this.#workers) if (!target || w.pending.size < target.pending.size) target = w;
    }
    if (!target) return this.inline(request);
    const id = this.#nextId++;
    // Cutting into passages goes to the thread while it keeps up; with pages queued for it, the
    // thread is the bottleneck and the main thread (the indexer) cuts them: the same passages.
    const passages = request.passages === true && target.pending.size < CUT_ON_THREAD_BELOW;
    // A copy the worker can own (fetched bodies may be views into shared buffers).
    const body = new Uint8Array(request.body);
    const thread = target;
    return new Promise<PageAnalysis>((resolve, reject) => {
      thread.pending.set(id, { request, resolve, reject });
      // An idle worker must not keep the process alive, a busy one must (its answer is awaited).
      if (thread.pending.size === 1) thread.worker.ref();
      thread.worker.postMessage({ id, body, contentType: request.contentType, url: request.url, passages }, [
        body.buffer,
      ]);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers.splice(0);
    await Promise.all(workers.map((w) => w.worker.terminate()));
  }
}
