// `citebox reindex` on each real engine: the command rebuilds the index with the current settings
// (here more shards) and reports what it did; on SQLite it explains that nothing is to do.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runReindex } from '../../cli/commands/reindex.js';
import { silentLogger } from '../../services/index.js';
import { makePage } from '../../services/search/backend-contract.testkit.js';
import { testConfig } from '../helpers/config.js';
import { TEST_ENGINES, uniqueAlias } from './engine-helpers.js';

describe('citebox reindex', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function captureOutput() {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
    return { out, err };
  }

  it.each(TEST_ENGINES.map((e) => [e.name, e] as const))(
    'rebuilds the index on %s with new settings behind the same alias',
    async (_name, engine) => {
      const alias = uniqueAlias('cli-reindex');
      const writer = engine.backend({ alias });
      await writer.open();
      await writer.replacePages([makePage('https://c.example/a', ['lighthouses guide ships'])]);
      await writer.refresh();
      await writer.close();
      const env = testConfig({ ...engine.env(alias), CITEBOX_INDEX_SHARDS: '2' });
      const { out } = captureOutput();
      const code = await runReindex(env.config, silentLogger(), { json: true, keepOld: true });
      vi.restoreAllMocks();
      expect(code).toBe(0);
      const report = JSON.parse(out.join('').trim()) as Record<string, unknown>;
      expect(report).toMatchObject({
        from: `${alias}-000001`,
        to: `${alias}-000002`,
        failures: 0,
        deletedOld: false,
      });
      const settings = (await (await fetch(`${engine.url()}/${alias}/_settings`)).json()) as Record<
        string,
        { settings: { index: { number_of_shards: string } } }
      >;
      expect(Object.keys(settings)).toEqual([`${alias}-000002`]);
      expect(settings[`${alias}-000002`]?.settings.index.number_of_shards).toBe('2');
      const reader = engine.backend({ alias });
      await reader.open();
      expect((await reader.search({ text: 'lighthouse', limit: 3 }))[0]?.passage.url).toBe(
        'https://c.example/a',
      );
      await reader.close();
      env.cleanup();
    },
  );

  it('explains that the embedded index needs no reindex', async () => {
    const env = testConfig();
    const { err } = captureOutput();
    const code = await runReindex(env.config, silentLogger(), { json: false, keepOld: false });
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(err.join('')).toMatch(/embedded SQLite index needs none/);
    env.cleanup();
  });
});
