// Test configuration: a fresh data directory, private networks allowed (test sites are on
// 127.0.0.1), no crawl delay, quiet logs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Config, loadConfig } from '../../services/index.js';

export interface TestEnv {
  readonly config: Config;
  readonly dataDir: string;
  cleanup(): void;
}

export function testConfig(env: Record<string, string> = {}): TestEnv {
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-test-'));
  const config = loadConfig({
    PORT: '0',
    CITEBOX_DATA_DIR: dataDir,
    CITEBOX_ALLOW_PRIVATE_NETWORKS: 'true',
    CITEBOX_CRAWL_DELAY_MS: '0',
    CITEBOX_BOOTSTRAP_DOCS: 'false',
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'silent',
    ...env,
  });
  return { config, dataDir, cleanup: () => rmSync(dataDir, { recursive: true, force: true }) };
}
