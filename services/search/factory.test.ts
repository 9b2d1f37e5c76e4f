import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { makePage } from './backend-contract.testkit.js';
import { createSearchBackend } from './factory.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';
import { StructureRankedBackend } from './structure-ranking.js';
import { tempDirs } from './temp-dirs.testkit.js';

const tempDir = tempDirs('factory');

/** Passage-cache hits after the same search twice, with CITEBOX_PASSAGE_CACHE_SIZE = `size`. */
async function hitsWith(size: string | undefined): Promise<number> {
  const dir = tempDir();
  const env: Record<string, string> = { CITEBOX_DATA_DIR: dir };
  if (size !== undefined) env.CITEBOX_PASSAGE_CACHE_SIZE = size;
  const backend = createSearchBackend(loadConfig(env), silentLogger());
  // The embedded index, wrapped by the structure ranking every backend gets.
  expect(backend).toBeInstanceOf(StructureRankedBackend);
  const sqlite = (backend as StructureRankedBackend).inner as SqliteBackend;
  expect(sqlite).toBeInstanceOf(SqliteBackend);
  await sqlite.open();
  await sqlite.replacePages([
    makePage('https://a.example/1', ['lighthouse keepers trim the lamp wick at dusk']),
    makePage('https://a.example/2', ['the lighthouse on the reef was automated in 1980']),
  ]);
  await sqlite.search({ text: 'lighthouse lamp', limit: 5 });
  await sqlite.search({ text: 'lighthouse lamp', limit: 5 });
  const { hits } = sqlite.passageCacheStats();
  await sqlite.close();
  return hits;
}

describe('createSearchBackend', () => {
  it('sizes the re-ranker’s passage cache from CITEBOX_PASSAGE_CACHE_SIZE (0 keeps none)', async () => {
    expect(await hitsWith(undefined)).toBeGreaterThan(0);
    expect(await hitsWith('0')).toBe(0);
  });
});
