// `citebox serve` with CITEBOX_WORKERS=2 (node:cluster): two server processes share the port, both
// answer searches from the one index, only the first indexes the docs, and SIGTERM to the primary
// ends an in-flight answer stream with a final event in whichever worker holds it; every process
// exits and the primary exits 0. The workers share a search-result cache file, which the primary
// removes when it stops.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { getFresh } from '../../scripts/lib/fresh-get.js';
import { listeningSocketsOf } from '../helpers/listening-sockets.js';
import { parseSse } from './helpers.js';
import { ROOT, type Spawned, spawnServer } from './server-process.js';
import { type SlowLlm, startSlowLlm } from './slow-llm.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('citebox serve with two workers', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-workers-'));
  let llm: SlowLlm | undefined;
  let server: Spawned | undefined;
  afterAll(async () => {
    server?.child.kill('SIGKILL');
    await llm?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves from both processes and shuts down gracefully on SIGTERM', async () => {
    llm = await startSlowLlm({
      chunk: 'Crawl it with the crawl command [1]. ',
      chunks: 200,
      intervalMs: 100,
    });
    server = await spawnServer(
      {
        PORT: '0',
        HOST: '127.0.0.1',
        CITEBOX_DATA_DIR: dataDir,
        CITEBOX_BOOTSTRAP_DOCS: 'true',
        CITEBOX_WORKERS: '2',
        LLM_BASE_URL: llm.url,
        LLM_MODEL: 'slow',
        CITEBOX_SHUTDOWN_GRACE_MS: '700',
        CITEBOX_ACCEPT_SOCKETS: '3',
        LOG_LEVEL: 'info',
      },
      { startTimeoutMs: 60_000, strictJson: true },
    );
    const { url } = server;
    const primary = server.logs.find((l) => l['msg'] === 'Citebox is listening');
    // On Linux each worker listens with a socket of its own (SO_REUSEPORT; CITEBOX_WORKERS_BALANCE).
    expect(primary).toMatchObject({
      workers: 2,
      url,
      balance: process.platform === 'linux' ? 'kernel' : 'primary',
    });
    const workerPids = (primary?.['pids'] ?? []) as number[];
    expect(new Set(workerPids).size).toBe(2);
    if (process.platform === 'linux') {
      // Each worker listens with sockets of its own (CITEBOX_ACCEPT_SOCKETS of them); the primary
      // holds none (it hands out nothing).
      const port = Number(new URL(url).port);
      const primaryPid = server.child.pid as number;
      expect(listeningSocketsOf(primaryPid, port)).toBe(0);
      for (const pid of workerPids) expect(listeningSocketsOf(pid, port)).toBe(3);
    }
    // Only the first worker indexed the docs.
    expect(server.logs.filter((l) => l['msg'] === 'indexed Citebox documentation')).toHaveLength(1);

    // New connections go to both workers; each answers a search from the shared index.
    const answeredBy = new Set<string>();
    // (The kernel spreads connections by address: 24 fresh ones all reaching one worker is a 1 in 8
    // million chance.)
    for (let i = 0; i < 24 && answeredBy.size < 2; i++) {
      const metrics = await getFresh(`${url}/metrics`);
      const pid = /^citebox_server_process\{[^}]*pid="(\d+)"/m.exec(metrics.body)?.[1];
      if (pid) answeredBy.add(pid);
    }
    for (let i = 0; i < 4; i++) {
      const res = await getFresh(`${url}/v1/search?q=crawl`);
      expect(res.status).toBe(200);
      expect((JSON.parse(res.body) as { results: unknown[] }).results.length).toBeGreaterThan(0);
    }
    expect([...answeredBy].map(Number).sort()).toEqual([...workerPids].sort());
    // A second server on the same port is refused (EADDRINUSE), not given a share of the connections.
    const second = spawn(process.execPath, [join(ROOT, 'bin', 'citebox.js'), 'serve'], {
      cwd: ROOT,
      env: {
        PATH: process.env['PATH'] ?? '',
        HOME: process.env['HOME'] ?? '',
        PORT: new URL(url).port,
        HOST: '127.0.0.1',
        CITEBOX_DATA_DIR: join(dataDir, 'second-server'),
        CITEBOX_BOOTSTRAP_DOCS: 'false',
        CITEBOX_WORKERS: '2',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let secondOutput = '';
    second.stdout?.on('data', (c: Buffer) => (secondOutput += c.toString('utf8')));
    second.stderr?.on('data', (c: Buffer) => (secondOutput += c.toString('utf8')));
    const secondExit = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(secondExit).not.toBe(0);
    expect(secondOutput).toMatch(/EADDRINUSE/);
    expect(secondOutput).not.toMatch(/Citebox is listening/);

    // The workers share their search results through a file named after the primary.
    const sharedCache = join(dataDir, 'search-cache', `${server.child.pid}.sqlite`);
    const store = new DatabaseSync(sharedCache, { readOnly: true });
    expect((store.prepare('SELECT count(*) AS n FROM results').get() as { n: number }).n).toBeGreaterThan(0);
    store.close();

    // An answer stream in flight when the primary is told to stop.
    const res = await fetch(`${url}/v1/answer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'How do I crawl my site with Citebox?', stream: true, mode: 'llm' }),
    });
    expect(res.status).toBe(200);
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no body');
    const decoder = new TextDecoder();
    let text = '';
    while (!/event: delta/.test(text)) {
      const chunk = await reader.read();
      if (chunk.done) throw new Error(`stream ended early: ${text}`);
      text += decoder.decode(chunk.value, { stream: true });
    }
    server.child.kill('SIGTERM');
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    const events = parseSse(text);
    expect(events.at(-1)?.event).toBe('error');
    expect(JSON.parse(events.at(-1)?.data ?? '{}')).toMatchObject({ error: { code: 'SHUTTING_DOWN' } });

    expect(await server.exit).toBe(0);
    expect(server.logs.filter((l) => l['msg'] === 'server stopped').length).toBe(3);
    expect(server.logs.find((l) => l['msg'] === 'server stopped' && l['ok'] !== undefined)).toMatchObject({
      ok: true,
      workers: 2,
    });
    for (const pid of workerPids) expect(alive(pid)).toBe(false);
    // The primary removed the shared cache file.
    expect(readdirSync(join(dataDir, 'search-cache'))).toEqual([]);
  });
});
