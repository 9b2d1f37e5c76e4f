// The concurrency cap on answer generation: at most `concurrency` answers run at once, at most
// `queue` more wait for a slot (first come, first served), and anything beyond that is refused at
// once with BUSY (503 + Retry-After) instead of piling up until the server collapses.
import { CiteboxError } from '../services/index.js';
import type { AnswerPort } from './deps.js';

export interface AnswerGateOptions {
  readonly concurrency: number;
  readonly queue: number;
  /** Called whenever the number of running or waiting answers changes (metrics). */
  readonly onChange?: ((running: number, waiting: number) => void) | undefined;
}

interface Waiter {
  grant(): void;
}

/** Frees the slot; calling it twice is harmless. */
export type Release = () => void;

export class AnswerGate {
  readonly concurrency: number;
  readonly queueLimit: number;
  readonly #onChange: AnswerGateOptions['onChange'];
  readonly #waiters: Waiter[] = [];
  #running = 0;
  /** Moving average of how long a slot is held, for Retry-After. */
  #avgHoldMs = 1000;

  constructor(options: AnswerGateOptions) {
    this.concurrency = options.concurrency;
    this.queueLimit = options.queue;
    this.#onChange = options.onChange;
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Takes a slot, waiting in the queue when all are taken. Throws BUSY when the queue is full, and
   * the signal's reason when it aborts while waiting (the caller went away or timed out).
   */
  async acquire(signal?: AbortSignal): Promise<Release> {
    signal?.throwIfAborted();
    if (this.#running < this.concurrency) return this.#take();
    if (this.#waiters.length >= this.queueLimit) throw this.busy();
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.#take());
        },
      };
      const onAbort = () => {
        const i = this.#waiters.indexOf(waiter);
        if (i >= 0) this.#waiters.splice(i, 1);
        this.#changed();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#changed();
    });
  }

  /** The error for a full queue, with a Retry-After estimated from recent answer durations. */
  busy(): CiteboxError {
    const waitMs = (this.#avgHoldMs * (this.#waiters.length + 1)) / this.concurrency;
    const retryAfterSeconds = Math.min(60, Math.max(1, Math.ceil(waitMs / 1000)));
    return new CiteboxError(
      'BUSY',
      `The server is answering ${this.#running} questions and ${this.#waiters.length} are waiting; retry in ${retryAfterSeconds} s`,
      { retryAfterSeconds },
    );
  }

  #take(): Release {
    this.#running++;
    this.#changed();
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#avgHoldMs = this.#avgHoldMs * 0.9 + (performance.now() - started) * 0.1;
      this.#running--;
      const next = this.#waiters.shift();
      if (next) next.grant();
      else this.#changed();
    };
  }

  #changed(): void {
    this.#onChange?.(this.#running, this.#waiters.length);
  }
}

/** The answer pipeline behind the gate: each answer or stream holds a slot while it runs. */
export function gateAnswers(answers: AnswerPort, gate: AnswerGate): AnswerPort {
  return {
    async answer(request, options) {
      const release = await gate.acquire(options?.signal);
      try {
        return await answers.answer(request, options);
      } finally {
        release();
      }
    },
    async *stream(request, options) {
      const release = await gate.acquire(options?.signal);
      try {
        yield* answers.stream(request, options);
      } finally {
        release();
      }
    },
  };
}
