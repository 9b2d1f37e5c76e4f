import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, SETTINGS } from './config.js';

describe('loadConfig', () => {
  it('applies the documented defaults and freezes the result', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.backend).toBe('sqlite');
    expect(config.crawlDelayMs).toBe(1000);
    expect(config.crawlConcurrency).toBe(1);
    expect(config.allowPrivateNetworks).toBe(false);
    expect(config.apiKeys).toEqual([]);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ CITEBOX_BACKEND: 'mysql' }, 'CITEBOX_BACKEND'],
    [{ CITEBOX_ALLOW_PRIVATE_NETWORKS: 'maybe' }, 'CITEBOX_ALLOW_PRIVATE_NETWORKS'],
    [{ LLM_BASE_URL: 'not a url', LLM_MODEL: 'm' }, 'LLM_BASE_URL'],
    [{ LLM_BASE_URL: 'http://localhost:11434/v1' }, 'LLM_MODEL'],
    [{ CITEBOX_BACKEND: 'elasticsearch' }, 'ELASTICSEARCH_URL'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('refuses %o and names %s', (env, variable) => {
    expect(() => loadConfig(env)).toThrow(variable);
  });

  it('reads lists, booleans and the first of alias variables', () => {
    const config = loadConfig({
      CITEBOX_API_KEYS: ' a, b ,,c ',
      CITEBOX_ALLOW_PRIVATE_NETWORKS: 'TRUE',
      OPENAI_API_KEY: 'k',
    });
    expect(config.apiKeys).toEqual(['a', 'b', 'c']);
    expect(config.allowPrivateNetworks).toBe(true);
    expect(config.llmApiKey).toBe('k');
  });

  it('documents every setting in the README table, as the code defines it', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    const table = readme.split('<!-- config-table:start -->')[1]?.split('<!-- config-table:end -->')[0] ?? '';
    const rows = table
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .slice(2)
      .map((line) =>
        line
          .slice(1, -1)
          .split(' | ')
          .map((cell) => cell.trim()),
      );
    // One row per setting (any order): variables, default, meaning.
    const byVariable = (a: string[], b: string[]) => ((a[0] ?? '') < (b[0] ?? '') ? -1 : 1);
    expect(rows.sort(byVariable)).toEqual(
      SETTINGS.map((setting) => [
        setting.env.map((v) => `\`${v}\``).join(', '),
        setting.default === undefined ? '—' : `\`${setting.default}\``,
        setting.doc,
      ]).sort(byVariable),
    );
  });
});
