import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { defineBackendContract, makePage } from '../backend-contract.testkit.js';
import { SqliteBackend } from './sqlite-backend.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'citebox-sqlite-'));
  dirs.push(dir);
  return join(dir, 'index.sqlite');
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

defineBackendContract('sqlite', async () => new SqliteBackend({ path: tempDb(), logger: silentLogger() }));

describe('sqlite backend specifics', () => {
  it('lets a second connection read what the first wrote (WAL, CLI + server)', async () => {
    const path = tempDb();
    const writer = new SqliteBackend({ path, logger: silentLogger() });
    const reader = new SqliteBackend({ path, logger: silentLogger() });
    await writer.open();
    await reader.open();
    await writer.replacePages([makePage('https://a.example/shared', ['shared lighthouse keepers'])]);
    const hits = await reader.search({ text: 'lighthouse', limit: 3 });
    expect(hits).toHaveLength(1);
    await writer.close();
    await reader.close();
  });

  it('weights title matches above body matches', async () => {
    const backend = new SqliteBackend({ path: tempDb(), logger: silentLogger() });
    await backend.open();
    await backend.replacePages([
      makePage(
        'https://a.example/body',
        ['this page mentions volcanoes once among many other words about geography'],
        {
          title: 'Geography',
        },
      ),
      makePage('https://a.example/title', ['this page is about mountains and other words about geography'], {
        title: 'Volcanoes',
      }),
    ]);
    const hits = await backend.search({ text: 'volcanoes', limit: 2 });
    expect(hits[0]?.passage.url).toBe('https://a.example/title');
    await backend.close();
  });
});
