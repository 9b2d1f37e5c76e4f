// What graceful shutdown needs to know: the requests in flight and the answer streams open, and a
// way to end each stream with a final event. On shutdown the app first refuses new requests
// (503 SHUTTING_DOWN, Connection: close), lets in-flight work finish within a grace period, then
// ends the streams still open with a final `error` event so clients know to retry.
import { CiteboxError } from '../services/index.js';

export interface TrackedStream {
  /** Ends the stream early: the producer is aborted with `reason` and a final event is written. */
  stop(reason: CiteboxError): void;
}

export class Lifecycle {
  #draining = false;
  #inFlight = 0;
  readonly #streams = new Set<TrackedStream>();
  readonly #idleWaiters: Array<() => void> = [];

  get draining(): boolean {
    return this.#draining;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get openStreams(): number {
    return this.#streams.size;
  }

  /** Counts a request until `done` is called (once). */
  requestStarted(): () => void {
    this.#inFlight++;
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      this.#inFlight--;
      if (this.#inFlight === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
    };
  }

  /** Registers an open stream; the returned function unregisters it. */
  streamOpened(stream: TrackedStream): () => void {
    this.#streams.add(stream);
    return () => {
      this.#streams.delete(stream);
    };
  }

  /**
   * Stops taking new work, waits up to `graceMs` for in-flight requests and streams to finish, then
   * stops the streams still open and waits (briefly) for them to write their final event.
   */
  async drain(graceMs: number): Promise<{ readonly stoppedStreams: number; readonly leftRequests: number }> {
    this.#draining = true;
    await this.#idle(graceMs);
    const stopped = this.#streams.size;
    if (stopped > 0) {
      const reason = new CiteboxError(
        'SHUTTING_DOWN',
        'The server is shutting down; ask again to get the full answer',
      );
      for (const stream of [...this.#streams]) stream.stop(reason);
      await this.#idle(2000);
    }
    return { stoppedStreams: stopped, leftRequests: this.#inFlight };
  }

  #idle(timeoutMs: number): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#idleWaiters.push(done);
    });
  }
}
