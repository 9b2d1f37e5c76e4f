// Where and how the command line's processes write their logs: readable lines (pino-pretty) when a
// person watches the terminal, JSON lines for everything else (log collectors, pipes, files).
// LOG_FORMAT overrides the guess.
import { type DestinationStream, pino } from 'pino';
import pinoPretty from 'pino-pretty';
import type { Config } from '../services/index.js';

/** Whether logs written to a stream are readable text rather than JSON. Pure. */
export function prettyLogs(format: Config['logFormat'], isTTY: boolean | undefined): boolean {
  return format === 'pretty' || (format === 'auto' && isTTY === true);
}

export interface LogOutput {
  readonly destination: DestinationStream;
  /** Writes what is still buffered (at exit); a no-op for synchronous output. */
  flush(): void;
}

/**
 * The destination for logs on a file descriptor. JSON is written asynchronously (a request never
 * waits on its access-log line); readable text is written synchronously, for a person to read.
 */
export function logOutput(format: Config['logFormat'], fd: 1 | 2): LogOutput {
  const stream = fd === 1 ? process.stdout : process.stderr;
  if (prettyLogs(format, stream.isTTY)) {
    const destination = pinoPretty({
      destination: fd,
      sync: true,
      colorize: stream.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service,component',
      messageFormat: '{if component}{component}: {end}{msg}',
      singleLine: true,
    });
    return { destination, flush: () => undefined };
  }
  const destination = pino.destination({ dest: fd, sync: false });
  return { destination, flush: () => destination.flushSync() };
}
