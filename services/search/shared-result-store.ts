// The search-result cache that the processes of one server share (`citebox serve` with
// CITEBOX_WORKERS > 1). Each process keeps its own cache in memory (result-cache.ts); a query
// repeated on another process than the one that answered it first would miss there and be
// searched again. This store, a small SQLite file every process of the server opens, holds the
// compact form of result lists (SearchResultCodec: 16 bytes a hit), so such a repeat costs a read
// of one row instead of a search — as the worker processes of a web server share one cache
// through shared memory or a cache server.
//
// It is only a cache: writes are not synced to disk, a write that finds the file busy (another
// process writing at that moment) is skipped, and any error turns the store off rather than fail
// a search. Entries leave oldest written first once there are more than `maxEntries`; keys carry
// the index generation (result-cache.ts), so entries of an older index are never read again.
// The file lives as long as the server: its primary process makes it and removes it.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Logger } from '../logger.js';
import { processRunning } from '../process.js';

/** Writes between two trims of the oldest entries. */
const TRIM_EVERY = 256;

export class SharedResultStore {
  readonly #db: DatabaseSync;
  readonly #get: StatementSync;
  readonly #put: StatementSync;
  readonly #trim: StatementSync;
  readonly #maxEntries: number;
  readonly #logger: Logger | undefined;
  #writes = 0;
  #broken = false;

  /** Opens (making it if missing) the store at `path`. Throws if the file cannot be opened. */
  constructor(path: string, options: { readonly maxEntries: number; readonly logger?: Logger | undefined }) {
    this.#maxEntries = Math.max(1, Math.floor(options.maxEntries));
    this.#logger = options.logger;
    mkdirSync(dirname(path), { recursive: true });
    const db = new DatabaseSync(path, { timeout: 1000 });
    try {
      // Several processes make it at once: creating the table waits for the one that got there first.
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = OFF');
      db.exec(`CREATE TABLE IF NOT EXISTS results (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        value BLOB NOT NULL
      )`);
      // From now on a busy file is a skipped write, never a wait.
      db.exec('PRAGMA busy_timeout = 0');
      this.#get = db.prepare('SELECT value FROM results WHERE key = ?');
      // A rewritten key gets a new id: it counts as newest.
      this.#put = db.prepare('INSERT OR REPLACE INTO results (key, value) VALUES (?, ?)');
      this.#trim = db.prepare('DELETE FROM results WHERE id <= (SELECT max(id) FROM results) - ?');
    } catch (err) {
      db.close();
      throw err;
    }
    this.#db = db;
  }

  /** The value stored under `key`, if any. */
  get(key: string): Uint8Array | undefined {
    if (this.#broken) return undefined;
    try {
      const row = this.#get.get(key) as { value: Uint8Array } | undefined;
      return row?.value;
    } catch (err) {
      this.#fail(err);
      return undefined;
    }
  }

  /** Stores `value` under `key`, unless another process is writing just now. */
  set(key: string, value: Uint8Array): void {
    if (this.#broken) return;
    try {
      this.#put.run(key, value);
      if (++this.#writes % TRIM_EVERY === 0) this.#trim.run(this.#maxEntries);
    } catch (err) {
      if (isBusy(err)) return;
      this.#fail(err);
    }
  }

  close(): void {
    this.#broken = true;
    try {
      this.#db.close();
    } catch {
      // Closing twice, or a file already gone: nothing to keep.
    }
  }

  #fail(err: unknown): void {
    this.#broken = true;
    this.#logger?.warn({ err }, 'the shared search-result cache failed; going on without it');
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { errcode?: unknown }).errcode;
  // SQLITE_BUSY and its extended codes (the low byte is 5).
  return typeof code === 'number' && (code & 0xff) === 5;
}

/** The folder of shared result stores in a data directory. */
export function sharedResultStoreDir(dataDir: string): string {
  return join(dataDir, 'search-cache');
}

/** The shared result store of the server whose primary process is `pid`. */
export function sharedResultStorePath(dataDir: string, pid: number): string {
  return join(sharedResultStoreDir(dataDir), `${pid}.sqlite`);
}

/**
 * Removes the store of `pid` and stores left by servers no longer running (a primary that was
 * killed could not remove its own). Returns the files removed.
 */
export function removeSharedResultStores(dataDir: string, pid: number): string[] {
  const dir = sharedResultStoreDir(dataDir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = /^(\d+)\.sqlite(?:-wal|-shm|-journal)?$/.exec(name);
    if (!match) continue;
    const owner = Number(match[1]);
    if (owner !== pid && processRunning(owner)) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // A file that cannot be removed (permissions) is left; it is never opened again.
    }
  }
  return removed;
}
