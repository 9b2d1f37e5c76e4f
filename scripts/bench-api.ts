// npm run bench:api [-- --passages N] [--duration S] [--connections C] [--json] [--profile DIR]
//
// The API under load: a synthetic index of N passages (default 100,000) is built in a temporary
// data directory (kept between runs, rebuilt when its size differs), the real server is started
// as its own process (`node bin/citebox.js serve`, default logging, rate limits on but out of
// reach) and autocannon drives it from this process on 127.0.0.1:
//   - GET /v1/search?q=…&limit=10,
//   - GET /v1/answer?q=…&mode=extractive (the answer cache off, so every answer is composed),
//   - GET /v1/models for up to 10 s: the API's own per-request cost, with no search behind it,
// each for S seconds (default 30) over C connections (default 32), after W s of warm-up (default
// 10: a server that has run a while has its caches filled; right after a start, the first seconds
// are two to three times slower while they fill, which `--warmup 3` shows).
// Queries come as a busy engine receives them: drawn from a pool of 100,000 distinct queries with
// Zipfian popularity (lib/synthetic-api-corpus.ts QueryStream; warm-up and measurement continue one
// stream), so some repeat and the search-result cache (CITEBOX_SEARCH_CACHE_SIZE) answers those.
// The same streams are then run against a second server with that cache off, so both figures are
// printed: per route requests/s, latency p50 / p95 / p99 (ms, from every response), errors
// (connection errors + timeouts + non-2xx), server CPU per request (all its processes), the share
// of queries that repeated an earlier one and the cache's hit rate (from the server's /metrics).
// With --cold, no cache can help: the index holds the articles of a QA set (default the 24
// SQuAD dev articles, written through the indexer as a crawl would) and every request is a
// *different* natural-language question of that set, each asked once (the warm-up's questions
// are not asked again); each route gets a freshly started server, so what one route asked warms
// no cache of another's. The run lasts as long as the questions do (5,665 for SQuAD), and the
// figures say how many were asked.
// With --profile DIR the server writes a V8 CPU profile. The load comes from wrk (C;
// `apt-get install wrk`) when it is installed, else from autocannon (`--tool` chooses): both keep
// 32 requests in flight and time each from sending to the full response, but autocannon, in Node,
// spends about as much CPU per request as the server's API layer and shares the 2 cores with the
// server, while wrk spends a small fraction of it (~6 % of a core at 1,300 requests/s). The query
// streams are the same (drawn ahead, in order, for wrk).
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { Indexer } from '../indexer/index.js';
import { createSearchBackend, loadConfig, silentLogger } from '../services/index.js';
import { parseJsonl } from './lib/bench-data.js';
import { getFresh } from './lib/fresh-get.js';
import { QueryStream, SyntheticCorpus, seededRandom } from './lib/synthetic-api-corpus.js';

const USAGE = `Usage: npm run bench:api -- [--passages N] [--duration S] [--connections C] [--json]
                              [--data-dir DIR] [--rebuild] [--profile DIR] [--only ROUTE] [--env K=V]
                              [--cache both|on|off] [--no-cache] [--workers N] [--pool N] [--zipf A]
                              [--tool wrk|autocannon] [--warmup W]
                              [--cold [--qa DIR] [--bench-data DIR] [--warmup-questions N] [--floor]]

  --passages N     passages in the synthetic index (default 100000)
  --duration S     seconds of load per route (default 30), after the warm-up
  --warmup W       seconds of load before each measurement (default 10)
  --connections C  concurrent connections (default 32)
  --data-dir DIR   where the index lives (default: a folder under the system temp dir, reused)
  --rebuild        rebuild the index even when one of the right size is there
  --profile DIR    run the server with --cpu-prof, writing the profile into DIR
  --only ROUTE     measure one route (search, answer or models)
  --env KEY=VALUE  extra server environment (repeatable), e.g. --env CITEBOX_ACCESS_LOG=false
  --cache WHICH    run with the search-result cache on, off, or both (default both: on first)
  --no-cache       the same as --cache off
  --workers N      server processes (CITEBOX_WORKERS, default 1)
  --pool N         distinct queries the stream draws from (default 100000)
  --zipf A         Zipf exponent of their popularity (default 0.9)
  --tool NAME      load generator: wrk (the default when installed) or autocannon (in this process)
  --cold           no cache can help: a QA set's articles indexed, each of its questions asked once
                   (a fresh server per route; the run lasts as long as the questions do)
  --qa DIR         the QA folder for --cold (default <bench-data>/qa-squad-dev)
  --bench-data DIR where the evaluation data is (default ../shared/bench-data, or ../../shared/…)
  --warmup-questions N  questions asked before the measurement with --cold (default 1400, at most
                   a quarter of the set; never asked again)
  --floor          with --cold, also load a bare Fastify server that answers each search with one
                   FTS5 query over the same index and ~11 KB of JSON (scripts/lib/floor-server.ts):
                   the least a server spends per search on this machine
  --json           print the figures as one JSON object on the last line`;

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}

interface AutocannonRequest {
  method?: string;
  path?: string;
  setupRequest?: (request: { path: string }) => { path: string };
}

interface AutocannonInstance {
  on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
  on(event: 'done', listener: (result: AutocannonResult) => void): void;
}

type Autocannon = (
  options: {
    url: string;
    connections: number;
    duration: number;
    /** Stop after this many requests (instead of after `duration`). */
    amount?: number;
    requests: AutocannonRequest[];
    timeout?: number;
  },
  done: (err: Error | null, result: AutocannonResult) => void,
) => AutocannonInstance;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RouteFigures {
  readonly route: string;
  readonly requests: number;
  /** Server CPU time per request (all its threads), in ms: robust to other load on the machine. */
  readonly server_cpu_ms_per_request: number;
  readonly rps: number;
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
  readonly max_ms: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly timeouts: number;
  /** Share of the measured queries that repeated one sent earlier (warm-up included). */
  readonly repeat_share?: number | undefined;
  /** Share of the measured searches the server's search-result cache answered. */
  readonly cache_hit_rate?: number | undefined;
  /** --cold: distinct questions asked in the measurement (each once). */
  readonly questions?: number | undefined;
}

/** The process and all its descendants (cluster workers), from /proc (Linux). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    const p = out[i] as number;
    if (!existsSync(`/proc/${p}/task`)) continue;
    for (const task of readdirSync(`/proc/${p}/task`)) {
      const file = `/proc/${p}/task/${task}/children`;
      if (!existsSync(file)) continue;
      for (const child of readFileSync(file, 'utf8').split(' ')) {
        if (child.trim()) out.push(Number(child));
      }
    }
  }
  return out;
}

/** CPU seconds a process and its descendants have used (user + system, all threads), from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return Number.NaN;
  let total = 0;
  for (const p of processTree(pid)) {
    if (!existsSync(`/proc/${p}/stat`)) continue;
    const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, in clock ticks (100 per second).
    total += (Number(fields[11]) + Number(fields[12])) / 100;
  }
  return total;
}

/**
 * The search-result cache's hits and misses so far, summed over the server's processes: /metrics
 * answers for the process that got the connection, so it is asked over fresh connections until
 * every worker (told apart by its pid) has answered.
 */
async function cacheCounts(url: string, workers: number): Promise<{ hits: number; misses: number }> {
  const seen = new Map<string, { hits: number; misses: number }>();
  for (let attempt = 0; attempt < workers * 8 && seen.size < workers; attempt++) {
    const text = (await getFresh(`${url}/metrics`)).body;
    const started = /^citebox_server_process\{[^}]*pid="(\d+)"/m.exec(text)?.[1] ?? String(attempt);
    const count = (result: string) =>
      Number(
        new RegExp(`^citebox_search_cache_requests_total\\{result="${result}"\\} (\\S+)`, 'm').exec(
          text,
        )?.[1] ?? 0,
      );
    seen.set(started, { hits: count('hit'), misses: count('miss') });
  }
  let hits = 0;
  let misses = 0;
  for (const c of seen.values()) {
    hits += c.hits;
    misses += c.misses;
  }
  return { hits, misses };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 100) / 100;
}

async function buildIndex(
  dataDir: string,
  corpus: SyntheticCorpus,
  rebuild: boolean,
  log: (s: string) => void,
): Promise<void> {
  const config = loadConfig({ CITEBOX_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  if (!rebuild && existsSync(join(dataDir, 'bench-corpus.json'))) {
    const marker = JSON.parse(readFileSync(join(dataDir, 'bench-corpus.json'), 'utf8')) as {
      passages?: number;
    };
    if (marker.passages === corpus.passages) {
      const backend = createSearchBackend(config, silentLogger());
      try {
        await backend.open();
        const stats = await backend.stats();
        if (stats.passages === corpus.passages) {
          log(`index: reusing ${stats.passages} passages in ${dataDir}`);
          return;
        }
      } catch (err) {
        log(`index: rebuilding (${(err as Error).message})`);
      } finally {
        await backend.close();
      }
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const backend = createSearchBackend(config, silentLogger());
  await backend.open();
  const started = performance.now();
  const batch = 500;
  for (let first = 0; first < corpus.pages; first += batch) {
    const items = [];
    for (let i = first; i < Math.min(corpus.pages, first + batch); i++) items.push(corpus.page(i));
    const report = await backend.replacePages(items);
    if (report.failed.length > 0) throw new Error(`indexing failed: ${report.failed[0]?.reason}`);
    if (first % 5000 === 0) log(`index: ${first}/${corpus.pages} pages`);
  }
  await backend.refresh();
  const stats = await backend.stats();
  await backend.close();
  writeFileSync(join(dataDir, 'bench-corpus.json'), JSON.stringify({ passages: stats.passages }));
  log(
    `index: ${stats.passages} passages on ${stats.pages} pages in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}

async function startServerProcess(
  dataDir: string,
  profileDir: string | undefined,
  extraEnv: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; logFile: string }> {
  const logFile = join(dataDir, 'server.log');
  const out = createWriteStream(logFile);
  const args = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    join(ROOT, 'bin', 'citebox.js'),
    'serve',
  ];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      CITEBOX_DATA_DIR: dataDir,
      CITEBOX_BOOTSTRAP_DOCS: 'false',
      // Limits stay on (their cost is part of the figures) but one client may not hit them.
      CITEBOX_RATE_LIMIT_PER_MINUTE: '1000000000',
      CITEBOX_ANSWER_CACHE_SIZE: '0',
      LOG_LEVEL: 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000);
    child.on('exit', (code) => reject(new Error(`the server exited with ${code}`)));
    // The log goes to the file as it comes; it is read for the address only until that is found.
    child.stdout?.pipe(out);
    const findUrl = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const m = /"msg":"Citebox is listening"/.test(buffer) ? /"url":"([^"]+)"/.exec(buffer) : null;
      if (m?.[1]) {
        clearTimeout(timer);
        child.stdout?.off('data', findUrl);
        buffer = '';
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', findUrl);
  });
  return { child, url, logFile };
}

function load(
  url: string,
  nextPath: () => string,
  seconds: number,
  connections: number,
  amount?: number,
): Promise<{ result: AutocannonResult; latencies: Float64Array }> {
  const latencies: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections,
        duration: seconds,
        ...(amount !== undefined ? { amount } : {}),
        timeout: 10,
        requests: [
          {
            method: 'GET',
            setupRequest: (request) => {
              request.path = nextPath();
              return request;
            },
          },
        ],
      },
      (err, result) => {
        if (err) reject(err);
        else resolve({ result, latencies: Float64Array.from(latencies).sort() });
      },
    );
    instance.on('response', (_client, _status, _bytes, ms) => {
      latencies.push(ms);
    });
  });
}

/** What one run of load measured, whichever tool made it. */
interface LoadResult {
  readonly requests: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly timeouts: number;
}

async function loadAutocannon(
  url: string,
  nextPath: () => string,
  seconds: number,
  connections: number,
  amount?: number,
): Promise<LoadResult> {
  const { result, latencies } = await load(url, nextPath, seconds, connections, amount);
  return {
    requests: latencies.length,
    seconds: result.duration,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: result.latency.max,
    errors: result.errors + result.non2xx,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
  };
}

/** Requests per second wrk is given paths for (it starts over if a run outpaces them). */
const WRK_PATHS_PER_SECOND = 4000;

// wrk's script: paths from a file, in order from an offset (one thread, so one order); at the end
// one JSON line of counts and latency percentiles (microseconds).
const WRK_SCRIPT = `
local paths = {}
local i = 0
local stopAfter = 0
local responses = 0
function init(args)
  for line in io.lines(args[1]) do paths[#paths + 1] = line end
  i = tonumber(args[2])
  stopAfter = tonumber(args[3] or "0")
end
function request()
  local path = paths[(i % #paths) + 1]
  i = i + 1
  return wrk.format("GET", path)
end
if tonumber(os.getenv("WRK_STOP_AFTER") or "0") > 0 then
  function response(status, headers, body)
    responses = responses + 1
    -- wrk would wait out its duration after a stop: the bench interrupts it on this line.
    if stopAfter > 0 and responses == stopAfter then io.write("WRK_DONE\\n"); io.flush(); wrk.thread:stop() end
  end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
`;

/** A command's output, without blocking this process meanwhile (its error carries the stderr). */
const execFileText = promisify(execFile);

function wrkAvailable(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

/** One wrk run over `paths` from `offset`: one thread, `connections` connections. */
async function loadWrk(
  url: string,
  pathsFile: string,
  offset: number,
  seconds: number,
  connections: number,
  stopAfter = 0,
): Promise<LoadResult> {
  const script = join(dirname(pathsFile), 'bench-api.lua');
  writeFileSync(script, WRK_SCRIPT);
  const args = [
    '-t1',
    `-c${connections}`,
    `-d${seconds}s`,
    '--timeout',
    '10s',
    '-s',
    script,
    url,
    '--',
    pathsFile,
    String(offset),
    String(stopAfter),
  ];
  let out: string;
  let elapsed: number | undefined;
  if (stopAfter > 0) {
    // After its last response the script prints WRK_DONE and stops sending; wrk itself would wait
    // out its duration, so it is interrupted then (SIGINT: it reports and exits).
    ({ out, elapsed } = await new Promise<{ out: string; elapsed: number | undefined }>((resolve, reject) => {
      const started = performance.now();
      let doneAt: number | undefined;
      let text = '';
      const child = spawn('wrk', args, {
        env: { ...process.env, WRK_STOP_AFTER: String(stopAfter) },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        text += chunk;
        if (doneAt === undefined && text.includes('WRK_DONE')) {
          doneAt = performance.now();
          child.kill('SIGINT');
        }
      });
      child.on('error', reject);
      child.on('close', () =>
        resolve({ out: text, elapsed: doneAt === undefined ? undefined : (doneAt - started) / 1000 }),
      );
    }));
  } else {
    // Run without blocking this process: it reads the server's stdout (its log) meanwhile, as a
    // log collector would. Blocked, the pipe filled and the server kept its log lines in memory.
    ({ stdout: out } = await execFileText('wrk', args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }));
  }
  const line = out.split('\n').find((l) => l.startsWith('WRK '));
  if (!line) throw new Error(`wrk printed no figures:\n${out}`);
  const w = JSON.parse(line.slice(4)) as Record<string, number>;
  const ms = (us: number | undefined) => Math.round((us ?? 0) / 10) / 100;
  const errors = (w.connect ?? 0) + (w.read ?? 0) + (w.write ?? 0) + (w.status ?? 0) + (w.timeout ?? 0);
  return {
    requests: w.requests ?? 0,
    seconds: elapsed ?? (w.us ?? 0) / 1e6,
    p50: ms(w.p50),
    p95: ms(w.p95),
    p99: ms(w.p99),
    max: ms(w.max),
    errors,
    non2xx: w.status ?? 0,
    timeouts: w.timeout ?? 0,
  };
}

/** Share of paths[from, to) that repeat a path sent before them (from the start of the stream). */
function repeatShare(paths: readonly string[], from: number, to: number): number {
  const seen = new Set<string>();
  let repeats = 0;
  for (let i = 0; i < to; i++) {
    const path = paths[i % paths.length] as string;
    if (seen.has(path)) {
      if (i >= from) repeats++;
    } else {
      seen.add(path);
    }
  }
  return Math.round((repeats / Math.max(1, to - from)) * 1000) / 1000;
}

/** A route's requests: a stream of queries (or one fixed path) turned into paths. */
interface RouteLoad {
  readonly route: string;
  readonly seconds: number;
  readonly path: () => string;
  readonly stream?: QueryStream | undefined;
  /**
   * --cold: the warm-up's paths and the measurement's, each sent once, in order (`seconds` is
   * only a bound then).
   */
  readonly once?: { readonly warmup: readonly string[]; readonly measured: readonly string[] } | undefined;
}

/** Extra distinct paths after the measured ones, for requests in flight when wrk stops. */
const WRK_TAIL = 64;

async function measure(
  load_: RouteLoad,
  server: { pid: number | undefined; url: string; workers: number },
  connections: number,
  warmup: number,
  tool: 'autocannon' | 'wrk',
  workDir: string,
  log: (s: string) => void,
): Promise<RouteFigures> {
  const { route, seconds, once } = load_;
  if (once) return measureOnce(route, once, server, connections, seconds, tool, workDir, log);
  // For wrk the stream is drawn ahead into a file; warm-up and measurement continue it.
  const paths =
    tool === 'wrk'
      ? Array.from({ length: (warmup + seconds) * WRK_PATHS_PER_SECOND }, load_.path)
      : undefined;
  const pathsFile = join(workDir, 'bench-api-paths.txt');
  if (paths) writeFileSync(pathsFile, `${paths.join('\n')}\n`);
  const run = (offset: number, s: number) =>
    tool === 'wrk'
      ? loadWrk(server.url, pathsFile, offset, s, connections)
      : loadAutocannon(server.url, load_.path, s, connections);
  log(`${route}: warm-up ${warmup} s`);
  const warm = await run(0, warmup);
  log(`${route}: ${seconds} s over ${connections} connections (${tool})`);
  const sentBefore = load_.stream?.counts();
  const cacheBefore = await cacheCounts(server.url, server.workers);
  const cpuBefore = cpuSeconds(server.pid);
  const result = await run(warm.requests, seconds);
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const cacheAfter = await cacheCounts(server.url, server.workers);
  const sentAfter = load_.stream?.counts();
  if (paths && warm.requests + result.requests > paths.length) {
    log(`${route}: wrk sent more requests than paths drawn; the stream started over`);
  }
  const lookups = cacheAfter.hits + cacheAfter.misses - cacheBefore.hits - cacheBefore.misses;
  const share = (part: number, whole: number) => Math.round((part / Math.max(1, whole)) * 1000) / 1000;
  const repeats =
    load_.stream === undefined
      ? undefined
      : paths
        ? repeatShare(paths, warm.requests, warm.requests + result.requests)
        : sentBefore && sentAfter
          ? share(sentAfter.repeats - sentBefore.repeats, sentAfter.sent - sentBefore.sent)
          : undefined;
  return {
    route,
    requests: result.requests,
    server_cpu_ms_per_request: Math.round((cpu * 1000 * 1000) / Math.max(1, result.requests)) / 1000,
    rps: Math.round((result.requests / result.seconds) * 10) / 10,
    p50_ms: result.p50,
    p95_ms: result.p95,
    p99_ms: result.p99,
    max_ms: Math.round(result.max * 100) / 100,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    ...(repeats !== undefined
      ? {
          repeat_share: repeats,
          cache_hit_rate: lookups > 0 ? share(cacheAfter.hits - cacheBefore.hits, lookups) : 0,
        }
      : {}),
  };
}

/** Sends each path once, in order, over `connections` connections: the warm-up's, then the measured. */
async function sendOnce(
  url: string,
  paths: readonly string[],
  connections: number,
  boundSeconds: number,
  tool: 'autocannon' | 'wrk',
  pathsFile: string,
  tail: readonly string[],
): Promise<LoadResult> {
  if (tool === 'wrk') {
    // Distinct extra paths for the requests still in flight when wrk stops after the last one.
    writeFileSync(pathsFile, `${[...paths, ...tail].join('\n')}\n`);
    return loadWrk(url, pathsFile, 0, boundSeconds, connections, paths.length);
  }
  let next = 0;
  return loadAutocannon(
    url,
    () => paths[next++ % paths.length] as string,
    boundSeconds,
    connections,
    paths.length,
  );
}

/** --cold: the warm-up questions once, then the measured ones once; no question twice. */
async function measureOnce(
  route: string,
  once: NonNullable<RouteLoad['once']>,
  server: { pid: number | undefined; url: string; workers: number },
  connections: number,
  boundSeconds: number,
  tool: 'autocannon' | 'wrk',
  workDir: string,
  log: (s: string) => void,
): Promise<RouteFigures> {
  const pathsFile = join(workDir, 'bench-api-paths.txt');
  const tail = once.measured.slice(-WRK_TAIL);
  const measured = tool === 'wrk' ? once.measured.slice(0, -WRK_TAIL) : once.measured;
  const warmup = tool === 'wrk' ? once.warmup.slice(0, -WRK_TAIL) : once.warmup;
  log(`${route}: warm-up, ${warmup.length} distinct questions`);
  // The warm-up's tail is its own last questions (never measured).
  await sendOnce(
    server.url,
    warmup,
    connections,
    boundSeconds,
    tool,
    pathsFile,
    once.warmup.slice(-WRK_TAIL),
  );
  log(
    `${route}: ${measured.length} distinct questions, each once, over ${connections} connections (${tool})`,
  );
  const cacheBefore = await cacheCounts(server.url, server.workers);
  const cpuBefore = cpuSeconds(server.pid);
  const result = await sendOnce(server.url, measured, connections, boundSeconds, tool, pathsFile, tail);
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  const cacheAfter = await cacheCounts(server.url, server.workers);
  const lookups = cacheAfter.hits + cacheAfter.misses - cacheBefore.hits - cacheBefore.misses;
  return {
    route,
    requests: result.requests,
    server_cpu_ms_per_request: Math.round((cpu * 1000 * 1000) / Math.max(1, result.requests)) / 1000,
    rps: Math.round((result.requests / result.seconds) * 10) / 10,
    p50_ms: result.p50,
    p95_ms: result.p95,
    p99_ms: result.p99,
    max_ms: Math.round(result.max * 100) / 100,
    errors: result.errors,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    repeat_share: 0,
    cache_hit_rate:
      lookups > 0 ? Math.round(((cacheAfter.hits - cacheBefore.hits) / lookups) * 1000) / 1000 : 0,
    questions: measured.length,
  };
}

/** The evaluation data folder: --bench-data, else ../shared/bench-data or ../../shared/bench-data. */
function benchDataDir(given: string | undefined): string {
  if (given) return given;
  const candidates = [
    join(process.cwd(), '..', 'shared', 'bench-data'),
    join(process.cwd(), '..', '..', 'shared', 'bench-data'),
  ];
  const found = candidates.find((dir) => existsSync(dir));
  if (!found) throw new Error(`no bench data in ${candidates.join(' or ')}: pass --bench-data DIR`);
  return found;
}

interface QaSet {
  readonly name: string;
  readonly docs: ReadonlyArray<{ id: string; title: string; text: string }>;
  /** Distinct questions, in a fixed shuffled order. */
  readonly questions: readonly string[];
}

/** A QA folder's articles and its distinct questions, shuffled the same way every run. */
function loadQaSet(dir: string): QaSet {
  const docsPath = join(dir, 'documents.jsonl');
  const questionsPath = join(dir, 'questions.jsonl');
  const docs = parseJsonl(readFileSync(docsPath, 'utf8'), docsPath) as Array<{
    id: string;
    title: string;
    text: string;
  }>;
  const seen = new Set<string>();
  const questions: string[] = [];
  for (const record of parseJsonl(readFileSync(questionsPath, 'utf8'), questionsPath)) {
    const question = String((record as { question?: unknown }).question ?? '')
      .replace(/\s+/g, ' ')
      .trim();
    if (question && !seen.has(question)) {
      seen.add(question);
      questions.push(question);
    }
  }
  const random = seededRandom(1805);
  for (let i = questions.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [questions[i], questions[j]] = [questions[j] as string, questions[i] as string];
  }
  return { name: dir.split('/').filter(Boolean).at(-1) ?? dir, docs, questions };
}

/** The QA set's articles as crawled pages, through the indexer (kept between runs). */
async function buildQaIndex(
  dataDir: string,
  qa: QaSet,
  rebuild: boolean,
  log: (s: string) => void,
): Promise<void> {
  const marker = join(dataDir, 'bench-qa.json');
  const config = loadConfig({ CITEBOX_DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  if (!rebuild && existsSync(marker)) {
    const kept = JSON.parse(readFileSync(marker, 'utf8')) as { name?: string; docs?: number };
    if (kept.name === qa.name && kept.docs === qa.docs.length) {
      log(`index: reusing the ${qa.docs.length} articles of ${qa.name} in ${dataDir}`);
      return;
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const backend = createSearchBackend(config, silentLogger());
  await backend.open();
  try {
    const indexer = new Indexer({ backend, logger: silentLogger() });
    for (const doc of qa.docs) {
      await indexer.indexPage({
        url: `https://qa.bench.invalid/${encodeURIComponent(doc.id)}`,
        title: doc.title,
        fetchedAt: '2026-01-01T00:00:00.000Z',
        contentHash: doc.id,
        blocks: [
          { type: 'heading', level: 1, text: doc.title },
          ...doc.text.split(/\n\s*\n/).map((text) => ({ type: 'text' as const, text })),
        ],
      });
    }
    await indexer.flush();
    await backend.refresh();
    const stats = await backend.stats();
    writeFileSync(marker, JSON.stringify({ name: qa.name, docs: qa.docs.length, passages: stats.passages }));
    log(`index: ${qa.docs.length} articles of ${qa.name}, ${stats.passages} passages`);
  } finally {
    await backend.close();
  }
}

function describe(f: RouteFigures): string {
  const cache =
    f.repeat_share === undefined
      ? ''
      : `  repeats ${(f.repeat_share * 100).toFixed(1)}%  cache hits ${((f.cache_hit_rate ?? 0) * 100).toFixed(1)}%`;
  const asked = f.questions === undefined ? '' : `  (${f.questions} distinct questions, each once)`;
  return `${f.route.padEnd(11)} ${String(f.rps).padStart(8)} req/s  p50 ${f.p50_ms} ms  p95 ${f.p95_ms} ms  p99 ${f.p99_ms} ms  max ${f.max_ms} ms  errors ${f.errors} (timeouts ${f.timeouts}, non-2xx ${f.non2xx})  server CPU ${f.server_cpu_ms_per_request} ms/request${cache}${asked}`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      passages: { type: 'string', default: '100000' },
      duration: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '10' },
      connections: { type: 'string', default: '32' },
      'data-dir': { type: 'string' },
      rebuild: { type: 'boolean', default: false },
      profile: { type: 'string' },
      only: { type: 'string' },
      env: { type: 'string', multiple: true },
      cache: { type: 'string' },
      'no-cache': { type: 'boolean', default: false },
      workers: { type: 'string', default: '1' },
      pool: { type: 'string', default: '100000' },
      zipf: { type: 'string', default: '0.9' },
      tool: { type: 'string' },
      cold: { type: 'boolean', default: false },
      floor: { type: 'boolean', default: false },
      qa: { type: 'string' },
      'bench-data': { type: 'string' },
      'warmup-questions': { type: 'string', default: '1400' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const passages = Number(values.passages);
  const seconds = Number(values.duration);
  const warmup = Number(values.warmup);
  const connections = Number(values.connections);
  const workers = Number(values.workers);
  const poolSize = Number(values.pool);
  const exponent = Number(values.zipf);
  const warmupQuestions = Number(values['warmup-questions']);
  // Cold runs repeat no query, so the cache has nothing to give: the default configuration only.
  const cache = values.cache ?? (values.cold ? 'on' : 'both');
  const cacheModes = values['no-cache'] ? ['off'] : cache === 'both' ? ['on', 'off'] : [cache];
  if (
    ![passages, seconds, connections, workers, poolSize, warmup].every((n) => Number.isInteger(n) && n > 0) ||
    !(Number.isInteger(warmupQuestions) && warmupQuestions >= 0) ||
    !(exponent >= 0) ||
    !cacheModes.every((m) => m === 'on' || m === 'off') ||
    (values.tool !== undefined && values.tool !== 'autocannon' && values.tool !== 'wrk')
  ) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const log = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`);
  // wrk when it is installed: it leaves the server more of the two cores than autocannon does.
  const hasWrk = wrkAvailable();
  const tool = (values.tool ?? (hasWrk ? 'wrk' : 'autocannon')) as 'autocannon' | 'wrk';
  if (tool === 'wrk' && !hasWrk) {
    console.error('--tool wrk: wrk is not installed (apt-get install wrk, or brew install wrk)');
    process.exitCode = 2;
    return;
  }
  if (values.cold) {
    await runCold({
      qaDir: values.qa ?? join(benchDataDir(values['bench-data']), 'qa-squad-dev'),
      dataDir: values['data-dir'],
      rebuild: values.rebuild,
      profile: values.profile,
      env: values.env ?? [],
      only: values.only,
      cacheModes,
      workers,
      connections,
      warmupQuestions,
      tool,
      json: values.json,
      floor: values.floor,
      log,
    });
    return;
  }
  const dataDir = values['data-dir'] ?? join(tmpdir(), `citebox-bench-api-${passages}`);
  const corpus = new SyntheticCorpus({ passages });
  await buildIndex(dataDir, corpus, values.rebuild, log);
  if (values.profile) mkdirSync(values.profile, { recursive: true });

  const extraEnv: Record<string, string> = { CITEBOX_WORKERS: String(workers) };
  for (const pair of values.env ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--env wants KEY=VALUE, not "${pair}"`);
    extraEnv[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const pool = corpus.queryPool(poolSize);
  log(`queries: a pool of ${pool.length} distinct queries, Zipf exponent ${exponent}`);
  const runs: Record<string, RouteFigures[]> = {};
  let logBytes = 0;
  for (const mode of cacheModes) {
    const env = mode === 'off' ? { ...extraEnv, CITEBOX_SEARCH_CACHE_SIZE: '0' } : extraEnv;
    const server = await startServerProcess(dataDir, values.profile, env);
    log(`server (search cache ${mode}): ${server.url} (pid ${server.child.pid}), logs in ${server.logFile}`);
    const figures: RouteFigures[] = [];
    try {
      // What is measured is an answer with sources and citations, not an empty one.
      const sample = (await (
        await fetch(
          `${server.url}/v1/answer?q=${encodeURIComponent(corpus.queries(1, 5)[0] ?? 'x')}&mode=extractive`,
        )
      ).json()) as {
        answer_mode?: string;
        sources?: unknown[];
        citations?: unknown[];
      };
      log(
        `sample answer: mode ${sample.answer_mode}, ${sample.sources?.length} sources, ${sample.citations?.length} citations`,
      );
      // Each server gets the same streams (one per route), from their start.
      const searchStream = new QueryStream(pool, { exponent, seed: 4242 });
      const answerStream = new QueryStream(pool, { exponent, seed: 2424 });
      const routes: RouteLoad[] = [
        {
          route: '/v1/search',
          seconds,
          stream: searchStream,
          path: () => `/v1/search?q=${encodeURIComponent(searchStream.next())}&limit=10`,
        },
        {
          route: '/v1/answer',
          seconds,
          stream: answerStream,
          path: () => `/v1/answer?q=${encodeURIComponent(answerStream.next())}&mode=extractive`,
        },
      ];
      // The API's own cost (auth, rate limit, headers, metrics, access log, serialization): a
      // route that does no work of its own. Once is enough.
      if (mode === cacheModes[0]) {
        routes.push({ route: '/v1/models', seconds: Math.min(seconds, 10), path: () => '/v1/models' });
      }
      for (const route of routes) {
        if (values.only && !route.route.endsWith(values.only)) continue;
        figures.push(
          await measure(
            route,
            { pid: server.child.pid, url: server.url, workers },
            connections,
            warmup,
            tool,
            dataDir,
            log,
          ),
        );
      }
    } finally {
      server.child.kill('SIGTERM');
      await new Promise((resolve) => server.child.once('exit', resolve));
    }
    logBytes = statSync(server.logFile).size;
    runs[mode] = figures;
  }

  const byRoute = (figures: RouteFigures[] | undefined) =>
    figures ? Object.fromEntries(figures.map((f) => [f.route, f])) : undefined;
  const summary = {
    passages,
    connections,
    duration_s: seconds,
    cpus: cpus().length,
    node: process.version,
    workers,
    query_pool: pool.length,
    zipf_exponent: exponent,
    tool,
    server_log_bytes: logBytes,
    // The first run's routes (the cache on, unless only off was asked for).
    routes: byRoute(runs[cacheModes[0] ?? 'on']),
    ...(runs['on'] ? { cached: byRoute(runs['on']) } : {}),
    ...(runs['off'] ? { uncached: byRoute(runs['off']) } : {}),
  };
  for (const mode of cacheModes) {
    log(`search-result cache ${mode}:`);
    for (const f of runs[mode] ?? []) log(`  ${describe(f)}`);
  }
  log(`server log: ${(logBytes / 1e6).toFixed(1)} MB`);
  if (values.json) console.log(JSON.stringify(summary));
}

/** Extra server environment from --env KEY=VALUE pairs, with the worker count. */
function serverEnv(pairs: readonly string[], workers: number): Record<string, string> {
  const env: Record<string, string> = { CITEBOX_WORKERS: String(workers) };
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--env wants KEY=VALUE, not "${pair}"`);
    env[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return env;
}

interface ColdOptions {
  readonly qaDir: string;
  readonly dataDir: string | undefined;
  readonly rebuild: boolean;
  readonly profile: string | undefined;
  readonly env: readonly string[];
  readonly only: string | undefined;
  readonly cacheModes: readonly string[];
  readonly workers: number;
  readonly connections: number;
  readonly warmupQuestions: number;
  readonly tool: 'autocannon' | 'wrk';
  readonly json: boolean;
  /** Also measure the floor server (scripts/lib/floor-server.ts) on the search questions. */
  readonly floor: boolean;
  readonly log: (line: string) => void;
}

/** The floor server (scripts/lib/floor-server.ts) over the index in dataDir, in `workers` processes. */
async function startFloorServer(
  dataDir: string,
  workers: number,
): Promise<{ child: ChildProcess; url: string; logFile: string }> {
  const logFile = join(dataDir, 'floor-server.log');
  const child = spawn(
    process.execPath,
    [join(ROOT, 'dist', 'scripts', 'lib', 'floor-server.js'), join(dataDir, 'index.sqlite'), String(workers)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the floor server did not start within 60 s')), 60_000);
    child.on('exit', (code) => reject(new Error(`the floor server exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const m = /"url":"([^"]+)"/.exec(buffer);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
  writeFileSync(logFile, '');
  return { child, url, logFile };
}

/** --cold: every request a question of the QA set not asked before; a fresh server per route. */
async function runCold(o: ColdOptions): Promise<void> {
  const { log } = o;
  const qa = loadQaSet(o.qaDir);
  const dataDir = o.dataDir ?? join(tmpdir(), `citebox-bench-api-cold-${qa.name}`);
  await buildQaIndex(dataDir, qa, o.rebuild, log);
  if (o.profile) mkdirSync(o.profile, { recursive: true });
  const warmupCount = Math.min(o.warmupQuestions, Math.floor(qa.questions.length / 4));
  const warmQuestions = qa.questions.slice(0, warmupCount);
  const measuredQuestions = qa.questions.slice(warmupCount);
  log(
    `questions: ${qa.questions.length} distinct questions of ${qa.name}: ${warmQuestions.length} to warm up, ${measuredQuestions.length} measured, each asked once`,
  );
  const routes = [
    { route: '/v1/search', path: (q: string) => `/v1/search?q=${encodeURIComponent(q)}&limit=10` },
    { route: '/v1/answer', path: (q: string) => `/v1/answer?q=${encodeURIComponent(q)}&mode=extractive` },
    ...(o.floor
      ? [{ route: 'floor /v1/search', path: (q: string) => `/v1/search?q=${encodeURIComponent(q)}` }]
      : []),
  ].filter((r) => !o.only || r.route.endsWith(o.only));
  const runs: Record<string, RouteFigures[]> = {};
  let logBytes = 0;
  for (const mode of o.cacheModes) {
    const base = serverEnv(o.env, o.workers);
    const env = mode === 'off' ? { ...base, CITEBOX_SEARCH_CACHE_SIZE: '0' } : base;
    const figures: RouteFigures[] = [];
    for (const r of routes) {
      const server = r.route.startsWith('floor')
        ? await startFloorServer(dataDir, o.workers)
        : await startServerProcess(dataDir, o.profile, env);
      log(`server for ${r.route} (search cache ${mode}): ${server.url} (pid ${server.child.pid})`);
      try {
        figures.push(
          await measure(
            {
              route: r.route,
              // A bound only: the run ends when the questions do.
              seconds: 600,
              path: () => '',
              once: { warmup: warmQuestions.map(r.path), measured: measuredQuestions.map(r.path) },
            },
            { pid: server.child.pid, url: server.url, workers: o.workers },
            o.connections,
            0,
            o.tool,
            dataDir,
            log,
          ),
        );
      } finally {
        server.child.kill('SIGTERM');
        await new Promise((resolve) => server.child.once('exit', resolve));
      }
      logBytes += statSync(server.logFile).size;
    }
    runs[mode] = figures;
  }
  const byRoute = (figures: RouteFigures[] | undefined) =>
    figures ? Object.fromEntries(figures.map((f) => [f.route, f])) : undefined;
  for (const mode of o.cacheModes) {
    log(`cold, search-result cache ${mode}:`);
    for (const f of runs[mode] ?? []) log(`  ${describe(f)}`);
  }
  if (o.json) {
    console.log(
      JSON.stringify({
        mode: 'cold',
        qa: qa.name,
        articles: qa.docs.length,
        questions: qa.questions.length,
        warmup_questions: warmQuestions.length,
        connections: o.connections,
        cpus: cpus().length,
        node: process.version,
        workers: o.workers,
        tool: o.tool,
        server_log_bytes: logBytes,
        routes: byRoute(runs[o.cacheModes[0] ?? 'on']),
        ...(runs['on'] ? { cached: byRoute(runs['on']) } : {}),
        ...(runs['off'] ? { uncached: byRoute(runs['off']) } : {}),
      }),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
