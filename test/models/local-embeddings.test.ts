// In-process embeddings (`EMBEDDINGS_MODEL=local:all-MiniLM-L6-v2`) with the real model, in its
// worker thread, and hybrid retrieval over a real index with them: `npm run test:models`. Skipped,
// saying why, when `npm run models:prepare` has not fetched the model and its runtime.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Indexer } from '../../indexer/index.js';
import {
  EmbeddingSearchBackend,
  LocalEmbedder,
  loadConfig,
  localEmbedderMissing,
  localEmbeddingModel,
  SqliteBackend,
  silentLogger,
} from '../../services/index.js';
import { page } from '../answers/fixtures.js';

const SETTING = 'local:all-MiniLM-L6-v2';
const model = localEmbeddingModel(SETTING);
const modelsDir = loadConfig().modelsDir;
const missing = model ? localEmbedderMissing(modelsDir, model) : 'unknown model';
if (missing) process.stderr.write(`test:models: local embeddings skipped: ${missing}\n`);

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, x, i) => sum + x * (b[i] ?? 0), 0);

describe.skipIf(missing !== undefined)('local embeddings (all-MiniLM-L6-v2 in a worker thread)', () => {
  let embedder: LocalEmbedder;
  beforeAll(() => {
    embedder = new LocalEmbedder({
      model: model as NonNullable<typeof model>,
      modelsDir,
      logger: silentLogger(),
    });
  });
  afterAll(async () => {
    await embedder?.close();
  });

  it('embeds texts as unit vectors of 384 dimensions that place meaning near meaning', async () => {
    const [car, automobile, bread] = await embedder.embed([
      'How do I repair my car?',
      'Fixing an automobile engine at home',
      'A recipe for sourdough bread',
    ]);
    for (const v of [car, automobile, bread]) {
      expect(v).toHaveLength(384);
      expect(dot(v as number[], v as number[])).toBeCloseTo(1, 3);
    }
    expect(dot(car as number[], automobile as number[])).toBeGreaterThan(
      dot(car as number[], bread as number[]) + 0.2,
    );
  }, 120_000);

  it('gives the same vector for the same text in any batch, and keeps order in large batches', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `Passage number ${i} about topic ${i % 7}.`);
    const all = await embedder.embed(texts);
    const one = await embedder.embed([texts[33] as string]);
    expect(all).toHaveLength(40);
    expect(dot(all[33] as number[], one[0] as number[])).toBeCloseTo(1, 4);
  }, 120_000);

  it('finds by meaning what BM25 alone cannot, fused with BM25 in a real index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'citebox-local-embeddings-'));
    const logger = silentLogger();
    const inner = new SqliteBackend({ path: join(dir, 'index.sqlite'), logger });
    const backend = new EmbeddingSearchBackend({ inner, embedder, logger });
    await backend.open();
    try {
      const indexer = new Indexer({ backend, logger });
      await indexer.indexPage(
        page('https://t.test/engine', 'Engine trouble', [
          'When the motor of your automobile will not start, check the battery and the spark plugs first.',
        ]),
      );
      await indexer.indexPage(
        page('https://t.test/bread', 'Baking', [
          'Knead the dough for ten minutes and let it rise overnight.',
        ]),
      );
      await indexer.indexPage(
        page('https://t.test/garden', 'Gardening', [
          'Water tomatoes in the morning and mulch them in summer.',
        ]),
      );
      await indexer.flush();
      // No word of the question is in the engine page; its meaning is.
      const question = 'what to do when my car breaks down';
      const lexical = await inner.search({ text: question, limit: 3 });
      expect(lexical[0]?.passage.url).not.toBe('https://t.test/engine');
      const hits = await backend.search({ text: question, limit: 3 });
      expect(hits[0]?.passage.url).toBe('https://t.test/engine');
    } finally {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
