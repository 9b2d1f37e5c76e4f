// One pino root logger per process; components take `logger.child({ component })`. Keys and
// authorization headers are redacted wherever they appear in a logged object.
import { type DestinationStream, type Logger, pino } from 'pino';
import type { Config } from './config.js';

export type { Logger } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'request.headers.authorization',
  'request.headers["x-api-key"]',
  'request.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'authorization',
  'apiKey',
  'adminKey',
  'apiKeys',
  'llmApiKey',
  '*.apiKey',
  '*.adminKey',
  '*.apiKeys',
  '*.llmApiKey',
];

export function createLogger(config: Pick<Config, 'logLevel'>, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    base: { service: 'citebox' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that drops everything, for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
