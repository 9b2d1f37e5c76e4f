// The public entry point of the shared core. Other folders import only this file.
export * from './answer/index.js';
export {
  type BackendKind,
  CONFIG_FILE_ENV,
  type Config,
  DEFAULT_USER_AGENT,
  hasLlm,
  type LogLevel,
  loadConfig,
  SETTINGS,
  type Setting,
} from './config.js';
export * from './embeddings/index.js';
export * from './errors.js';
export * from './llm/index.js';
export { createLogger, type Logger, REDACT_PATHS, silentLogger } from './logger.js';
export { Metrics } from './metrics.js';
export { processRunning } from './process.js';
export * from './search/index.js';
export * from './text/index.js';
export type * from './types.js';
