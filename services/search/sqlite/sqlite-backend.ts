// The embedded search backend: one SQLite database file under the data directory, FTS5 with BM25
// and per-field weights. WAL mode lets the server and a CLI crawl use the same file at once.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { CiteboxError, wrapError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { makeSnippet, queryTerms } from '../../text/index.js';
import type {
  HealthReport,
  IndexStats,
  PassageRecord,
  SearchHit,
  SearchQuery,
  SiteStats,
} from '../../types.js';
import { analyzeForIndex, buildFtsMatch } from '../analysis.js';
import type { BulkReport, PageWithPassages, SearchBackend } from '../backend.js';
import { SCHEMA_SQL, SCHEMA_VERSION } from './schema.js';

/** BM25 weights of the FTS columns: title, headings, body. */
export const FIELD_WEIGHTS = { title: 4.0, headings: 2.0, body: 1.0 } as const;

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
}

export interface SqliteBackendOptions {
  /** Path of the database file, or ':memory:'. */
  readonly path: string;
  readonly logger: Logger;
}

export class SqliteBackend implements SearchBackend {
  readonly kind = 'sqlite' as const;
  readonly #path: string;
  readonly #logger: Logger;
  #db: DatabaseSync | undefined;
  #stmts: ReturnType<SqliteBackend['prepare']> | undefined;

  constructor(options: SqliteBackendOptions) {
    this.#path = options.path;
    this.#logger = options.logger.child({ component: 'sqlite-backend' });
  }

  async open(): Promise<void> {
    if (this.#db) return;
    try {
      if (this.#path !== ':memory:') mkdirSync(dirname(this.#path), { recursive: true });
      const db = new DatabaseSync(this.#path);
      db.exec('PRAGMA busy_timeout = 10000');
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec('PRAGMA foreign_keys = ON');
      db.exec(SCHEMA_SQL);
      const version = db.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as
        | { value: string }
        | undefined;
      if (!version) {
        db.prepare(`INSERT INTO meta(key, value) VALUES ('schema_version', ?), ('generation', '0')`).run(
          String(SCHEMA_VERSION),
        );
      } else if (Number(version.value) !== SCHEMA_VERSION) {
        throw new CiteboxError(
          'BACKEND_ERROR',
          `The index at ${this.#path} has schema version ${version.value}; this Citebox needs ${SCHEMA_VERSION}. Reindex into a new data directory.`,
        );
      }
      this.#db = db;
      this.#stmts = this.prepare(db);
      this.#logger.debug({ path: this.#path }, 'opened index');
    } catch (err) {
      throw wrapError(err, 'BACKEND_UNAVAILABLE', `Cannot open the SQLite index at ${this.#path}`);
    }
  }

  private prepare(db: DatabaseSync) {
    return {
      pageIdByUrl: db.prepare('SELECT id FROM pages WHERE url = ?'),
      passageRowids: db.prepare('SELECT rowid AS rid FROM passages WHERE page_id = ?'),
      deleteFts: db.prepare('DELETE FROM passages_fts WHERE rowid = ?'),
      deletePassages: db.prepare('DELETE FROM passages WHERE page_id = ?'),
      deletePage: db.prepare('DELETE FROM pages WHERE id = ?'),
      upsertPage: db.prepare(
        `INSERT INTO pages(id, url, host, title, description, lang, published_at, fetched_at, content_hash, passage_count, indexed_at)
         VALUES ($id, $url, $host, $title, $description, $lang, $published_at, $fetched_at, $content_hash, $passage_count, $indexed_at)
         ON CONFLICT(id) DO UPDATE SET url = excluded.url, host = excluded.host, title = excluded.title,
           description = excluded.description, lang = excluded.lang, published_at = excluded.published_at,
           fetched_at = excluded.fetched_at, content_hash = excluded.content_hash,
           passage_count = excluded.passage_count, indexed_at = excluded.indexed_at`,
      ),
      insertPassage: db.prepare(
        `INSERT INTO passages(id, page_id, position, headings, text, word_count, url, host, title, lang, published_at)
         VALUES ($id, $page_id, $position, $headings, $text, $word_count, $url, $host, $title, $lang, $published_at)`,
      ),
      insertFts: db.prepare('INSERT INTO passages_fts(rowid, title, headings, body) VALUES (?, ?, ?, ?)'),
      bumpGeneration: db.prepare(
        `UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'`,
      ),
      generation: db.prepare(`SELECT CAST(value AS INTEGER) AS g FROM meta WHERE key = 'generation'`),
      passageById: db.prepare(
        'SELECT rowid AS rid, id, page_id, position, headings, text, word_count, url, host, title, lang, published_at FROM passages WHERE id = ?',
      ),
      passageByRowid: db.prepare(
        'SELECT rowid AS rid, id, page_id, position, headings, text, word_count, url, host, title, lang, published_at FROM passages WHERE rowid = ?',
      ),
      counts: db.prepare(
        'SELECT (SELECT COUNT(*) FROM pages) AS pages, (SELECT COUNT(*) FROM passages) AS passages',
      ),
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
    try {
      const result = fn();
      this.stmts.bumpGeneration.run();
      db.exec('COMMIT');
      return result;
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }

  private removePageRows(pageId: string): void {
    const s = this.stmts;
    for (const row of s.passageRowids.all(pageId) as Array<{ rid: number }>) s.deleteFts.run(row.rid);
    s.deletePassages.run(pageId);
  }

  private writePage(item: PageWithPassages): void {
    const s = this.stmts;
    const { page, passages } = item;
    const existing = s.pageIdByUrl.get(page.url) as { id: string } | undefined;
    if (existing) {
      this.removePageRows(existing.id);
      if (existing.id !== page.id) s.deletePage.run(existing.id);
    }
    this.removePageRows(page.id);
    s.upsertPage.run({
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
    });
    for (const p of passages) {
      const result = s.insertPassage.run({
        $id: p.id,
        $page_id: page.id,
        $position: p.position,
        $headings: JSON.stringify(p.headings),
        $text: p.text,
        $word_count: p.wordCount,
        $url: p.url,
        $host: p.host,
        $title: p.title,
        $lang: p.lang ?? null,
        $published_at: p.publishedAt ?? null,
      });
      s.insertFts.run(
        result.lastInsertRowid,
        analyzeForIndex(p.title),
        analyzeForIndex(p.headings.join(' ')),
        analyzeForIndex(p.text),
      );
    }
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
    const existing = this.stmts.pageIdByUrl.get(url) as { id: string } | undefined;
    if (!existing) return false;
    this.transaction(() => {
      this.removePageRows(existing.id);
      this.stmts.deletePage.run(existing.id);
    });
    return true;
  }

  async search(query: SearchQuery): Promise<SearchHit[]> {
    const match = buildFtsMatch(query.text);
    if (!match) return [];
    const maxPerPage = query.maxPerPage ?? Number.POSITIVE_INFINITY;
    const where: string[] = ['passages_fts MATCH $match'];
    const params: Record<string, string | number> = { $match: match };
    let join = '';
    if (query.sites?.length || query.lang || query.since) {
      join = 'JOIN passages p ON p.rowid = f.rowid';
      if (query.sites?.length) {
        const ors = query.sites.map((site, i) => {
          params[`$site${i}`] = site.toLowerCase();
          params[`$sub${i}`] = `%.${site.toLowerCase()}`;
          return `p.host = $site${i} OR p.host LIKE $sub${i}`;
        });
        where.push(`(${ors.join(' OR ')})`);
      }
      if (query.lang) {
        params['$lang'] = query.lang.toLowerCase();
        where.push(`(p.lang = $lang OR p.lang LIKE $lang || '-%')`);
      }
      if (query.since) {
        params['$since'] = query.since;
        where.push('COALESCE(p.published_at, (SELECT fetched_at FROM pages WHERE id = p.page_id)) >= $since');
      }
    }
    // Over-fetch when per-page diversity may drop hits.
    const fetchLimit = Number.isFinite(maxPerPage) ? query.limit * 3 + 10 : query.limit;
    params['$limit'] = fetchLimit;
    const sql = `SELECT f.rowid AS rid, bm25(passages_fts, ${FIELD_WEIGHTS.title}, ${FIELD_WEIGHTS.headings}, ${FIELD_WEIGHTS.body}) AS rank
      FROM passages_fts f ${join} WHERE ${where.join(' AND ')} ORDER BY rank LIMIT $limit`;
    let rows: Array<{ rid: number; rank: number }>;
    try {
      rows = this.db.prepare(sql).all(params) as Array<{ rid: number; rank: number }>;
    } catch (err) {
      throw wrapError(err, 'BACKEND_ERROR', 'Search failed');
    }
    const terms = queryTerms(query.text);
    const perPage = new Map<string, number>();
    const hits: SearchHit[] = [];
    for (const row of rows) {
      if (hits.length >= query.limit) break;
      const p = this.stmts.passageByRowid.get(row.rid) as PassageRow | undefined;
      if (!p) continue;
      const seen = perPage.get(p.page_id) ?? 0;
      if (seen >= maxPerPage) continue;
      perPage.set(p.page_id, seen + 1);
      const passage = toPassage(p);
      hits.push({ passage, score: -row.rank, snippet: makeSnippet(passage.text, terms) });
    }
    return hits;
  }

  async getPassages(ids: readonly string[]): Promise<PassageRecord[]> {
    const out: PassageRecord[] = [];
    for (const id of ids) {
      const row = this.stmts.passageById.get(id) as PassageRow | undefined;
      if (row) out.push(toPassage(row));
    }
    return out;
  }

  async refresh(): Promise<void> {
    // Committed transactions are visible at once; nothing to do.
  }

  async stats(): Promise<IndexStats> {
    const counts = this.stmts.counts.get() as { pages: number; passages: number };
    const sites = (
      this.stmts.sites.all() as Array<{ host: string; pages: number; passages: number | null }>
    ).map((r): SiteStats => ({ host: r.host, pages: r.pages, passages: r.passages ?? 0 }));
    return {
      backend: this.kind,
      pages: counts.pages,
      passages: counts.passages,
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

  async close(): Promise<void> {
    if (!this.#db) return;
    try {
      // Fold the WAL back into the main file so a copied data directory is complete.
      this.#db.exec('PRAGMA wal_checkpoint(PASSIVE)');
    } finally {
      this.#db.close();
      this.#db = undefined;
      this.#stmts = undefined;
    }
  }
}

function toPassage(row: PassageRow): PassageRecord {
  let headings: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.headings);
    if (Array.isArray(parsed)) headings = parsed.map(String);
  } catch {
    headings = [];
  }
  return {
    id: row.id,
    pageId: row.page_id,
    url: row.url,
    host: row.host,
    title: row.title,
    headings,
    text: row.text,
    position: row.position,
    lang: row.lang ?? undefined,
    publishedAt: row.published_at ?? undefined,
    wordCount: row.word_count,
  };
}
