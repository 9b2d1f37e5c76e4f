// Public entry point of the embeddings client (dense retrieval).
export {
  type Embedder,
  type EmbeddingsClientOptions,
  OpenAiEmbeddingsClient,
  unitVector,
} from './embeddings-client.js';
