// The worker thread of LocalEmbedder: loads @huggingface/transformers from the models folder and
// the ONNX model with one intra-op thread, then answers {id, texts} with one unit vector per text.
// Self-contained (no imports of ours), so Node runs it from the .ts source as well as from dist/.

import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

interface Init {
  readonly entry: string;
  readonly modelsDir: string;
  readonly model: string;
  readonly dtype: string;
  readonly threads: number;
}

interface Tensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

type Extractor = (texts: string[], options: { pooling: 'mean'; normalize: boolean }) => Promise<Tensor>;

const init = workerData as Init;
const port = parentPort;
if (!port) throw new Error('local-embedder-worker runs as a worker thread');

const ready: Promise<Extractor> = (async () => {
  const transformers = (await import(pathToFileURL(init.entry).href)) as {
    env: { allowRemoteModels: boolean; allowLocalModels: boolean; localModelPath: string };
    pipeline: (task: string, model: string, options: Record<string, unknown>) => Promise<Extractor>;
  };
  transformers.env.allowRemoteModels = false;
  transformers.env.allowLocalModels = true;
  transformers.env.localModelPath = `${init.modelsDir.replace(/\/+$/, '')}/`;
  return transformers.pipeline('feature-extraction', init.model, {
    dtype: init.dtype,
    device: 'cpu',
    session_options: { intraOpNumThreads: init.threads, interOpNumThreads: 1 },
  });
})();
// Loading fails at once rather than on the first request, which then reports it.
ready.then(
  () => port.postMessage({ ready: true }),
  (err: unknown) =>
    port.postMessage({ ready: false, error: err instanceof Error ? err.message : String(err) }),
);

port.on('message', async (message: { id: number; texts: string[] }) => {
  try {
    const extractor = await ready;
    const tensor = await extractor(message.texts, { pooling: 'mean', normalize: true });
    const dims = tensor.dims[1] ?? 0;
    const flat = new Float32Array(tensor.data);
    port.postMessage({ id: message.id, dims, vectors: flat }, [flat.buffer]);
  } catch (err) {
    port.postMessage({ id: message.id, error: err instanceof Error ? err.message : String(err) });
  }
});
