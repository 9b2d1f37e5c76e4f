// Merging of the full-text index's segments (sqlite-backend.ts wantMerge): many small write
// transactions leave many FTS5 segments; merging them — now, in the background once writes are
// quiet, or when closing — changes no search result and leaves a consistent index.
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import type { SearchHit } from '../../types.js';
import { makePage } from '../backend-contract.testkit.js';
import { tempDirs } from '../temp-dirs.testkit.js';
import { SqliteBackend, type SqliteBackendOptions } from './sqlite-backend.js';

const tempDir = tempDirs('merge');
function tempDb(): string {
  return join(tempDir(), 'index.sqlite');
}

const WORDS = [
  'harbour', 'lighthouse', 'keeper', 'storm', 'tide', 'granite', 'beacon', 'fog', 'signal', 'vessel',
  'anchor', 'reef', 'gull', 'lantern', 'mast', 'rope', 'chart', 'compass', 'island', 'current',
]; // biome-ignore format: a word list

/** A deterministic page: words drawn from WORDS by a small LCG. */
function page(i: number) {
  let x = i * 7919 + 13;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return WORDS[x % WORDS.length] as string;
  };
  const passage = () => Array.from({ length: 24 }, next).join(' ');
  return makePage(`https://sea.example/p${i}`, [passage(), passage()], { title: `${next()} ${next()}` });
}

const QUERIES = ['lighthouse keeper', 'storm tide', 'granite reef beacon', 'fog', 'compass chart island'];

async function results(backend: SqliteBackend): Promise<Array<Array<[string, number]>>> {
  const out: Array<Array<[string, number]>> = [];
  for (const text of QUERIES) {
    const hits: SearchHit[] = await backend.search({ text, limit: 10, maxPerPage: 2 });
    out.push(hits.map((h) => [h.passage.id, h.score]));
  }
  return out;
}

/** Writes `pages` pages, `perBatch` a transaction (each leaves at least one FTS5 segment). */
async function fill(backend: SqliteBackend, pages: number, perBatch: number, from = 0): Promise<void> {
  for (let i = from; i < from + pages; i += perBatch) {
    await backend.replacePages(Array.from({ length: perBatch }, (_, j) => page(i + j)));
  }
}

function integrityCheck(path: string): void {
  const db = new DatabaseSync(path);
  try {
    // Throws (SQLITE_CORRUPT_VTAB) when the index's segments disagree with themselves.
    db.exec(`INSERT INTO passages_fts(passages_fts, rank) VALUES ('integrity-check', 0)`);
  } finally {
    db.close();
  }
}

/** Waits (up to 10 s) until the backend's background merge finds nothing left to merge. */
async function waitMerged(backend: SqliteBackend): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (backend.mergeStats().pending && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function open(path: string, options: Partial<SqliteBackendOptions> = {}): Promise<SqliteBackend> {
  const backend = new SqliteBackend({
    path,
    logger: silentLogger(),
    mergeIdleMs: 0,
    closeMergeMs: 0,
    ...options,
  });
  await backend.open();
  return backend;
}

describe('merging the full-text index segments', () => {
  it('optimize() merges many segments into one and changes no result', async () => {
    const path = tempDb();
    const backend = await open(path);
    await fill(backend, 300, 3);
    const before = await results(backend);
    expect(before.every((r) => r.length > 0)).toBe(true);
    expect(backend.mergeStats()).toMatchObject({ steps: 0, pending: true });
    await backend.optimize();
    const merged = backend.mergeStats();
    expect(merged.steps).toBeGreaterThan(0);
    expect(merged.pending).toBe(false);
    expect(await results(backend)).toEqual(before);
    // Nothing left: a second optimize does no merging.
    await backend.optimize();
    expect(backend.mergeStats().steps).toBe(merged.steps);
    await backend.close();
    integrityCheck(path);
  });

  it('merges in the background once writes have been quiet, and again after later writes', async () => {
    const path = tempDb();
    const reference = await open(tempDb());
    const backend = await open(path, { mergeIdleMs: 40 });
    await fill(reference, 200, 200);
    await fill(backend, 200, 2);
    await waitMerged(backend);
    const first = backend.mergeStats();
    expect(first.pending).toBe(false);
    expect(first.steps).toBeGreaterThan(0);
    // Same results as an index written in one transaction (scores included).
    expect(await results(backend)).toEqual(await results(reference));
    await fill(backend, 60, 2, 200);
    await fill(reference, 60, 60, 200);
    expect(backend.mergeStats().pending).toBe(true);
    await waitMerged(backend);
    expect(backend.mergeStats().steps).toBeGreaterThan(first.steps);
    expect(await results(backend)).toEqual(await results(reference));
    await backend.close();
    await reference.close();
    integrityCheck(path);
  });

  it('keeps the index whole and its rankings right when writes come while it merges', async () => {
    const path = tempDb();
    const reference = await open(tempDb());
    const backend = await open(path, { mergeIdleMs: 1 });
    // Writes keep coming while the timer fires, so merge steps and writes interleave. (That a write
    // also stops the merge under way is not observed here: these indexes merge in one step.)
    for (let i = 0; i < 300; i += 3) {
      await backend.replacePages([page(i), page(i + 1), page(i + 2)]);
      await new Promise((resolve) => setTimeout(resolve, i % 30 === 0 ? 3 : 0));
    }
    await fill(reference, 300, 300);
    await waitMerged(backend);
    expect(backend.mergeStats().pending).toBe(false);
    expect(await results(backend)).toEqual(await results(reference));
    await backend.close();
    await reference.close();
    integrityCheck(path);
  });

  it('close() merges what is left within its time, so the next process finds one segment', async () => {
    const path = tempDb();
    const writer = await open(path, { closeMergeMs: 5_000 });
    await fill(writer, 150, 3);
    await writer.close();
    expect(writer.mergeStats().steps).toBeGreaterThan(0);
    expect(writer.mergeStats().pending).toBe(false);
    const next = await open(path);
    await next.optimize();
    expect(next.mergeStats().steps).toBe(0);
    await next.close();
    integrityCheck(path);
  });

  it('a new process merges what an earlier one left (closed without merging)', async () => {
    const path = tempDb();
    const writer = await open(path);
    await fill(writer, 150, 3);
    const before = await results(writer);
    await writer.close();
    expect(writer.mergeStats().steps).toBe(0);
    const next = await open(path, { mergeIdleMs: 20 });
    await waitMerged(next);
    expect(next.mergeStats().steps).toBeGreaterThan(0);
    expect(await results(next)).toEqual(before);
    await next.close();
    integrityCheck(path);
  });
});
