// `npm run bench:crawl -- --workers 1,2,3 --backend opensearch [--hosts 16 --pages 1600 --rounds 2 --json]`
//
// A fleet's crawl throughput on a generated site of several hosts on 127.0.0.x (politeness delays
// off): for each worker count, that many `citebox worker` processes (each its own data directory)
// crawl the site with the crawl state and the index in the engine; pages per second from the job's
// start (a worker joined) to its end, and the engine's share of the CPU time the crawl took
// (the engine's own CPU counter, `_nodes/stats`, against the workers' from /proc), with the
// engine operations per page on each index (`_stats`). In the same run, two single-process
// baselines on the same site: the embedded crawl (crawl.sqlite and the SQLite index), and
// crawl.sqlite with the index in the engine (what a fleet adds is then the crawl state's traffic).
// With --rounds N the whole sequence runs N times, interleaved, and each figure is the median; a
// first crawl into the engine warms its JVM up and is not counted.
// The engine runs on the same machine as the workers, so this shows whether the coordination
// costs more than it gives, not how a fleet of machines scales.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CrawlService } from '../crawler/index.js';
import { Indexer } from '../indexer/index.js';
import { createLogger, createSearchBackend, loadConfig } from '../services/index.js';

export interface FleetBenchArgs {
  readonly workers: number[];
  readonly backend: 'opensearch' | 'elasticsearch';
  readonly hosts: number;
  readonly pages: number;
  readonly concurrency: number;
  readonly engineUrl: string | undefined;
  readonly json: boolean;
  readonly skipEmbedded: boolean;
  readonly rounds: number;
  /** The environment and Node flags the `citebox` command runs with (its launcher's first line). */
  readonly launcher: { readonly env: Record<string, string>; readonly flags: readonly string[] };
}

interface RunFigures {
  /** `embedded`, `sqlite-state+engine-index` or `fleet`. */
  readonly kind: string;
  readonly workers: number;
  readonly pages: number;
  readonly seconds: number;
  readonly pages_per_second: number;
  readonly engine_cpu_seconds: number | null;
  readonly workers_cpu_seconds: number | null;
  /** The engine's CPU time over the engine's and the workers' (null when it cannot be read). */
  readonly engine_cpu_share: number | null;
  /** Engine operations per page indexed, by index (passages, crawl-frontier, crawl-hosts, ...). */
  readonly engine_ops_per_page: Record<string, { writes: number; searches: number; gets: number }> | null;
  readonly status: string;
}

/** How often the job is looked at, ms (the end of a run is known to within this). */
const WATCH_MS = 500;

const here = dirname(fileURLToPath(import.meta.url));
/** The repository (dist/scripts/ → ../..). */
const root = join(here, '..', '..');

function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

async function firstJsonLine<T>(proc: ChildProcess, what: string): Promise<T> {
  if (!proc.stdout) throw new Error(`${what} has no stdout`);
  const lines = createInterface({ input: proc.stdout });
  for await (const line of lines) {
    const trimmed = line.trim();
    if (trimmed.startsWith('{')) return JSON.parse(trimmed) as T;
  }
  throw new Error(`${what} ended without a result`);
}

/** The environment of a benchmark crawl: politeness delays off, loopback allowed, no docs indexed. */
export function crawlEnv(dataDir: string, concurrency: number): Record<string, string> {
  return {
    CITEBOX_DATA_DIR: dataDir,
    CITEBOX_ALLOW_PRIVATE_NETWORKS: 'true',
    CITEBOX_CRAWL_DELAY_MS: '0',
    CITEBOX_CRAWL_DELAY_FACTOR: '0',
    CITEBOX_CRAWL_CONCURRENCY: String(concurrency),
    CITEBOX_CRAWL_GLOBAL_CONCURRENCY: String(concurrency),
    CITEBOX_RECRAWL_INTERVAL_HOURS: '0',
    CITEBOX_BOOTSTRAP_DOCS: 'false',
  };
}

/** CPU seconds a process has used (Linux /proc), or undefined. */
function processCpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
    return Number.isFinite(ticks) ? ticks / 100 : undefined;
  } catch {
    return undefined;
  }
}

/** The engine's CPU seconds so far, summed over its nodes (`_nodes/stats/process`). */
async function engineCpuSeconds(url: string): Promise<number | undefined> {
  try {
    const res = await fetch(`${url.replace(/\/$/, '')}/_nodes/stats/process`);
    const body = (await res.json()) as {
      nodes?: Record<string, { process?: { cpu?: { total_in_millis?: number } } }>;
    };
    return (
      Object.values(body.nodes ?? {}).reduce((a, n) => a + (n.process?.cpu?.total_in_millis ?? 0), 0) / 1000
    );
  } catch {
    return undefined;
  }
}

type OpCounts = Map<string, { writes: number; searches: number; gets: number }>;

/** Index, search and get operations so far on the run's indices, by index (the alias prefix off). */
async function engineOps(url: string, alias: string): Promise<OpCounts | undefined> {
  try {
    const res = await fetch(`${url}/${alias}*/_stats/indexing,search,get`);
    const body = (await res.json()) as {
      indices?: Record<
        string,
        {
          total?: {
            indexing?: { index_total?: number; delete_total?: number };
            search?: { query_total?: number };
            get?: { total?: number };
          };
        }
      >;
    };
    const out: OpCounts = new Map();
    for (const [name, stats] of Object.entries(body.indices ?? {})) {
      const key =
        name
          .slice(alias.length)
          .replace(/^-/, '')
          .replace(/^\d{6}$/, 'passages') || 'passages';
      const t = stats.total;
      const prev = out.get(key) ?? { writes: 0, searches: 0, gets: 0 };
      out.set(key, {
        writes: prev.writes + (t?.indexing?.index_total ?? 0) + (t?.indexing?.delete_total ?? 0),
        searches: prev.searches + (t?.search?.query_total ?? 0),
        gets: prev.gets + (t?.get?.total ?? 0),
      });
    }
    return out;
  } catch {
    return undefined;
  }
}

function opsPerPage(ops: OpCounts | undefined, pages: number): RunFigures['engine_ops_per_page'] {
  if (!ops || pages === 0) return null;
  const out: NonNullable<RunFigures['engine_ops_per_page']> = {};
  for (const [name, o] of [...ops].sort(([a], [b]) => a.localeCompare(b))) {
    out[name] = {
      writes: round(o.writes / pages, 2),
      searches: round(o.searches / pages, 2),
      gets: round(o.gets / pages, 2),
    };
  }
  return out;
}

interface StartedWorker {
  readonly child: ChildProcess;
  readonly exit: Promise<void>;
}

function startWorker(
  env: Record<string, string>,
  launcher: FleetBenchArgs['launcher'],
): Promise<StartedWorker> {
  // As the `citebox worker` command runs: the launcher's environment and Node flags.
  const child = spawn(process.execPath, [...launcher.flags, join(root, 'bin', 'citebox.js'), 'worker'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...launcher.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  const logs = process.env['BENCH_FLEET_LOGS'];
  if (logs) {
    const file = createWriteStream(join(logs, `worker-${child.pid}.log`));
    child.stdout?.pipe(file);
  }
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('crawl worker started')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve({ child, exit });
      }
      if (output.length > 100_000) output = output.slice(-10_000);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString('utf8');
    });
    void exit.then(() => reject(new Error(`a worker exited before it started: ${output.slice(-2_000)}`)));
  });
}

/** N workers crawl the site into a fresh index of the engine; the job is created here. */
async function runFleet(
  args: FleetBenchArgs,
  engineUrl: string,
  seeds: string[],
  n: number,
): Promise<RunFigures> {
  const alias = `bench-fleet-${n}-${Date.now().toString(36)}`;
  const engineEnv = {
    CITEBOX_BACKEND: args.backend,
    [args.backend === 'elasticsearch' ? 'ELASTICSEARCH_URL' : 'OPENSEARCH_URL']: engineUrl,
    CITEBOX_INDEX_NAME: alias,
  };
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'citebox-bench-fleet-'));
    dirs.push(d);
    return d;
  };
  const workers: StartedWorker[] = [];
  const config = loadConfig({ ...crawlEnv(dir(), args.concurrency), ...engineEnv, LOG_LEVEL: 'silent' });
  const logger = createLogger(config);
  const backend = createSearchBackend(config, logger);
  await backend.open();
  // The job is created here, by a process that runs no jobs (as an API replica would).
  const crawls = new CrawlService({ config, logger, sink: new Indexer({ backend, logger }), runJobs: false });
  try {
    for (let i = 0; i < n; i++) {
      workers.push(
        await startWorker(
          {
            ...crawlEnv(dir(), args.concurrency),
            ...engineEnv,
            LOG_LEVEL: process.env['BENCH_FLEET_LOG_LEVEL'] ?? 'info',
            LOG_FORMAT: 'json',
          },
          args.launcher,
        ),
      );
    }
    const engineBefore = await engineCpuSeconds(engineUrl);
    const workersBefore = workers.map((w) => processCpuSeconds(w.child.pid) ?? 0);
    // max_pages above the site's size: the whole site is crawled (no run ends on the cap).
    const job = await crawls.start({ seeds, max_pages: args.pages * 10, max_depth: 100 });
    let started: number | undefined;
    let current = job;
    for (;;) {
      // Watched as the admin page does (each look counts the job's frontier: engine work too).
      await new Promise((r) => setTimeout(r, WATCH_MS));
      current = await crawls.get(job.id);
      if (started === undefined && current.status !== 'queued') started = performance.now();
      if (current.status === 'done' || current.status === 'failed' || current.status === 'cancelled') break;
    }
    // From the job's own times (a worker took it; the last one ended it), else from the watching.
    const seconds =
      current.started_at && current.finished_at
        ? (Date.parse(current.finished_at) - Date.parse(current.started_at)) / 1000
        : (performance.now() - (started ?? performance.now())) / 1000;
    const engineAfter = await engineCpuSeconds(engineUrl);
    const ops = await engineOps(engineUrl, alias);
    const workersCpu = workers.reduce(
      (a, w, i) => a + ((processCpuSeconds(w.child.pid) ?? 0) - (workersBefore[i] ?? 0)),
      0,
    );
    const engineCpu =
      engineBefore !== undefined && engineAfter !== undefined ? engineAfter - engineBefore : undefined;
    return {
      kind: 'fleet',
      workers: n,
      pages: current.stats.indexed,
      seconds: round(seconds),
      pages_per_second: round(current.stats.indexed / seconds),
      engine_cpu_seconds: engineCpu === undefined ? null : round(engineCpu),
      workers_cpu_seconds: round(workersCpu),
      engine_cpu_share: engineCpu === undefined ? null : round(engineCpu / (engineCpu + workersCpu), 2),
      engine_ops_per_page: opsPerPage(ops, current.stats.indexed),
      status: current.status,
    };
  } finally {
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exit));
    await crawls.close();
    await backend.close();
    // The run's indices go: passages behind the alias, and the crawl state.
    // (BENCH_FLEET_KEEP_INDICES=1 keeps them, e.g. to measure the documents' size with _cat/indices.)
    if (process.env['BENCH_FLEET_KEEP_INDICES'] !== '1')
      await fetch(`${engineUrl}/${alias}*`, { method: 'DELETE' }).catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

export interface EmbeddedEngine {
  readonly backend: FleetBenchArgs['backend'];
  readonly url: string;
}

/**
 * A baseline: one process and crawl.sqlite, the index in SQLite or (with `engine`) in the engine.
 * Run in a child process of its own (the engine's CPU is read around it by the parent).
 */
export async function runEmbedded(
  seeds: string[],
  pages: number,
  concurrency: number,
  engine?: EmbeddedEngine,
): Promise<RunFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-bench-fleet-'));
  const alias = `bench-embedded-${Date.now().toString(36)}`;
  const engineEnv: Record<string, string> = engine
    ? {
        CITEBOX_BACKEND: engine.backend,
        [engine.backend === 'elasticsearch' ? 'ELASTICSEARCH_URL' : 'OPENSEARCH_URL']: engine.url,
        CITEBOX_INDEX_NAME: alias,
        CITEBOX_CRAWL_STATE: 'sqlite',
      }
    : {};
  try {
    const config = loadConfig({ ...crawlEnv(dataDir, concurrency), ...engineEnv, LOG_LEVEL: 'silent' });
    const logger = createLogger(config);
    const backend = createSearchBackend(config, logger);
    await backend.open();
    const crawls = new CrawlService({ config, logger, sink: new Indexer({ backend, logger }) });
    const engineBefore = engine ? await engineCpuSeconds(engine.url) : undefined;
    const cpu = process.cpuUsage();
    const started = performance.now();
    const job = await crawls.runForeground({ seeds, max_pages: pages * 10, max_depth: 100 });
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const engineAfter = engine ? await engineCpuSeconds(engine.url) : undefined;
    const ops = engine ? await engineOps(engine.url, alias) : undefined;
    await crawls.close();
    await backend.close();
    const processCpu = (used.user + used.system) / 1e6;
    const engineCpu =
      engineBefore !== undefined && engineAfter !== undefined ? engineAfter - engineBefore : undefined;
    return {
      kind: engine ? 'sqlite-state+engine-index' : 'embedded',
      workers: 1,
      pages: job.stats.indexed,
      seconds: round(seconds),
      pages_per_second: round(job.stats.indexed / seconds),
      engine_cpu_seconds: engineCpu === undefined ? null : round(engineCpu),
      workers_cpu_seconds: round(processCpu),
      engine_cpu_share: engineCpu === undefined ? null : round(engineCpu / (engineCpu + processCpu), 2),
      engine_ops_per_page: opsPerPage(ops, job.stats.indexed),
      status: job.status,
    };
  } finally {
    if (engine) await fetch(`${engine.url}/${alias}*`, { method: 'DELETE' }).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

interface RunningEngine {
  url: string;
  stop(): Promise<void>;
}

/** The engine's test node (a TypeScript file outside the build; Node 24 runs it by type stripping). */
async function startTestNode(kind: FleetBenchArgs['backend']): Promise<RunningEngine> {
  const file = kind === 'opensearch' ? 'opensearch.ts' : 'elasticsearch.ts';
  const href = pathToFileURL(join(root, 'test', 'engines', file)).href;
  if (kind === 'opensearch')
    return ((await import(href)) as { startOpenSearch(): Promise<RunningEngine> }).startOpenSearch();
  return ((await import(href)) as { startElasticsearch(): Promise<RunningEngine> }).startElasticsearch();
}

/** The median run of several (by pages per second). */
function median(runs: RunFigures[]): RunFigures {
  const sorted = [...runs].sort((a, b) => a.pages_per_second - b.pages_per_second);
  return sorted[Math.floor((sorted.length - 1) / 2)] as RunFigures;
}

function describe(r: RunFigures, base: RunFigures | undefined): string {
  const what =
    r.kind === 'embedded'
      ? 'Embedded, one process (crawl.sqlite + SQLite index)'
      : r.kind === 'fleet'
        ? `${r.workers} worker${r.workers === 1 ? '' : 's'} (crawl state + index in the engine)`
        : 'One process, crawl.sqlite + the index in the engine';
  const ratio =
    base && r !== base ? ` (${round(r.pages_per_second / base.pages_per_second, 2)}x embedded)` : '';
  const engine =
    r.engine_cpu_share === null
      ? ''
      : `; engine ${r.engine_cpu_seconds} CPU s, Citebox ${r.workers_cpu_seconds} CPU s: the engine's share ${Math.round(r.engine_cpu_share * 100)}%`;
  return `${what}: ${r.pages} pages in ${r.seconds} s = ${r.pages_per_second} pages/s${ratio}${engine}${r.status === 'done' ? '' : ` [job ${r.status}]`}`;
}

export async function benchFleet(
  args: FleetBenchArgs,
  say: (text: string) => void,
  child: (role: string, extra: string[]) => ChildProcess,
): Promise<void> {
  const perHost = Math.ceil(args.pages / args.hosts);
  say(
    `bench:crawl fleet — ${args.hosts} hosts x ${perHost} pages on 127.0.0.x, ${args.backend}, ${args.concurrency} requests in flight per process, politeness delays off; workers: ${args.workers.join(', ')}; ${args.rounds} round${args.rounds === 1 ? '' : 's'}`,
  );
  const siteProc = child('fleet-site', ['--hosts', String(args.hosts), '--site-pages', String(perHost)]);
  const site = await firstJsonLine<{ seeds: string[]; pages: number }>(siteProc, 'the site');
  let engine: RunningEngine | undefined;
  const embedded = async (engineArgs: string[]): Promise<RunFigures> => {
    const proc = child('fleet-embedded', ['--seeds', site.seeds.join(','), ...engineArgs]);
    const figures = await firstJsonLine<RunFigures>(proc, 'the embedded crawl');
    await new Promise((resolve) => proc.once('close', resolve));
    return figures;
  };
  try {
    if (args.engineUrl === undefined) engine = await startTestNode(args.backend);
    const engineUrl = (args.engineUrl ?? engine?.url ?? '').replace(/\/$/, '');
    const runs = new Map<string, RunFigures[]>();
    const keep = (key: string, r: RunFigures) => {
      runs.set(key, [...(runs.get(key) ?? []), r]);
      say(`  round ${(runs.get(key) ?? []).length}: ${describe(r, undefined)}`);
    };
    // A fresh engine's JVM compiles its hot paths during the first crawl: one crawl first, not counted.
    const warm = await embedded(['--backend', args.backend, '--engine-url', engineUrl]);
    say(`  warm-up (not counted): ${describe(warm, undefined)}`);
    for (let round = 0; round < args.rounds; round++) {
      if (!args.skipEmbedded) {
        keep('embedded', await embedded([]));
        keep('mixed', await embedded(['--backend', args.backend, '--engine-url', engineUrl]));
      }
      for (const n of args.workers) keep(`fleet-${n}`, await runFleet(args, engineUrl, site.seeds, n));
    }
    const pick = (key: string) => {
      const all = runs.get(key);
      return all ? median(all) : undefined;
    };
    const base = pick('embedded');
    const mixed = pick('mixed');
    const fleet = args.workers.map((n) => pick(`fleet-${n}`) as RunFigures);
    say(args.rounds > 1 ? 'Medians:' : 'Figures:');
    for (const r of [base, mixed, ...fleet]) if (r) say(`  ${describe(r, base)}`);
    if (args.json) {
      say(
        JSON.stringify({
          hosts: args.hosts,
          pages: site.pages,
          backend: args.backend,
          concurrency: args.concurrency,
          rounds: args.rounds,
          embedded: base ?? null,
          sqlite_state_engine_index: mixed ?? null,
          fleet,
          all_runs: Object.fromEntries(runs),
        }),
      );
    }
  } finally {
    siteProc.kill('SIGTERM');
    await engine?.stop();
  }
}
