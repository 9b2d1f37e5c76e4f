// What processes crawling one job together coordinate through the engine, with conditional
// writes (if_seq_no/if_primary_term) and time-limited leases only — no coordinator to run:
// - URL claims: a process claims a batch of a host's ready URLs; a claim lapses after the lease,
//   so a dead worker's URLs return to the queue;
// - host leases (host-leases.ts): one process at a time talks to a host;
// - worker heartbeats: who is alive (for fair shares of hosts and for reclaiming a dead worker's
//   reservation of pages);
// - the steps one process does for a job (reading sitemaps, queueing the revisit pass,
//   finishing), each under a lease in the job's document;
// - the job's page budget (page-budget.ts), in the job's document.
import { hostname } from 'node:os';
import type { EngineClient, Logger } from '../../../services/index.js';
import { CiteboxError, errorMessage } from '../../../services/index.js';
import type {
  FleetCoordination,
  FrontierEntry,
  HostPoliteness,
  JobCounters,
  JobStep,
  UrlState,
} from '../types.js';
import {
  type CrawlIndexNames,
  entryFromDoc,
  frontierId,
  type HostCursor,
  hostsPastCursors,
  type JobDoc,
  num,
  readyQuery,
  type StepState,
  stepOf,
} from './documents.js';
import { compareAndSet, getOne, totalHits, writeAll } from './engine-io.js';
import { EngineHostLeases } from './host-leases.js';
import {
  type BudgetLedger,
  heldPages,
  holders,
  pagesLeft,
  parseLedger,
  reclaim,
  reserve,
  settle,
} from './page-budget.js';

export interface EngineFleetOptions {
  readonly client: EngineClient;
  readonly names: CrawlIndexNames;
  readonly leaseMs: number;
  readonly logger: Logger;
  readonly now: () => number;
  /** What is known of URLs (a claimed URL's entry carries it). */
  readonly urlStates: (urls: readonly string[]) => Promise<Map<string, UrlState>>;
  readonly countJob: (jobId: string) => Promise<JobCounters>;
}

/** Largest claim of one host's URLs in one request (`top_hits` allows 100). */
export const MAX_CLAIM_PER_HOST = 100;
const HEARTBEAT_MS = 2_000;
const LIVE_CACHE_MS = 2_000;

type JobSource = JobDoc & Record<string, unknown>;

export class EngineFleet implements FleetCoordination {
  readonly leaseMs: number;
  readonly hosts: EngineHostLeases;
  readonly #o: EngineFleetOptions;
  readonly #log: Logger;
  /** Per job, how far this process read each host's queue. */
  readonly #cursors = new Map<string, Map<string, HostCursor>>();
  #owner: string | undefined;
  #role: 'worker' | 'api' = 'api';
  #timer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #live: { at: number; count: number } | undefined;
  #beat: Promise<void> | undefined;
  #closed = false;
  readonly #stepRenewedAt = new Map<string, number>();

  constructor(options: EngineFleetOptions) {
    this.#o = options;
    this.leaseMs = options.leaseMs;
    this.#log = options.logger;
    this.hosts = new EngineHostLeases({
      client: options.client,
      index: options.names.hosts,
      leaseMs: options.leaseMs,
      logger: options.logger,
      now: options.now,
      idleMs: Math.min(2_000, Math.max(200, options.leaseMs / 10)),
    });
  }

  get owner(): string | undefined {
    return this.#owner;
  }

  register(owner: string, role: 'worker' | 'api', politeness?: HostPoliteness): void {
    if (this.#owner && this.#role === 'worker') return;
    this.#owner = owner;
    this.#role = role;
    this.#startedAt = this.#o.now();
    if (role === 'worker' && politeness) this.hosts.bind(owner, politeness);
    if (this.#timer) clearInterval(this.#timer);
    const every = Math.max(100, Math.min(HEARTBEAT_MS, Math.floor(this.leaseMs / 3)));
    this.#timer = setInterval(() => void this.beat(), every);
    this.#timer.unref();
    void this.beat();
  }

  /** One heartbeat: this process's document, then the renewal of its host leases. */
  private beat(): Promise<void> {
    this.#beat ??= (async () => {
      const owner = this.#owner;
      if (!owner) return;
      try {
        await writeAll(
          this.#o.client,
          this.#o.names.workers,
          [
            {
              op: 'index',
              id: owner,
              doc: {
                owner,
                role: this.#role,
                hostname: hostname(),
                pid: process.pid,
                started_at: this.#startedAt,
                heartbeat_at: this.#o.now(),
                hosts: this.hosts.held().length,
              },
            },
          ],
          'heartbeat',
        );
      } catch (err) {
        this.#log.warn({ err: errorMessage(err) }, 'crawl heartbeat failed; retrying');
      }
      await this.hosts.renew();
    })().finally(() => {
      this.#beat = undefined;
    });
    return this.#beat;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#beat;
    await this.hosts.releaseAll();
    const owner = this.#owner;
    if (!owner) return;
    try {
      await this.#o.client.writeDocs(this.#o.names.workers, [{ op: 'delete', id: owner }]);
    } catch (err) {
      this.#log.debug({ err: errorMessage(err) }, 'could not remove the worker document; it goes stale');
    }
  }

  async liveWorkers(): Promise<number> {
    const now = this.#o.now();
    if (this.#live && now - this.#live.at < LIVE_CACHE_MS) return this.#live.count;
    const res = await this.#o.client.search(this.#o.names.workers, {
      size: 0,
      track_total_hits: true,
      query: {
        bool: {
          filter: [{ term: { role: 'worker' } }, { range: { heartbeat_at: { gte: now - this.leaseMs } } }],
        },
      },
    });
    // This process counts even before its first heartbeat is searchable.
    const count = Math.max(this.#role === 'worker' ? 1 : 0, totalHits(res));
    this.#live = { at: now, count };
    return count;
  }

  /** Owners (of those given) with a heartbeat within the lease. */
  private async liveOwners(owners: readonly string[]): Promise<Set<string>> {
    const docs = await this.#o.client.getDocs(
      this.#o.names.workers,
      owners.map((id) => ({ id })),
    );
    const cutoff = this.#o.now() - this.leaseMs;
    return new Set(docs.filter((d) => d.found && num(d.source?.['heartbeat_at']) >= cutoff).map((d) => d.id));
  }

  async readyHosts(
    jobId: string,
    limit: number,
  ): Promise<{ hosts: Array<{ host: string; ready: number }>; total: number }> {
    const now = this.#o.now();
    const res = await this.#o.client.search(
      this.#o.names.frontier,
      {
        size: 0,
        query: { bool: { filter: [{ term: { job: jobId } }, { term: { status: 'queued' } }] } },
        aggs: {
          total: { cardinality: { field: 'host' } },
          ready: {
            filter: readyQuery(jobId, now),
            aggs: {
              hosts: {
                terms: { field: 'host', size: limit, order: { depth: 'asc' } },
                aggs: { depth: { min: { field: 'depth' } } },
              },
            },
          },
        },
      },
      { routing: jobId },
    );
    const aggs = res['aggregations'] as {
      total?: { value?: number };
      ready?: { hosts?: { buckets?: Array<{ key: string; doc_count: number }> } };
    };
    return {
      hosts: (aggs?.ready?.hosts?.buckets ?? []).map((b) => ({ host: b.key, ready: b.doc_count })),
      total: aggs?.total?.value ?? 0,
    };
  }

  async claim(
    jobId: string,
    owner: string,
    hosts: readonly string[],
    perHost: number,
    skip: (url: string) => boolean = () => false,
  ): Promise<FrontierEntry[]> {
    if (hosts.length === 0) return [];
    const now = this.#o.now();
    let cursors = this.#cursors.get(jobId);
    if (!cursors) {
      cursors = new Map();
      this.#cursors.set(jobId, cursors);
    }
    const size = Math.max(1, Math.min(MAX_CLAIM_PER_HOST, perHost));
    const res = await this.#o.client.search(
      this.#o.names.frontier,
      {
        size: 0,
        query: { bool: { filter: [readyQuery(jobId, now), hostsPastCursors(hosts, cursors)] } },
        aggs: {
          hosts: {
            terms: { field: 'host', size: hosts.length },
            aggs: {
              first: {
                top_hits: {
                  size,
                  sort: [{ depth: 'asc' }, { seq: 'asc' }],
                  seq_no_primary_term: true,
                },
              },
            },
          },
        },
      },
      { routing: jobId },
    );
    type Hit = { _id: string; _source?: Record<string, unknown>; _seq_no?: number; _primary_term?: number };
    const buckets =
      (
        res['aggregations'] as {
          hosts?: { buckets?: Array<{ key: string; first?: { hits?: { hits?: Hit[] } } }> };
        }
      )?.hosts?.buckets ?? [];
    const candidates: Hit[] = [];
    const seen = new Set<string>();
    for (const b of buckets) {
      const hits = b.first?.hits?.hits ?? [];
      seen.add(b.key);
      const last = hits[hits.length - 1]?._source;
      // The next claim of this host reads past these; a host read to its end starts over next time
      // (retries come due, and hits a refresh had not caught up with drop out).
      if (last && hits.length >= size)
        cursors.set(b.key, { depth: num(last['depth']), seq: num(last['seq']) });
      else cursors.delete(b.key);
      for (const h of hits) {
        if (typeof h._seq_no !== 'number' || typeof h._primary_term !== 'number' || !h._source) continue;
        if (skip(String(h._source['url']))) continue;
        candidates.push(h);
      }
    }
    for (const host of hosts) if (!seen.has(host)) cursors.delete(host);
    if (candidates.length === 0) return [];
    const until = now + this.leaseMs;
    // Each claim writes the whole document the search returned, with the claim, on the version the
    // search saw: the same document a partial update would make, without the engine reading it
    // again (an update is a real-time get, a merge and a write). 409: another process claimed or
    // settled it since.
    const docs = candidates.map((h) => ({ ...h._source, claimed_by: owner, claim_until: until }));
    const results = await writeAll(
      this.#o.client,
      this.#o.names.frontier,
      candidates.map((h, i) => ({
        op: 'index' as const,
        id: h._id,
        routing: jobId,
        doc: docs[i] as Record<string, unknown>,
        ifVersion: { seqNo: h._seq_no as number, primaryTerm: h._primary_term as number },
      })),
      'claim URLs',
    );
    const won: Array<{ source: Record<string, unknown>; seqNo: number; primaryTerm: number }> = [];
    results.forEach((r, i) => {
      const doc = docs[i];
      if (r.status === 200 && r.version && doc)
        won.push({ source: doc, seqNo: r.version.seqNo, primaryTerm: r.version.primaryTerm });
    });
    if (won.length === 0) return [];
    const prev = await this.#o.urlStates(won.map((w) => String(w.source['url'])));
    return won
      .map((w) =>
        entryFromDoc(w.source, prev.get(String(w.source['url'])), {
          seqNo: w.seqNo,
          primaryTerm: w.primaryTerm,
          until,
          doc: w.source,
        }),
      )
      .sort((a, b) => a.depth - b.depth || a.seq - b.seq);
  }

  async unclaim(jobId: string, entries: readonly FrontierEntry[]): Promise<void> {
    const claimed = entries.filter((e) => e.claim);
    if (claimed.length === 0) return;
    await writeAll(
      this.#o.client,
      this.#o.names.frontier,
      claimed.map((e) => ({
        op: 'update' as const,
        id: frontierId(jobId, e.url),
        routing: jobId,
        doc: { claimed_by: null, claim_until: null },
        ifVersion: e.claim ? { seqNo: e.claim.seqNo, primaryTerm: e.claim.primaryTerm } : undefined,
      })),
      'give claims back',
    );
  }

  async pendingUrls(jobId: string): Promise<number> {
    // Any view of the job's shard is a prefix of its writes, in order; a page's links are written
    // before its outcome, so no view shows zero queued URLs while a page that links further is
    // still unsettled. But a view older than the job's first URLs shows none at all, and a zero
    // ends the job: a zero is checked again on a fresh view (once, at the end of a job).
    const count = async () =>
      totalHits(
        await this.#o.client.search(
          this.#o.names.frontier,
          {
            size: 0,
            track_total_hits: true,
            query: { bool: { filter: [{ term: { job: jobId } }, { term: { status: 'queued' } }] } },
          },
          { routing: jobId },
        ),
      );
    const seen = await count();
    if (seen > 0) return seen;
    await this.#o.client.refresh(this.#o.names.frontier);
    return count();
  }

  async beginStep(jobId: string, step: JobStep, owner: string): Promise<'mine' | 'taken' | 'done'> {
    let outcome: 'mine' | 'taken' | 'done' = 'taken';
    const now = this.#o.now();
    const doc = await compareAndSet<JobSource>(
      this.#o.client,
      this.#o.names.jobs,
      { id: jobId },
      (d) => {
        const st = stepOf(d, step);
        if (st.state === 'done') {
          outcome = 'done';
          return undefined;
        }
        if (st.state === 'busy' && st.owner !== owner && (st.until ?? 0) > now) {
          outcome = 'taken';
          return undefined;
        }
        outcome = 'mine';
        const next: StepState = { state: 'busy', owner, until: now + this.leaseMs };
        return { steps: { ...d.steps, [step]: next } };
      },
      `begin the ${step} step`,
    );
    if (!doc) throw new CiteboxError('NOT_FOUND', `No crawl job ${jobId}`);
    return outcome;
  }

  async endStep(jobId: string, step: JobStep, owner: string): Promise<void> {
    await compareAndSet<JobSource>(
      this.#o.client,
      this.#o.names.jobs,
      { id: jobId },
      (d) => {
        const st = stepOf(d, step);
        if (st.state === 'done' || (st.state === 'busy' && st.owner !== owner)) return undefined;
        return { steps: { ...d.steps, [step]: { state: 'done' } } };
      },
      `end the ${step} step`,
    );
  }

  async stepDone(jobId: string, step: JobStep): Promise<boolean> {
    const doc = await getOne(this.#o.client, this.#o.names.jobs, { id: jobId });
    return doc.found ? stepOf(doc.source as unknown as JobDoc, step).state === 'done' : true;
  }

  /** Whether another live process is in the middle of a step of the job. */
  async stepBusy(jobId: string): Promise<JobStep | undefined> {
    const doc = await getOne(this.#o.client, this.#o.names.jobs, { id: jobId });
    if (!doc.found) return undefined;
    const now = this.#o.now();
    const steps = (doc.source as unknown as JobDoc).steps ?? {};
    return (Object.keys(steps) as JobStep[]).find((s) => {
      const st = stepOf({ steps }, s);
      return st.state === 'busy' && (st.until ?? 0) > now;
    });
  }

  /** Extends the leases of the steps `owner` is doing (a long sitemap read). */
  async renewSteps(jobId: string, owner: string): Promise<void> {
    const now = this.#o.now();
    if (now - (this.#stepRenewedAt.get(jobId) ?? 0) < this.leaseMs / 3) return;
    this.#stepRenewedAt.set(jobId, now);
    await compareAndSet<JobSource>(
      this.#o.client,
      this.#o.names.jobs,
      { id: jobId },
      (d) => {
        const steps = { ...d.steps };
        let changed = false;
        for (const s of Object.keys(steps) as JobStep[]) {
          const st = stepOf(d, s);
          if (st.state === 'busy' && st.owner === owner) {
            steps[s] = { ...st, until: now + this.leaseMs };
            changed = true;
          }
        }
        return changed ? { steps, heartbeat_at: now } : undefined;
      },
      'renew a crawl step',
    );
  }

  private maxPages(doc: JobDoc): number {
    try {
      const options = JSON.parse(doc.options) as { max_pages?: number };
      return typeof options.max_pages === 'number' ? options.max_pages : 0;
    } catch {
      return 0;
    }
  }

  /** Frees the reservations of holders that are no longer alive. */
  private async reclaimDead(jobId: string, ledger: BudgetLedger): Promise<Map<string, number> | undefined> {
    const others = holders(ledger).filter((o) => o !== this.#owner);
    if (others.length === 0) return undefined;
    const live = await this.liveOwners(others);
    const dead = others.filter((o) => !live.has(o));
    if (dead.length === 0) return undefined;
    const consumed = new Map<string, number>();
    for (const owner of dead) {
      const res = await this.#o.client.search(
        this.#o.names.frontier,
        {
          size: 0,
          track_total_hits: true,
          query: {
            bool: {
              filter: [
                { term: { job: jobId } },
                { term: { done_by: owner } },
                { terms: { status: ['indexed', 'unchanged'] } },
              ],
            },
          },
        },
        { routing: jobId },
      );
      consumed.set(owner, totalHits(res));
    }
    this.#log.info(
      { job: jobId, owners: dead },
      'reclaiming the page reservations of crawl workers that died',
    );
    return consumed;
  }

  private async changeLedger(
    jobId: string,
    change: (ledger: BudgetLedger, max: number) => BudgetLedger | undefined,
    what: string,
  ): Promise<BudgetLedger | undefined> {
    let out: BudgetLedger | undefined;
    await compareAndSet<JobSource>(
      this.#o.client,
      this.#o.names.jobs,
      { id: jobId },
      (d) => {
        const ledger = parseLedger(d.budget);
        const next = change(ledger, this.maxPages(d));
        out = next ?? ledger;
        return next === undefined || next === ledger ? undefined : { budget: JSON.stringify(next) };
      },
      what,
    );
    return out;
  }

  async reservePages(jobId: string, owner: string, want: number): Promise<number> {
    let granted = 0;
    const ledger = await this.changeLedger(
      jobId,
      (l, max) => {
        const r = reserve(l, owner, want, max);
        granted = r.granted;
        return r.ledger;
      },
      'reserve pages',
    );
    if (granted > 0 || !ledger) return granted;
    // None left: maybe a dead worker holds them.
    const consumed = await this.reclaimDead(jobId, ledger);
    if (!consumed) return 0;
    await this.changeLedger(
      jobId,
      (l, max) => {
        let next = l;
        for (const [o, n] of consumed) next = reclaim(next, o, n);
        const r = reserve(next, owner, want, max);
        granted = r.granted;
        return r.ledger;
      },
      'reserve pages',
    );
    return granted;
  }

  async settlePages(jobId: string, owner: string, consumed: number, returned: number): Promise<void> {
    if (consumed === 0 && returned === 0) return;
    await this.changeLedger(jobId, (l) => settle(l, owner, consumed, returned), 'settle pages');
  }

  async pagesLeft(jobId: string): Promise<{ left: number; held: number }> {
    const doc = await getOne(this.#o.client, this.#o.names.jobs, { id: jobId });
    if (!doc.found) return { left: 0, held: 0 };
    const src = doc.source as unknown as JobDoc;
    let ledger = parseLedger(src.budget);
    const max = this.maxPages(src);
    if (heldPages(ledger) > 0) {
      const consumed = await this.reclaimDead(jobId, ledger);
      if (consumed) {
        ledger =
          (await this.changeLedger(
            jobId,
            (l) => {
              let next = l;
              for (const [o, n] of consumed) next = reclaim(next, o, n);
              return next;
            },
            'reclaim pages',
          )) ?? ledger;
      }
    }
    return { left: pagesLeft(ledger, max), held: heldPages(ledger) };
  }
}
