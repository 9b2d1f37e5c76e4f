// Temporary directories for tests that write an index, removed after the tests that made them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/**
 * A maker of fresh directories (`citebox-<prefix>-…` in the system temp folder), all removed after
 * the tests of the file or `describe` block that calls this.
 */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), `citebox-${prefix}-`));
    dirs.push(dir);
    return dir;
  };
}
