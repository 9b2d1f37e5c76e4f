// The server as people run it: `npm start` stopped by SIGTERM (a process manager, `kill`) must
// stop the server behind it, and a server started in a terminal writes readable log lines (JSON
// lines when its output is a pipe or a file).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from './server-process.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  // Each command is its own process group: what it started (npm's server) goes with it.
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function serverEnv(): Record<string, string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-process-'));
  dirs.push(dataDir);
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    CITEBOX_DATA_DIR: dataDir,
    CITEBOX_BOOTSTRAP_DOCS: 'false',
    CITEBOX_SHUTDOWN_GRACE_MS: '2000',
  };
}

/** Starts a command and collects its output; `url` resolves with the address the server logs. */
function start(file: string, args: string[], env: Record<string, string>) {
  const child = spawn(file, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.push(child);
  let output = '';
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in: ${output}`)), 45_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((l) => l.includes('Citebox is listening'));
      const m = line ? /"url":"(http:\/\/[^"]+)"/.exec(line) : null;
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exit.then((code) => reject(new Error(`exited with ${code}: ${output}`)));
  });
  return { child, url, exit, output: () => output };
}

async function refused(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return false;
  } catch {
    return true;
  }
}

describe('the server process', () => {
  it('stops when `npm start` is stopped with SIGTERM', { timeout: 90_000 }, async () => {
    const npm = start('npm', ['start'], serverEnv());
    const url = await npm.url;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    npm.child.kill('SIGTERM');
    expect(await npm.exit).toBe(0);
    // The server behind npm is gone too (before the fix it went on serving).
    await expect.poll(() => refused(url), { timeout: 10_000 }).toBe(true);
    expect(npm.output()).toMatch(/"msg":"shutting down"/);
    expect(npm.output()).toMatch(/"msg":"server stopped"/);
  });

  it('writes JSON log lines to a pipe, readable lines to a terminal', { timeout: 90_000 }, async () => {
    const bin = join(ROOT, 'bin', 'citebox.js');
    const piped = start(process.execPath, [bin, 'serve'], serverEnv());
    await piped.url;
    piped.child.kill('SIGTERM');
    expect(await piped.exit).toBe(0);
    const lines = piped.output().trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();

    // A terminal: `script` gives the server a pseudo-terminal as its stdout.
    if (!existsSync('/usr/bin/script')) return;
    const env = serverEnv();
    const command = [
      'env',
      ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
      process.execPath,
      bin,
      'serve',
    ]
      .map((part) => `'${part.replaceAll("'", "'\\''")}'`)
      .join(' ');
    const tty = start('/usr/bin/script', ['-qfec', command, '/dev/null'], env);
    const url = await tty.url;
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    tty.child.kill('SIGTERM');
    await tty.exit;
    const text = tty.output();
    // "[17:06:21.956] INFO: Citebox is listening {"url":…}": time, level and message first.
    expect(text).toMatch(/\[\d\d:\d\d:\d\d\.\d{3}\] \S*INFO\S*: \S*Citebox is listening/);
    expect(text).not.toMatch(/^\{"level":/m);
  });
});
