// A worker thread of the extraction pool: page bytes in, PageAnalysis out.
import { parentPort } from 'node:worker_threads';
import { type AnalysisRequest, analysisToPost, analyzePage } from './page-analysis.js';

interface Job extends AnalysisRequest {
  readonly id: number;
}

// Loaded: the pool sends pages from now on (it analyzes them itself until then).
parentPort?.postMessage({ ready: true });

parentPort?.on('message', (job: Job) => {
  try {
    parentPort?.postMessage({ id: job.id, result: analysisToPost(analyzePage(job)) });
  } catch (err) {
    parentPort?.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
});
