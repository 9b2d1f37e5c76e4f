// Durable crawl state in SQLite (crawl.sqlite in the data directory), shared by the server and
// CLI crawls through WAL and a busy timeout:
// - crawl_jobs: each job, its owner and heartbeat, and its counters (so reading a job is cheap);
// - frontier: each job's URLs by key (normalizeUrl) with the URL to request when it differs
//   (fetch_url: the link as the site wrote it), host, depth, status, next fetch time, attempts
//   (failure count), ETag, Last-Modified, content hash and a pending deletion, if any;
// - url_state: what Citebox knows about each URL across crawls (validators, content hash,
//   SimHash, under which URL it is indexed, consecutive misses, revisit interval, outlinks): the
//   memory that conditional GETs, duplicate merging and deletions of gone pages rely on.
// Runners write outcomes and discovered links in batched transactions; a URL stays `queued`
// until its outcome is committed, so a crawl killed at any moment resumes without losing a page.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { CiteboxError, wrapError } from '../../../services/index.js';
import { normalizeUrl } from '../../urls.js';
import {
  type CrawlJob,
  type CrawlOptions,
  type CrawlStatus,
  type FrontierBatch,
  type FrontierEntry,
  type JobCounters,
  type JobOrigin,
  type JobPhase,
  type NewUrl,
  type PendingDeletion,
  statsOf,
  type UrlOutcome,
  type UrlState,
  type UrlStateWrite,
  type UrlStatus,
} from '../types.js';

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
CREATE TABLE IF NOT EXISTS url_state (
  url TEXT PRIMARY KEY,
  host TEXT NOT NULL,
  state TEXT NOT NULL,
  indexed_as TEXT,
  etag TEXT,
  last_modified TEXT,
  content_hash TEXT,
  simhash TEXT,
  http_status INTEGER,
  misses INTEGER NOT NULL DEFAULT 0,
  duplicate_of TEXT,
  last_fetched_at INTEGER,
  last_changed_at INTEGER,
  revisit_ms INTEGER,
  next_visit_at INTEGER,
  outlinks TEXT,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS url_state_hash ON url_state(content_hash) WHERE content_hash IS NOT NULL;
CREATE INDEX IF NOT EXISTS url_state_host ON url_state(host, state);
`;

/** Columns added since the first schema; old crawl.sqlite files get them on open. */
const ADDED_COLUMNS: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  crawl_jobs: [
    ['origin', "TEXT NOT NULL DEFAULT 'api'"],
    ['phase', "TEXT NOT NULL DEFAULT 'crawl'"],
    ['discovered', 'INTEGER NOT NULL DEFAULT 0'],
    ['fetched', 'INTEGER NOT NULL DEFAULT 0'],
    ['indexed', 'INTEGER NOT NULL DEFAULT 0'],
    ['skipped', 'INTEGER NOT NULL DEFAULT 0'],
    ['failed', 'INTEGER NOT NULL DEFAULT 0'],
    ['unchanged', 'INTEGER NOT NULL DEFAULT 0'],
    ['deleted', 'INTEGER NOT NULL DEFAULT 0'],
    ['deletions_suspended', 'TEXT'],
    ['sitemaps_done', 'INTEGER NOT NULL DEFAULT 0'],
  ],
  frontier: [
    ['fetch_url', 'TEXT'],
    ['etag', 'TEXT'],
    ['last_modified', 'TEXT'],
    ['delete_url', 'TEXT'],
    ['delete_state', 'TEXT'],
  ],
  url_state: [['fetch_url', 'TEXT']],
};

const INDEXES = `
CREATE INDEX IF NOT EXISTS frontier_queue ON frontier(job_id, status, depth, seq);
CREATE INDEX IF NOT EXISTS frontier_delete ON frontier(job_id, delete_state) WHERE delete_state IS NOT NULL;
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
  origin: JobOrigin;
  phase: JobPhase;
  discovered: number;
  fetched: number;
  indexed: number;
  skipped: number;
  failed: number;
  unchanged: number;
  deleted: number;
  deletions_suspended: string | null;
}

export class CrawlStore {
  readonly #db: DatabaseSync;
  readonly #stmts = new Map<string, StatementSync>();

  constructor(path: string) {
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.#db = new DatabaseSync(path);
      this.#db.exec('PRAGMA busy_timeout = 15000');
      this.#db.exec('PRAGMA journal_mode = WAL');
      this.#db.exec('PRAGMA synchronous = NORMAL');
      this.#db.exec(SCHEMA);
      this.migrate();
      this.#db.exec(INDEXES);
    } catch (err) {
      throw wrapError(err, 'BACKEND_UNAVAILABLE', `Cannot open the crawl state at ${path}`);
    }
  }

  private migrate(): void {
    for (const [table, columns] of Object.entries(ADDED_COLUMNS)) {
      const have = new Set(
        (this.#db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name),
      );
      for (const [name, type] of columns) {
        if (!have.has(name)) this.#db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
      }
    }
  }

  close(): void {
    this.#db.close();
  }

  /** A cached prepared statement. */
  private sql(text: string): StatementSync {
    let stmt = this.#stmts.get(text);
    if (!stmt) {
      stmt = this.#db.prepare(text);
      this.#stmts.set(text, stmt);
    }
    return stmt;
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

  // ---- jobs ----

  createJob(seeds: readonly string[], options: CrawlOptions, origin: JobOrigin = 'api'): CrawlJob {
    const id = `crawl_${randomBytes(8).toString('hex')}`;
    const now = new Date().toISOString();
    this.tx(() => {
      const added = this.insertUrls(
        id,
        seeds.map((seed) => {
          const url = normalizeUrl(seed);
          return { url, host: new URL(url).hostname, depth: 0, fetchUrl: seed === url ? undefined : seed };
        }),
      ).length;
      this.sql(
        `INSERT INTO crawl_jobs(id, status, seeds, options, created_at, origin, discovered) VALUES (?, 'queued', ?, ?, ?, ?, ?)`,
      ).run(id, JSON.stringify(seeds), JSON.stringify(options), now, origin, added);
    });
    return this.requireJob(id);
  }

  getJob(id: string): CrawlJob | undefined {
    const row = this.sql('SELECT * FROM crawl_jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? this.toJob(row) : undefined;
  }

  requireJob(id: string): CrawlJob {
    const job = this.getJob(id);
    if (!job) throw new CiteboxError('NOT_FOUND', `No crawl job ${id}`);
    return job;
  }

  listJobs(limit = 50): CrawlJob[] {
    const rows = this.sql('SELECT * FROM crawl_jobs ORDER BY created_at DESC, rowid DESC LIMIT ?').all(
      limit,
    ) as unknown as JobRow[];
    return rows.map((r) => this.toJob(r));
  }

  jobPhase(id: string): JobPhase {
    const row = this.sql('SELECT phase FROM crawl_jobs WHERE id = ?').get(id) as
      | { phase: JobPhase }
      | undefined;
    return row?.phase ?? 'crawl';
  }

  sitemapsDone(id: string): boolean {
    const row = this.sql('SELECT sitemaps_done FROM crawl_jobs WHERE id = ?').get(id) as
      | { sitemaps_done: number }
      | undefined;
    return row?.sitemaps_done === 1;
  }

  setSitemapsDone(id: string): void {
    this.sql('UPDATE crawl_jobs SET sitemaps_done = 1 WHERE id = ?').run(id);
  }

  setPhase(id: string, phase: JobPhase): void {
    this.sql('UPDATE crawl_jobs SET phase = ? WHERE id = ?').run(phase, id);
  }

  /** An unfinished job with exactly these seeds and options (what `citebox crawl` resumes). */
  findUnfinished(seeds: readonly string[], options: CrawlOptions): CrawlJob | undefined {
    const row = this.sql(
      `SELECT * FROM crawl_jobs WHERE status IN ('queued', 'running') AND seeds = ? AND options = ? ORDER BY created_at DESC LIMIT 1`,
    ).get(JSON.stringify(seeds), JSON.stringify(options)) as JobRow | undefined;
    return row ? this.toJob(row) : undefined;
  }

  /**
   * Unfinished jobs of `origin` whose runner is gone: no heartbeat for `staleMs`, or an owner that
   * `ownerAlive` says is dead (a process on this machine that no longer exists).
   */
  orphanedJobs(
    staleMs: number,
    origin: JobOrigin,
    ownerAlive: (owner: string) => boolean = () => true,
  ): CrawlJob[] {
    const rows = this.sql(
      `SELECT * FROM crawl_jobs WHERE status IN ('queued', 'running') AND origin = ? ORDER BY created_at`,
    ).all(origin) as unknown as JobRow[];
    const cutoff = Date.now() - staleMs;
    return rows
      .filter((r) => !r.owner || !r.heartbeat_at || r.heartbeat_at < cutoff || !ownerAlive(r.owner))
      .map((r) => this.toJob(r));
  }

  /** Takes ownership of a job for a runner; fails when another live runner holds it. */
  claimJob(
    id: string,
    owner: string,
    staleMs: number,
    ownerAlive: (owner: string) => boolean = () => true,
  ): boolean {
    return this.tx(() => {
      const row = this.sql('SELECT * FROM crawl_jobs WHERE id = ?').get(id) as JobRow | undefined;
      if (!row || (row.status !== 'queued' && row.status !== 'running')) return false;
      const live =
        row.owner &&
        row.owner !== owner &&
        row.heartbeat_at &&
        row.heartbeat_at > Date.now() - staleMs &&
        ownerAlive(row.owner);
      if (live) return false;
      this.sql(
        `UPDATE crawl_jobs SET status = 'running', owner = ?, heartbeat_at = ?, started_at = COALESCE(started_at, ?) WHERE id = ?`,
      ).run(owner, Date.now(), new Date().toISOString(), id);
      // Rows a foundation-era runner left in flight go back to the queue.
      this.sql(`UPDATE frontier SET status = 'queued' WHERE job_id = ? AND status = 'fetching'`).run(id);
      return true;
    });
  }

  /** Gives a job up without finishing it (a runner stopping); another process may resume it at once. */
  releaseJob(id: string, owner: string): void {
    this.sql('UPDATE crawl_jobs SET owner = NULL, heartbeat_at = NULL WHERE id = ? AND owner = ?').run(
      id,
      owner,
    );
  }

  heartbeat(id: string, owner: string): void {
    this.sql('UPDATE crawl_jobs SET heartbeat_at = ? WHERE id = ? AND owner = ?').run(Date.now(), id, owner);
  }

  cancelRequested(id: string): boolean {
    const row = this.sql('SELECT cancel_requested FROM crawl_jobs WHERE id = ?').get(id) as
      | { cancel_requested: number }
      | undefined;
    return row?.cancel_requested === 1;
  }

  /** Asks the job's runner (in this or another process) to stop; a job nobody runs stops at once. */
  requestCancel(id: string): CrawlJob {
    const job = this.requireJob(id);
    if (job.status === 'queued' || job.status === 'running') {
      this.sql('UPDATE crawl_jobs SET cancel_requested = 1 WHERE id = ?').run(id);
      if (job.status === 'queued') this.finishJob(id, 'cancelled', null);
    }
    return this.requireJob(id);
  }

  finishJob(id: string, status: Exclude<CrawlStatus, 'queued' | 'running'>, error: string | null): void {
    this.tx(() => {
      // URLs left in the queue were cut by max_pages (done) or by the cancel / failure.
      const left = Number(
        this.sql(
          `UPDATE frontier SET status = 'skipped', reason = ? WHERE job_id = ? AND status IN ('queued', 'fetching')`,
        ).run(status === 'done' ? 'max_pages reached' : status, id).changes,
      );
      this.sql(
        `UPDATE crawl_jobs SET status = ?, error = ?, finished_at = ?, owner = NULL, phase = 'finish', skipped = skipped + ? WHERE id = ?`,
      ).run(status, error, new Date().toISOString(), left, id);
    });
  }

  setDeletionsSuspended(id: string, hosts: readonly string[]): void {
    this.sql('UPDATE crawl_jobs SET deletions_suspended = ? WHERE id = ?').run(
      hosts.length > 0 ? JSON.stringify(hosts) : null,
      id,
    );
  }

  // ---- frontier ----

  /** Recounts a job's counters from its frontier (a runner taking a job over). */
  countJob(jobId: string): JobCounters {
    const rows = this.sql(
      'SELECT status, COUNT(*) AS n, SUM(fetched) AS f FROM frontier WHERE job_id = ? GROUP BY status',
    ).all(jobId) as Array<{ status: string; n: number; f: number | null }>;
    const by = (s: string) => rows.find((r) => r.status === s)?.n ?? 0;
    const deleted = this.sql(
      `SELECT COUNT(*) AS n FROM frontier WHERE job_id = ? AND delete_state = 'done'`,
    ).get(jobId) as { n: number };
    return {
      discovered: rows.reduce((a, r) => a + r.n, 0),
      fetched: rows.reduce((a, r) => a + (r.f ?? 0), 0),
      indexed: by('indexed'),
      skipped: by('skipped'),
      failed: by('failed'),
      unchanged: by('unchanged'),
      deleted: deleted.n,
    };
  }

  /** Per host, the job's URLs whose fetch got an HTTP answer (what `max_pages_per_host` caps). */
  fetchedPerHost(jobId: string): Map<string, number> {
    const rows = this.sql(
      'SELECT host, COUNT(*) AS n FROM frontier WHERE job_id = ? AND fetched = 1 GROUP BY host',
    ).all(jobId) as Array<{ host: string; n: number }>;
    return new Map(rows.map((r) => [r.host, r.n]));
  }

  /** Every URL of a job with its host (to rebuild in-memory guards on resume). */
  forEachUrl(jobId: string, fn: (url: string, host: string) => void): void {
    for (const row of this.sql('SELECT url, host FROM frontier WHERE job_id = ?').iterate(jobId)) {
      const r = row as { url: string; host: string };
      fn(r.url, r.host);
    }
  }

  /**
   * The next queued URLs after (depth, seq), breadth first, each with what is known about it.
   * Runners page through the queue with this instead of asking for one URL at a time.
   */
  nextQueued(jobId: string, afterDepth: number, afterSeq: number, limit: number): FrontierEntry[] {
    const rows = this.sql(
      `SELECT f.seq, f.url, f.fetch_url, f.host, f.depth, f.attempts, f.next_fetch_at,
              u.url AS u_url, u.host AS u_host, u.state, u.indexed_as, u.etag, u.last_modified,
              u.content_hash, u.simhash, u.misses, u.revisit_ms, u.next_visit_at, u.outlinks
       FROM frontier f LEFT JOIN url_state u ON u.url = f.url
       WHERE f.job_id = ? AND f.status = 'queued' AND (f.depth > ? OR (f.depth = ? AND f.seq > ?))
       ORDER BY f.depth, f.seq LIMIT ?`,
    ).all(jobId, afterDepth, afterDepth, afterSeq, limit) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      seq: r['seq'] as number,
      url: r['url'] as string,
      fetchUrl: (r['fetch_url'] as string | null) ?? (r['url'] as string),
      host: r['host'] as string,
      depth: r['depth'] as number,
      attempts: r['attempts'] as number,
      nextFetchAt: r['next_fetch_at'] as number,
      prev:
        r['u_url'] === null || r['u_url'] === undefined
          ? undefined
          : {
              url: r['u_url'] as string,
              host: r['u_host'] as string,
              state: r['state'] as string,
              indexed_as: r['indexed_as'] as string | null,
              etag: r['etag'] as string | null,
              last_modified: r['last_modified'] as string | null,
              content_hash: r['content_hash'] as string | null,
              simhash: r['simhash'] as string | null,
              misses: r['misses'] as number,
              revisit_ms: r['revisit_ms'] as number | null,
              next_visit_at: r['next_visit_at'] as number | null,
              outlinks: r['outlinks'] as string | null,
            },
    }));
  }

  /** The status of a URL in a job, if it is in its frontier. */
  urlStatus(jobId: string, url: string): UrlStatus | undefined {
    const row = this.sql('SELECT status FROM frontier WHERE job_id = ? AND url = ?').get(jobId, url) as
      | { status: UrlStatus }
      | undefined;
    return row?.status;
  }

  private insertUrls(jobId: string, entries: readonly NewUrl[]): NewUrl[] {
    const stmt = this.sql(
      'INSERT OR IGNORE INTO frontier(job_id, url, fetch_url, host, depth, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const added: NewUrl[] = [];
    const now = Date.now();
    for (const e of entries) {
      const fetchUrl = e.fetchUrl !== undefined && e.fetchUrl !== e.url ? e.fetchUrl : null;
      if (Number(stmt.run(jobId, e.url, fetchUrl, e.host, e.depth, now).changes) > 0) added.push(e);
    }
    return added;
  }

  /** Adds URLs outside a runner's batch (sitemaps, the revisit phase). Returns the new ones. */
  enqueue(jobId: string, entries: readonly NewUrl[]): NewUrl[] {
    if (entries.length === 0) return [];
    return this.tx(() => this.insertUrls(jobId, entries));
  }

  /**
   * Commits a runner's batch in one transaction: new URLs, outcomes, retries, URL states, the
   * job's counters and its heartbeat. Returns the URLs that were new to the frontier.
   */
  writeBatch(jobId: string, owner: string, batch: FrontierBatch, counters: JobCounters): NewUrl[] {
    return this.tx(() => {
      const added = this.insertUrls(jobId, batch.enqueue);
      counters.discovered += added.length;
      const now = Date.now();
      const outcome = this.sql(
        `UPDATE frontier SET status = ?, reason = ?, http_status = ?, content_hash = ?, etag = ?, last_modified = ?,
           fetched = ?, delete_url = ?, delete_state = ?, updated_at = ?
         WHERE job_id = ? AND url = ?`,
      );
      const write = (o: UrlOutcome) =>
        outcome.run(
          o.status,
          o.reason ?? null,
          o.httpStatus ?? null,
          o.contentHash ?? null,
          o.etag ?? null,
          o.lastModified ?? null,
          o.fetched ? 1 : 0,
          o.deleteUrl ?? null,
          o.deleteUrl ? 'pending' : null,
          now,
          jobId,
          o.url,
        );
      for (const o of batch.outcomes) write(o);
      const resolve = this.sql(
        `INSERT INTO frontier(job_id, url, host, depth, status, reason, content_hash, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)
         ON CONFLICT(job_id, url) DO UPDATE SET status = excluded.status, reason = excluded.reason,
           content_hash = excluded.content_hash, updated_at = excluded.updated_at WHERE frontier.status = 'queued'`,
      );
      for (const o of batch.resolved) {
        const before = this.sql('SELECT status FROM frontier WHERE job_id = ? AND url = ?').get(
          jobId,
          o.url,
        ) as { status: string } | undefined;
        resolve.run(
          jobId,
          o.url,
          new URL(o.url).hostname,
          o.status,
          o.reason ?? null,
          o.contentHash ?? null,
          now,
        );
        if (!before) counters.discovered++;
        if (!before || before.status === 'queued') {
          if (o.status === 'indexed') counters.indexed++;
          else if (o.status === 'skipped') counters.skipped++;
        }
      }
      const retry = this.sql(
        `UPDATE frontier SET attempts = ?, next_fetch_at = ?, reason = ?, updated_at = ? WHERE job_id = ? AND url = ?`,
      );
      for (const r of batch.retries) retry.run(r.attempts, r.nextFetchAt, r.reason, now, jobId, r.url);
      for (const s of batch.states) this.writeState(s, now);
      this.sql(
        `UPDATE crawl_jobs SET discovered = ?, fetched = ?, indexed = ?, skipped = ?, failed = ?, unchanged = ?, deleted = ?,
           heartbeat_at = ? WHERE id = ? AND owner = ?`,
      ).run(
        counters.discovered,
        counters.fetched,
        counters.indexed,
        counters.skipped,
        counters.failed,
        counters.unchanged,
        counters.deleted,
        now,
        jobId,
        owner,
      );
      return added;
    });
  }

  private writeState(s: UrlStateWrite, now: number): void {
    this.sql(
      `INSERT INTO url_state(url, host, state, indexed_as, etag, last_modified, content_hash, simhash, http_status, misses,
         duplicate_of, last_fetched_at, last_changed_at, revisit_ms, next_visit_at, outlinks, fetch_url, updated_at)
       VALUES ($url, $host, $state, $indexed_as, $etag, $last_modified, $content_hash, $simhash, $http_status, $misses,
         $duplicate_of, $now, $changed_at, $revisit_ms, $next_visit_at, $outlinks, $fetch_url, $now)
       ON CONFLICT(url) DO UPDATE SET host = excluded.host, state = excluded.state, indexed_as = excluded.indexed_as,
         etag = excluded.etag, last_modified = excluded.last_modified, content_hash = excluded.content_hash,
         simhash = excluded.simhash, http_status = excluded.http_status, misses = excluded.misses,
         duplicate_of = excluded.duplicate_of, last_fetched_at = excluded.last_fetched_at,
         last_changed_at = COALESCE(excluded.last_changed_at, url_state.last_changed_at),
         revisit_ms = excluded.revisit_ms, next_visit_at = excluded.next_visit_at,
         outlinks = COALESCE(excluded.outlinks, url_state.outlinks),
         fetch_url = COALESCE(excluded.fetch_url, url_state.fetch_url), updated_at = excluded.updated_at`,
    ).run({
      url: s.url,
      host: s.host,
      state: s.state,
      indexed_as: s.indexed_as,
      etag: s.etag,
      last_modified: s.last_modified,
      content_hash: s.content_hash,
      simhash: s.simhash,
      http_status: s.http_status ?? null,
      misses: s.misses ?? 0,
      duplicate_of: s.duplicate_of ?? null,
      now,
      changed_at: s.changed ? now : null,
      revisit_ms: s.revisit_ms ?? null,
      next_visit_at: s.next_visit_at ?? null,
      outlinks: s.outlinks ?? null,
      fetch_url: s.fetch_url !== undefined && s.fetch_url !== s.url ? s.fetch_url : null,
    });
  }

  // ---- what is known across crawls ----

  urlState(url: string): UrlState | undefined {
    return this.sql(
      `SELECT url, host, state, indexed_as, etag, last_modified, content_hash, simhash, misses, revisit_ms, next_visit_at, outlinks
       FROM url_state WHERE url = ?`,
    ).get(url) as UrlState | undefined;
  }

  /** Another indexed URL whose main text has this hash (an exact duplicate), if any. */
  indexedWithHash(hash: string, exceptUrl: string): string | undefined {
    const row = this.sql(
      `SELECT indexed_as FROM url_state WHERE content_hash = ? AND state = 'indexed' AND indexed_as IS NOT NULL AND indexed_as != ? LIMIT 1`,
    ).get(hash, exceptUrl) as { indexed_as: string } | undefined;
    return row?.indexed_as;
  }

  /** SimHashes of a host's indexed pages, by the URL they are indexed under. */
  simhashesOfHost(host: string, fn: (indexedAs: string, simhash: string) => void): void {
    for (const row of this.sql(
      `SELECT indexed_as, simhash FROM url_state WHERE host = ? AND state = 'indexed' AND simhash IS NOT NULL AND indexed_as IS NOT NULL`,
    ).iterate(host)) {
      const r = row as { indexed_as: string; simhash: string };
      fn(r.indexed_as, r.simhash);
    }
  }

  /** Hosts Citebox knows pages of. */
  knownHosts(): string[] {
    return (this.sql('SELECT DISTINCT host FROM url_state').all() as Array<{ host: string }>).map(
      (r) => r.host,
    );
  }

  /** URLs of a host that are (or may still be) in the index, most overdue first. */
  *revisitRows(host: string): Generator<{ url: string; fetchUrl: string | undefined }> {
    for (const row of this.sql(
      `SELECT url, fetch_url FROM url_state WHERE host = ? AND state IN ('indexed', 'missing')
       ORDER BY COALESCE(next_visit_at, 0), url`,
    ).iterate(host)) {
      const r = row as { url: string; fetch_url: string | null };
      yield { url: r.url, fetchUrl: r.fetch_url ?? undefined };
    }
  }

  /**
   * URLs of a host that are (or may still be) in the index, most overdue first: what a revisit
   * pass re-checks. `fn` returns false to stop.
   */
  revisitCandidates(host: string, fn: (url: string, fetchUrl: string | undefined) => boolean): void {
    for (const row of this.sql(
      `SELECT url, fetch_url FROM url_state WHERE host = ? AND state IN ('indexed', 'missing')
       ORDER BY COALESCE(next_visit_at, 0), url`,
    ).iterate(host)) {
      const r = row as { url: string; fetch_url: string | null };
      if (!fn(r.url, r.fetch_url ?? undefined)) break;
    }
  }

  // ---- deletions ----

  pendingDeletions(jobId: string): PendingDeletion[] {
    return (
      this.sql(
        `SELECT seq, url, host, delete_url FROM frontier WHERE job_id = ? AND delete_state IN ('pending', 'suspended')`,
      ).all(jobId) as Array<{ seq: number; url: string; host: string; delete_url: string }>
    ).map((r) => ({ key: String(r.seq), url: r.url, host: r.host, deleteUrl: r.delete_url }));
  }

  markDeletion(seq: number, state: 'done' | 'suspended'): void {
    this.sql('UPDATE frontier SET delete_state = ? WHERE seq = ?').run(state, seq);
  }

  /** Forgets that a URL is indexed (after its page was removed from the index). */
  markRemoved(url: string, state: string): void {
    this.sql(`UPDATE url_state SET state = ?, indexed_as = NULL, updated_at = ? WHERE url = ?`).run(
      state,
      Date.now(),
      url,
    );
  }

  /** Per host of a job: URLs attempted and how many failed, were gone or errored (the outage guard). */
  hostTallies(jobId: string): Map<string, { attempted: number; errors: number }> {
    const rows = this.sql(
      `SELECT host, COUNT(*) AS attempted,
              SUM(CASE WHEN http_status >= 500 OR http_status IN (404, 410) OR (status = 'failed' AND fetched = 0) THEN 1 ELSE 0 END) AS errors
       FROM frontier WHERE job_id = ? AND status IN ('indexed', 'unchanged', 'skipped', 'failed') AND (fetched = 1 OR status = 'failed')
       GROUP BY host`,
    ).all(jobId) as Array<{ host: string; attempted: number; errors: number }>;
    return new Map(rows.map((r) => [r.host, { attempted: r.attempted, errors: r.errors }]));
  }

  /**
   * Why a job's URLs were skipped, most common first, with counts; reasons that name another URL
   * ("duplicate of https://…") are counted together.
   */
  skipReasons(jobId: string, limit = 5): Array<{ reason: string; count: number }> {
    const counts = new Map<string, number>();
    for (const row of this.sql(
      `SELECT reason, COUNT(*) AS n FROM frontier WHERE job_id = ? AND status = 'skipped' AND reason IS NOT NULL GROUP BY reason`,
    ).iterate(jobId)) {
      const r = row as { reason: string; n: number };
      const reason = r.reason.replace(/\s*\b(of|to|via)\s+https?:\/\/\S+.*$/, ' $1 another URL');
      counts.set(reason, (counts.get(reason) ?? 0) + r.n);
    }
    return [...counts]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([reason, count]) => ({ reason, count }));
  }

  /** Reasons of failed URLs, most common first (for a job's failure message). */
  failureReasons(jobId: string, limit = 3): string[] {
    const rows = this.sql(
      `SELECT reason, COUNT(*) AS n FROM frontier WHERE job_id = ? AND status = 'failed' AND reason IS NOT NULL
       GROUP BY reason ORDER BY n DESC LIMIT ?`,
    ).all(jobId, limit) as Array<{ reason: string }>;
    return rows.map((r) => r.reason);
  }

  private toJob(row: JobRow): CrawlJob {
    // Jobs written before the counters existed are counted from their frontier.
    return toJob(row, row.discovered === 0 ? this.countJob(row.id) : row);
  }

  /** A job's URLs with their outcome (tests, diagnostics). */
  frontierOf(
    jobId: string,
  ): Array<{ url: string; status: UrlStatus; reason: string | null; http_status: number | null }> {
    return this.sql(
      'SELECT url, status, reason, http_status FROM frontier WHERE job_id = ? ORDER BY seq',
    ).all(jobId) as Array<{
      url: string;
      status: UrlStatus;
      reason: string | null;
      http_status: number | null;
    }>;
  }
}

function toJob(row: JobRow, counters: JobCounters): CrawlJob {
  return {
    id: row.id,
    status: row.status,
    seeds: JSON.parse(row.seeds) as string[],
    options: JSON.parse(row.options) as CrawlOptions,
    stats: statsOf(counters),
    error: row.error,
    origin: row.origin,
    deletions_suspended: row.deletions_suspended ? (JSON.parse(row.deletions_suspended) as string[]) : [],
    created_at: row.created_at,
    started_at: row.started_at,
    finished_at: row.finished_at,
  };
}
