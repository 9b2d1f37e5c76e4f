/**
 * Real OpenSearch 2.19 for tests: starts the embedded single-node launcher in ./opensearch/ (a Java 17
 * program, built with Maven on first use) and hands back its URL.
 *
 *   const os = await startOpenSearch();   // { url: 'http://127.0.0.1:PORT', stop() }
 *   ...
 *   await os.stop();
 *
 * Never skips: if Java/Maven are missing or the node does not come up in time, it throws with the tail of
 * the launcher's output. Run as a script to get a node by hand (Ctrl-C stops it):
 *
 *   node test/engines/opensearch.ts [--data DIR]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface StartOpenSearchOptions {
  /** path.data for the node; kept on stop(). Default: inside the temp home, removed on stop(). */
  dataDir?: string;
  /** How long to wait for the node to be ready once the JVM is launched. Default 180 000 ms. */
  timeoutMs?: number;
  /** Receives every line the launcher (and the Maven build, if one runs) prints. */
  log?: (line: string) => void;
  /** Extra node settings (`-E key=value`), e.g. smaller thread pool queues. */
  settings?: Record<string, string | number | boolean>;
}

export interface RunningOpenSearch {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  /** SIGTERM, then SIGKILL after 10 s; removes the temp home. Safe to call more than once. */
  stop(): Promise<void>;
  /** SIGKILL, as a crash would do (the node is down once it resolves); stop() still cleans up. */
  kill(): Promise<void>;
}

const READY_PREFIX = 'OPENSEARCH_READY ';
const DEFAULT_TIMEOUT_MS = 180_000;
const BUILD_TIMEOUT_MS = 600_000;
const STOP_GRACE_MS = 10_000;
const TAIL_LINES = 50;
const JAR_NAME = 'citebox-opensearch.jar';

/** The Maven project next to this file (falls back to the repo layout when this file runs from elsewhere). */
export function launcherDir(): string {
  const here = join(dirname(fileURLToPath(import.meta.url)), 'opensearch');
  if (existsSync(join(here, 'pom.xml'))) return here;
  const fromCwd = resolve(process.cwd(), 'test', 'engines', 'opensearch');
  if (existsSync(join(fromCwd, 'pom.xml'))) return fromCwd;
  throw new Error(`OpenSearch launcher not found (looked in ${here} and ${fromCwd})`);
}

export async function startOpenSearch(opts: StartOpenSearchOptions = {}): Promise<RunningOpenSearch> {
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const dir = launcherDir();
  await ensureBuilt(dir, log);

  const home = await mkdtemp(join(tmpdir(), 'citebox-opensearch-'));
  const args = [
    '-Xms512m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    '-XX:+DisplayVMOutputToStderr',
    '-jar',
    join(dir, 'target', JAR_NAME),
    '--home',
    home,
    // The JVM deletes the home itself too, so it is cleaned up even if this process is SIGKILLed.
    '--delete-home-on-exit',
  ];
  if (opts.dataDir !== undefined) args.push('--data', resolve(opts.dataDir));
  for (const [key, value] of Object.entries(opts.settings ?? {})) args.push('-E', `${key}=${value}`);

  const tail = new LineTail(TAIL_LINES);
  const child = spawn(javaCommand(), args, { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'] });
  // If this process dies without calling stop(), don't leave a JVM or a temp dir behind.
  const onExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(home, { recursive: true, force: true });
  };
  process.once('exit', onExit);

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolveExit) => {
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
      child.once('error', (error) => resolveExit({ code: null, signal: null, error }));
    },
  );

  createInterface({ input: child.stderr }).on('line', (line) => {
    tail.push(line);
    log(line);
  });

  const ready = new Promise<string>((resolveReady) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith(READY_PREFIX)) {
        resolveReady(line.slice(READY_PREFIX.length).trim());
      } else {
        tail.push(line);
        log(line);
      }
    });
  });

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await terminate(child, exited);
      process.removeListener('exit', onExit);
      await rm(home, { recursive: true, force: true });
    })();
    return stopping;
  };

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout('timeout'), timeoutMs);
  });

  const outcome = await Promise.race([
    ready.then((url) => ({ kind: 'ready' as const, url })),
    exited.then((exit) => ({ kind: 'exited' as const, exit })),
    timedOut.then(() => ({ kind: 'timeout' as const })),
  ]);
  clearTimeout(timer);

  if (outcome.kind === 'ready') {
    const kill = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    };
    return { url: outcome.url, stop, kill };
  }

  await stop();
  // Give the readline interfaces a moment to flush the last lines before we report them.
  await new Promise((r) => setTimeout(r, 50));
  let why: string;
  if (outcome.kind === 'timeout') {
    why = `did not report ready within ${timeoutMs} ms`;
  } else if (outcome.exit.error) {
    why = `could not be launched (${javaCommand()}): ${outcome.exit.error.message}`;
  } else {
    why = `exited early (code ${outcome.exit.code}, signal ${outcome.exit.signal})`;
  }
  throw new Error(
    `Embedded OpenSearch ${why}.\n--- last ${TAIL_LINES} lines of its output ---\n${tail.text() || '(none)'}`,
  );
}

async function terminate(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    await Promise.race([exited, sleep(100)]);
    return;
  }
  child.kill('SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (!graceful) {
    child.kill('SIGKILL');
    await exited;
  }
}

function javaCommand(): string {
  const explicit = process.env['CITEBOX_JAVA'];
  if (explicit) return explicit;
  const javaHome = process.env['JAVA_HOME'];
  if (javaHome && existsSync(join(javaHome, 'bin', 'java'))) return join(javaHome, 'bin', 'java');
  return 'java';
}

/** Builds target/ with Maven unless the jar and its lib/ are newer than pom.xml and everything in src/. */
async function ensureBuilt(dir: string, log: (line: string) => void): Promise<void> {
  if (!(await needsBuild(dir))) return;
  // Several test workers may start engines at once: one builds, the others wait for it.
  const lock = join(
    tmpdir(),
    `citebox-opensearch-build-${createHash('sha1').update(dir).digest('hex')}.lock`,
  );
  await acquireLock(lock);
  try {
    if (!(await needsBuild(dir))) return;
    log(`[opensearch] building launcher in ${dir} (mvn package)`);
    await runMaven(dir, log);
    if (await needsBuild(dir)) throw new Error(`mvn package in ${dir} did not produce target/${JAR_NAME}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

async function needsBuild(dir: string): Promise<boolean> {
  const jar = join(dir, 'target', JAR_NAME);
  const lib = join(dir, 'target', 'lib');
  if (!existsSync(jar) || !existsSync(lib)) return true;
  if ((await readdir(lib)).length === 0) return true;
  const built = (await stat(jar)).mtimeMs;
  const sources = [join(dir, 'pom.xml'), ...(await listFiles(join(dir, 'src')))];
  for (const file of sources) {
    if ((await stat(file)).mtimeMs > built) return true;
  }
  return false;
}

async function listFiles(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    const full = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full)));
    else out.push(full);
  }
  return out;
}

async function acquireLock(lock: string): Promise<void> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than the build timeout was left by a killed build.
      try {
        if (Date.now() - statSync(lock).mtimeMs > BUILD_TIMEOUT_MS)
          rmSync(lock, { recursive: true, force: true });
      } catch {
        // it just went away: retry
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the OpenSearch build lock ${lock}`);
      await sleep(500);
    }
  }
}

function runMaven(dir: string, log: (line: string) => void): Promise<void> {
  const tail = new LineTail(TAIL_LINES);
  const mvn = process.env['CITEBOX_MVN'] || 'mvn';
  return new Promise((resolveBuild, rejectBuild) => {
    const child = spawn(mvn, ['-q', '-B', '-Dstyle.color=never', 'package', '-DskipTests'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onLine = (raw: string): void => {
      // Maven prints bare ANSI resets even with -q; drop lines that are empty without them.
      const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
      if (line.trim() === '') return;
      tail.push(line);
      log(line);
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      rejectBuild(new Error(`could not run ${mvn} to build the OpenSearch launcher: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolveBuild();
      else
        rejectBuild(
          new Error(
            `${mvn} package in ${dir} failed (code ${code}, signal ${signal}).\n` +
              `--- last ${TAIL_LINES} lines ---\n${tail.text() || '(none)'}`,
          ),
        );
    });
  });
}

class LineTail {
  private readonly lines: string[] = [];
  private readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function main(argv: string[]): Promise<void> {
  const dataFlag = argv.indexOf('--data');
  const dataDir = dataFlag >= 0 ? argv[dataFlag + 1] : undefined;
  const started = Date.now();
  const os = await startOpenSearch({
    ...(dataDir !== undefined ? { dataDir } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(
    `OpenSearch ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C to stop\n`,
  );
  process.stdout.write(`${os.url}\n`);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    os.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
