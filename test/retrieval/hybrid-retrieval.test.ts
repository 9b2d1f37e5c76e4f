// Dense retrieval end to end: a local OpenAI-compatible embeddings server, the embedded backend
// wrapped by withDenseRetrieval as the runtime wires it, the indexer writing pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Indexer } from '../../indexer/index.js';
import {
  type Config,
  createSearchBackend,
  type SearchBackend,
  silentLogger,
  withDenseRetrieval,
} from '../../services/index.js';
import { testConfig } from '../helpers/config.js';
import { type FakeEmbeddingsServer, startEmbeddingsServer } from '../helpers/embeddings-server.js';

const pages = [
  {
    url: 'https://garage.example/oil',
    title: 'Engine care',
    text: 'An automobile engine needs fresh oil every ten thousand kilometres to stay healthy.',
  },
  {
    url: 'https://garage.example/tyres',
    title: 'Tyres',
    text: 'Check tyre pressure monthly; under-inflated tyres wear out quickly and waste fuel.',
  },
  {
    url: 'https://clinic.example/visit',
    title: 'Seeing a physician',
    text: 'Book a visit with your physician when a fever lasts longer than three days.',
  },
];

describe('hybrid retrieval (BM25 + vectors, fused)', () => {
  let server: FakeEmbeddingsServer;
  let env: ReturnType<typeof testConfig>;
  let backend: SearchBackend;

  beforeAll(async () => {
    server = await startEmbeddingsServer();
    env = testConfig({
      LLM_BASE_URL: server.baseUrl,
      LLM_MODEL: 'fake-chat',
      EMBEDDINGS_MODEL: 'fake-embed',
    });
    const config: Config = env.config;
    backend = withDenseRetrieval(createSearchBackend(config, silentLogger()), config, silentLogger());
    await backend.open();
    const indexer = new Indexer({ backend, logger: silentLogger() });
    for (const p of pages) {
      await indexer.indexPage({
        url: p.url,
        title: p.title,
        fetchedAt: '2026-01-01T00:00:00.000Z',
        blocks: [{ type: 'text', text: p.text }],
        contentHash: p.url,
      });
    }
  });

  afterAll(async () => {
    await backend.close();
    await server.close();
    env.cleanup();
  });

  it('embeds passages with their title when they are written', () => {
    const inputs = server.requests.flat();
    expect(inputs).toContain(`Engine care\n\n${pages[0]?.text}`);
  });

  it('finds a passage that shares no word with the query, through its vector', async () => {
    // "car" and "doctor" occur in no passage: BM25 alone finds nothing.
    const lexicalOnly = await backend.search({ text: 'car', limit: 3, vector: [] });
    expect(lexicalOnly).toHaveLength(0);
    const hits = await backend.search({ text: 'car', limit: 3 });
    expect(hits[0]?.passage.url).toBe('https://garage.example/oil');
    const doctor = await backend.search({ text: 'doctor fever', limit: 3 });
    expect(doctor[0]?.passage.url).toBe('https://clinic.example/visit');
  });

  it('ranks a passage both lists agree on first and keeps the per-page cap', async () => {
    const hits = await backend.search({ text: 'automobile oil', limit: 3, maxPerPage: 1 });
    expect(hits[0]?.passage.url).toBe('https://garage.example/oil');
    expect(new Set(hits.map((h) => h.passage.pageId)).size).toBe(hits.length);
  });

  it('falls back to BM25 when the embeddings endpoint fails', async () => {
    server.failNext(10);
    const hits = await backend.search({ text: 'tyre pressure', limit: 3 });
    server.failNext(0);
    expect(hits[0]?.passage.url).toBe('https://garage.example/tyres');
  });
});
