// The re-ranker's memory of passages it has tokenized: by passage rowid, the three fields as
// surface ids (field-tokens.ts), least recently used first out. Rowids are reused when a page is
// rewritten, so an entry keeps the text it was made from and is used only while the row still
// holds that text: the comparison costs far less than tokenizing again, and unlike a check of the
// index generation it cannot be fooled by a write that lands between two reads of one search (a
// crawl in another process), nor does a busy crawl empty the cache. The vocabulary of surface
// forms is bounded too: when it outgrows its limit, it and the entries are dropped together.
import type { AnalyzerOptions } from '../../text/index.js';
import { type FieldTokens, SurfaceVocabulary, tokenizeText } from './field-tokens.js';

export interface PassageFields {
  readonly title: string;
  /** Headings as stored (a JSON array); `headingsText` gives what is tokenized. */
  readonly headings: string;
  readonly body: string;
}

interface Entry {
  readonly title: string;
  readonly headings: string;
  readonly body: string;
  readonly tokens: FieldTokens;
}

export interface PassageCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly surfaces: number;
}

export class PassageTokenCache {
  readonly #maxEntries: number;
  readonly #maxSurfaces: number;
  readonly #analyzer: AnalyzerOptions;
  readonly #headingsText: (stored: string) => string;
  #vocabulary = new SurfaceVocabulary();
  #entries = new Map<number, Entry>();
  /** Titles tokenized lately (a page's passages share theirs). */
  #titles = new Map<string, Int32Array>();
  #hits = 0;
  #misses = 0;

  constructor(options: {
    readonly maxEntries: number;
    readonly maxSurfaces?: number | undefined;
    readonly analyzer: AnalyzerOptions;
    readonly headingsText: (stored: string) => string;
  }) {
    this.#maxEntries = Math.max(0, options.maxEntries);
    this.#maxSurfaces = options.maxSurfaces ?? 1_000_000;
    this.#analyzer = options.analyzer;
    this.#headingsText = options.headingsText;
  }

  /** The vocabulary the returned tokens' ids belong to (valid until the next `tokens` call). */
  get vocabulary(): SurfaceVocabulary {
    return this.#vocabulary;
  }

  stats(): PassageCacheStats {
    return {
      hits: this.#hits,
      misses: this.#misses,
      entries: this.#entries.size,
      surfaces: this.#vocabulary.size,
    };
  }

  /**
   * Starts a query's use of the cache: drops everything if the vocabulary grew too large, so
   * that the ids of every `tokens` result of this query come from one vocabulary.
   */
  begin(): SurfaceVocabulary {
    if (this.#vocabulary.size > this.#maxSurfaces) this.clear();
    return this.#vocabulary;
  }

  /** The tokens of the passage stored at `rowid` with these fields. */
  tokens(rowid: number, fields: PassageFields): FieldTokens {
    const entry = this.#entries.get(rowid);
    if (
      entry &&
      entry.body === fields.body &&
      entry.title === fields.title &&
      entry.headings === fields.headings
    ) {
      // Most recently used last.
      this.#entries.delete(rowid);
      this.#entries.set(rowid, entry);
      this.#hits++;
      return entry.tokens;
    }
    this.#misses++;
    const tokens: FieldTokens = {
      title: this.#title(fields.title),
      headings: tokenizeText(this.#headingsText(fields.headings), this.#analyzer, this.#vocabulary),
      body: tokenizeText(fields.body, this.#analyzer, this.#vocabulary),
    };
    if (this.#maxEntries > 0) {
      this.#entries.delete(rowid);
      this.#entries.set(rowid, {
        title: fields.title,
        headings: fields.headings,
        body: fields.body,
        tokens,
      });
      if (this.#entries.size > this.#maxEntries) {
        const oldest = this.#entries.keys().next();
        if (!oldest.done) this.#entries.delete(oldest.value);
      }
    }
    return tokens;
  }

  clear(): void {
    this.#vocabulary = new SurfaceVocabulary();
    this.#entries = new Map();
    this.#titles = new Map();
  }

  #title(title: string): Int32Array {
    let tokens = this.#titles.get(title);
    if (!tokens) {
      tokens = tokenizeText(title, this.#analyzer, this.#vocabulary);
      if (this.#titles.size >= 4096) this.#titles.clear();
      this.#titles.set(title, tokens);
    }
    return tokens;
  }
}
