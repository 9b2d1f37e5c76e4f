// The crawl state in Elasticsearch/OpenSearch indices (documents.ts names them), shared by every
// Citebox process that uses the engine: API replicas create, list, watch and cancel jobs; workers
// on any host claim URLs and hosts (fleet.ts) and write outcomes in bulk requests. Reads that must
// be current (a job, a URL's status, a claim) are real-time gets; counts and lists are searches
// (near real time: at most a refresh interval behind).
import { randomBytes } from 'node:crypto';
import {
  CiteboxError,
  type DocWrite,
  type EngineClient,
  errorMessage,
  type Logger,
} from '../../../services/index.js';
import { normalizeUrl } from '../../urls.js';
import {
  type CrawlJob,
  type CrawlOptions,
  type CrawlStateStore,
  type CrawlStatus,
  emptyCounters,
  type FrontierBatch,
  type FrontierEntry,
  type FrontierMemory,
  type FrontierRow,
  type JobCounters,
  type JobOrigin,
  type JobPhase,
  type NewUrl,
  type PendingDeletion,
  type RevisitCandidate,
  statsOf,
  type UrlClaim,
  type UrlOutcome,
  type UrlState,
  type UrlStatus,
} from '../types.js';
import {
  COUNT_AGGS,
  CRAWL_MAPPINGS,
  type CrawlIndexNames,
  countersFromBuckets,
  crawlIndexNames,
  entryFromDoc,
  type FrontierDoc,
  frontierId,
  groupReasons,
  type JobDoc,
  jobFromDoc,
  newJobDoc,
  num,
  optionsKey,
  stepOf,
  str,
  urlId,
  urlStateFromDoc,
  urlStatePatch,
} from './documents.js';
import {
  compareAndSet,
  compositeTerms,
  expectWritten,
  getOne,
  searchSorted,
  totalHits,
  writeAll,
} from './engine-io.js';
import { EngineFleet } from './fleet.js';

export interface EngineStateStoreOptions {
  readonly client: EngineClient;
  /** CITEBOX_INDEX_NAME: the crawl indices are named after it. */
  readonly indexName: string;
  /** Shards and replicas of the frontier and URL indices (the small ones get one shard). */
  readonly shards: number;
  readonly replicas: number;
  /** How long claims, host leases and one-process steps hold without renewal, ms. */
  readonly leaseMs: number;
  readonly logger: Logger;
  readonly now?: (() => number) | undefined;
}

interface HashCheck {
  readonly hash: string;
  readonly exceptUrl: string;
  readonly resolve: (url: string | undefined) => void;
  readonly reject: (err: unknown) => void;
}

/** Exact-duplicate checks in one search at most. */
const HASH_CHECKS_PER_SEARCH = 100;
/** URL documents remembered as missing at most (a claim's worth each; cleared beyond). */
const UNKNOWN_URLS_CAP = 100_000;
/** How long a job's counters (an aggregation) are reused, ms. */
const COUNT_CACHE_MS = 1_000;

export class EngineStateStore implements CrawlStateStore {
  readonly kind = 'engine' as const;
  readonly fleet: EngineFleet;
  readonly location: string;
  readonly names: CrawlIndexNames;
  readonly #client: EngineClient;
  readonly #options: EngineStateStoreOptions;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #counts = new Map<string, { at: number; counters: JobCounters }>();
  readonly #hashChecks: HashCheck[] = [];
  #hashSearching = false;
  /** Ids of URL documents a read found missing (their first state is then created, not merged). */
  readonly #unknownUrls = new Set<string>();
  #lastSeq = 0;
  #closing: Promise<void> | undefined;

  constructor(options: EngineStateStoreOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: 'crawl-state' });
    this.#client = timedClient(options.client, this.#log);
    this.#now = options.now ?? Date.now;
    this.names = crawlIndexNames(options.indexName);
    this.location = `${options.client.displayUrl} (${this.names.jobs}, ${this.names.frontier}, …)`;
    this.fleet = new EngineFleet({
      client: this.#client,
      names: this.names,
      leaseMs: options.leaseMs,
      logger: this.#log,
      now: this.#now,
      urlStates: (urls) => this.urlStates(urls),
      countJob: (id) => this.countJob(id),
    });
  }

  /** Creates the crawl indices that do not exist yet (another process may create them at once). */
  async open(): Promise<void> {
    const { shards, replicas } = this.#options;
    const big = { number_of_shards: shards, number_of_replicas: replicas };
    const small = { number_of_shards: 1, number_of_replicas: replicas };
    for (const [kind, name] of Object.entries(this.names) as Array<[keyof CrawlIndexNames, string]>) {
      if (await this.#client.indexExists(name)) continue;
      const settings = kind === 'frontier' || kind === 'urls' ? big : small;
      const outcome = await this.#client.createIndex(name, { settings, mappings: CRAWL_MAPPINGS[kind] });
      if (outcome === 'created') this.#log.info({ index: name }, 'created a crawl-state index');
    }
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.fleet.close();
      await this.#client.close();
    })();
    return this.#closing;
  }

  /** A discovery order that grows within and across this process's writes. */
  private nextSeq(): number {
    this.#lastSeq = Math.max(this.#lastSeq + 1, this.#now() * 1000);
    return this.#lastSeq;
  }

  // ---- jobs ----

  async createJob(
    seeds: readonly string[],
    options: CrawlOptions,
    origin: JobOrigin = 'api',
  ): Promise<CrawlJob> {
    const id = `crawl_${randomBytes(8).toString('hex')}`;
    const doc = newJobDoc(id, seeds, options, origin, new Date(this.#now()), this.nextSeq());
    const entries = seeds.map((seed) => {
      const url = normalizeUrl(seed);
      return { url, host: new URL(url).hostname, depth: 0, fetchUrl: seed === url ? undefined : seed };
    });
    // Seeds first: a job never exists without its frontier. They are made visible to searches at
    // once, so a worker that starts the job at once finds them (not an empty frontier).
    const added = await this.enqueue(id, entries);
    await this.#client.refresh(this.names.frontier);
    const [result] = await writeAll(
      this.#client,
      this.names.jobs,
      [{ op: 'create', id, doc: doc as unknown as Record<string, unknown> }],
      'create a crawl job',
      { refresh: true },
    );
    expectWritten(result, 'create a crawl job');
    // Counted here: the new URLs reach searches (and so counts) with the next refresh.
    return jobFromDoc(doc, { ...emptyCounters(), discovered: added.length }, statsOf);
  }

  private async jobDoc(id: string): Promise<JobDoc | undefined> {
    const doc = await getOne(this.#client, this.names.jobs, { id });
    return doc.found ? (doc.source as unknown as JobDoc) : undefined;
  }

  private async toJob(doc: JobDoc): Promise<CrawlJob> {
    const counters = doc.stats && isFinished(doc.status) ? doc.stats : await this.cachedCount(doc.id);
    return jobFromDoc(doc, counters, statsOf);
  }

  private async cachedCount(id: string): Promise<JobCounters> {
    const hit = this.#counts.get(id);
    if (hit && this.#now() - hit.at < COUNT_CACHE_MS) return hit.counters;
    const counters = await this.countJob(id);
    this.#counts.set(id, { at: this.#now(), counters });
    if (this.#counts.size > 1_000) this.#counts.clear();
    return counters;
  }

  async getJob(id: string): Promise<CrawlJob | undefined> {
    if (!/^[A-Za-z0-9_-]{1,100}$/.test(id)) return undefined;
    const doc = await this.jobDoc(id);
    return doc ? this.toJob(doc) : undefined;
  }

  async requireJob(id: string): Promise<CrawlJob> {
    const job = await this.getJob(id);
    if (!job) throw new CiteboxError('NOT_FOUND', `No crawl job ${id}`);
    return job;
  }

  async listJobs(limit = 50): Promise<CrawlJob[]> {
    const res = await this.#client.search(this.names.jobs, {
      size: limit,
      query: { match_all: {} },
      sort: [{ created_at: 'desc' }, { seq: 'desc' }],
    });
    const docs = hitsOf(res).map((h) => h.source as unknown as JobDoc);
    const running = docs.filter((d) => !(d.stats && isFinished(d.status))).map((d) => d.id);
    const counts = await this.countJobs(running);
    return docs.map((d) =>
      jobFromDoc(
        d,
        d.stats && isFinished(d.status) ? d.stats : (counts.get(d.id) ?? emptyCounters()),
        statsOf,
      ),
    );
  }

  async findUnfinished(seeds: readonly string[], options: CrawlOptions): Promise<CrawlJob | undefined> {
    const res = await this.#client.search(this.names.jobs, {
      size: 1,
      query: {
        bool: {
          filter: [
            { term: { options_key: optionsKey(seeds, options) } },
            { terms: { status: ['queued', 'running'] } },
          ],
        },
      },
      sort: [{ created_at: 'desc' }, { seq: 'desc' }],
    });
    const hit = hitsOf(res)[0];
    return hit ? this.toJob(hit.source as unknown as JobDoc) : undefined;
  }

  async runnableJobs(origin: JobOrigin): Promise<CrawlJob[]> {
    const res = await this.#client.search(this.names.jobs, {
      size: 100,
      query: {
        bool: { filter: [{ term: { origin } }, { terms: { status: ['queued', 'running'] } }] },
      },
      sort: [{ created_at: 'asc' }, { seq: 'asc' }],
    });
    return hitsOf(res).map((h) => {
      const d = h.source as unknown as JobDoc;
      return jobFromDoc(d, emptyCounters(), statsOf);
    });
  }

  /** Joins a job: any number of processes may run one; a queued job starts running. */
  async claimJob(id: string, owner: string): Promise<boolean> {
    const now = this.#now();
    let open = false;
    await compareAndSet<JobDoc & Record<string, unknown>>(
      this.#client,
      this.names.jobs,
      { id },
      (doc) => {
        open = !isFinished(doc.status);
        if (!open) return undefined;
        return {
          status: 'running',
          started_at: doc.started_at ?? new Date(now).toISOString(),
          owner,
          heartbeat_at: now,
        };
      },
      'start a crawl job',
      { refresh: true },
    );
    return open;
  }

  async releaseJob(_id: string, _owner: string): Promise<void> {
    // Nothing is held per job: claims and hosts are given back by the run (fleet.unclaim).
  }

  async heartbeat(id: string, owner: string): Promise<void> {
    await this.fleet.renewSteps(id, owner);
  }

  async cancelRequested(id: string): Promise<boolean> {
    const doc = await this.jobDoc(id);
    return doc === undefined || doc.cancel_requested === true || doc.status === 'cancelled';
  }

  async requestCancel(id: string): Promise<CrawlJob> {
    let queued = false;
    const doc = await compareAndSet<JobDoc & Record<string, unknown>>(
      this.#client,
      this.names.jobs,
      { id },
      (d) => {
        if (isFinished(d.status)) return undefined;
        queued = d.status === 'queued';
        return { cancel_requested: true };
      },
      'cancel a crawl job',
      { refresh: true },
    );
    if (!doc) throw new CiteboxError('NOT_FOUND', `No crawl job ${id}`);
    if (queued) await this.finishJob(id, 'cancelled', null);
    return this.requireJob(id);
  }

  async finishJob(
    id: string,
    status: Exclude<CrawlStatus, 'queued' | 'running'>,
    error: string | null,
  ): Promise<void> {
    // URLs left in the queue were cut by max_pages (done) or by the cancel or failure; a URL whose
    // outcome another process writes meanwhile keeps that outcome (conditional writes).
    const reason = status === 'done' ? 'max_pages reached' : status;
    const now = this.#now();
    await this.#client.refresh(this.names.frontier);
    for await (const page of searchSorted(
      this.#client,
      this.names.frontier,
      { bool: { filter: [{ term: { job: id } }, { term: { status: 'queued' } }] } },
      [{ seq: 'asc' }, { url: 'asc' }],
      { routing: id, source: ['url'], versions: true },
    )) {
      await writeAll(
        this.#client,
        this.names.frontier,
        page.map(
          (h): DocWrite => ({
            op: 'update',
            id: h.id,
            routing: id,
            doc: { status: 'skipped', reason, claimed_by: null, claim_until: null, updated_at: now },
            ifVersion: h.version,
          }),
        ),
        'skip the rest of a finished crawl',
      );
    }
    await this.#client.refresh(this.names.frontier);
    const counters = await this.countJob(id);
    this.#counts.delete(id);
    await compareAndSet<JobDoc & Record<string, unknown>>(
      this.#client,
      this.names.jobs,
      { id },
      (d) =>
        isFinished(d.status)
          ? undefined
          : {
              status,
              error,
              finished_at: new Date(this.#now()).toISOString(),
              phase: 'finish',
              owner: null,
              stats: counters,
            },
      'finish a crawl job',
      { refresh: true },
    );
  }

  async setDeletionsSuspended(id: string, hosts: readonly string[]): Promise<void> {
    await compareAndSet<JobDoc & Record<string, unknown>>(
      this.#client,
      this.names.jobs,
      { id },
      () => ({ deletions_suspended: [...hosts] }),
      'record suspended deletions',
    );
  }

  async jobPhase(id: string): Promise<JobPhase> {
    return (await this.jobDoc(id))?.phase ?? 'crawl';
  }

  async setPhase(id: string, phase: JobPhase): Promise<void> {
    await compareAndSet<JobDoc & Record<string, unknown>>(
      this.#client,
      this.names.jobs,
      { id },
      () => ({ phase }),
      'record a crawl phase',
    );
  }

  async sitemapsDone(id: string): Promise<boolean> {
    const doc = await this.jobDoc(id);
    return doc ? stepOf(doc, 'sitemaps').state === 'done' : false;
  }

  async setSitemapsDone(id: string): Promise<void> {
    await compareAndSet<JobDoc & Record<string, unknown>>(
      this.#client,
      this.names.jobs,
      { id },
      (d) => ({ steps: { ...d.steps, sitemaps: { state: 'done' } } }),
      'record sitemaps read',
    );
  }

  // ---- the frontier ----

  async countJob(jobId: string, options: { fresh?: boolean } = {}): Promise<JobCounters> {
    if (options.fresh) await this.#client.refresh(this.names.frontier);
    const res = await this.#client.search(
      this.names.frontier,
      { size: 0, track_total_hits: true, query: { term: { job: jobId } }, aggs: COUNT_AGGS },
      { routing: jobId },
    );
    const aggs = res['aggregations'] as {
      status?: { buckets?: Array<{ key: string; doc_count: number; fetched?: { value?: number } }> };
      deleted?: { doc_count?: number };
    };
    return countersFromBuckets(aggs?.status?.buckets ?? [], aggs?.deleted?.doc_count ?? 0);
  }

  /** Counters of several jobs in one search. */
  private async countJobs(ids: readonly string[]): Promise<Map<string, JobCounters>> {
    const out = new Map<string, JobCounters>();
    if (ids.length === 0) return out;
    const res = await this.#client.search(this.names.frontier, {
      size: 0,
      query: { terms: { job: [...ids] } },
      aggs: { jobs: { terms: { field: 'job', size: ids.length }, aggs: COUNT_AGGS } },
    });
    const buckets =
      (
        res['aggregations'] as {
          jobs?: {
            buckets?: Array<{
              key: string;
              status?: { buckets?: Array<{ key: string; doc_count: number; fetched?: { value?: number } }> };
              deleted?: { doc_count?: number };
            }>;
          };
        }
      )?.jobs?.buckets ?? [];
    for (const b of buckets)
      out.set(b.key, countersFromBuckets(b.status?.buckets ?? [], b.deleted?.doc_count ?? 0));
    return out;
  }

  async fetchedPerHost(jobId: string): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for await (const b of compositeTerms(
      this.#client,
      this.names.frontier,
      { bool: { filter: [{ term: { job: jobId } }, { term: { fetched: 1 } }] } },
      'host',
      { routing: jobId },
    ))
      out.set(b.key, b.count);
    return out;
  }

  /** Per-host counts (not every URL: a fleet member rebuilds its guard without reading the frontier). */
  async rememberFrontier(jobId: string, memory: FrontierMemory): Promise<void> {
    for await (const b of compositeTerms(
      this.#client,
      this.names.frontier,
      { term: { job: jobId } },
      'host',
      {
        routing: jobId,
      },
    ))
      memory.rememberHost(b.key, b.count);
  }

  async nextQueued(
    jobId: string,
    afterDepth: number,
    afterSeq: number,
    limit: number,
  ): Promise<FrontierEntry[]> {
    const res = await this.#client.search(
      this.names.frontier,
      {
        size: limit,
        query: {
          bool: {
            filter: [
              { term: { job: jobId } },
              { term: { status: 'queued' } },
              {
                bool: {
                  should: [
                    { range: { depth: { gt: afterDepth } } },
                    {
                      bool: {
                        filter: [{ term: { depth: afterDepth } }, { range: { seq: { gt: afterSeq } } }],
                      },
                    },
                  ],
                  minimum_should_match: 1,
                },
              },
            ],
          },
        },
        sort: [{ depth: 'asc' }, { seq: 'asc' }],
      },
      { routing: jobId },
    );
    const hits = hitsOf(res);
    const prev = await this.urlStates(hits.map((h) => String(h.source['url'])));
    return hits.map((h) => entryFromDoc(h.source, prev.get(String(h.source['url'])), undefined));
  }

  async urlStatus(jobId: string, url: string): Promise<UrlStatus | undefined> {
    const doc = await getOne(this.#client, this.names.frontier, {
      id: frontierId(jobId, url),
      routing: jobId,
    });
    return doc.found ? ((str(doc.source?.['status']) as UrlStatus | null) ?? undefined) : undefined;
  }

  private newUrlDoc(jobId: string, e: NewUrl, now: number): FrontierDoc {
    return {
      job: jobId,
      url: e.url,
      fetch_url: e.fetchUrl !== undefined && e.fetchUrl !== e.url ? e.fetchUrl : null,
      host: e.host,
      depth: e.depth,
      seq: this.nextSeq(),
      status: 'queued',
      attempts: 0,
      next_fetch_at: 0,
      fetched: 0,
      updated_at: now,
    };
  }

  private createWrites(jobId: string, entries: readonly NewUrl[], now: number): DocWrite[] {
    return entries.map((e) => ({
      op: 'create',
      id: frontierId(jobId, e.url),
      routing: jobId,
      doc: this.newUrlDoc(jobId, e, now) as unknown as Record<string, unknown>,
    }));
  }

  async enqueue(jobId: string, entries: readonly NewUrl[]): Promise<NewUrl[]> {
    if (entries.length === 0) return [];
    const results = await writeAll(
      this.#client,
      this.names.frontier,
      this.createWrites(jobId, entries, this.#now()),
      'queue URLs',
    );
    return entries.filter((_, i) => {
      const r = results[i];
      expectWritten(r, 'queue URLs', [409]);
      return r?.status === 201;
    });
  }

  async writeBatch(
    jobId: string,
    owner: string,
    batch: FrontierBatch,
    counters: JobCounters,
  ): Promise<NewUrl[]> {
    const now = this.#now();
    const writes: DocWrite[] = [];
    // 1. New URLs first: in the shard, they are written before the outcome of the page that
    // linked them, so no view of the frontier shows a page done without its links.
    writes.push(...this.createWrites(jobId, batch.enqueue, now));
    const enqueueEnd = writes.length;
    // 2. URLs settled by another page (a canonical, a redirect target): created, or settled when
    // still queued and not claimed by another process.
    const resolvedKinds: Array<'new' | 'queued'> = [];
    if (batch.resolved.length > 0) {
      const docs = await this.#client.getDocs(
        this.names.frontier,
        batch.resolved.map((o) => ({ id: frontierId(jobId, o.url), routing: jobId })),
      );
      batch.resolved.forEach((o, i) => {
        const d = docs[i];
        const id = frontierId(jobId, o.url);
        const fields = {
          status: o.status,
          reason: o.reason ?? null,
          content_hash: o.contentHash ?? null,
          done_by: owner,
          updated_at: now,
        };
        if (!d?.found) {
          writes.push({
            op: 'create',
            id,
            routing: jobId,
            doc: {
              job: jobId,
              url: o.url,
              host: new URL(o.url).hostname,
              depth: 0,
              seq: this.nextSeq(),
              fetched: 0,
              ...fields,
            },
          });
          resolvedKinds.push('new');
          return;
        }
        const src = d.source ?? {};
        const holder = str(src['claimed_by']);
        if (src['status'] !== 'queued' || (holder && holder !== owner && num(src['claim_until']) >= now))
          return;
        writes.push({
          op: 'update',
          id,
          routing: jobId,
          doc: { ...fields, claimed_by: null, claim_until: null },
          ifVersion: d.version,
        });
        resolvedKinds.push('queued');
      });
    }
    const resolvedEnd = writes.length;
    // 3. Outcomes and retries, on the claim this process holds: the whole document when the claim
    // kept it (no read in the engine), else a partial update.
    for (const o of batch.outcomes) {
      writes.push(
        onClaim(frontierId(jobId, o.url), jobId, o.claim, {
          status: o.status,
          reason: o.reason ?? null,
          http_status: o.httpStatus ?? null,
          content_hash: o.contentHash ?? null,
          etag: o.etag ?? null,
          last_modified: o.lastModified ?? null,
          fetched: o.fetched ? 1 : 0,
          delete_url: o.deleteUrl ?? null,
          delete_state: o.deleteUrl ? 'pending' : null,
          done_by: owner,
          claimed_by: null,
          claim_until: null,
          updated_at: now,
        }),
      );
    }
    const outcomesEnd = writes.length;
    for (const r of batch.retries) {
      writes.push(
        onClaim(frontierId(jobId, r.url), jobId, r.claim, {
          attempts: r.attempts,
          next_fetch_at: r.nextFetchAt,
          reason: r.reason,
          claimed_by: null,
          claim_until: null,
          updated_at: now,
        }),
      );
    }
    // 4. What is known of each URL across crawls: created whole when this process read it and
    // found none (no read in the engine; 409 when another process created it since: merged then),
    // else merged into what is there.
    const statesStart = writes.length;
    for (const s of batch.states) {
      const id = urlId(s.url);
      const doc = urlStatePatch(s, now);
      writes.push(
        this.#unknownUrls.has(id)
          ? { op: 'create', index: this.names.urls, id, doc }
          : { op: 'update', index: this.names.urls, id, doc, upsert: true },
      );
    }
    const results =
      writes.length > 0
        ? await writeAll(this.#client, this.names.frontier, writes, 'save crawl progress')
        : [];
    const merge: Array<{ at: number; write: DocWrite }> = [];
    for (let i = statesStart; i < writes.length; i++) {
      const w = writes[i] as DocWrite & { doc: Record<string, unknown> };
      this.#unknownUrls.delete(w.id);
      if (w.op === 'create' && results[i]?.status === 409)
        merge.push({ at: i, write: { op: 'update', id: w.id, doc: w.doc, upsert: true } });
    }
    if (merge.length > 0) {
      const merged = await writeAll(
        this.#client,
        this.names.urls,
        merge.map((m) => m.write),
        'save crawl progress',
      );
      merged.forEach((r, k) => {
        results[(merge[k] as { at: number }).at] = r;
      });
    }

    const added: NewUrl[] = [];
    batch.enqueue.forEach((e, i) => {
      const r = results[i];
      expectWritten(r, 'queue URLs', [409]);
      if (r?.status === 201) added.push(e);
    });
    counters.discovered += added.length;
    let k = enqueueEnd;
    for (const kind of resolvedKinds) {
      const r = results[k];
      const o = writes[k] as DocWrite & { doc: Record<string, unknown> };
      k++;
      if (!r || r.status >= 300) continue;
      if (kind === 'new') counters.discovered++;
      if (o.doc['status'] === 'indexed') counters.indexed++;
      else if (o.doc['status'] === 'skipped') counters.skipped++;
    }
    // Outcomes whose claim lapsed and was taken by another process are not this process's to count.
    const conflicted: UrlOutcome[] = [];
    batch.outcomes.forEach((o, i) => {
      const r = results[resolvedEnd + i];
      if (r?.status === 409 || r?.status === 404) conflicted.push(o);
      else expectWritten(r, 'save crawl progress');
    });
    if (conflicted.length > 0) await this.uncountLost(jobId, owner, conflicted, counters);
    for (let i = outcomesEnd; i < results.length; i++)
      expectWritten(results[i], 'save crawl progress', [409, 404]);
    return added;
  }

  /**
   * Outcomes whose conditional write failed: either an earlier attempt of this same batch wrote
   * them (the engine answered after the connection broke), or another process took the URL over.
   */
  private async uncountLost(
    jobId: string,
    owner: string,
    lost: readonly UrlOutcome[],
    counters: JobCounters,
  ): Promise<void> {
    const docs = await this.#client.getDocs(
      this.names.frontier,
      lost.map((o) => ({ id: frontierId(jobId, o.url), routing: jobId })),
    );
    let dropped = 0;
    lost.forEach((o, i) => {
      const src = docs[i]?.source;
      if (src && src['done_by'] === owner && src['status'] === o.status) return;
      dropped++;
      if (o.status === 'indexed') counters.indexed--;
      else if (o.status === 'unchanged') counters.unchanged--;
      else if (o.status === 'skipped') counters.skipped--;
      else if (o.status === 'failed') counters.failed--;
    });
    if (dropped > 0)
      this.#log.warn({ job: jobId, urls: dropped }, 'outcomes dropped: another process took these URLs over');
  }

  // ---- what is known across crawls ----

  /** URL states by URL, real time. */
  async urlStates(urls: readonly string[]): Promise<Map<string, UrlState>> {
    const out = new Map<string, UrlState>();
    const unique = [...new Set(urls)];
    if (unique.length === 0) return out;
    const docs = await this.#client.getDocs(
      this.names.urls,
      unique.map((u) => ({ id: urlId(u) })),
    );
    if (this.#unknownUrls.size > UNKNOWN_URLS_CAP) this.#unknownUrls.clear();
    docs.forEach((d) => {
      if (d.found && d.source) out.set(String(d.source['url']), urlStateFromDoc(d.source));
      else this.#unknownUrls.add(d.id);
    });
    return out;
  }

  async urlState(url: string): Promise<UrlState | undefined> {
    return (await this.urlStates([url])).get(url);
  }

  /**
   * The checks for an exact duplicate are searched together: those asked while one search is out
   * go in the next, one search for all their hashes (one check per hash in each search).
   */
  indexedWithHash(hash: string, exceptUrl: string): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      this.#hashChecks.push({ hash, exceptUrl, resolve, reject });
      if (!this.#hashSearching) void this.searchHashes();
    });
  }

  private async searchHashes(): Promise<void> {
    this.#hashSearching = true;
    try {
      while (this.#hashChecks.length > 0) {
        const round = new Map<string, HashCheck[]>();
        const later: HashCheck[] = [];
        for (const c of this.#hashChecks.splice(0)) {
          const same = round.get(c.hash);
          if (same && same[0]?.exceptUrl !== c.exceptUrl) later.push(c);
          else if (!same && round.size >= HASH_CHECKS_PER_SEARCH) later.push(c);
          else if (same) same.push(c);
          else round.set(c.hash, [c]);
        }
        this.#hashChecks.unshift(...later);
        try {
          const found = await this.indexedWithHashes(
            [...round].map(([hash, checks]) => ({ hash, exceptUrl: (checks[0] as HashCheck).exceptUrl })),
          );
          for (const [hash, checks] of round) for (const c of checks) c.resolve(found.get(hash));
        } catch (err) {
          for (const checks of round.values()) for (const c of checks) c.reject(err);
        }
      }
    } finally {
      this.#hashSearching = false;
    }
  }

  /** For each hash, a URL indexed with that content other than its `exceptUrl`. */
  private async indexedWithHashes(
    checks: ReadonlyArray<{ hash: string; exceptUrl: string }>,
  ): Promise<Map<string, string>> {
    const res = await this.#client.search(this.names.urls, {
      size: checks.length,
      _source: ['indexed_as', 'content_hash'],
      collapse: { field: 'content_hash' },
      query: {
        bool: {
          filter: [
            { terms: { content_hash: checks.map((c) => c.hash) } },
            { term: { state: 'indexed' } },
            { exists: { field: 'indexed_as' } },
          ],
          should: checks.map((c) => ({
            bool: {
              filter: [{ term: { content_hash: c.hash } }],
              must_not: [{ term: { indexed_as: c.exceptUrl } }],
            },
          })),
          minimum_should_match: 1,
        },
      },
    });
    const out = new Map<string, string>();
    for (const h of hitsOf(res)) {
      const hash = str(h.source['content_hash']);
      const indexedAs = str(h.source['indexed_as']);
      if (hash && indexedAs && !out.has(hash)) out.set(hash, indexedAs);
    }
    return out;
  }

  async simhashesOfHost(host: string, fn: (indexedAs: string, simhash: string) => void): Promise<void> {
    for await (const page of searchSorted(
      this.#client,
      this.names.urls,
      {
        bool: {
          filter: [{ term: { host } }, { term: { state: 'indexed' } }, { exists: { field: 'indexed_as' } }],
        },
      },
      [{ url: 'asc' }],
      { source: ['indexed_as', 'simhash'] },
    )) {
      for (const h of page) {
        const indexedAs = str(h.source['indexed_as']);
        const simhash = str(h.source['simhash']);
        if (indexedAs && simhash) fn(indexedAs, simhash);
      }
    }
  }

  async knownHosts(): Promise<string[]> {
    const hosts: string[] = [];
    for await (const b of compositeTerms(this.#client, this.names.urls, { match_all: {} }, 'host'))
      hosts.push(b.key);
    return hosts;
  }

  async *revisitCandidates(host: string): AsyncIterable<RevisitCandidate> {
    for await (const page of searchSorted(
      this.#client,
      this.names.urls,
      { bool: { filter: [{ term: { host } }, { terms: { state: ['indexed', 'missing'] } }] } },
      [{ next_visit_at: { order: 'asc', missing: '_first' } }, { url: 'asc' }],
      { source: ['url', 'fetch_url'], pageSize: 500 },
    )) {
      for (const h of page)
        yield { url: String(h.source['url']), fetchUrl: str(h.source['fetch_url']) ?? undefined };
    }
  }

  // ---- deletions and reports ----

  async pendingDeletions(jobId: string): Promise<PendingDeletion[]> {
    const out: PendingDeletion[] = [];
    for await (const page of searchSorted(
      this.#client,
      this.names.frontier,
      { bool: { filter: [{ term: { job: jobId } }, { terms: { delete_state: ['pending', 'suspended'] } }] } },
      [{ seq: 'asc' }, { url: 'asc' }],
      { routing: jobId, source: ['url', 'host', 'delete_url'] },
    )) {
      for (const h of page) {
        out.push({
          key: h.id,
          url: String(h.source['url']),
          host: String(h.source['host']),
          deleteUrl: String(h.source['delete_url']),
        });
      }
    }
    return out;
  }

  async markDeletion(jobId: string, key: string, state: 'done' | 'suspended'): Promise<void> {
    const [r] = await writeAll(
      this.#client,
      this.names.frontier,
      [{ op: 'update', id: key, routing: jobId, doc: { delete_state: state } }],
      'record a deletion',
    );
    expectWritten(r, 'record a deletion', [404]);
  }

  async markRemoved(url: string, state: string): Promise<void> {
    const [r] = await writeAll(
      this.#client,
      this.names.urls,
      [{ op: 'update', id: urlId(url), doc: { state, indexed_as: null, updated_at: this.#now() } }],
      'record a removed page',
    );
    expectWritten(r, 'record a removed page', [404]);
  }

  async hostTallies(jobId: string): Promise<Map<string, { attempted: number; errors: number }>> {
    const out = new Map<string, { attempted: number; errors: number }>();
    const query = {
      bool: {
        filter: [
          { term: { job: jobId } },
          { terms: { status: ['indexed', 'unchanged', 'skipped', 'failed'] } },
          {
            bool: {
              should: [{ term: { fetched: 1 } }, { term: { status: 'failed' } }],
              minimum_should_match: 1,
            },
          },
        ],
      },
    };
    const errors = {
      filter: {
        bool: {
          should: [
            { range: { http_status: { gte: 500 } } },
            { terms: { http_status: [404, 410] } },
            { bool: { filter: [{ term: { status: 'failed' } }, { term: { fetched: 0 } }] } },
          ],
          minimum_should_match: 1,
        },
      },
    };
    for await (const b of compositeTerms(this.#client, this.names.frontier, query, 'host', {
      routing: jobId,
      aggs: { errors },
    })) {
      out.set(b.key, {
        attempted: b.count,
        errors: num((b.bucket['errors'] as { doc_count?: number })?.doc_count),
      });
    }
    return out;
  }

  private async reasonCounts(
    jobId: string,
    status: UrlStatus,
    size: number,
  ): Promise<Array<{ reason: string; count: number }>> {
    const res = await this.#client.search(
      this.names.frontier,
      {
        size: 0,
        query: { bool: { filter: [{ term: { job: jobId } }, { term: { status } }] } },
        aggs: { reasons: { terms: { field: 'reason', size } } },
      },
      { routing: jobId },
    );
    const buckets = (
      res['aggregations'] as { reasons?: { buckets?: Array<{ key: string; doc_count: number }> } }
    )?.reasons?.buckets;
    return (buckets ?? []).map((b) => ({ reason: b.key, count: b.doc_count }));
  }

  async skipReasons(jobId: string, limit = 5): Promise<Array<{ reason: string; count: number }>> {
    return groupReasons(await this.reasonCounts(jobId, 'skipped', 1_000), limit);
  }

  async failureReasons(jobId: string, limit = 3): Promise<string[]> {
    return (await this.reasonCounts(jobId, 'failed', limit)).map((r) => r.reason);
  }

  async frontierOf(jobId: string): Promise<FrontierRow[]> {
    const rows: FrontierRow[] = [];
    for await (const page of searchSorted(
      this.#client,
      this.names.frontier,
      { term: { job: jobId } },
      [{ seq: 'asc' }, { url: 'asc' }],
      { routing: jobId, source: ['url', 'status', 'reason', 'http_status'] },
    )) {
      for (const h of page) {
        rows.push({
          url: String(h.source['url']),
          status: String(h.source['status']) as UrlStatus,
          reason: str(h.source['reason']),
          http_status: typeof h.source['http_status'] === 'number' ? h.source['http_status'] : null,
        });
      }
    }
    return rows;
  }

  /** For diagnostics: a failure message naming the engine. */
  describe(err: unknown): string {
    return `crawl state at ${this.#client.displayUrl}: ${errorMessage(err)}`;
  }
}

/** A request slower than this is logged (a busy or struggling engine shows in the workers' logs). */
const SLOW_REQUEST_MS = 2_000;

/** The client, with every request that takes longer than SLOW_REQUEST_MS logged. */
function timedClient(client: EngineClient, log: Logger): EngineClient {
  return new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || name === 'scan') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const out = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (out instanceof Promise) {
          void out.then(
            () => {
              const ms = performance.now() - started;
              if (ms > SLOW_REQUEST_MS)
                log.warn({ request: String(name), ms: Math.round(ms) }, 'slow engine request');
            },
            () => undefined,
          );
        }
        return out;
      };
    },
  });
}

/**
 * A write of `fields` on a claimed frontier document, conditional on the claim's version: the
 * whole document (as claimed, with `fields`) when the claim kept it, so the engine does not read
 * it again; a partial update otherwise. Either fails (409) when the document changed since.
 */
export function onClaim(
  id: string,
  jobId: string,
  claim: UrlClaim | undefined,
  fields: Record<string, unknown>,
): DocWrite {
  const ifVersion = claim ? { seqNo: claim.seqNo, primaryTerm: claim.primaryTerm } : undefined;
  if (claim?.doc) return { op: 'index', id, routing: jobId, doc: { ...claim.doc, ...fields }, ifVersion };
  return { op: 'update', id, routing: jobId, doc: fields, ifVersion };
}

function isFinished(status: CrawlStatus | undefined): boolean {
  return status === 'done' || status === 'failed' || status === 'cancelled';
}

export function hitsOf(res: Record<string, unknown>): Array<{ id: string; source: Record<string, unknown> }> {
  const hits = ((res['hits'] as { hits?: unknown[] })?.hits ?? []) as Array<{
    _id: string;
    _source?: Record<string, unknown>;
  }>;
  return hits.map((h) => ({ id: h._id, source: h._source ?? {} }));
}

export { totalHits };
