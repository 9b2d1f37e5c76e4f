// The one place that chooses a search backend from the configuration.
import { join } from 'node:path';
import type { Config } from '../config.js';
import { CiteboxError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { SearchBackend } from './backend.js';
import { SqliteBackend } from './sqlite/sqlite-backend.js';

/** Where the embedded index lives inside the data directory. */
export function sqliteIndexPath(dataDir: string): string {
  return join(dataDir, 'index.sqlite');
}

export function createSearchBackend(config: Config, logger: Logger): SearchBackend {
  switch (config.backend) {
    case 'sqlite':
      return new SqliteBackend({ path: sqliteIndexPath(config.dataDir), logger });
    case 'elasticsearch':
    case 'opensearch':
      throw new CiteboxError(
        'CONFIG_INVALID',
        `CITEBOX_BACKEND=${config.backend} is not available in this build yet`,
      );
  }
}
