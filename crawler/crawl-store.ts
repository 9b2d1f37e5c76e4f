// Durable crawl state in SQLite (crawl.sqlite in the data directory): jobs and their frontier.
// Every state change is a committed transaction, so a crawl killed at any moment resumes where it
// stopped. WAL lets the server and a CLI crawl share the file.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CiteboxError, wrapError } from '../services/index.js';

export type CrawlStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type UrlStatus = 'queued' | 'fetching' | 'indexed' | 'skipped' | 'failed';

export interface CrawlOptions {
  readonly max_pages: number;
  readonly max_depth: number;
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
}

export interface CrawlStats {
  readonly discovered: number;
  readonly fetched: number;
  readonly indexed: number;
  readonly skipped: number;
  readonly failed: number;
  readonly queued: number;
}

/** A crawl job as the API shows it. */
export interface CrawlJob {
  readonly id: string;
  readonly status: CrawlStatus;
  readonly seeds: readonly string[];
  readonly options: CrawlOptions;
  readonly stats: CrawlStats;
  readonly error: string | null;
  readonly created_at: string;
  readonly started_at: string | null;
  readonly finished_at: string | null;
}

export interface FrontierEntry {
  readonly url: string;
  readonly host: string;
  readonly depth: number;
  readonly attempts: number;
}

export interface UrlOutcome {
  readonly status: Exclude<UrlStatus, 'queued' | 'fetching'>;
  readonly reason?: string | undefined;
  readonly httpStatus?: number | undefined;
  readonly contentHash?: string | undefined;
  readonly fetched: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS crawl_jobs (
  id TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  seeds TEXT NOT NULL,
  options TEXT NOT NULL,
  error TEXT,
  owner TEXT,
  heartbeat_at INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT
);
CREATE TABLE IF NOT EXISTS frontier (
  seq INTEGER PRIMARY KEY,
  job_id TEXT NOT NULL,
  url TEXT NOT NULL,
  host TEXT NOT NULL,
  depth INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_fetch_at INTEGER NOT NULL DEFAULT 0,
  fetched INTEGER NOT NULL DEFAULT 0,
  http_status INTEGER,
  content_hash TEXT,
  reason TEXT,
  updated_at INTEGER NOT NULL,
  UNIQUE(job_id, url)
);
CREATE INDEX IF NOT EXISTS frontier_next ON frontier(job_id, status, depth, seq);
`;

interface JobRow {
  id: string;
  status: CrawlStatus;
  seeds: string;
  options: string;
  error: string | null;
  owner: string | null;
  heartbeat_at: number | null;
  cancel_requested: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export class CrawlStore {
  readonly #db: DatabaseSync;

  constructor(path: string) {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.#db = new DatabaseSync(path);
      this.#db.exec('PRAGMA busy_timeout = 10000');
      this.#db.exec('PRAGMA journal_mode = WAL');
      this.#db.exec('PRAGMA synchronous = NORMAL');
      this.#db.exec(SCHEMA);
    } catch (err) {
      throw wrapError(err, 'BACKEND_UNAVAILABLE', `Cannot open the crawl state at ${path}`);
    }
  }

  close(): void {
    this.#db.close();
  }

  private tx<T>(fn: () => T): T {
    this.#db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.#db.exec('COMMIT');
      return out;
    } catch (err) {
      this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  createJob(seeds: readonly string[], options: CrawlOptions): CrawlJob {
    const id = `crawl_${randomBytes(8).toString('hex')}`;
    const now = new Date().toISOString();
    this.tx(() => {
      this.#db
        .prepare(
          `INSERT INTO crawl_jobs(id, status, seeds, options, created_at) VALUES (?, 'queued', ?, ?, ?)`,
        )
        .run(id, JSON.stringify(seeds), JSON.stringify(options), now);
      this.insertUrls(
        id,
        seeds.map((url) => ({ url, host: new URL(url).hostname, depth: 0 })),
      );
    });
    return this.requireJob(id);
  }

  getJob(id: string): CrawlJob | undefined {
    const row = this.#db.prepare('SELECT * FROM crawl_jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? this.toJob(row) : undefined;
  }

  requireJob(id: string): CrawlJob {
    const job = this.getJob(id);
    if (!job) throw new CiteboxError('NOT_FOUND', `No crawl job ${id}`);
    return job;
  }

  listJobs(limit = 50): CrawlJob[] {
    const rows = this.#db
      .prepare('SELECT * FROM crawl_jobs ORDER BY created_at DESC, rowid DESC LIMIT ?')
      .all(limit) as unknown as JobRow[];
    return rows.map((r) => this.toJob(r));
  }

  /** An unfinished job with exactly these seeds and options (what `citebox crawl` resumes). */
  findUnfinished(seeds: readonly string[], options: CrawlOptions): CrawlJob | undefined {
    const rows = this.#db
      .prepare(
        `SELECT * FROM crawl_jobs WHERE status IN ('queued', 'running') AND seeds = ? AND options = ? ORDER BY created_at DESC`,
      )
      .all(JSON.stringify(seeds), JSON.stringify(options)) as unknown as JobRow[];
    const row = rows[0];
    return row ? this.toJob(row) : undefined;
  }

  /** Unfinished jobs nobody has touched for `staleMs` (their runner died): the server resumes them. */
  orphanedJobs(staleMs: number): CrawlJob[] {
    const cutoff = Date.now() - staleMs;
    const rows = this.#db
      .prepare(
        `SELECT * FROM crawl_jobs WHERE status IN ('queued', 'running') AND (heartbeat_at IS NULL OR heartbeat_at < ?) ORDER BY created_at`,
      )
      .all(cutoff) as unknown as JobRow[];
    return rows.map((r) => this.toJob(r));
  }

  /**
   * Takes ownership of a job for a runner; fails when another live runner holds it. Work a dead
   * runner left in flight goes back to the queue.
   */
  claimJob(id: string, owner: string, staleMs: number): boolean {
    return this.tx(() => {
      const row = this.#db.prepare('SELECT * FROM crawl_jobs WHERE id = ?').get(id) as JobRow | undefined;
      if (!row || (row.status !== 'queued' && row.status !== 'running')) return false;
      if (row.owner && row.owner !== owner && row.heartbeat_at && row.heartbeat_at > Date.now() - staleMs)
        return false;
      this.#db
        .prepare(
          `UPDATE crawl_jobs SET status = 'running', owner = ?, heartbeat_at = ?, started_at = COALESCE(started_at, ?) WHERE id = ?`,
        )
        .run(owner, Date.now(), new Date().toISOString(), id);
      this.#db
        .prepare(`UPDATE frontier SET status = 'queued' WHERE job_id = ? AND status = 'fetching'`)
        .run(id);
      return true;
    });
  }

  heartbeat(id: string, owner: string): void {
    this.#db
      .prepare('UPDATE crawl_jobs SET heartbeat_at = ? WHERE id = ? AND owner = ?')
      .run(Date.now(), id, owner);
  }

  cancelRequested(id: string): boolean {
    const row = this.#db.prepare('SELECT cancel_requested FROM crawl_jobs WHERE id = ?').get(id) as
      | { cancel_requested: number }
      | undefined;
    return row?.cancel_requested === 1;
  }

  /** Asks the job's runner (in this or another process) to stop; a job nobody runs stops at once. */
  requestCancel(id: string): CrawlJob {
    const job = this.requireJob(id);
    if (job.status === 'queued' || job.status === 'running') {
      this.#db.prepare('UPDATE crawl_jobs SET cancel_requested = 1 WHERE id = ?').run(id);
      if (job.status === 'queued') this.finishJob(id, 'cancelled', null);
    }
    return this.requireJob(id);
  }

  finishJob(id: string, status: Exclude<CrawlStatus, 'queued' | 'running'>, error: string | null): void {
    this.tx(() => {
      this.#db
        .prepare(`UPDATE crawl_jobs SET status = ?, error = ?, finished_at = ?, owner = NULL WHERE id = ?`)
        .run(status, error, new Date().toISOString(), id);
      // URLs left in the queue were cut by max_pages (done) or by the cancel / failure.
      this.#db
        .prepare(
          `UPDATE frontier SET status = 'skipped', reason = ? WHERE job_id = ? AND status IN ('queued', 'fetching')`,
        )
        .run(status === 'done' ? 'max_pages reached' : status, id);
    });
  }

  private insertUrls(
    jobId: string,
    entries: ReadonlyArray<{ url: string; host: string; depth: number }>,
  ): number {
    const stmt = this.#db.prepare(
      'INSERT OR IGNORE INTO frontier(job_id, url, host, depth, updated_at) VALUES (?, ?, ?, ?, ?)',
    );
    let added = 0;
    const now = Date.now();
    for (const e of entries) added += Number(stmt.run(jobId, e.url, e.host, e.depth, now).changes);
    return added;
  }

  /** Adds discovered URLs (already normalized and in scope); known ones are ignored. Returns how many were new. */
  enqueue(jobId: string, entries: ReadonlyArray<{ url: string; host: string; depth: number }>): number {
    if (entries.length === 0) return 0;
    return this.tx(() => this.insertUrls(jobId, entries));
  }

  /** Takes the next URL ready to fetch, skipping busy hosts; marks it in flight. */
  claimNext(jobId: string, busyHosts: readonly string[]): FrontierEntry | undefined {
    return this.tx(() => {
      const placeholders = busyHosts.map(() => '?').join(', ');
      const hostFilter = busyHosts.length > 0 ? `AND host NOT IN (${placeholders})` : '';
      const row = this.#db
        .prepare(
          `SELECT seq, url, host, depth, attempts FROM frontier
           WHERE job_id = ? AND status = 'queued' AND next_fetch_at <= ? ${hostFilter}
           ORDER BY depth, seq LIMIT 1`,
        )
        .get(jobId, Date.now(), ...busyHosts) as
        | { seq: number; url: string; host: string; depth: number; attempts: number }
        | undefined;
      if (!row) return undefined;
      this.#db
        .prepare(`UPDATE frontier SET status = 'fetching', updated_at = ? WHERE seq = ?`)
        .run(Date.now(), row.seq);
      return { url: row.url, host: row.host, depth: row.depth, attempts: row.attempts };
    });
  }

  /** When the next queued URL becomes ready (ms epoch), or undefined when none is queued. */
  nextReadyAt(jobId: string): number | undefined {
    const row = this.#db
      .prepare(`SELECT MIN(next_fetch_at) AS t FROM frontier WHERE job_id = ? AND status = 'queued'`)
      .get(jobId) as { t: number | null } | undefined;
    return row?.t ?? undefined;
  }

  complete(jobId: string, url: string, outcome: UrlOutcome): void {
    this.#db
      .prepare(
        `UPDATE frontier SET status = ?, reason = ?, http_status = ?, content_hash = ?, fetched = ?, updated_at = ?
         WHERE job_id = ? AND url = ?`,
      )
      .run(
        outcome.status,
        outcome.reason ?? null,
        outcome.httpStatus ?? null,
        outcome.contentHash ?? null,
        outcome.fetched ? 1 : 0,
        Date.now(),
        jobId,
        url,
      );
  }

  retryLater(jobId: string, url: string, atMs: number, reason: string): void {
    this.#db
      .prepare(
        `UPDATE frontier SET status = 'queued', attempts = attempts + 1, next_fetch_at = ?, reason = ?, updated_at = ?
         WHERE job_id = ? AND url = ?`,
      )
      .run(atMs, reason, Date.now(), jobId, url);
  }

  /** Whether another URL of this job already produced this content (exact duplicate). */
  hasContentHash(jobId: string, hash: string): boolean {
    return (
      this.#db
        .prepare(
          `SELECT 1 FROM frontier WHERE job_id = ? AND content_hash = ? AND status = 'indexed' LIMIT 1`,
        )
        .get(jobId, hash) !== undefined
    );
  }

  stats(jobId: string): CrawlStats {
    const rows = this.#db
      .prepare(
        'SELECT status, COUNT(*) AS n, SUM(fetched) AS f FROM frontier WHERE job_id = ? GROUP BY status',
      )
      .all(jobId) as Array<{ status: UrlStatus; n: number; f: number | null }>;
    const by = (s: UrlStatus) => rows.find((r) => r.status === s)?.n ?? 0;
    return {
      discovered: rows.reduce((a, r) => a + r.n, 0),
      fetched: rows.reduce((a, r) => a + (r.f ?? 0), 0),
      indexed: by('indexed'),
      skipped: by('skipped'),
      failed: by('failed'),
      queued: by('queued') + by('fetching'),
    };
  }

  /** Reasons of failed URLs, most common first (for a job's failure message). */
  failureReasons(jobId: string, limit = 3): string[] {
    const rows = this.#db
      .prepare(
        `SELECT reason, COUNT(*) AS n FROM frontier WHERE job_id = ? AND status = 'failed' AND reason IS NOT NULL
         GROUP BY reason ORDER BY n DESC LIMIT ?`,
      )
      .all(jobId, limit) as Array<{ reason: string }>;
    return rows.map((r) => r.reason);
  }

  private toJob(row: JobRow): CrawlJob {
    return {
      id: row.id,
      status: row.status,
      seeds: JSON.parse(row.seeds) as string[],
      options: JSON.parse(row.options) as CrawlOptions,
      stats: this.stats(row.id),
      error: row.error,
      created_at: row.created_at,
      started_at: row.started_at,
      finished_at: row.finished_at,
    };
  }
}
