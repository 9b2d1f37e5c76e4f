/**
 * Real Elasticsearch 9 for tests: the official server from Maven Central (the integ-test-zip),
 * unpacked with Citebox's test-only plugin into a cache outside the repository by
 * ./elasticsearch/build-home.sh, started as a single node on 127.0.0.1 (as `nobody` when this
 * process is root: Elasticsearch refuses to run as root), and stopped again.
 *
 *   const es = await startElasticsearch();   // { url: 'http://127.0.0.1:PORT', version, stop(), kill() }
 *   ...
 *   await es.stop();
 *
 * Never skips: if no JDK 21+, Maven or the node does not come up in time, it throws with the tail of
 * the output. Run as a script to get a node by hand (Ctrl-C stops it):
 *
 *   node test/engines/elasticsearch.ts
 *
 * Node runs this file directly (type stripping) from the benchmark scripts, and type stripping only
 * resolves `.ts` specifiers, so it imports nothing of ours: the few process helpers it shares in
 * spirit with opensearch.ts are written out here.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The Elasticsearch version the tests run (a 9.x integ-test-zip on Maven Central). */
export const DEFAULT_ELASTICSEARCH_VERSION = '9.5.3';

export interface StartElasticsearchOptions {
  /** Default CITEBOX_TEST_ES_VERSION, else DEFAULT_ELASTICSEARCH_VERSION. */
  version?: string;
  /**
   * With the test plugin (default). false runs the zip as Maven Central has it, without the root
   * endpoint and analysis-common's analyzers: what Citebox's start-up check must name.
   */
  plugin?: boolean;
  /** Heap in MB (-Xms = -Xmx). Default 512. */
  heapMb?: number;
  /** Extra node settings (elasticsearch.yml), e.g. smaller thread pool queues. */
  settings?: Record<string, string | number | boolean>;
  /** How long to wait for the node once it is launched. Default 180 000 ms. */
  timeoutMs?: number;
  /** Receives every line the home build and the node print. */
  log?: (line: string) => void;
}

export interface RunningElasticsearch {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  version: string;
  /** SIGTERM (a clean shutdown), then SIGKILL after 20 s; removes data and logs. Safe to call twice. */
  stop(): Promise<void>;
  /** SIGKILL of the server process, as a crash would do (the node is down once it resolves). */
  kill(): Promise<void>;
}

const DEFAULT_TIMEOUT_MS = 180_000;
const BUILD_TIMEOUT_MS = 600_000;
const STOP_GRACE_MS = 20_000;
const TAIL_LINES = 60;

/**
 * Where unpacked homes are kept: CITEBOX_ENGINE_CACHE, else ~/.cache/citebox; as root
 * /var/cache/citebox instead, because the node runs as `nobody`, which cannot enter /root.
 */
export function engineCacheDir(): string {
  const explicit = process.env['CITEBOX_ENGINE_CACHE'];
  if (explicit) return resolve(explicit);
  if (process.getuid?.() === 0) return '/var/cache/citebox';
  return join(process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache'), 'citebox');
}

/** The folder with build-home.sh and the plugin (falls back to the repo layout from elsewhere). */
export function elasticsearchToolsDir(): string {
  const here = join(dirname(fileURLToPath(import.meta.url)), 'elasticsearch');
  if (existsSync(join(here, 'build-home.sh'))) return here;
  const fromCwd = resolve(process.cwd(), 'test', 'engines', 'elasticsearch');
  if (existsSync(join(fromCwd, 'build-home.sh'))) return fromCwd;
  throw new Error(`Elasticsearch test tools not found (looked in ${here} and ${fromCwd})`);
}

/** A JDK of major 21+: CITEBOX_ES_JAVA_HOME / ES_JAVA_HOME, else the newest in /usr/lib/jvm. */
export function findJdk21(): string {
  const explicit = process.env['CITEBOX_ES_JAVA_HOME'] || process.env['ES_JAVA_HOME'];
  const candidates = explicit
    ? [explicit]
    : existsSync('/usr/lib/jvm')
      ? readdirSync('/usr/lib/jvm')
          .map((d) => join('/usr/lib/jvm', d))
          .sort()
          .reverse()
      : [];
  for (const dir of candidates) {
    const major = jdkMajor(dir);
    if (major !== undefined && major >= 21 && existsSync(join(dir, 'bin', 'java'))) return dir;
  }
  throw new Error(
    `No JDK 21+ found for Elasticsearch (${explicit ? `${explicit} is not one` : 'looked in /usr/lib/jvm'}); set CITEBOX_ES_JAVA_HOME`,
  );
}

function jdkMajor(dir: string): number | undefined {
  try {
    const release = readFileSync(join(dir, 'release'), 'utf8');
    const m = /^JAVA_VERSION="(\d+)/m.exec(release);
    return m?.[1] ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The unpacked home (with the test plugin unless `plugin` is false), built by build-home.sh on
 * first use, one build at a time. Its folder is named after the version and a hash of the plugin
 * sources and the script, so a checkout never rebuilds a home another one's node is running from.
 */
export async function ensureElasticsearchHome(
  version: string,
  log: (line: string) => void = () => {},
  options: { plugin?: boolean } = {},
): Promise<string> {
  const tools = elasticsearchToolsDir();
  const script = join(tools, 'build-home.sh');
  const plugin = options.plugin ?? true;
  const sources = join(tools, 'plugin', 'src', 'citebox', 'estest');
  const hash = createHash('sha256');
  for (const file of [
    script,
    ...readdirSync(sources)
      .sort()
      .map((f) => join(sources, f)),
  ]) {
    hash.update(readFileSync(file));
  }
  const out = join(
    engineCacheDir(),
    `elasticsearch-${version}-${plugin ? `plugin-${hash.digest('hex').slice(0, 10)}` : 'bare'}`,
  );
  mkdirSync(engineCacheDir(), { recursive: true, mode: 0o755 });
  const lock = join(tmpdir(), `citebox-es-home-${createHash('sha1').update(out).digest('hex')}.lock`);
  await acquireLock(lock);
  try {
    const tail = new LineTail(TAIL_LINES);
    const code = await new Promise<number | null>((resolveRun, rejectRun) => {
      const args = [script, '--out', out, '--version', version, '--java-home', findJdk21()];
      if (!plugin) args.push('--no-plugin');
      const child = spawn('bash', args, {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const onLine = (raw: string): void => {
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
        rejectRun(new Error(`could not run ${script}: ${err.message}`));
      });
      child.once('exit', (exitCode) => {
        clearTimeout(timer);
        resolveRun(exitCode);
      });
    });
    if (code !== 0 || !existsSync(join(out, 'bin', 'elasticsearch'))) {
      throw new Error(
        `Building the Elasticsearch ${version} home failed (build-home.sh exited ${code}).\n--- last lines ---\n${tail.text() || '(none)'}`,
      );
    }
    return out;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** uid and gid of `nobody`/`nogroup` (65534 when the files do not say). */
function nobodyIds(): { uid: number; gid: number } {
  const find = (file: string, name: string): number | undefined => {
    try {
      const line = readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${name}:`));
      const id = line?.split(':')[2];
      return id === undefined ? undefined : Number(id);
    } catch {
      return undefined;
    }
  };
  return {
    uid: find('/etc/passwd', 'nobody') ?? 65534,
    gid: find('/etc/group', 'nogroup') ?? find('/etc/group', 'nobody') ?? 65534,
  };
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) {
    for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
  }
}

function hasSetpriv(): boolean {
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function yamlLine(key: string, value: string | number | boolean): string {
  return `${key}: ${JSON.stringify(value)}`;
}

export async function startElasticsearch(
  opts: StartElasticsearchOptions = {},
): Promise<RunningElasticsearch> {
  const log = opts.log ?? (() => {});
  const version = opts.version ?? (process.env['CITEBOX_TEST_ES_VERSION'] || DEFAULT_ELASTICSEARCH_VERSION);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const home = await ensureElasticsearchHome(version, log, { plugin: opts.plugin ?? true });
  const jdk = findJdk21();

  // Everything the node writes lives in one temporary folder: config (ES_PATH_CONF), data, logs, tmp.
  const run = await mkdtemp(join(tmpdir(), 'citebox-es-'));
  const config = join(run, 'config');
  cpSync(join(home, 'config'), config, { recursive: true });
  for (const dir of ['data', 'logs', 'tmp']) mkdirSync(join(run, dir));
  const settings: Record<string, string | number | boolean> = {
    'cluster.name': 'citebox-test',
    'node.name': 'citebox-es',
    'path.data': join(run, 'data'),
    'path.logs': join(run, 'logs'),
    'network.host': '127.0.0.1',
    'http.port': 0,
    'transport.port': 0,
    // The node writes its bound ports to logs/http.ports once it is up: how we learn the port.
    'node.portsfile': true,
    'discovery.type': 'single-node',
    // Plain HTTP on loopback: no TLS certificates to generate, no passwords in the tests.
    'xpack.security.enabled': false,
    // Test machines' disks can be fuller than the default watermarks allow; never block allocation.
    'cluster.routing.allocation.disk.threshold_enabled': false,
    // With a small heap the real-memory parent breaker trips on GC lag, not on real pressure.
    'indices.breaker.total.use_real_memory': false,
    ...opts.settings,
  };
  writeFileSync(
    join(config, 'elasticsearch.yml'),
    `${Object.entries(settings)
      .map(([k, v]) => yamlLine(k, v))
      .join('\n')}\n`,
  );
  // No GC log files for a test node.
  writeFileSync(
    join(config, 'jvm.options.d', 'citebox-test.options'),
    '-Xlog:disable\n-Xlog:all=warning:stderr\n',
  );

  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = nobodyIds();
    chownTree(run, uid, gid);
  }
  const pidFile = join(run, 'logs', 'server.pid');
  const esArgs = [join(home, 'bin', 'elasticsearch'), '-p', pidFile];
  // setpriv: drop to nobody when root; either way the CLI gets SIGKILL if this process dies, and
  // the server exits when its CLI goes away, so a killed test run leaves no JVM behind.
  const setpriv = hasSetpriv();
  if (asRoot && !setpriv)
    throw new Error('Running Elasticsearch as root needs setpriv (util-linux) to drop to nobody');
  const [command, ...args] = setpriv
    ? [
        'setpriv',
        ...(asRoot ? ['--reuid=nobody', `--regid=${nobodyIds().gid}`, '--clear-groups'] : []),
        '--pdeathsig',
        'KILL',
        ...esArgs,
      ]
    : esArgs;
  const tail = new LineTail(TAIL_LINES);
  const child = spawn(command as string, args, {
    cwd: run,
    env: {
      ...process.env,
      ES_JAVA_HOME: jdk,
      ES_PATH_CONF: config,
      ES_TMPDIR: join(run, 'tmp'),
      ES_JAVA_OPTS: `-Xms${opts.heapMb ?? 512}m -Xmx${opts.heapMb ?? 512}m`,
      JAVA_HOME: '',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const onExit = (): void => {
    // This process is going away without stop(): take the node and its files with it.
    killServer(pidFile);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(run, { recursive: true, force: true });
  };
  process.once('exit', onExit);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>(
    (resolveExit) => {
      child.once('exit', (code, signal) => resolveExit({ code, signal }));
      child.once('error', (error) => resolveExit({ code: null, signal: null, error }));
    },
  );
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      tail.push(line);
      log(line);
    });
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await terminate(child, exited, pidFile);
      process.removeListener('exit', onExit);
      rmSync(run, { recursive: true, force: true });
    })();
    return stopping;
  };

  const started = Date.now();
  let url: string | undefined;
  let why: string | undefined;
  while (url === undefined && why === undefined) {
    const exit = await Promise.race([exited, sleep(250).then(() => undefined)]);
    if (exit) {
      why = exit.error
        ? `could not be launched (${command}): ${exit.error.message}`
        : `exited early (code ${exit.code}, signal ${exit.signal})`;
      break;
    }
    if (Date.now() - started > timeoutMs) {
      why = `did not answer within ${timeoutMs} ms`;
      break;
    }
    url = await readyUrl(join(run, 'logs', 'http.ports'));
  }
  if (url !== undefined) {
    return {
      url,
      version,
      stop,
      kill: async () => {
        killServer(pidFile);
        await exited;
      },
    };
  }
  await stop();
  await sleep(50);
  throw new Error(
    `Elasticsearch ${version} (${home}) ${why}.\n--- last ${TAIL_LINES} lines of its output ---\n${tail.text() || '(none)'}`,
  );
}

/** The node's URL once it has written its port and its cluster is at least yellow. */
async function readyUrl(portsFile: string): Promise<string | undefined> {
  let address: string | undefined;
  try {
    address = readFileSync(portsFile, 'utf8').split('\n')[0]?.trim();
  } catch {
    return undefined;
  }
  if (!address) return undefined;
  const url = `http://${address}`;
  try {
    const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=5s`, {
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json()) as { status?: string };
    return res.ok && (body.status === 'green' || body.status === 'yellow') ? url : undefined;
  } catch {
    return undefined;
  }
}

function killServer(pidFile: string): void {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // no pid file yet, or the server is gone already
  }
}

async function terminate(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  pidFile: string,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    killServer(pidFile);
    await Promise.race([exited, sleep(100)]);
    return;
  }
  child.kill('SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (!graceful) {
    killServer(pidFile);
    child.kill('SIGKILL');
    await exited;
  }
}

async function acquireLock(lock: string): Promise<void> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        // A lock older than the build timeout was left by a killed build.
        if (Date.now() - statSync(lock).mtimeMs > BUILD_TIMEOUT_MS)
          rmSync(lock, { recursive: true, force: true });
      } catch {
        // it just went away: retry
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      await sleep(500);
    }
  }
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

async function main(): Promise<void> {
  const started = Date.now();
  const es = await startElasticsearch({ log: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write(
    `Elasticsearch ${es.version} ready in ${((Date.now() - started) / 1000).toFixed(1)} s; Ctrl-C to stop\n`,
  );
  process.stdout.write(`${es.url}\n`);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    es.stop().then(
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
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
