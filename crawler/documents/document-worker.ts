// A worker thread of the document pool: a document's bytes in, its DocumentAnalysis (or a coded
// error) out. One document at a time; the pool kills the thread when it runs too long.
import { parentPort } from 'node:worker_threads';
import { isCiteboxError } from '../../services/core.js';
import { analyzeDocument, type DocumentRequest } from './analyze.js';

interface Job extends DocumentRequest {
  readonly id: number;
}

// Modules are loaded: the pool may start the clock on documents from now on.
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (job: Job) => {
  analyzeDocument(job).then(
    (result) => parentPort?.postMessage({ id: job.id, result }),
    (err: unknown) =>
      parentPort?.postMessage({
        id: job.id,
        error: {
          code: isCiteboxError(err) ? err.code : 'FETCH_UNSUPPORTED',
          message: err instanceof Error ? err.message : String(err),
        },
      }),
  );
});
