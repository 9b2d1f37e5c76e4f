// Hybrid retrieval, in our own code for every backend: BM25 results and vector (kNN) results are
// fused by reciprocal rank fusion (RRF), which needs no comparable scores — only ranks — and no paid
// engine feature. `EmbeddingSearchBackend` wraps any backend: it embeds passages before they are
// written and the query before it is searched, so callers (indexer, answers, API) stay unchanged;
// a backend given `query.vector` returns the fused list (`fuseLexicalAndDense` for those that keep
// vectors themselves, like the embedded one).
import type { Config } from '../config.js';
import {
  type Embedder,
  LocalEmbedder,
  localEmbeddingModel,
  OpenAiEmbeddingsClient,
} from '../embeddings/index.js';
import type { Logger } from '../logger.js';
import type { PassageRecord, SearchFilters, SearchHit, SearchQuery, VectorSearchQuery } from '../types.js';
import type { BulkReport, PageWithPassages, SearchBackend } from './backend.js';
import { ForwardingBackend } from './forwarding-backend.js';

/** The customary RRF constant: it damps the weight of the very first ranks. */
export const RRF_K = 60;

/**
 * Reciprocal rank fusion: each item scores Σ 1/(k + rank) over the lists it appears in (rank from
 * 1); items keep their first-seen record. Best first; ties keep the order of first appearance.
 */
export function reciprocalRankFusion<T>(
  lists: ReadonlyArray<readonly T[]>,
  key: (item: T) => string,
  k = RRF_K,
): Array<{ item: T; score: number }> {
  const fused = new Map<string, { item: T; score: number; first: number }>();
  let order = 0;
  for (const list of lists) {
    list.forEach((item, rank) => {
      const id = key(item);
      const add = 1 / (k + rank + 1);
      const entry = fused.get(id);
      if (entry) entry.score += add;
      else fused.set(id, { item, score: add, first: order++ });
    });
  }
  return [...fused.values()]
    .sort((a, b) => b.score - a.score || a.first - b.first)
    .map(({ item, score }) => ({ item, score }));
}

/** How deep each list is fetched for fusion, for `limit` fused results. */
export function fusionDepth(limit: number): number {
  return Math.max(limit * 3, 30);
}

/**
 * Fuses a lexical and a dense result list for `query` (RRF), then keeps at most `maxPerPage`
 * passages of one page and `limit` results. Lists are fetched `fusionDepth(limit)` deep, without
 * the per-page cap, which applies to the fused list.
 */
export async function fuseLexicalAndDense(
  query: SearchQuery & { readonly vector: readonly number[] },
  lexical: (q: SearchQuery) => Promise<SearchHit[]>,
  dense: (q: VectorSearchQuery) => Promise<SearchHit[]>,
): Promise<SearchHit[]> {
  const depth = fusionDepth(query.limit);
  const filters: SearchFilters = { sites: query.sites, lang: query.lang, since: query.since };
  const [bm25, knn] = await Promise.all([
    lexical({ ...query, vector: undefined, limit: depth, maxPerPage: undefined }),
    dense({ ...filters, vector: query.vector, limit: depth }),
  ]);
  const fused = reciprocalRankFusion([bm25, knn], (h) => h.passage.id);
  const cap = query.maxPerPage ?? Number.POSITIVE_INFINITY;
  const perPage = new Map<string, number>();
  const out: SearchHit[] = [];
  for (const { item, score } of fused) {
    if (out.length >= query.limit) break;
    const seen = perPage.get(item.passage.pageId) ?? 0;
    if (seen >= cap) continue;
    perPage.set(item.passage.pageId, seen + 1);
    // A hit found only by its vector has no term snippet; the lexical one, when there is one, does.
    out.push({ ...item, score });
  }
  return out;
}

/** The text a passage is embedded from: where it sits (title, headings) and what it says. */
export function passageEmbeddingText(p: PassageRecord): string {
  const context = [p.title, ...p.headings].filter((s) => s.trim().length > 0).join(' › ');
  return context ? `${context}\n\n${p.text}` : p.text;
}

export interface EmbeddingSearchBackendOptions {
  readonly inner: SearchBackend;
  readonly embedder: Embedder;
  readonly logger: Logger;
}

/**
 * A backend with dense retrieval added: passages are embedded on write (when they carry no vector
 * yet) and queries on search; the inner backend stores the vectors and fuses. When the embeddings
 * endpoint fails, writes go ahead without vectors and searches fall back to BM25 alone, each with a
 * warning: retrieval degrades, it does not stop.
 */
export class EmbeddingSearchBackend extends ForwardingBackend {
  readonly #embedder: Embedder;
  readonly #logger: Logger;

  constructor(options: EmbeddingSearchBackendOptions) {
    super(options.inner);
    this.#embedder = options.embedder;
    this.#logger = options.logger.child({ component: 'hybrid-retrieval', model: options.embedder.model });
  }

  override async replacePages(items: readonly PageWithPassages[]): Promise<BulkReport> {
    const missing = items.flatMap((item) => item.passages.filter((p) => !p.vector || p.vector.length === 0));
    if (missing.length === 0) return this.inner.replacePages(items);
    let vectors: Map<string, number[]>;
    try {
      const embedded = await this.#embedder.embed(missing.map(passageEmbeddingText));
      vectors = new Map(missing.map((p, i) => [p.id, embedded[i] ?? []]));
    } catch (err) {
      this.#logger.warn(
        { err, passages: missing.length },
        'embedding passages failed; writing them without vectors',
      );
      return this.inner.replacePages(items);
    }
    return this.inner.replacePages(
      items.map((item) => ({
        page: item.page,
        passages: item.passages.map((p) => (vectors.has(p.id) ? { ...p, vector: vectors.get(p.id) } : p)),
      })),
    );
  }

  override async search(query: SearchQuery): Promise<SearchHit[]> {
    if (query.vector || query.text.trim().length === 0) return this.inner.search(query);
    let vector: number[] | undefined;
    try {
      [vector] = await this.#embedder.embed([query.text]);
    } catch (err) {
      this.#logger.warn({ err }, 'embedding the query failed; searching without vectors');
    }
    return this.inner.search(vector ? { ...query, vector } : query);
  }

  searchVectors(query: VectorSearchQuery): Promise<SearchHit[]> {
    if (!this.inner.searchVectors) return Promise.resolve([]);
    return this.inner.searchVectors(query);
  }

  override async close(): Promise<void> {
    await this.#embedder.close?.();
    await this.inner.close();
  }
}

/**
 * The configured backend, with dense retrieval added when EMBEDDINGS_MODEL is set: in-process for
 * `local:<model>` (a worker thread), otherwise through the OpenAI-compatible endpoint at
 * LLM_BASE_URL; unchanged when it is not set.
 */
export function withDenseRetrieval(backend: SearchBackend, config: Config, logger: Logger): SearchBackend {
  const local = localEmbeddingModel(config.embeddingsModel);
  if (local) {
    const embedder = new LocalEmbedder({ model: local, modelsDir: config.modelsDir, logger });
    return new EmbeddingSearchBackend({ inner: backend, embedder, logger });
  }
  if (!config.embeddingsModel || !config.llmBaseUrl) return backend;
  const embedder = new OpenAiEmbeddingsClient({
    baseUrl: config.llmBaseUrl,
    apiKey: config.llmApiKey,
    model: config.embeddingsModel,
    timeoutMs: config.llmTimeoutMs,
    logger,
  });
  return new EmbeddingSearchBackend({ inner: backend, embedder, logger });
}
