// The real server as its own process (`node bin/citebox.js serve`, built by pretest), for tests
// that need signals, exits or several worker processes.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Spawned {
  readonly child: ChildProcess;
  readonly url: string;
  /** Every JSON log line the server wrote to stdout, in order. */
  readonly logs: Array<Record<string, unknown>>;
  readonly exit: Promise<number | null>;
}

export interface SpawnOptions {
  /** How long the server may take to log that it listens (ms). */
  readonly startTimeoutMs: number;
  /** Every stdout line must be a whole JSON log line (a line that is not fails the start). */
  readonly strictJson?: boolean;
}

/** Starts `citebox serve` with only PATH, HOME and `env`; resolves once it listens. */
export async function spawnServer(env: Record<string, string>, options: SpawnOptions): Promise<Spawned> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'citebox.js'), 'serve'], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new Error(`server did not start: ${stderr}`)),
      options.startTimeoutMs,
    );
    child.stdout?.on('data', (c: Buffer) => {
      buffer += c.toString('utf8');
      let nl = buffer.indexOf('\n');
      while (nl >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        nl = buffer.indexOf('\n');
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch (err) {
          if (options.strictJson) throw err;
          continue; // not a log line
        }
        logs.push(entry);
        if (entry['msg'] === 'Citebox is listening') {
          clearTimeout(timer);
          resolve(String(entry['url']));
        }
      }
    });
    void exit.then((code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return { child, url, logs, exit };
}
