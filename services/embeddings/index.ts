// Public entry point of the embeddings client (dense retrieval).
export {
  type Embedder,
  type EmbeddingsClientOptions,
  OpenAiEmbeddingsClient,
  unitVector,
} from './embeddings-client.js';
export { LocalEmbedder, type LocalEmbedderOptions, localEmbedderMissing } from './local-embedder.js';
export {
  isLocalEmbeddingSetting,
  LOCAL_EMBEDDING_MODELS,
  type LocalEmbeddingModel,
  localEmbeddingModel,
  TRANSFORMERS_RUNTIME,
  transformersEntry,
  transformersRuntimeDir,
} from './local-models.js';
