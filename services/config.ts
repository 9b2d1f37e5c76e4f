// Configuration is read once at start-up from the environment (and optionally a JSON file named by
// CITEBOX_CONFIG), validated, frozen and passed down. This is the only module that reads
// process.env. Every key is declared once in SETTINGS, which also feeds the README's table.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { isLocalEmbeddingSetting, LOCAL_EMBEDDING_MODELS, localEmbeddingModel } from './embeddings/index.js';
import { CiteboxError } from './errors.js';

export type BackendKind = 'sqlite' | 'elasticsearch' | 'opensearch';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly backend: BackendKind;
  readonly elasticsearchUrl: string | undefined;
  readonly opensearchUrl: string | undefined;
  readonly llmBaseUrl: string | undefined;
  readonly llmApiKey: string | undefined;
  readonly llmModel: string | undefined;
  readonly embeddingsModel: string | undefined;
  /** Where local models live (`npm run models:prepare` writes there; `local:` embeddings read there). */
  readonly modelsDir: string;
  readonly llmTimeoutMs: number;
  /** The LLM's context window in tokens; retrieved passages are fitted into it. */
  readonly llmContextTokens: number;
  /** Ask the LLM to judge citations that the overlap check finds doubtful. */
  readonly llmJudge: boolean;
  /** Sources are cut to what the model reads in this long at its measured speed (0: no limit). */
  readonly llmTargetFirstTokenMs: number;
  /** In `auto` mode, a model whose name gives fewer parameters (billions) answers extractively. */
  readonly llmAutoMinParamsB: number;
  /** Finished answers kept in memory (0: no answer cache). */
  readonly answerCacheSize: number;
  /** Search result lists kept in memory (0: no search-result cache). */
  readonly searchCacheSize: number;
  readonly passageCacheSize: number;
  /** Server processes of `citebox serve` (node:cluster); `auto`: one per CPU. */
  readonly workers: number | 'auto';
  readonly workersBalance: 'auto' | 'kernel' | 'primary';
  /** Listening sockets per process when the workers have their own (SO_REUSEPORT). */
  readonly acceptSockets: number;
  readonly adminKey: string | undefined;
  readonly apiKeys: readonly string[];
  readonly crawlDelayMs: number;
  readonly crawlConcurrency: number;
  /** Crawl requests in flight across all hosts, per process. */
  readonly crawlGlobalConcurrency: number;
  /** The delay between two requests to a host is at least this multiple of its response time. */
  readonly crawlDelayFactor: number;
  /** First revisit interval of a crawled page, hours (0: re-fetch on every crawl). */
  readonly recrawlIntervalHours: number;
  /** Worker threads that parse crawled pages (undefined: one per spare core, up to 4). */
  readonly crawlExtractThreads: number | undefined;
  readonly allowPrivateNetworks: boolean;
  readonly userAgent: string;
  readonly logLevel: LogLevel;
  /** Log lines as readable text (`pretty`), JSON (`json`), or text on a terminal only (`auto`). */
  readonly logFormat: 'auto' | 'pretty' | 'json';
  /** Index Citebox's own documentation when the index is empty at start-up. */
  readonly bootstrapDocs: boolean;
  /** Elasticsearch/OpenSearch: the alias of the passages index. */
  readonly indexName: string;
  /** Elasticsearch/OpenSearch: primary shards of a new passages index. */
  readonly indexShards: number;
  /** Elasticsearch/OpenSearch: replicas of each shard. */
  readonly indexReplicas: number;
  /** Length of embedding vectors; Elasticsearch/OpenSearch add a vector field of this size. */
  readonly embeddingsDimensions: number | undefined;
  /** Whether this process runs crawl jobs (false on an API whose jobs a `citebox worker` runs). */
  readonly crawlWorker: boolean;
  /** Where crawl jobs and the frontier live: crawl.sqlite, or the engine's indices (`auto`: as the backend). */
  readonly crawlState: 'auto' | 'sqlite' | 'engine';
  /** Engine crawl state: how long a claim, a host lease or a job step holds without renewal, ms. */
  readonly crawlLeaseMs: number;
  /** Proxies whose X-Forwarded-For is believed: `true`, a hop count, or addresses/CIDRs. */
  readonly trustProxy: readonly string[] | undefined;
  /** Requests per minute per API key or client address on the API routes; 0 turns limits off. */
  readonly rateLimitPerMinute: number;
  /** Origins allowed to call the API from a browser (CORS); `*` for any. */
  readonly corsOrigins: readonly string[] | undefined;
  /** Answers generated at once; more wait in a queue. */
  readonly answerConcurrency: number;
  /** Answers that may wait for a slot; beyond that the API answers 503 with Retry-After. */
  readonly answerQueue: number;
  /** Upper bound on handling one request (answers and streams included), in ms. */
  readonly requestTimeoutMs: number;
  /** On SIGTERM, how long in-flight requests and streams get to finish, in ms. */
  readonly shutdownGraceMs: number;
  /** One info-level log line per request. */
  readonly accessLog: boolean;
}

type Kind =
  | { type: 'string' }
  | { type: 'secret' }
  | { type: 'url' }
  | { type: 'int'; min: number; max: number }
  /** A whole number, or the word `auto`. */
  | { type: 'intOrAuto'; min: number; max: number }
  | { type: 'bool' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'list' };

export interface Setting {
  readonly key: keyof Config;
  /** Environment variable names, first wins. */
  readonly env: readonly string[];
  readonly kind: Kind;
  /** Default value as text (as it would be written in the environment), or undefined for "unset". */
  readonly default: string | undefined;
  readonly doc: string;
}

export const DEFAULT_USER_AGENT = 'CiteboxBot/0.1 (+https://github.com/citebox/citebox)';

export const SETTINGS: readonly Setting[] = [
  {
    key: 'port',
    env: ['PORT'],
    kind: { type: 'int', min: 0, max: 65535 },
    default: '8080',
    doc: 'HTTP port of the API and website.',
  },
  {
    key: 'host',
    env: ['HOST'],
    kind: { type: 'string' },
    default: '127.0.0.1',
    doc: 'Address to listen on (`0.0.0.0` to accept outside connections, as the container does).',
  },
  {
    key: 'publicUrl',
    env: ['CITEBOX_PUBLIC_URL'],
    kind: { type: 'url' },
    default: undefined,
    doc: 'The URL users reach Citebox at; used for links to its own documentation. Default `http://localhost:PORT`.',
  },
  {
    key: 'dataDir',
    env: ['CITEBOX_DATA_DIR'],
    kind: { type: 'string' },
    default: './data',
    doc: 'Where the SQLite index, crawl state and caches live.',
  },
  {
    key: 'backend',
    env: ['CITEBOX_BACKEND'],
    kind: { type: 'enum', values: ['sqlite', 'elasticsearch', 'opensearch'] },
    default: 'sqlite',
    doc: 'Search backend.',
  },
  {
    key: 'elasticsearchUrl',
    env: ['ELASTICSEARCH_URL'],
    kind: { type: 'url' },
    default: undefined,
    doc: 'Elasticsearch URL (with `CITEBOX_BACKEND=elasticsearch`).',
  },
  {
    key: 'opensearchUrl',
    env: ['OPENSEARCH_URL'],
    kind: { type: 'url' },
    default: undefined,
    doc: 'OpenSearch URL (with `CITEBOX_BACKEND=opensearch`).',
  },
  {
    key: 'llmBaseUrl',
    env: ['LLM_BASE_URL'],
    kind: { type: 'url' },
    default: undefined,
    doc: 'Base URL of an OpenAI-compatible API (OpenAI, Ollama, vLLM, llama.cpp). Unset: extractive answers.',
  },
  {
    key: 'llmApiKey',
    env: ['LLM_API_KEY', 'OPENAI_API_KEY'],
    kind: { type: 'secret' },
    default: undefined,
    doc: 'API key for the LLM endpoint.',
  },
  {
    key: 'llmModel',
    env: ['LLM_MODEL'],
    kind: { type: 'string' },
    default: undefined,
    doc: 'Chat model name.',
  },
  {
    key: 'embeddingsModel',
    env: ['EMBEDDINGS_MODEL'],
    kind: { type: 'string' },
    default: undefined,
    doc: 'Embeddings model; set it to add vector retrieval fused with BM25. `local:all-MiniLM-L6-v2` runs one in-process (`npm run models:prepare -- all-MiniLM-L6-v2` fetches it); any other name is asked of `LLM_BASE_URL`.',
  },
  {
    key: 'modelsDir',
    env: ['CITEBOX_MODELS_DIR'],
    kind: { type: 'string' },
    default: undefined,
    doc: 'Where local models live: `npm run models:prepare` puts them there and `EMBEDDINGS_MODEL=local:…` reads them. Default `~/.cache/citebox/models`.',
  },
  {
    key: 'llmTimeoutMs',
    env: ['LLM_TIMEOUT_MS'],
    kind: { type: 'int', min: 100, max: 600_000 },
    default: '30000',
    doc: 'The LLM’s first token must come within this many ms (retries included), and no later pause may be longer; otherwise the answer is extractive.',
  },
  {
    key: 'llmContextTokens',
    env: ['LLM_CONTEXT_TOKENS'],
    kind: { type: 'int', min: 1024, max: 2_000_000 },
    default: '4096',
    doc: 'Context window of the LLM in tokens; the retrieved passages are cut to fit it. 4096 is what Ollama gives a model by default on small GPUs (`OLLAMA_CONTEXT_LENGTH`); raise both together.',
  },
  {
    key: 'llmTargetFirstTokenMs',
    env: ['LLM_TARGET_FIRST_TOKEN_MS'],
    kind: { type: 'int', min: 0, max: 600_000 },
    default: '4000',
    doc: 'The model should start answering within this many ms: Citebox measures how fast it reads prompts and sends it only the sources it reads in that time (fewer, tighter passages for a small model on a CPU). `0`: fill the context whatever the speed.',
  },
  {
    key: 'llmAutoMinParamsB',
    env: ['LLM_AUTO_MIN_PARAMS_B'],
    kind: { type: 'int', min: 0, max: 10_000 },
    default: '3',
    doc: 'In `auto` mode (the default), a model whose name gives fewer parameters than this many billion (`qwen2.5:1.5b`, `…-0.5b-instruct`) does not write answers: measured, such models answer worse than the extractive answers. `mode: "llm"` still uses it; `0` uses any model.',
  },
  {
    key: 'llmJudge',
    env: ['CITEBOX_LLM_JUDGE'],
    kind: { type: 'bool' },
    default: 'false',
    doc: 'Ask the LLM a yes/no question for each citation the word-overlap check finds doubtful (slower answers, fewer false alarms).',
  },
  {
    key: 'answerCacheSize',
    env: ['CITEBOX_ANSWER_CACHE_SIZE'],
    kind: { type: 'int', min: 0, max: 100_000 },
    default: '500',
    doc: 'Finished answers kept in memory, keyed by question, filters, mode and index generation (a new crawl invalidates them); `0` turns the cache off.',
  },
  {
    key: 'searchCacheSize',
    env: ['CITEBOX_SEARCH_CACHE_SIZE'],
    kind: { type: 'int', min: 0, max: 1_000_000 },
    default: '20000',
    doc: 'Search result lists kept per server process, keyed by query, limit, filters and index generation (any write to the index invalidates them); answers use it for their retrieval too. The embedded index keeps them compact (passage ids and scores, ~1.5 KB a list; the 500 most recent whole), and the processes of one server (`CITEBOX_WORKERS`) share them through a file in the data directory; Elasticsearch and OpenSearch keep at most 2,000 whole (~75 KB each). `0` turns the cache off.',
  },
  {
    key: 'passageCacheSize',
    env: ['CITEBOX_PASSAGE_CACHE_SIZE'],
    kind: { type: 'int', min: 0, max: 10_000_000 },
    default: '100000',
    doc: 'Embedded index: passages whose tokens the re-ranker keeps in memory per server process (about 1.5 KB each: 150 MB at most by default), so a passage that comes back in later searches is not tokenized again. `0` keeps none.',
  },
  {
    key: 'workers',
    env: ['CITEBOX_WORKERS'],
    kind: { type: 'intOrAuto', min: 1, max: 256 },
    default: '1',
    doc: '`citebox serve` processes sharing the port (`auto`: one per CPU). Each opens the index; one of them runs crawl jobs and indexes the docs at first start. They share search results (a file under `search-cache/` in the data directory, removed when the server stops); rate limits, the other caches and `/metrics` are per process.',
  },
  {
    key: 'workersBalance',
    env: ['CITEBOX_WORKERS_BALANCE'],
    kind: { type: 'enum', values: ['auto', 'kernel', 'primary'] },
    default: 'auto',
    doc: 'How the `CITEBOX_WORKERS` processes share new connections: `kernel` gives each its own listening socket on the port (`SO_REUSEPORT`, `CITEBOX_ACCEPT_SOCKETS` of them; the kernel spreads connections by address, and nothing waits for a busy process to take a connection), `primary` has the primary process accept every connection and hand it to the next worker in turn (node:cluster round-robin: an even spread, but each hand-off waits for a worker busy with requests, so a burst of new connections can wait hundreds of ms). `auto`: `kernel` on Linux, `primary` elsewhere.',
  },
  {
    key: 'acceptSockets',
    env: ['CITEBOX_ACCEPT_SOCKETS'],
    kind: { type: 'int', min: 1, max: 64 },
    default: '8',
    doc: 'With `CITEBOX_WORKERS_BALANCE=kernel`, listening sockets per process on the shared port (`SO_REUSEPORT`), all feeding its one HTTP server. Node accepts one connection per socket per turn of its event loop, and a busy process turns once per batch of requests (~40 ms), so with one socket a burst of new connections is taken one per turn; with 8 it is taken eight at a time.',
  },
  {
    key: 'adminKey',
    env: ['CITEBOX_ADMIN_KEY'],
    kind: { type: 'secret' },
    default: undefined,
    doc: 'Bearer key for admin routes (crawls). Unset: admin routes are refused.',
  },
  {
    key: 'apiKeys',
    env: ['CITEBOX_API_KEYS'],
    kind: { type: 'list' },
    default: undefined,
    doc: 'Comma-separated bearer keys for answer and search routes. Unset: those routes are open.',
  },
  {
    key: 'crawlDelayMs',
    env: ['CITEBOX_CRAWL_DELAY_MS'],
    kind: { type: 'int', min: 0, max: 600_000 },
    default: '1000',
    doc: 'Minimum delay between two requests to one host, in ms.',
  },
  {
    key: 'crawlConcurrency',
    env: ['CITEBOX_CRAWL_CONCURRENCY'],
    kind: { type: 'int', min: 1, max: 64 },
    default: '1',
    doc: 'Connections per host.',
  },
  {
    key: 'crawlGlobalConcurrency',
    env: ['CITEBOX_CRAWL_GLOBAL_CONCURRENCY'],
    kind: { type: 'int', min: 1, max: 512 },
    default: '16',
    doc: 'Crawl requests in flight across all hosts, per process.',
  },
  {
    key: 'crawlDelayFactor',
    env: ['CITEBOX_CRAWL_DELAY_FACTOR'],
    kind: { type: 'int', min: 0, max: 100 },
    default: '2',
    doc: 'The delay between two requests to a host is also at least this many times its recent response time, so a slow site gets more air (`0` turns it off).',
  },
  {
    key: 'recrawlIntervalHours',
    env: ['CITEBOX_RECRAWL_INTERVAL_HOURS'],
    kind: { type: 'int', min: 0, max: 8760 },
    default: '24',
    doc: 'A later crawl re-fetches a page only after its revisit interval: it starts at this many hours, grows while the page stays the same and shrinks when it changes (1 hour to 30 days). `0` re-fetches every page on every crawl; `citebox crawl --refresh` does so once.',
  },
  {
    key: 'crawlExtractThreads',
    env: ['CITEBOX_CRAWL_EXTRACT_THREADS'],
    kind: { type: 'int', min: 0, max: 32 },
    default: undefined,
    doc: 'Worker threads that parse crawled pages. Unset: one per spare core, up to 4; `0` parses on the main thread.',
  },
  {
    key: 'allowPrivateNetworks',
    env: ['CITEBOX_ALLOW_PRIVATE_NETWORKS'],
    kind: { type: 'bool' },
    default: 'false',
    doc: 'Let the crawler fetch loopback, private, link-local and metadata addresses (tests, intranets).',
  },
  {
    key: 'userAgent',
    env: ['CITEBOX_USER_AGENT'],
    kind: { type: 'string' },
    default: DEFAULT_USER_AGENT,
    doc: 'User-Agent of the crawler; include a contact URL.',
  },
  {
    key: 'logLevel',
    env: ['LOG_LEVEL'],
    kind: { type: 'enum', values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    default: 'info',
    doc: 'Log level.',
  },
  {
    key: 'logFormat',
    env: ['LOG_FORMAT'],
    kind: { type: 'enum', values: ['auto', 'pretty', 'json'] },
    default: 'auto',
    doc: 'Log lines: `auto` writes readable text when the output is a terminal and JSON lines otherwise; `pretty` or `json` force one.',
  },
  {
    key: 'bootstrapDocs',
    env: ['CITEBOX_BOOTSTRAP_DOCS'],
    kind: { type: 'bool' },
    default: 'true',
    doc: 'Index Citebox’s own documentation when the index is empty at start-up.',
  },
  {
    key: 'indexName',
    env: ['CITEBOX_INDEX_NAME'],
    kind: { type: 'string' },
    default: 'citebox-passages',
    doc: 'Elasticsearch/OpenSearch: the alias Citebox searches and writes through; its indices are named `<alias>-000001`, `-000002`, …',
  },
  {
    key: 'indexShards',
    env: ['CITEBOX_INDEX_SHARDS'],
    kind: { type: 'int', min: 1, max: 1024 },
    default: '1',
    doc: 'Elasticsearch/OpenSearch: primary shards of a new passages index (takes effect on `citebox reindex`).',
  },
  {
    key: 'indexReplicas',
    env: ['CITEBOX_INDEX_REPLICAS'],
    kind: { type: 'int', min: 0, max: 16 },
    default: '0',
    doc: 'Elasticsearch/OpenSearch: replicas of each shard (0 on a single node; 1 or more on a cluster).',
  },
  {
    key: 'embeddingsDimensions',
    env: ['EMBEDDINGS_DIMENSIONS'],
    kind: { type: 'int', min: 1, max: 8192 },
    default: undefined,
    doc: 'Length of the vectors of `EMBEDDINGS_MODEL`; Elasticsearch/OpenSearch add a vector field of this size (OpenSearch needs its k-NN plugin). Changing it needs `citebox reindex`.',
  },
  {
    key: 'crawlWorker',
    env: ['CITEBOX_CRAWL_WORKER'],
    kind: { type: 'bool' },
    default: 'true',
    doc: 'Run crawl jobs in this process. `false` on an API whose jobs a separate `citebox worker` runs (as in docker compose); the API then only queues them.',
  },
  {
    key: 'crawlState',
    env: ['CITEBOX_CRAWL_STATE'],
    kind: { type: 'enum', values: ['auto', 'sqlite', 'engine'] },
    default: 'auto',
    doc: 'Where crawl jobs, the frontier and what is known of each URL live: `sqlite` (crawl.sqlite in the data directory, one machine), `engine` (indices of Elasticsearch/OpenSearch, so API replicas and workers on many hosts share them), `auto`: `engine` when `CITEBOX_BACKEND` is an engine.',
  },
  {
    key: 'crawlLeaseMs',
    env: ['CITEBOX_CRAWL_LEASE_MS'],
    kind: { type: 'int', min: 1_000, max: 600_000 },
    default: '30000',
    doc: "Engine crawl state: how long a worker's claim of URLs, lease of a host or job step holds without renewal, in ms; a dead worker's work returns to the others after it.",
  },
  {
    key: 'trustProxy',
    env: ['CITEBOX_TRUST_PROXY'],
    kind: { type: 'list' },
    default: undefined,
    doc: 'Behind a reverse proxy: `true`, a hop count, or comma-separated proxy addresses/CIDRs whose `X-Forwarded-For` is believed (rate limits and logs then see real clients).',
  },
  {
    key: 'rateLimitPerMinute',
    env: ['CITEBOX_RATE_LIMIT_PER_MINUTE'],
    kind: { type: 'int', min: 0, max: 1_000_000_000 },
    default: '600',
    doc: 'Requests per minute per API key (or per client address without one) on the API and search page; `0` turns rate limits off.',
  },
  {
    key: 'corsOrigins',
    env: ['CITEBOX_CORS_ORIGINS'],
    kind: { type: 'list' },
    default: undefined,
    doc: 'Comma-separated origins (`https://app.example.com`) allowed to call the API from a browser; `*` for any. Unset: same-origin only.',
  },
  {
    key: 'answerConcurrency',
    env: ['CITEBOX_ANSWER_CONCURRENCY'],
    kind: { type: 'int', min: 1, max: 10_000 },
    default: '16',
    doc: 'Answers generated at once (match it to what your LLM serves in parallel); more wait in a queue.',
  },
  {
    key: 'answerQueue',
    env: ['CITEBOX_ANSWER_QUEUE'],
    kind: { type: 'int', min: 0, max: 100_000 },
    default: '64',
    doc: 'Answers that may wait for a slot; beyond that the API answers `503` with `Retry-After`.',
  },
  {
    key: 'requestTimeoutMs',
    env: ['CITEBOX_REQUEST_TIMEOUT_MS'],
    kind: { type: 'int', min: 1000, max: 3_600_000 },
    default: '60000',
    doc: 'Upper bound on receiving and handling one request, answers and streams included, in ms.',
  },
  {
    key: 'shutdownGraceMs',
    env: ['CITEBOX_SHUTDOWN_GRACE_MS'],
    kind: { type: 'int', min: 0, max: 600_000 },
    default: '10000',
    doc: 'On SIGTERM, how long in-flight requests and answer streams get to finish before they are ended, in ms.',
  },
  {
    key: 'accessLog',
    env: ['CITEBOX_ACCESS_LOG'],
    kind: { type: 'bool' },
    default: 'true',
    doc: 'One `info` log line per request (method, route, status, duration, request id; never the query string or headers).',
  },
];

/** Environment variable that names an optional JSON config file holding the same keys. */
export const CONFIG_FILE_ENV = 'CITEBOX_CONFIG';

function invalid(variable: string, message: string): CiteboxError {
  return new CiteboxError('CONFIG_INVALID', `${variable}: ${message}`, { details: { variable } });
}

function parseValue(setting: Setting, variable: string, raw: string): unknown {
  const text = raw.trim();
  const kind = setting.kind;
  switch (kind.type) {
    case 'string':
    case 'secret':
      if (text === '') throw invalid(variable, 'must not be empty');
      return text;
    case 'url': {
      let url: URL;
      try {
        url = new URL(text);
      } catch {
        throw invalid(variable, `"${text}" is not a URL`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw invalid(variable, 'must be an http(s) URL');
      return text.replace(/\/+$/, '');
    }
    case 'int': {
      if (!/^-?\d+$/.test(text)) throw invalid(variable, `"${text}" is not a whole number`);
      const n = Number(text);
      if (n < kind.min || n > kind.max) throw invalid(variable, `${n} is outside ${kind.min}..${kind.max}`);
      return n;
    }
    case 'intOrAuto': {
      if (text.toLowerCase() === 'auto') return 'auto';
      if (!/^-?\d+$/.test(text)) throw invalid(variable, `"${text}" is neither a whole number nor auto`);
      const n = Number(text);
      if (n < kind.min || n > kind.max) throw invalid(variable, `${n} is outside ${kind.min}..${kind.max}`);
      return n;
    }
    case 'bool': {
      const t = text.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(t)) return true;
      if (['0', 'false', 'no', 'off'].includes(t)) return false;
      throw invalid(variable, `"${text}" is not a boolean (true/false)`);
    }
    case 'enum':
      if (!kind.values.includes(text))
        throw invalid(variable, `"${text}" is not one of ${kind.values.join(', ')}`);
      return text;
    case 'list':
      return Object.freeze(
        text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s.length > 0),
      );
  }
}

function readConfigFile(path: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new CiteboxError(
      'CONFIG_INVALID',
      `${CONFIG_FILE_ENV}: cannot read ${path}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalid(CONFIG_FILE_ENV, `${path} must hold a JSON object of KEY: value`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!SETTINGS.some((s) => s.env.includes(k))) throw invalid(CONFIG_FILE_ENV, `${path}: unknown key ${k}`);
    out[k] = Array.isArray(v) ? v.join(',') : String(v);
  }
  return out;
}

/**
 * Builds the frozen configuration from an environment (process.env by default). Throws
 * CiteboxError CONFIG_INVALID naming the variable when a value is bad.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const filePath = env[CONFIG_FILE_ENV];
  const fromFile = filePath ? readConfigFile(filePath) : {};
  const out: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    let value: unknown;
    let found = false;
    for (const variable of setting.env) {
      const raw = env[variable] ?? fromFile[variable];
      if (raw !== undefined && raw !== '') {
        value = parseValue(setting, variable, raw);
        found = true;
        break;
      }
    }
    if (!found && setting.default !== undefined) {
      value = parseValue(setting, setting.env[0] ?? setting.key, setting.default);
    }
    out[setting.key] = value;
  }
  if (out['apiKeys'] === undefined) out['apiKeys'] = Object.freeze([]);
  out['dataDir'] = resolve(String(out['dataDir']));
  out['modelsDir'] = resolve(
    out['modelsDir'] === undefined
      ? join(homedir(), '.cache', 'citebox', 'models')
      : String(out['modelsDir']),
  );
  if (out['publicUrl'] === undefined) out['publicUrl'] = `http://localhost:${out['port']}`;
  const config = out as unknown as Config;
  if (config.backend === 'elasticsearch' && !config.elasticsearchUrl) {
    throw invalid('ELASTICSEARCH_URL', 'must be set when CITEBOX_BACKEND=elasticsearch');
  }
  if (config.backend === 'opensearch' && !config.opensearchUrl) {
    throw invalid('OPENSEARCH_URL', 'must be set when CITEBOX_BACKEND=opensearch');
  }
  if (config.llmBaseUrl && !config.llmModel)
    throw invalid('LLM_MODEL', 'must be set when LLM_BASE_URL is set');
  const local = localEmbeddingModel(config.embeddingsModel);
  if (isLocalEmbeddingSetting(config.embeddingsModel) && !local) {
    throw invalid(
      'EMBEDDINGS_MODEL',
      `"${config.embeddingsModel}" is not a local model; known: ${LOCAL_EMBEDDING_MODELS.map((m) => `local:${m.name}`).join(', ')}`,
    );
  }
  if (config.embeddingsModel && !local && !config.llmBaseUrl) {
    throw invalid(
      'EMBEDDINGS_MODEL',
      'needs LLM_BASE_URL, the OpenAI-compatible endpoint that serves the model (or a local:… model)',
    );
  }
  // A local model's vectors have a known length: the engines need it for their vector field.
  if (local && config.embeddingsDimensions === undefined) {
    out['embeddingsDimensions'] = local.dimensions;
  }
  if (local && config.embeddingsDimensions !== local.dimensions) {
    throw invalid('EMBEDDINGS_DIMENSIONS', `${config.embeddingsModel} has ${local.dimensions} dimensions`);
  }
  return Object.freeze(config);
}

/** Whether an LLM endpoint is configured (otherwise answers are extractive). */
export function hasLlm(config: Config): boolean {
  return config.llmBaseUrl !== undefined && config.llmModel !== undefined;
}
