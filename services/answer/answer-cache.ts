// A small LRU cache of finished answers. The key holds the normalized question, the filters, the
// requested mode, top_k and the index's generation, so any write to the index (a new crawl)
// makes earlier answers unreachable; they age out of the LRU.

import { LruMap } from '../lru.js';
import { normalizeForMatch } from '../text/index.js';
import type { AnswerResponse, SearchFilters } from '../types.js';

export interface AnswerCacheKey {
  readonly question: string;
  readonly filters?: SearchFilters | undefined;
  readonly mode: string;
  readonly topK: number;
  readonly generation: number;
}

export function answerCacheKey(key: AnswerCacheKey): string {
  const question = normalizeForMatch(key.question)
    .replace(/[\s\p{P}]+/gu, ' ')
    .trim();
  const sites = [...(key.filters?.sites ?? [])].map((s) => s.toLowerCase()).sort();
  return JSON.stringify([
    question,
    sites,
    key.filters?.lang?.toLowerCase() ?? '',
    key.filters?.since ?? '',
    key.mode,
    key.topK,
    key.generation,
  ]);
}

export class AnswerCache {
  readonly #entries: LruMap<string, AnswerResponse>;

  constructor(maxEntries: number) {
    this.#entries = new LruMap(maxEntries);
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): AnswerResponse | undefined {
    return this.#entries.get(key);
  }

  set(key: string, response: AnswerResponse): void {
    this.#entries.set(key, response);
  }

  clear(): void {
    this.#entries.clear();
  }
}
