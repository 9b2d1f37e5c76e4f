// The embedded search backend: one SQLite database file under the data directory. FTS5 finds
// candidates (planner.ts keeps that bounded for common words), ranking.ts re-ranks them with BM25F,
// exact-form and proximity evidence, and at most `maxPerPage` passages of one page are kept. WAL
// mode lets the server and a CLI crawl use the same file at once. Vectors, when passages carry
// them, are stored beside the passages and searched exactly.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { CiteboxError, wrapError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import {
  type AnalyzerOptions,
  CJK_SEGMENTATIONS,
  type CjkSegmentation,
  DEFAULT_ANALYZER,
  makeSnippet,
  queryTerms,
  stopWordsFor,
} from '../../text/index.js';
import type {
  HealthReport,
  IndexStats,
  PassageRecord,
  SearchFilters,
  SearchHit,
  SearchQuery,
  SiteStats,
  VectorSearchQuery,
} from '../../types.js';
import { type AnalyzedQuery, analyzeField, analyzeQuery, ftsTermExpression } from '../analysis.js';
import type { BulkReport, PageWithPassages, SearchBackend, SearchResultCodec } from '../backend.js';
import { fuseLexicalAndDense } from '../hybrid.js';
import type { FieldTokens } from './field-tokens.js';
import { PassageTokenCache } from './passage-cache.js';
import { type CandidatePlan, DEFAULT_RETRIEVAL, planCandidates, type RetrievalParams } from './planner.js';
import {
  type CollectionStats,
  DEFAULT_RANKING,
  feedbackTermsTokenized,
  type RankingParams,
  rankTokenized,
} from './ranking.js';
import { SCHEMA_SQL, SCHEMA_VERSION, UPGRADE_FROM_4 } from './schema.js';
import {
  mergeTermLists,
  sortByRowid,
  type TermList,
  TermListCache,
  type TermListStats,
} from './term-lists.js';

/** FTS5 bm25() weights of the columns title, headings, body (candidate generation only). */
export const FIELD_WEIGHTS = { title: 1.5, headings: 1.5, body: 1.0 } as const;

interface PassageRow {
  rid: number;
  id: string;
  page_id: string;
  position: number;
  headings: string;
  text: string;
  word_count: number;
  url: string;
  host: string;
  title: string;
  lang: string | null;
  published_at: string | null;
  kind: string | null;
  anchor: string | null;
}

const PASSAGE_COLUMNS =
  'rowid AS rid, id, page_id, position, headings, text, word_count, url, host, title, lang, published_at, kind, anchor';

/** What one search computes once and shares between its passes. */
interface SearchContext {
  readonly generation: number;
  readonly now: number;
  readonly stats: CollectionStats;
  /** Passage rows loaded so far, by rowid. */
  readonly rows: Map<number, PassageRow>;
}

export interface SqliteBackendOptions {
  /** Path of the database file, or ':memory:'. */
  readonly path: string;
  readonly logger: Logger;
  /** Analysis of a new index; an existing index keeps the analysis it was built with. */
  readonly analyzer?: AnalyzerOptions | undefined;
  /** Ranking parameters over the defaults (tuning and evaluation). */
  readonly ranking?: Partial<RankingParams> | undefined;
  /** Candidate-generation parameters over the defaults (tuning and benchmarks). */
  readonly retrieval?: Partial<RetrievalParams> | undefined;
  /** Passages whose tokens the re-ranker keeps (default 100,000; 0: none). */
  readonly passageCacheSize?: number | undefined;
  /** Rows of per-term candidate lists kept (term-lists.ts; default 8,000,000; 0: none). */
  readonly termListCacheSize?: number | undefined;
  /**
   * Quiet time after the last write (or the open) before the full-text index's segments are merged
   * in the background (default 2,000 ms; 0: never in the background, only in close()).
   */
  readonly mergeIdleMs?: number | undefined;
  /** Time close() may spend merging segments still to merge (default 2,000 ms; 0: none). */
  readonly closeMergeMs?: number | undefined;
}

/** Merging of the full-text index's segments since the backend was made (tests, benchmarks). */
export interface MergeStats {
  /** Merge steps that did some work. */
  readonly steps: number;
  /** Time spent in them (ms). */
  readonly ms: number;
  /** Whether segments may still be left to merge. */
  readonly pending: boolean;
}

/**
 * FTS5 segments of one level merged at once (its default is 4; its maximum 64), and the count at
 * which a level is merged at once rather than bit by bit (its default 16; kept above automerge).
 * See open().
 */
const FTS_AUTOMERGE = 64;
const FTS_CRISISMERGE = 128;

/** SQLite page size of a new index (its default is 4096). See open(). */
const PAGE_SIZE = 8192;

/**
 * Leaf pages one background merge step writes (FTS5 'merge'): ~10 ms of work, so searches served
 * by the same thread wait at most that long. Steps in close() and optimize() write more at once.
 */
const MERGE_STEP_PAGES = 200;
const MERGE_BULK_STEP_PAGES = 4000;
const MERGE_IDLE_MS = 2000;
const CLOSE_MERGE_MS = 2000;

/** Rowids per page: page rowid × PASSAGE_SLOTS + i is the rowid of its passage i. */
const PASSAGE_SLOTS = 65_536;

/**
 * Passages whose tokens the re-ranker keeps, by default (~1.5 KB each with their text: 150 MB at
 * most). First-time queries (half of a busy engine's) mostly re-rank passages earlier queries
 * tokenized; with 20,000 kept they cost ~25 % more at 100,000 passages (with the term lists below).
 */
const PASSAGE_CACHE_SIZE = 100_000;

/** Rows of per-term candidate lists kept, by default (16 bytes each: 128 MB at most). */
const TERM_LIST_CACHE_SIZE = 8_000_000;

/**
 * Passage rows kept between searches while the index does not change (~2 KB each with their text,
 * 8 MB at most): the rows of the passages searches re-rank and show. Reading a row from SQLite
 * into an object was the largest single cost of a search that no cache of results could answer
 * (~3 µs a row, 30 to 60 rows a search).
 */
const ROW_CACHE_SIZE = 4096;

/** How long a term's document frequency may be reused after the index changed. */
const DF_CACHE_MS = 30_000;
const DF_CACHE_MAX = 50_000;

export class SqliteBackend implements SearchBackend {
  readonly kind = 'sqlite' as const;
  readonly #path: string;
  readonly #logger: Logger;
  readonly #ranking: RankingParams;
  readonly #retrieval: RetrievalParams;
  #analyzer: AnalyzerOptions;
  #db: DatabaseSync | undefined;
  #stmts: ReturnType<SqliteBackend['prepare']> | undefined;
  /** Statements built per query shape (number of terms, filters), reused. */
  readonly #shapes = new Map<string, StatementSync>();
  readonly #dfCache = new Map<string, { df: number; generation: number; at: number }>();
  /**
   * Rows read at index generation #rowsGeneration, by rowid, oldest first. A search reads the
   * generation first: rows it reads after a write of another process are newer than the
   * generation it read, and the next search reads the newer generation and starts afresh.
   */
  #rows = new Map<number, PassageRow>();
  #rowsGeneration = -1;
  /** The stored vectors, read into memory by the first vector search of a generation. */
  #vectorMatrix: VectorMatrix | undefined;
  /** Running totals changed by the current write transaction. */
  #pending = { passages: 0, title: 0, headings: 0, body: 0 };
  readonly #passageCacheSize: number;
  /** Tokens of passages lately re-ranked (made for the index's analyzer, once it is open). */
  #tokens: PassageTokenCache;
  /** Each recent query term's rows and bm25, for ranking ORs without FTS5 scoring them again. */
  readonly #termLists: TermListCache;
  /**
   * The key under which a passage record this backend returned keeps the rowid it was read from
   * (see resultCodec): a symbol of this instance, so records of other backends have none; not
   * enumerable, so JSON, spreading and comparisons leave it out. Not a WeakMap of records: in a
   * micro-benchmark, a WeakMap that grew by every record made young-generation GCs ~19× longer.
   */
  readonly #rowidKey = Symbol('citebox.sqlite.rowid');
  readonly #mergeIdleMs: number;
  readonly #closeMergeMs: number;
  /** Segments may be left to merge (set by writes and by open, cleared when a merge finds none). */
  #mergeWanted = false;
  #mergeTimer: NodeJS.Timeout | undefined;
  #merging = false;
  /** Write transactions committed by this backend (a background merge stops when it moves). */
  #writes = 0;
  #mergeSteps = 0;
  #mergeMs = 0;

  constructor(options: SqliteBackendOptions) {
    this.#path = options.path;
    this.#logger = options.logger.child({ component: 'sqlite-backend' });
    this.#analyzer = options.analyzer ?? DEFAULT_ANALYZER;
    this.#ranking = {
      ...DEFAULT_RANKING,
      ...options.ranking,
      feedback: { ...DEFAULT_RANKING.feedback, ...options.ranking?.feedback },
    };
    this.#retrieval = { ...DEFAULT_RETRIEVAL, ...options.retrieval };
    this.#passageCacheSize = options.passageCacheSize ?? PASSAGE_CACHE_SIZE;
    this.#tokens = this.newTokenCache();
    this.#termLists = new TermListCache(options.termListCacheSize ?? TERM_LIST_CACHE_SIZE);
    this.#mergeIdleMs = Math.max(0, options.mergeIdleMs ?? MERGE_IDLE_MS);
    this.#closeMergeMs = Math.max(0, options.closeMergeMs ?? CLOSE_MERGE_MS);
  }

  /** How much merging of the full-text index's segments this backend has done. */
  mergeStats(): MergeStats {
    return { steps: this.#mergeSteps, ms: Math.round(this.#mergeMs), pending: this.#mergeWanted };
  }

  private newTokenCache(): PassageTokenCache {
    return new PassageTokenCache({
      maxEntries: this.#passageCacheSize,
      analyzer: this.#analyzer,
      headingsText,
    });
  }

  /** Hits and misses of the per-term candidate lists (benchmarks, tests). */
  termListStats(): TermListStats {
    return this.#termLists.stats();
  }

  /** Hits and misses of the re-ranker's passage cache (benchmarks, tests). */
  passageCacheStats(): ReturnType<PassageTokenCache['stats']> {
    return this.#tokens.stats();
  }

  /** The analysis this index uses (fixed when the index was created). */
  get analyzer(): AnalyzerOptions {
    return this.#analyzer;
  }

  async open(): Promise<void> {
    if (this.#db) return;
    let db: DatabaseSync | undefined;
    try {
      if (this.#path !== ':memory:') mkdirSync(dirname(this.#path), { recursive: true });
      db = new DatabaseSync(this.#path);
      db.exec('PRAGMA busy_timeout = 10000');
      // Only takes effect on a new, empty file (before WAL is on): 8 KB pages hold two of FTS5's
      // ~4 KB leaves each, so its b-tree is shallower and a new index is written ~15 % faster and
      // ~5 % smaller (bench:search, 1M passages). An existing index keeps its page size.
      db.exec(`PRAGMA page_size = ${PAGE_SIZE}`);
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec('PRAGMA foreign_keys = ON');
      // Up to 256 MB of page cache (allocated as used): FTS5 merges big segments while an index grows.
      db.exec('PRAGMA cache_size = -262144');
      db.exec('PRAGMA temp_store = MEMORY');
      db.exec('PRAGMA mmap_size = 17179869184');
      // Checkpoint the WAL every ~40 MB instead of every 4 MB: bulk writes checkpoint (and sync)
      // ten times less often.
      db.exec('PRAGMA wal_autocheckpoint = 10000');
      this.checkVersion(db);
      db.exec(SCHEMA_SQL);
      const version = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get();
      if (!version) {
        db.prepare(
          `INSERT INTO meta(key, value) VALUES ('schema_version', ?), ('generation', '0'), ('analyzer', ?)`,
        ).run(String(SCHEMA_VERSION), JSON.stringify(this.#analyzer));
        // While an index grows, FTS5 merges a level's segments once `automerge` of them are there;
        // every merge rewrites their postings. Merging 64 at a time rather than 4 rewrites each
        // posting about three times less often: merging was ~40 % of indexing time, and bulk
        // indexing is ~1.25× faster at a million passages than with 8 (bench:search). Queries read
        // more segments per term, which at these sizes costs no measurable latency. The crisis
        // merge (a level merged whole, at once) waits for twice as many.
        db.exec(`INSERT INTO passages_fts(passages_fts, rank) VALUES ('automerge', ${FTS_AUTOMERGE})`);
        db.exec(`INSERT INTO passages_fts(passages_fts, rank) VALUES ('crisismerge', ${FTS_CRISISMERGE})`);
      }
      this.#analyzer = readAnalyzer(db, this.#path);
      this.#tokens = this.newTokenCache();
      this.#rows = new Map();
      this.#rowsGeneration = -1;
      this.#db = db;
      this.#stmts = this.prepare(db);
      // Whoever had the index open last may have left segments to merge (a one-shot crawl that
      // stopped mid-merge, an index from an older Citebox): merge them once things are quiet.
      this.wantMerge();
      this.#logger.debug({ path: this.#path, analyzer: this.#analyzer }, 'opened index');
    } catch (err) {
      db?.close();
      throw wrapError(err, 'BACKEND_UNAVAILABLE', `Cannot open the SQLite index at ${this.#path}`);
    }
  }

  /** Refuses an index written by another schema version before touching it. */
  private checkVersion(db: DatabaseSync): void {
    const hasMeta = db
      .prepare(`SELECT 1 AS x FROM sqlite_schema WHERE type = 'table' AND name = 'meta'`)
      .get();
    if (!hasMeta) return;
    const version = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as
      | { value: string }
      | undefined;
    if (version && Number(version.value) === 4 && SCHEMA_VERSION === 5) {
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const sql of UPGRADE_FROM_4) db.exec(sql);
        db.exec('COMMIT');
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
      this.#logger.info({ path: this.#path }, 'upgraded the index to schema version 5');
      return;
    }
    if (version && Number(version.value) !== SCHEMA_VERSION) {
      throw new CiteboxError(
        'BACKEND_ERROR',
        `The index at ${this.#path} has schema version ${version.value}; this Citebox needs ${SCHEMA_VERSION}. Reindex into a new data directory.`,
      );
    }
  }

  private prepare(db: DatabaseSync) {
    return {
      pageByUrl: db.prepare('SELECT rowid AS prid, id FROM pages WHERE url = ?'),
      passageRange: db.prepare(
        'SELECT rowid AS rid, title_len, headings_len, body_len FROM passages WHERE rowid >= ? AND rowid < ?',
      ),
      deleteFts: db.prepare('DELETE FROM passages_fts WHERE rowid = ?'),
      deleteVector: db.prepare('DELETE FROM passage_vectors WHERE rowid = ?'),
      deletePassage: db.prepare('DELETE FROM passages WHERE rowid = ?'),
      deletePage: db.prepare('DELETE FROM pages WHERE id = ?'),
      pageById: db.prepare('SELECT rowid AS prid FROM pages WHERE id = ?'),
      insertPage: db.prepare(
        `INSERT INTO pages(id, url, host, title, description, lang, published_at, fetched_at, content_hash, passage_count, indexed_at)
         VALUES ($id, $url, $host, $title, $description, $lang, $published_at, $fetched_at, $content_hash, $passage_count, $indexed_at)`,
      ),
      updatePage: db.prepare(
        `UPDATE pages SET id = $id, url = $url, host = $host, title = $title, description = $description, lang = $lang,
           published_at = $published_at, fetched_at = $fetched_at, content_hash = $content_hash,
           passage_count = $passage_count, indexed_at = $indexed_at WHERE rowid = $prid`,
      ),
      insertPassage: db.prepare(
        `INSERT INTO passages(rowid, id, page_id, position, headings, text, word_count, url, host, title, lang, published_at, title_len, headings_len, body_len, kind, anchor)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      insertFts: db.prepare('INSERT INTO passages_fts(rowid, title, headings, body) VALUES (?, ?, ?, ?)'),
      insertVector: db.prepare('INSERT OR REPLACE INTO passage_vectors(rowid, vector) VALUES (?, ?)'),
      addTotals: db.prepare(
        `UPDATE totals SET passages = passages + ?, title_len = title_len + ?, headings_len = headings_len + ?,
           body_len = body_len + ? WHERE id = 1`,
      ),
      totals: db.prepare('SELECT passages, title_len, headings_len, body_len FROM totals WHERE id = 1'),
      bumpGeneration: db.prepare(
        `UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'`,
      ),
      generation: db.prepare(`SELECT CAST(value AS INTEGER) AS g FROM meta WHERE key = 'generation'`),
      df: db.prepare('SELECT doc FROM passages_vocab WHERE term = ?'),
      merge: db.prepare(`INSERT INTO passages_fts(passages_fts, rank) VALUES ('merge', ?)`),
      totalChanges: db.prepare('SELECT total_changes() AS n'),
      pageRowidById: db.prepare('SELECT rowid AS prid FROM pages WHERE id = ?'),
      passageInRange: db.prepare(
        `SELECT ${PASSAGE_COLUMNS} FROM passages WHERE rowid >= ? AND rowid < ? AND id = ?`,
      ),
      passageByIdScan: db.prepare(`SELECT ${PASSAGE_COLUMNS} FROM passages WHERE id = ?`),
      passagesByRowids: db.prepare(
        `SELECT ${PASSAGE_COLUMNS} FROM passages WHERE rowid IN (SELECT value FROM json_each(?))`,
      ),
      vectors: db.prepare('SELECT rowid AS rid, vector FROM passage_vectors'),
      pageCount: db.prepare('SELECT COUNT(*) AS pages FROM pages'),
      sites: db.prepare(
        'SELECT host, COUNT(*) AS pages, SUM(passage_count) AS passages FROM pages GROUP BY host ORDER BY pages DESC, host LIMIT 1000',
      ),
    } satisfies Record<string, StatementSync>;
  }

  private get db(): DatabaseSync {
    if (!this.#db) throw new CiteboxError('BACKEND_UNAVAILABLE', 'The SQLite index is not open');
    return this.#db;
  }

  private get stmts() {
    if (!this.#stmts) throw new CiteboxError('BACKEND_UNAVAILABLE', 'The SQLite index is not open');
    return this.#stmts;
  }

  /** Runs fn in one write transaction (BEGIN IMMEDIATE so writers queue on busy_timeout). */
  private transaction<T>(fn: () => T): T {
    const db = this.db;
    db.exec('BEGIN IMMEDIATE');
    this.#pending = { passages: 0, title: 0, headings: 0, body: 0 };
    try {
      const result = fn();
      const p = this.#pending;
      if (p.passages !== 0 || p.title !== 0 || p.headings !== 0 || p.body !== 0) {
        this.stmts.addTotals.run(p.passages, p.title, p.headings, p.body);
      }
      this.stmts.bumpGeneration.run();
      db.exec('COMMIT');
      this.#writes++;
      this.wantMerge();
      return result;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Removes the passages of the page stored at `pageRowid` (its rowid range) from every table. */
  private removePageRows(pageRowid: number): void {
    const s = this.stmts;
    const first = pageRowid * PASSAGE_SLOTS;
    const rows = s.passageRange.all(first, first + PASSAGE_SLOTS) as Array<{
      rid: number;
      title_len: number;
      headings_len: number;
      body_len: number;
    }>;
    // Row by row: a statement that may change several rows opens a savepoint, and a savepoint
    // makes FTS5 flush its pending terms to disk.
    for (const row of rows) {
      s.deleteFts.run(row.rid);
      s.deletePassage.run(row.rid);
      s.deleteVector.run(row.rid);
      this.#pending.passages--;
      this.#pending.title -= row.title_len;
      this.#pending.headings -= row.headings_len;
      this.#pending.body -= row.body_len;
    }
  }

  private writePage(item: PageWithPassages): void {
    const s = this.stmts;
    const { page, passages } = item;
    if (passages.length > PASSAGE_SLOTS) {
      throw new CiteboxError(
        'INDEX_WRITE_FAILED',
        `${page.url} has ${passages.length} passages; at most ${PASSAGE_SLOTS} fit`,
      );
    }
    const row = {
      $id: page.id,
      $url: page.url,
      $host: page.host,
      $title: page.title,
      $description: page.description ?? null,
      $lang: page.lang ?? null,
      $published_at: page.publishedAt ?? null,
      $fetched_at: page.fetchedAt,
      $content_hash: page.contentHash,
      $passage_count: passages.length,
      $indexed_at: new Date().toISOString(),
    };
    // Plain INSERT or UPDATE, not an upsert: an upsert opens a statement savepoint, and a savepoint
    // makes FTS5 write its pending terms to disk — before every page (indexing ran at half speed).
    const byUrl = s.pageByUrl.get(page.url) as { prid: number; id: string } | undefined;
    if (byUrl && byUrl.id !== page.id) {
      this.removePageRows(byUrl.prid);
      s.deletePage.run(byUrl.id);
    }
    const byId =
      byUrl && byUrl.id === page.id ? byUrl : (s.pageById.get(page.id) as { prid: number } | undefined);
    let prid: number;
    if (byId) {
      prid = byId.prid;
      this.removePageRows(prid);
      s.updatePage.run({ ...row, $prid: prid });
    } else {
      prid = Number(s.insertPage.run(row).lastInsertRowid);
    }
    // A page's passages share its title: analyze it once.
    const titles = new Map<string, ReturnType<typeof analyzeField>>();
    passages.forEach((p, i) => {
      let title = titles.get(p.title);
      if (!title) {
        title = analyzeField(p.title, this.#analyzer);
        titles.set(p.title, title);
      }
      const headings = analyzeField(p.headings.join(' \n '), this.#analyzer);
      const body = analyzeField(p.text, this.#analyzer);
      // Passages of a page take consecutive rowids in the page's range: no page index to maintain.
      const rowid = prid * PASSAGE_SLOTS + i;
      s.insertPassage.run(
        rowid,
        p.id,
        page.id,
        p.position,
        JSON.stringify(p.headings),
        p.text,
        p.wordCount,
        p.url,
        p.host,
        p.title,
        p.lang ?? null,
        p.publishedAt ?? null,
        title.length,
        headings.length,
        body.length,
        p.kind ?? null,
        p.anchor ?? null,
      );
      s.insertFts.run(rowid, title.text, headings.text, body.text);
      if (p.vector && p.vector.length > 0) s.insertVector.run(rowid, encodeVector(p.vector));
      this.#pending.passages++;
      this.#pending.title += title.length;
      this.#pending.headings += headings.length;
      this.#pending.body += body.length;
    });
  }

  async replacePages(items: readonly PageWithPassages[]): Promise<BulkReport> {
    if (items.length === 0) return { written: 0, failed: [] };
    try {
      this.transaction(() => {
        for (const item of items) this.writePage(item);
      });
      return { written: items.length, failed: [] };
    } catch (err) {
      if (items.length === 1) {
        return { written: 0, failed: [{ url: items[0]?.page.url ?? '', reason: (err as Error).message }] };
      }
      // One bad page must not sink the batch: retry page by page and report each failure.
      this.#logger.warn({ err }, 'batch write failed; retrying page by page');
      const failed: Array<{ url: string; reason: string }> = [];
      let written = 0;
      for (const item of items) {
        const r = await this.replacePages([item]);
        written += r.written;
        failed.push(...r.failed);
      }
      return { written, failed };
    }
  }

  async deletePage(url: string): Promise<boolean> {
    const existing = this.stmts.pageByUrl.get(url) as { prid: number; id: string } | undefined;
    if (!existing) return false;
    this.transaction(() => {
      this.removePageRows(existing.prid);
      this.stmts.deletePage.run(existing.id);
    });
    return true;
  }

  /** Passages in the index and average field lengths, for BM25. */
  private collectionStats(): CollectionStats {
    const t = this.stmts.totals.get() as
      | { passages: number; title_len: number; headings_len: number; body_len: number }
      | undefined;
    const docs = Math.max(1, t?.passages ?? 0);
    return {
      docs,
      avgLength: {
        title: (t?.title_len ?? 0) / docs,
        headings: (t?.headings_len ?? 0) / docs,
        body: (t?.body_len ?? 0) / docs,
      },
    };
  }

  /** Document frequency of an indexed term, cached for a while across writes. */
  private documentFrequency(term: string, generation: number, now: number): number {
    const cached = this.#dfCache.get(term);
    if (cached && (cached.generation === generation || now - cached.at < DF_CACHE_MS)) return cached.df;
    const row = this.stmts.df.get(term) as { doc: number } | undefined;
    const df = row?.doc ?? 0;
    if (this.#dfCache.size >= DF_CACHE_MAX) this.#dfCache.clear();
    this.#dfCache.set(term, { df, generation, at: now });
    return df;
  }

  /** Every row holding one term (an FTS5 expression), with the bm25 the term alone gives it. */
  private termList(expression: string): TermList {
    const w = FIELD_WEIGHTS;
    const stmt = this.shape(
      'term-list',
      () => `SELECT rowid AS r, bm25(passages_fts, ${w.title}, ${w.headings}, ${w.body}) AS s
        FROM passages_fts WHERE passages_fts MATCH ?`,
    );
    // Rows as arrays where node:sqlite can (Node 24; 22 returns objects): thousands of rows a term.
    const arrays = typeof stmt.setReturnArrays === 'function';
    if (arrays) stmt.setReturnArrays(true);
    const rows = stmt.all(expression) as unknown[];
    const rowids = new Float64Array(rows.length);
    const scores = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as [number, number] | { r: number; s: number };
      rowids[i] = Array.isArray(row) ? row[0] : row.r;
      scores[i] = Array.isArray(row) ? row[1] : row.s;
    }
    // mergeTermLists walks lists in rowid order, which is FTS5's order for a plain MATCH.
    return sortByRowid({ rowids, scores });
  }

  /** A prepared statement for one query shape, cached. */
  private shape(key: string, sql: () => string): StatementSync {
    let stmt = this.#shapes.get(key);
    if (!stmt) {
      stmt = this.db.prepare(sql());
      if (this.#shapes.size > 256) this.#shapes.clear();
      this.#shapes.set(key, stmt);
    }
    return stmt;
  }

  /** Rowids of candidate passages for a plan, honouring the filters. */
  private candidates(
    query: AnalyzedQuery,
    plan: CandidatePlan,
    filters: SearchFilters,
    generation: number,
    dfs: readonly number[],
  ): number[] {
    if (plan.kind === 'none') return [];
    const { join, where, params } = filterClauses(filters);
    const w = FIELD_WEIGHTS;
    if (plan.kind === 'ranked') {
      const match = plan.terms.map((i) =>
        ftsTermExpression(query.terms[i] ?? { term: '', surfaces: [], position: 0 }),
      );
      const listable =
        plan.operator === 'OR' &&
        where.length === 0 &&
        this.#termLists.worthListing(
          match,
          plan.terms.map((i) => dfs[i] ?? 0),
          generation,
        );
      if (listable) {
        // Unfiltered OR: the merge of the terms' bm25 lists is FTS5's own ranking (term-lists.ts).
        const lists = match.map((expression) =>
          this.#termLists.get(expression, generation, () => this.termList(expression)),
        );
        return mergeTermLists(lists, plan.limit);
      }
      const key = `ranked:${join ? where.join(' AND ') : ''}`;
      const stmt = this.shape(
        key,
        () => `SELECT f.rowid AS rid FROM passages_fts f ${join}
          WHERE passages_fts MATCH $match ${where.map((c) => `AND ${c}`).join(' ')}
          ORDER BY bm25(passages_fts, ${w.title}, ${w.headings}, ${w.body}) LIMIT $limit`,
      );
      const rows = stmt.all({
        ...params,
        $match: match.join(` ${plan.operator} `),
        $limit: plan.limit,
      }) as Array<{
        rid: number;
      }>;
      if (plan.operator === 'OR' || rows.length >= plan.limit) return rows.map((r) => r.rid);
      // Fewer passages hold all the terms than wanted: add the newest holding any of them.
      const newest = this.candidates(
        query,
        { kind: 'capped', all: plan.terms, limit: plan.limit },
        filters,
        generation,
        dfs,
      );
      return mergeUnique(
        rows.map((r) => r.rid),
        newest,
        plan.limit,
      );
    }
    const expressions = plan.all.map((i) =>
      ftsTermExpression(query.terms[i] ?? { term: '', surfaces: [], position: 0 }),
    );
    const stmt = this.shape(
      `capped:${join ? where.join(' AND ') : ''}`,
      () => `SELECT f.rowid AS rid FROM passages_fts f ${join}
        WHERE passages_fts MATCH $match ${where.map((c) => `AND ${c}`).join(' ')}
        ORDER BY f.rowid DESC LIMIT $limit`,
    );
    const all = stmt.all({ ...params, $match: expressions.join(' AND '), $limit: plan.limit }) as Array<{
      rid: number;
    }>;
    if (all.length >= plan.limit || expressions.length === 1) return all.map((r) => r.rid);
    const any = stmt.all({ ...params, $match: expressions.join(' OR '), $limit: plan.limit }) as Array<{
      rid: number;
    }>;
    return mergeUnique(
      all.map((r) => r.rid),
      any.map((r) => r.rid),
      plan.limit,
    );
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const vector = query.vector;
    if (vector && vector.length > 0) {
      return fuseLexicalAndDense(
        { ...query, vector },
        (q) => this.search(q),
        (q) => this.searchVectors(q),
      );
    }
    const analyzed = analyzeQuery(query.text, this.#analyzer);
    if (analyzed.terms.length === 0 || query.limit <= 0) return [];
    try {
      // Every token id of this search comes from the vocabulary as it is now.
      this.#tokens.begin();
      const context: SearchContext = {
        generation: await this.generation(),
        now: Date.now(),
        stats: this.collectionStats(),
        rows: new Map(),
      };
      let pass = this.retrievalPass(analyzed, query, context, []);
      const feedback = this.#ranking.feedback;
      if (feedback.docs > 0 && context.stats.docs >= feedback.minPassages && pass.reranked.length > 0) {
        const docs = pass.reranked.slice(0, feedback.docs).map((r) => ({
          tokens: this.tokensOf(context.rows.get(r.key) as PassageRow),
          score: r.score,
        }));
        const added = feedbackTermsTokenized(
          analyzed,
          docs,
          feedback,
          this.#tokens.vocabulary,
          stopWordsFor(analyzed.lang),
        );
        if (added.length > 0) {
          const expanded = { ...analyzed, terms: [...analyzed.terms, ...added] };
          // The second pass retrieves by the added terms only (the query's own were read already)
          // and re-ranks what both passes found with the expanded query.
          const first = pass;
          const second = this.retrievalPass(expanded, query, context, first.pool, analyzed.terms.length);
          const seen = new Set(second.pool);
          pass = {
            ...second,
            rowids: [...first.rowids, ...second.rowids].filter((rid) => {
              if (seen.has(rid)) return false;
              seen.add(rid);
              return true;
            }),
          };
        }
      }
      // The rest follow in FTS5's order, scored just below the re-ranked ones.
      const floor = pass.reranked.at(-1)?.score ?? 0;
      const reranked = new Set(pass.reranked.map((r) => r.key));
      const ranked = [
        ...pass.reranked,
        ...pass.rowids
          .filter((rid) => !reranked.has(rid))
          .map((rid, i) => ({ key: rid, score: floor - (i + 1) * 1e-6 })),
      ];
      // A passage's page is its rowid's range (see PASSAGE_SLOTS): no row needed to tell.
      const picked = diversify(ranked, pageOfRowid, query.limit, query.maxPerPage);
      const missing = picked.filter((p) => !context.rows.has(p.key)).map((p) => p.key);
      this.loadRows(missing, context.rows, context.generation);
      return this.hitsOf(picked, context.rows, query.text);
    } catch (err) {
      throw wrapError(err, 'BACKEND_ERROR', 'Search failed');
    }
  }

  /** Hits for ranked rowids whose rows are in `rows` (rows missing there are left out). */
  private hitsOf(
    ranked: ReadonlyArray<{ readonly key: number; readonly score: number }>,
    rows: ReadonlyMap<number, PassageRow>,
    text: string,
  ): SearchHit[] {
    const terms = queryTerms(text);
    const hits: SearchHit[] = [];
    for (const { key, score } of ranked) {
      const row = rows.get(key);
      if (!row) continue;
      const passage = toPassage(row);
      Object.defineProperty(passage, this.#rowidKey, { value: key });
      hits.push(lazySnippetHit(passage, score, terms));
    }
    return hits;
  }

  /**
   * Results as (rowid, score) pairs, 16 bytes a hit. A rowid names a passage until its page is
   * rewritten, which moves the index generation on, and result caches key entries by generation.
   */
  readonly resultCodec: SearchResultCodec = {
    encode: (hits) => {
      const pairs = new Float64Array(hits.length * 2);
      for (let i = 0; i < hits.length; i++) {
        const hit = hits[i] as SearchHit;
        const rowid = (hit.passage as unknown as RowidTagged)[this.#rowidKey];
        if (rowid === undefined) return undefined;
        pairs[2 * i] = rowid;
        pairs[2 * i + 1] = hit.score;
      }
      return new Uint8Array(pairs.buffer);
    },
    decode: (query, encoded) => {
      // A copy: a Float64Array needs its bytes 8-aligned, which a view of a BLOB may not be.
      const pairs = new Float64Array(encoded.slice().buffer, 0, Math.floor(encoded.byteLength / 16) * 2);
      const ranked: Array<{ key: number; score: number }> = [];
      for (let i = 0; i + 1 < pairs.length; i += 2) {
        ranked.push({ key: pairs[i] as number, score: pairs[i + 1] as number });
      }
      try {
        const rows = new Map<number, PassageRow>();
        this.loadRows(
          ranked.map((r) => r.key),
          rows,
        );
        return this.hitsOf(ranked, rows, query.text);
      } catch (err) {
        throw wrapError(err, 'BACKEND_ERROR', 'Reading cached results failed');
      }
    },
  };

  /** A passage row's fields as the re-ranker reads them (tokenized once, then cached). */
  private tokensOf(row: PassageRow): FieldTokens {
    return this.#tokens.tokens(row.rid, { title: row.title, headings: row.headings, body: row.text });
  }

  /**
   * Loads passage rows not yet in `rows`: from the rows kept since the index was last at
   * `generation` (the one the search read first), else from the index, keeping them.
   */
  private loadRows(rowids: readonly number[], rows: Map<number, PassageRow>, generation?: number): void {
    const kept = generation === undefined ? undefined : this.keptRows(generation);
    const wanted: number[] = [];
    for (const rid of rowids) {
      if (rows.has(rid)) continue;
      const row = kept?.get(rid);
      if (row) rows.set(rid, row);
      else wanted.push(rid);
    }
    if (wanted.length === 0) return;
    for (const r of this.stmts.passagesByRowids.all(JSON.stringify(wanted)) as unknown as PassageRow[]) {
      rows.set(r.rid, r);
      if (kept) {
        kept.set(r.rid, r);
        if (kept.size > ROW_CACHE_SIZE) kept.delete(kept.keys().next().value as number);
      }
    }
  }

  /** The rows kept for index generation `generation` (none kept yet when it moved on). */
  private keptRows(generation: number): Map<number, PassageRow> {
    if (generation !== this.#rowsGeneration) {
      this.#rows = new Map();
      this.#rowsGeneration = generation;
    }
    return this.#rows;
  }

  /**
   * One retrieval pass: candidates from FTS5 (bounded by the planner; from the terms at
   * `retrieveFrom` onwards), the best `rerankDepth` of them (plus `extra`, from an earlier pass)
   * re-ranked with all the terms. Returns the candidates in FTS5 order, the re-ranked ones best
   * first, and the pool that was re-ranked.
   */
  private retrievalPass(
    analyzed: AnalyzedQuery,
    query: SearchQuery,
    context: SearchContext,
    extra: readonly number[],
    retrieveFrom = 0,
  ): { rowids: number[]; reranked: Array<{ key: number; score: number }>; pool: number[] } {
    const dfs = analyzed.terms.map((t) => this.documentFrequency(t.term, context.generation, context.now));
    // Terms before `retrieveFrom` count in re-ranking but find no candidates in this pass.
    const plan = planCandidates(
      dfs.map((df, i) => (i < retrieveFrom ? 0 : df)),
      query.limit,
      retrieveFrom > 0 ? { ...this.#retrieval, budget: this.#retrieval.feedbackBudget } : this.#retrieval,
      context.stats.docs,
    );
    const rowids =
      retrieveFrom > 0 && plan.kind === 'capped'
        ? []
        : this.candidates(analyzed, plan, query, context.generation, dfs);
    // Capped candidates come in rowid order and are all re-ranked; ranked ones only at the top.
    const depth =
      plan.kind === 'capped'
        ? rowids.length
        : this.#retrieval.rerankDepth === 0
          ? 0
          : Math.max(query.limit, this.#retrieval.rerankDepth);
    const pool = [...new Set([...rowids.slice(0, depth), ...extra])];
    // Rows are needed for re-ranking (the others are loaded if they make the results).
    this.loadRows(pool, context.rows, context.generation);
    const candidates = pool.flatMap((rid) => {
      const r = context.rows.get(rid);
      return r ? [{ key: r.rid, tokens: this.tokensOf(r), publishedAt: r.published_at ?? undefined }] : [];
    });
    const reranked = rankTokenized(
      analyzed,
      dfs,
      candidates,
      context.stats,
      this.#ranking,
      this.#tokens.vocabulary,
      context.now,
    );
    return { rowids, reranked, pool };
  }

  /**
   * The stored vectors of one length as one matrix in memory, read again when the index has
   * changed (its generation): a search then scans floats instead of reading every vector from
   * SQLite (6,000 passages of 384 dimensions: ~60 ms a search read from the table, a few ms from
   * memory). Costs 4 × dimensions bytes a passage of memory while vectors are searched.
   */
  private vectorMatrix(generation: number, dims: number): VectorMatrix {
    const cached = this.#vectorMatrix;
    if (cached && cached.generation === generation && cached.dims === dims) return cached;
    this.#vectorMatrix = undefined;
    const rids: number[] = [];
    const chunks: Float32Array[] = [];
    for (const row of this.stmts.vectors.iterate() as Iterable<{ rid: number; vector: Uint8Array }>) {
      const v = decodeVector(row.vector);
      if (v.length !== dims) continue;
      rids.push(row.rid);
      chunks.push(v.slice());
    }
    const data = new Float32Array(rids.length * dims);
    for (let i = 0; i < chunks.length; i++) data.set(chunks[i] as Float32Array, i * dims);
    const matrix = { generation, dims, rids: Float64Array.from(rids), data };
    this.#vectorMatrix = matrix;
    return matrix;
  }

  /** Exact nearest neighbours by cosine similarity over the stored vectors. */
  async searchVectors(query: VectorSearchQuery): Promise<SearchHit[]> {
    if (query.limit <= 0 || query.vector.length === 0) return [];
    try {
      const q = normalizedVector(query.vector);
      const dims = q.length;
      const keep = Math.max(query.limit * 4, 50);
      const best: Array<{ rid: number; score: number }> = [];
      const { rids, data } = this.vectorMatrix(await this.generation(), dims);
      for (let r = 0, at = 0; r < rids.length; r++, at += dims) {
        let dot = 0;
        for (let i = 0; i < dims; i++) dot += (q[i] as number) * (data[at + i] as number);
        if (best.length < keep || dot > (best.at(-1)?.score ?? -Infinity)) {
          // Into its place in the list kept best first (a sort on every insertion took ~100 ms a
          // query at 1,200 kept over 6,000 passages).
          let lo = 0;
          let hi = best.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if ((best[mid]?.score ?? -Infinity) >= dot) lo = mid + 1;
            else hi = mid;
          }
          best.splice(lo, 0, { rid: rids[r] as number, score: dot });
          if (best.length > keep) best.pop();
        }
      }
      if (best.length === 0) return [];
      const rows = this.stmts.passagesByRowids.all(
        JSON.stringify(best.map((b) => b.rid)),
      ) as unknown as PassageRow[];
      const byRowid = new Map(rows.map((r) => [r.rid, r]));
      const filtered = best
        .filter((b) => {
          const row = byRowid.get(b.rid);
          return row !== undefined && passesFilters(row, query);
        })
        .map((b) => ({ key: b.rid, score: b.score }));
      return diversify(filtered, (rid) => byRowid.get(rid)?.page_id ?? '', query.limit, query.maxPerPage).map(
        ({ key, score }) => {
          const passage = toPassage(byRowid.get(key) as PassageRow);
          return { passage, score, snippet: makeSnippet(passage.text, []) };
        },
      );
    } catch (err) {
      throw wrapError(err, 'BACKEND_ERROR', 'Vector search failed');
    }
  }

  async getPassages(ids: readonly string[]): Promise<PassageRecord[]> {
    const out: PassageRecord[] = [];
    for (const id of ids) {
      const row = this.passageById(id);
      if (row) out.push(toPassage(row));
    }
    return out;
  }

  /**
   * A passage by id. Ids are `<page id>-<n>`: the page gives the rowid range to look in, so no
   * index of passage ids is kept (one index less to write per passage). An id of another shape is
   * found by a scan.
   */
  private passageById(id: string): PassageRow | undefined {
    const cut = id.lastIndexOf('-');
    if (cut > 0) {
      const page = this.stmts.pageRowidById.get(id.slice(0, cut)) as { prid: number } | undefined;
      if (!page) return undefined;
      const first = page.prid * PASSAGE_SLOTS;
      return this.stmts.passageInRange.get(first, first + PASSAGE_SLOTS, id) as PassageRow | undefined;
    }
    return this.stmts.passageByIdScan.get(id) as PassageRow | undefined;
  }

  async refresh(): Promise<void> {
    // Committed transactions are visible at once; nothing to do.
  }

  async stats(): Promise<IndexStats> {
    const pages = (this.stmts.pageCount.get() as { pages: number }).pages;
    const totals = this.stmts.totals.get() as { passages: number } | undefined;
    const sites = (
      this.stmts.sites.all() as Array<{ host: string; pages: number; passages: number | null }>
    ).map((r): SiteStats => ({ host: r.host, pages: r.pages, passages: r.passages ?? 0 }));
    return {
      backend: this.kind,
      pages,
      passages: totals?.passages ?? 0,
      sites,
      generation: await this.generation(),
    };
  }

  async generation(): Promise<number> {
    const row = this.stmts.generation.get() as { g: number } | undefined;
    return row?.g ?? 0;
  }

  async ping(): Promise<HealthReport> {
    try {
      this.db.prepare('SELECT 1').get();
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: `sqlite: ${(err as Error).message}` };
    }
  }

  /**
   * Segments to merge from now on: (re)starts the quiet-time timer of the background merge.
   *
   * Why merge: bulk indexing is fast because FTS5 merges 64 segments of a level at a time (see
   * open()), which leaves up to ~63 segments a level, and every query term is looked up in each.
   * Merged into one, a search costs about 30 % less CPU (server CPU per search under bench:api at
   * 100,000 passages: 3.85 → 2.76 ms). So, as Lucene merges segments in the background and
   * Elasticsearch offers a force-merge after bulk loads, the backend merges all segments into one
   * once writes have been quiet for a while, in small steps that searches interleave with. A write
   * stops the merge; the next quiet time resumes it (FTS5 keeps an incremental merge's state).
   */
  private wantMerge(): void {
    this.#mergeWanted = true;
    if (this.#mergeIdleMs === 0) return;
    clearTimeout(this.#mergeTimer);
    this.#mergeTimer = setTimeout(() => void this.backgroundMerge(), this.#mergeIdleMs);
    this.#mergeTimer.unref();
  }

  /** One merge step of up to `pages` leaf pages; false when there was nothing left to merge. */
  private mergeStep(pages: number): boolean {
    const s = this.stmts;
    const started = performance.now();
    const before = (s.totalChanges.get() as { n: number }).n;
    // A negative count merges segments of every level together (as 'optimize' does), a bit at a
    // time; FTS5 changes fewer than two rows when no merging was left to do.
    s.merge.run(-pages);
    const worked = (s.totalChanges.get() as { n: number }).n - before >= 2;
    if (worked) {
      this.#mergeSteps++;
      this.#mergeMs += performance.now() - started;
    } else {
      this.#mergeWanted = false;
    }
    return worked;
  }

  private async backgroundMerge(): Promise<void> {
    if (this.#merging || !this.#db || !this.#mergeWanted) return;
    this.#merging = true;
    const writes = this.#writes;
    const steps = this.#mergeSteps;
    const started = performance.now();
    try {
      while (this.#db && this.#writes === writes && this.mergeStep(MERGE_STEP_PAGES)) {
        // Let requests waiting on this thread run between steps.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      // Another process holding the write lock too long, a read-only file: try after the next write.
      this.#logger.warn({ err }, 'merging the index segments failed; will retry after the next write');
    } finally {
      this.#merging = false;
      if (this.#mergeSteps > steps) {
        this.#logger.debug(
          {
            steps: this.#mergeSteps - steps,
            ms: Math.round(performance.now() - started),
            done: !this.#mergeWanted,
          },
          'merged index segments',
        );
      }
    }
  }

  /**
   * Merges the full-text index's segments into one now (after a bulk load; servers also do it in
   * the background once writes are quiet). Returns the time it took (ms).
   */
  async optimize(): Promise<number> {
    const started = performance.now();
    this.mergeUntil(Number.POSITIVE_INFINITY);
    return performance.now() - started;
  }

  /** Merges in bulk steps until nothing is left or `deadline` (performance.now()) has passed. */
  private mergeUntil(deadline: number): void {
    while (performance.now() < deadline && this.mergeStep(MERGE_BULK_STEP_PAGES)) {
      // until done or out of time
    }
  }

  async close(): Promise<void> {
    if (!this.#db) return;
    clearTimeout(this.#mergeTimer);
    this.#mergeTimer = undefined;
    this.#vectorMatrix = undefined;
    if (this.#mergeWanted && this.#closeMergeMs > 0 && !this.#merging) {
      // A one-shot crawl or reindex leaves a merged index when it can do so quickly; a bigger
      // merge is resumed by the next process that has the index open and quiet.
      try {
        this.mergeUntil(performance.now() + this.#closeMergeMs);
      } catch (err) {
        this.#logger.warn({ err }, 'merging the index segments before closing failed');
      }
    }
    try {
      // Fold the WAL back into the main file so a copied data directory is complete.
      this.#db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } finally {
      this.#db.close();
      this.#db = undefined;
      this.#stmts = undefined;
      this.#shapes.clear();
      this.#dfCache.clear();
      this.#tokens.clear();
    }
  }
}

/** What a lazy hit keeps to make its snippet on first read (see lazySnippetHit). */
const SNIPPET_STATE = Symbol('citebox.sqlite.snippet');

interface SnippetState {
  readonly terms: readonly string[];
  snippet: string | undefined;
}

function snippetGetter(this: SearchHit & { readonly [SNIPPET_STATE]: SnippetState }): string {
  const state = this[SNIPPET_STATE];
  state.snippet ??= makeSnippet(this.passage.text, state.terms);
  return state.snippet;
}

/**
 * A hit whose snippet is made the first time it is read: a search returns more hits than most
 * callers show (the search route keeps the first `limit` pages of three times as many passages; an
 * answer quotes a few sources), and a snippet costs a scan of the passage. The property is an
 * enumerable getter, so spreading or serializing a hit reads it like a plain value. All hits share
 * one getter function and so one hidden class. (A closure per hit gave each hit's getter its own
 * accessor, which V8 does not share: each hit left old-space structures pointing at it, so its
 * passage and rows outlived young-generation collections — ~30 KB copied a search, and scavenges
 * several times longer.)
 */
function lazySnippetHit(passage: SearchHit['passage'], score: number, terms: readonly string[]): SearchHit {
  const hit = { passage, score } as SearchHit;
  Object.defineProperty(hit, SNIPPET_STATE, { value: { terms, snippet: undefined } satisfies SnippetState });
  Object.defineProperty(hit, 'snippet', { enumerable: true, get: snippetGetter });
  return hit;
}

function readAnalyzer(db: DatabaseSync, path: string): AnalyzerOptions {
  const row = db.prepare(`SELECT value FROM meta WHERE key = 'analyzer'`).get() as
    | { value: string }
    | undefined;
  const parsed = row ? (JSON.parse(row.value) as { cjk?: unknown }) : {};
  const cjk = parsed.cjk as CjkSegmentation | undefined;
  if (!cjk || !CJK_SEGMENTATIONS.includes(cjk)) {
    throw new CiteboxError('BACKEND_ERROR', `The index at ${path} names an unknown analysis: ${row?.value}`);
  }
  return Object.freeze({ cjk });
}

/** SQL pieces for the filters: a join with passages and conditions on it. */
function filterClauses(filters: SearchFilters): {
  join: string;
  where: string[];
  params: Record<string, SQLInputValue>;
} {
  const where: string[] = [];
  const params: Record<string, SQLInputValue> = {};
  if (filters.sites?.length) {
    const ors = filters.sites.map((site, i) => {
      params[`$site${i}`] = site.toLowerCase();
      params[`$sub${i}`] = `%.${site.toLowerCase()}`;
      return `p.host = $site${i} OR p.host LIKE $sub${i}`;
    });
    where.push(`(${ors.join(' OR ')})`);
  }
  if (filters.lang) {
    params['$lang'] = filters.lang.toLowerCase();
    where.push(`(p.lang = $lang OR p.lang LIKE $lang || '-%')`);
  }
  if (filters.since) {
    params['$since'] = filters.since;
    where.push('COALESCE(p.published_at, (SELECT fetched_at FROM pages WHERE id = p.page_id)) >= $since');
  }
  return { join: where.length > 0 ? 'JOIN passages p ON p.rowid = f.rowid' : '', where, params };
}

/** The same filters, checked on a passage row in JavaScript (vector search). */
function passesFilters(row: PassageRow, filters: SearchFilters): boolean {
  if (filters.sites?.length) {
    const host = row.host.toLowerCase();
    if (!filters.sites.some((s) => host === s.toLowerCase() || host.endsWith(`.${s.toLowerCase()}`)))
      return false;
  }
  if (filters.lang) {
    const lang = (row.lang ?? '').toLowerCase();
    const want = filters.lang.toLowerCase();
    if (lang !== want && !lang.startsWith(`${want}-`)) return false;
  }
  // Vector rows carry no fetch date; a page without a publication date passes the date filter.
  if (filters.since && row.published_at && row.published_at < filters.since) return false;
  return true;
}

/** `first`, then the items of `then` not in it, at most `limit`. */
function mergeUnique(first: readonly number[], then: readonly number[], limit: number): number[] {
  const seen = new Set(first);
  const out = [...first];
  for (const x of then) {
    if (out.length >= limit) break;
    if (!seen.has(x)) {
      seen.add(x);
      out.push(x);
    }
  }
  return out.slice(0, limit);
}

/** Keeps at most maxPerPage results of one page, in order, up to limit. */
export function diversify<K>(
  ranked: ReadonlyArray<{ key: K; score: number }>,
  pageOf: (key: K) => string | number,
  limit: number,
  maxPerPage: number | undefined,
): Array<{ key: K; score: number }> {
  const cap = maxPerPage ?? Number.POSITIVE_INFINITY;
  const perPage = new Map<string | number, number>();
  const out: Array<{ key: K; score: number }> = [];
  for (const r of ranked) {
    if (out.length >= limit) break;
    const page = pageOf(r.key);
    const seen = perPage.get(page) ?? 0;
    if (seen >= cap) continue;
    perPage.set(page, seen + 1);
    out.push(r);
  }
  return out;
}

/** The page a passage belongs to, as its page's rowid. */
function pageOfRowid(rowid: number): number {
  return Math.floor(rowid / PASSAGE_SLOTS);
}

function headingsText(json: string): string {
  return parseHeadings(json).join(' \n ');
}

function parseHeadings(json: string): string[] {
  // Written by writePage as a JSON array; anything else is treated as "no headings".
  if (!json.startsWith('[')) return [];
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.map(String) : [];
}

function normalizedVector(vector: readonly number[]): Float32Array {
  let norm = 0;
  for (const x of vector) norm += x * x;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return Float32Array.from(vector, (x) => x * scale);
}

/** Unit-length float32 little-endian bytes (cosine becomes a dot product). */
function encodeVector(vector: readonly number[]): Uint8Array {
  const v = normalizedVector(vector);
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function decodeVector(bytes: Uint8Array): Float32Array {
  if (bytes.byteOffset % 4 === 0)
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
  return new Float32Array(bytes.slice().buffer);
}

/** Vectors of one length, row after row, and the rowid of each row. */
interface VectorMatrix {
  readonly generation: number;
  readonly dims: number;
  readonly rids: Float64Array;
  readonly data: Float32Array;
}

/** A passage record with the rowid it was read from, under its backend's symbol. */
type RowidTagged = Record<symbol, number | undefined>;

function toPassage(row: PassageRow): PassageRecord {
  return {
    id: row.id,
    pageId: row.page_id,
    url: row.url,
    host: row.host,
    title: row.title,
    headings: parseHeadings(row.headings),
    text: row.text,
    position: row.position,
    lang: row.lang ?? undefined,
    publishedAt: row.published_at ?? undefined,
    wordCount: row.word_count,
    kind: (row.kind as PassageRecord['kind']) ?? undefined,
    anchor: row.anchor ?? undefined,
  };
}
