// The crawl state as engine documents, pure: index names and mappings, document ids, and the
// conversions between documents and the crawler's types. Five indices per Citebox index name:
// - `<name>-crawl-jobs`: one document per job (its options, status, steps, page budget);
// - `<name>-crawl-frontier`: one document per URL of a job (StormCrawler's status index: status,
//   next fetch time, host, depth, validators, content hash, claim), routed by job, so a job's
//   URLs live on one shard, where a bulk request's writes land in order;
// - `<name>-crawl-urls`: what is known of each URL across crawls (validators, hashes, revisits);
// - `<name>-crawl-hosts`: one document per host: its lease and its politeness state;
// - `<name>-crawl-workers`: one document per live process (heartbeats).
// Only fields that are searched, sorted or aggregated are mapped (`dynamic: false`); the rest
// stays in `_source`.
import { createHash } from 'node:crypto';
import type {
  CrawlJob,
  CrawlOptions,
  CrawlStats,
  CrawlStatus,
  FrontierEntry,
  JobCounters,
  JobOrigin,
  JobPhase,
  JobStep,
  UrlClaim,
  UrlState,
  UrlStateWrite,
  UrlStatus,
} from '../types.js';

export interface CrawlIndexNames {
  readonly jobs: string;
  readonly frontier: string;
  readonly urls: string;
  readonly hosts: string;
  readonly workers: string;
}

/** The crawl-state indices that belong to a Citebox index name (CITEBOX_INDEX_NAME). */
export function crawlIndexNames(indexName: string): CrawlIndexNames {
  const p = `${indexName.toLowerCase()}-crawl`;
  return {
    jobs: `${p}-jobs`,
    frontier: `${p}-frontier`,
    urls: `${p}-urls`,
    hosts: `${p}-hosts`,
    workers: `${p}-workers`,
  };
}

const KEYWORD = { type: 'keyword' } as const;
const LONG_URL = { type: 'keyword', ignore_above: 4096 } as const;
const LONG = { type: 'long' } as const;

/** Mappings of each index (`dynamic: false`: other fields are kept, not indexed). */
export const CRAWL_MAPPINGS: Readonly<Record<keyof CrawlIndexNames, Record<string, unknown>>> = {
  jobs: {
    dynamic: false,
    properties: {
      status: KEYWORD,
      origin: KEYWORD,
      options_key: KEYWORD,
      created_at: { type: 'date' },
      seq: LONG,
    },
  },
  frontier: {
    dynamic: false,
    properties: {
      job: KEYWORD,
      url: LONG_URL,
      host: KEYWORD,
      depth: { type: 'integer' },
      seq: LONG,
      status: KEYWORD,
      next_fetch_at: LONG,
      claimed_by: KEYWORD,
      claim_until: LONG,
      done_by: KEYWORD,
      fetched: { type: 'byte' },
      http_status: { type: 'short' },
      reason: { type: 'keyword', ignore_above: 512 },
      delete_state: KEYWORD,
    },
  },
  urls: {
    dynamic: false,
    properties: {
      url: LONG_URL,
      host: KEYWORD,
      state: KEYWORD,
      indexed_as: LONG_URL,
      content_hash: KEYWORD,
      next_visit_at: LONG,
    },
  },
  hosts: { dynamic: false, properties: { owner: KEYWORD, until: LONG } },
  workers: { dynamic: false, properties: { role: KEYWORD, heartbeat_at: LONG } },
};

function digest(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

/** A URL's document in a job's frontier. */
export function frontierId(jobId: string, url: string): string {
  return digest(`${jobId} ${url}`);
}

/** A URL's document in what is known across crawls. */
export function urlId(url: string): string {
  return digest(url);
}

/** What `citebox crawl` matches to resume a job: its seeds and options exactly as stored. */
export function optionsKey(seeds: readonly string[], options: CrawlOptions): string {
  return digest(`${JSON.stringify(seeds)}\n${JSON.stringify(options)}`);
}

const STEPS: readonly JobStep[] = ['sitemaps', 'revisit', 'finish'];

/** A one-process step of a job: `todo`, `busy` (under `owner`'s lease until `until`), `done`. */
export interface StepState {
  readonly state: 'todo' | 'busy' | 'done';
  readonly owner?: string | null | undefined;
  readonly until?: number | null | undefined;
}

export interface JobDoc {
  readonly id: string;
  readonly status: CrawlStatus;
  readonly seeds: string[];
  /** The options as JSON (compared as written, like crawl.sqlite does). */
  readonly options: string;
  readonly options_key: string;
  readonly origin: JobOrigin;
  readonly phase: JobPhase;
  readonly error: string | null;
  readonly cancel_requested: boolean;
  readonly deletions_suspended: string[];
  readonly created_at: string;
  /** Creation order within a millisecond, for listing newest first. */
  readonly seq: number;
  readonly started_at: string | null;
  readonly finished_at: string | null;
  /** The counters once the job is finished (counted from the frontier while it runs). */
  readonly stats: JobCounters | null;
  readonly steps: Partial<Record<JobStep, StepState>>;
  /** The page budget ledger (JSON of BudgetLedger). */
  readonly budget: string | null;
  /** The last process that worked on the job, and when (for `citebox status`). */
  readonly owner: string | null;
  readonly heartbeat_at: number | null;
}

export function newJobDoc(
  id: string,
  seeds: readonly string[],
  options: CrawlOptions,
  origin: JobOrigin,
  now: Date,
  seq: number,
): JobDoc {
  return {
    id,
    status: 'queued',
    seeds: [...seeds],
    options: JSON.stringify(options),
    options_key: optionsKey(seeds, options),
    origin,
    phase: 'crawl',
    error: null,
    cancel_requested: false,
    deletions_suspended: [],
    created_at: now.toISOString(),
    seq,
    started_at: null,
    finished_at: null,
    stats: null,
    steps: {},
    budget: null,
    owner: null,
    heartbeat_at: null,
  };
}

export function stepOf(doc: Pick<JobDoc, 'steps'>, step: JobStep): StepState {
  return doc.steps?.[step] ?? { state: 'todo' };
}

/** Whether the job's steps are all done or free of a live holder (nobody is mid-step). */
export function busyStep(doc: Pick<JobDoc, 'steps'>, now: number): JobStep | undefined {
  return STEPS.find((s) => {
    const st = stepOf(doc, s);
    return st.state === 'busy' && (st.until ?? 0) > now;
  });
}

/** The job as the API shows it, with its counters. */
export function jobFromDoc(
  doc: JobDoc,
  counters: JobCounters,
  stats: (c: JobCounters) => CrawlStats,
): CrawlJob {
  let options: CrawlOptions;
  try {
    options = JSON.parse(doc.options) as CrawlOptions;
  } catch {
    options = { max_pages: 0, max_depth: 0 };
  }
  return {
    id: doc.id,
    status: doc.status,
    seeds: doc.seeds ?? [],
    options,
    stats: stats(counters),
    error: doc.error ?? null,
    origin: doc.origin ?? 'api',
    deletions_suspended: doc.deletions_suspended ?? [],
    created_at: doc.created_at,
    started_at: doc.started_at ?? null,
    finished_at: doc.finished_at ?? null,
  };
}

export interface FrontierDoc {
  readonly job: string;
  readonly url: string;
  readonly fetch_url?: string | null | undefined;
  readonly host: string;
  readonly depth: number;
  readonly seq: number;
  readonly status: UrlStatus;
  readonly attempts?: number | undefined;
  readonly next_fetch_at?: number | undefined;
  readonly fetched?: number | undefined;
  readonly http_status?: number | null | undefined;
  readonly content_hash?: string | null | undefined;
  readonly reason?: string | null | undefined;
  readonly etag?: string | null | undefined;
  readonly last_modified?: string | null | undefined;
  readonly delete_url?: string | null | undefined;
  readonly delete_state?: string | null | undefined;
  readonly claimed_by?: string | null | undefined;
  readonly claim_until?: number | null | undefined;
  readonly done_by?: string | null | undefined;
  readonly updated_at?: number | undefined;
}

export function num(v: unknown, fallback = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : fallback;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** A frontier document as a runner's entry (with what is known of the URL and this process's claim). */
export function entryFromDoc(
  source: Record<string, unknown>,
  prev: UrlState | undefined,
  claim: UrlClaim | undefined,
): FrontierEntry {
  const url = String(source['url']);
  return {
    seq: num(source['seq']),
    url,
    fetchUrl: str(source['fetch_url']) ?? url,
    host: String(source['host']),
    depth: num(source['depth']),
    attempts: num(source['attempts']),
    nextFetchAt: num(source['next_fetch_at']),
    prev,
    ...(claim ? { claim } : {}),
  };
}

export interface UrlDoc {
  readonly url: string;
  readonly host: string;
  readonly state: string;
  readonly indexed_as: string | null;
  readonly etag: string | null;
  readonly last_modified: string | null;
  readonly content_hash: string | null;
  readonly simhash: string | null;
  readonly http_status?: number | null;
  readonly misses: number;
  readonly duplicate_of?: string | null;
  readonly last_fetched_at?: number | null;
  readonly last_changed_at?: number | null;
  readonly revisit_ms: number | null;
  readonly next_visit_at: number | null;
  readonly outlinks?: string | null;
  readonly fetch_url?: string | null;
  readonly updated_at?: number;
}

export function urlStateFromDoc(source: Record<string, unknown>): UrlState {
  return {
    url: String(source['url']),
    host: String(source['host']),
    state: String(source['state']),
    indexed_as: str(source['indexed_as']),
    etag: str(source['etag']),
    last_modified: str(source['last_modified']),
    content_hash: str(source['content_hash']),
    simhash: str(source['simhash']),
    misses: num(source['misses']),
    revisit_ms: typeof source['revisit_ms'] === 'number' ? source['revisit_ms'] : null,
    next_visit_at: typeof source['next_visit_at'] === 'number' ? source['next_visit_at'] : null,
    outlinks: str(source['outlinks']),
  };
}

/**
 * The partial document of a URL-state write: fields crawl.sqlite keeps when the new value is null
 * (outlinks, the request URL, when it last changed) are left out, so the stored ones stay.
 */
export function urlStatePatch(s: UrlStateWrite, now: number): Record<string, unknown> {
  const patch: Record<string, unknown> = {
    url: s.url,
    host: s.host,
    state: s.state,
    indexed_as: s.indexed_as,
    etag: s.etag,
    last_modified: s.last_modified,
    content_hash: s.content_hash,
    simhash: s.simhash,
    http_status: s.http_status ?? null,
    misses: s.misses ?? 0,
    duplicate_of: s.duplicate_of ?? null,
    last_fetched_at: now,
    revisit_ms: s.revisit_ms ?? null,
    next_visit_at: s.next_visit_at ?? null,
    updated_at: now,
  };
  if (s.changed) patch['last_changed_at'] = now;
  if (s.outlinks !== undefined && s.outlinks !== null) patch['outlinks'] = s.outlinks;
  if (s.fetch_url !== undefined && s.fetch_url !== s.url) patch['fetch_url'] = s.fetch_url;
  return patch;
}

/** Skip reasons that name another URL ("duplicate of https://…") counted together. */
export function groupReasons(
  rows: ReadonlyArray<{ reason: string; count: number }>,
  limit: number,
): Array<{ reason: string; count: number }> {
  const counts = new Map<string, number>();
  for (const r of rows) {
    const reason = r.reason.replace(/\s*\b(of|to|via)\s+https?:\/\/\S+.*$/, ' $1 another URL');
    counts.set(reason, (counts.get(reason) ?? 0) + r.count);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([reason, count]) => ({ reason, count }));
}

/** Counters from a terms aggregation of a job's frontier by status (with `fetched` sums). */
export function countersFromBuckets(
  buckets: ReadonlyArray<{ key: string; doc_count: number; fetched?: { value?: number | null } }>,
  deleted: number,
): JobCounters {
  const by = (s: string) => buckets.find((b) => b.key === s)?.doc_count ?? 0;
  return {
    discovered: buckets.reduce((a, b) => a + b.doc_count, 0),
    fetched: buckets.reduce((a, b) => a + Math.round(b.fetched?.value ?? 0), 0),
    indexed: by('indexed'),
    skipped: by('skipped'),
    failed: by('failed'),
    unchanged: by('unchanged'),
    deleted,
  };
}

/** The aggregations that count a job's frontier (see countersFromBuckets). */
export const COUNT_AGGS = {
  status: { terms: { field: 'status', size: 10 }, aggs: { fetched: { sum: { field: 'fetched' } } } },
  deleted: { filter: { term: { delete_state: 'done' } } },
} as const;

/** URLs of a job a process may claim now: queued, due, and not claimed (or their claim lapsed). */
export function readyQuery(jobId: string, now: number): Record<string, unknown> {
  return {
    bool: {
      filter: [
        { term: { job: jobId } },
        { term: { status: 'queued' } },
        { range: { next_fetch_at: { lte: now } } },
        {
          bool: {
            should: [
              { range: { claim_until: { lt: now } } },
              { bool: { must_not: { exists: { field: 'claim_until' } } } },
            ],
            minimum_should_match: 1,
          },
        },
      ],
    },
  };
}

/** Where a process's reading of one host's queue stands: past (depth, seq). */
export interface HostCursor {
  readonly depth: number;
  readonly seq: number;
}

/** URLs of these hosts past each host's cursor (breadth first), for a claim. */
export function hostsPastCursors(
  hosts: readonly string[],
  cursors: ReadonlyMap<string, HostCursor>,
): Record<string, unknown> {
  return {
    bool: {
      should: hosts.map((host) => {
        const c = cursors.get(host);
        const hostTerm = { term: { host } };
        if (!c) return hostTerm;
        return {
          bool: {
            filter: [
              hostTerm,
              {
                bool: {
                  should: [
                    { range: { depth: { gt: c.depth } } },
                    { bool: { filter: [{ term: { depth: c.depth } }, { range: { seq: { gt: c.seq } } }] } },
                  ],
                  minimum_should_match: 1,
                },
              },
            ],
          },
        };
      }),
      minimum_should_match: 1,
    },
  };
}
