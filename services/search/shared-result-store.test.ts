import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { removeSharedResultStores, SharedResultStore, sharedResultStorePath } from './shared-result-store.js';
import { tempDirs } from './temp-dirs.testkit.js';

const tempDir = tempDirs('shared-cache');
const bytes = (...values: number[]) => new Uint8Array(values);

describe('shared result store', () => {
  it('gives one process what another stored', () => {
    const path = sharedResultStorePath(tempDir(), 4242);
    const a = new SharedResultStore(path, { maxEntries: 10 });
    const b = new SharedResultStore(path, { maxEntries: 10 });
    expect(b.get('k')).toBeUndefined();
    a.set('k', bytes(1, 2, 3));
    expect(b.get('k')).toEqual(bytes(1, 2, 3));
    b.set('k', bytes(4));
    expect(a.get('k')).toEqual(bytes(4));
    a.close();
    b.close();
  });

  it('drops the oldest entries once it holds more than maxEntries', () => {
    const store = new SharedResultStore(join(tempDir(), 's.sqlite'), { maxEntries: 10 });
    for (let i = 0; i < 300; i++) store.set(`k${i}`, bytes(i % 256));
    // Trimmed every 256 writes: the first 246 are gone, the newest kept.
    expect(store.get('k0')).toBeUndefined();
    expect(store.get('k245')).toBeUndefined();
    expect(store.get('k246')).toEqual(bytes(246));
    expect(store.get('k299')).toEqual(bytes(299 % 256));
    // Rewriting a key makes it the newest.
    store.set('k246', bytes(7));
    expect(store.get('k246')).toEqual(bytes(7));
    store.close();
  });

  it('skips a write while another process writes, without waiting, and keeps working', () => {
    const path = join(tempDir(), 's.sqlite');
    const store = new SharedResultStore(path, { maxEntries: 10 });
    store.set('before', bytes(1));
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    store.set('during', bytes(2));
    expect(performance.now() - started).toBeLessThan(500);
    // Reads go on (WAL).
    expect(store.get('before')).toEqual(bytes(1));
    other.exec('COMMIT');
    other.close();
    expect(store.get('during')).toBeUndefined();
    store.set('after', bytes(3));
    expect(store.get('after')).toEqual(bytes(3));
    store.close();
  });

  it('turns itself off on an error instead of failing searches', () => {
    const path = join(tempDir(), 's.sqlite');
    const store = new SharedResultStore(path, { maxEntries: 10, logger: silentLogger() });
    store.set('k', bytes(1));
    // Something else breaks the file's table under it.
    const other = new DatabaseSync(path);
    other.exec('DROP TABLE results');
    other.close();
    expect(store.get('k')).toBeUndefined();
    expect(() => store.set('k', bytes(2))).not.toThrow();
    expect(store.get('k')).toBeUndefined();
    store.close();
    store.close();
  });

  it('removes its own server’s file and those of servers no longer running', () => {
    const dataDir = tempDir();
    const dir = join(dataDir, 'search-cache');
    mkdirSync(dir, { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    // Its own server's file goes even though that server (here: a running process) runs.
    const own = process.ppid;
    for (const name of [
      `${own}.sqlite`,
      `${dead}.sqlite`,
      `${dead}.sqlite-wal`,
      `${process.pid}.sqlite`,
      'notes.txt',
    ]) {
      writeFileSync(join(dir, name), '');
    }
    expect(removeSharedResultStores(dataDir, own).sort()).toEqual(
      [`${own}.sqlite`, `${dead}.sqlite`, `${dead}.sqlite-wal`].sort(),
    );
    expect(readdirSync(dir).sort()).toEqual([`${process.pid}.sqlite`, 'notes.txt'].sort());
    expect(removeSharedResultStores(join(dataDir, 'missing'), own)).toEqual([]);
    expect(existsSync(join(dir, `${process.pid}.sqlite`))).toBe(true);
  });
});
