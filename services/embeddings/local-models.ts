// The embeddings models Citebox can run in-process (`EMBEDDINGS_MODEL=local:<name>`), and where
// `npm run models:prepare` puts them and the runtime that runs them: CITEBOX_MODELS_DIR, outside
// the repository and the image. @huggingface/transformers (with onnxruntime-node's CPU build)
// weighs ~475 MB; it is installed there, beside the model, only by those who turn this on.
import { join } from 'node:path';

export interface LocalEmbeddingModel {
  readonly name: string;
  readonly dimensions: number;
  /** Longest input the model was trained on, in its tokens; longer texts are cut. */
  readonly maxTokens: number;
  /** The ONNX weights to load (@huggingface/transformers' dtype: `q8` is onnx/model_quantized.onnx). */
  readonly dtype: 'q8' | 'fp32';
}

export const LOCAL_EMBEDDING_MODELS: readonly LocalEmbeddingModel[] = [
  { name: 'all-MiniLM-L6-v2', dimensions: 384, maxTokens: 256, dtype: 'q8' },
];

/** The runtime of local embeddings, pinned. */
export const TRANSFORMERS_RUNTIME = { package: '@huggingface/transformers', version: '4.3.1' } as const;

export function transformersRuntimeDir(modelsDir: string): string {
  return join(modelsDir, 'runtime', `transformers-${TRANSFORMERS_RUNTIME.version}`);
}

/** The entry point of the installed runtime (its Node ES module build). */
export function transformersEntry(modelsDir: string): string {
  return join(
    transformersRuntimeDir(modelsDir),
    'node_modules',
    '@huggingface',
    'transformers',
    'dist',
    'transformers.node.mjs',
  );
}

/** `local:all-MiniLM-L6-v2` → its model; undefined for a model served over HTTP. */
export function localEmbeddingModel(setting: string | undefined): LocalEmbeddingModel | undefined {
  if (!setting?.startsWith('local:')) return undefined;
  const name = setting.slice('local:'.length).trim().toLowerCase();
  return LOCAL_EMBEDDING_MODELS.find((m) => m.name.toLowerCase() === name);
}

export function isLocalEmbeddingSetting(setting: string | undefined): boolean {
  return setting?.startsWith('local:') === true;
}
