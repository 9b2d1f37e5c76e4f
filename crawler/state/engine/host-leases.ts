// Fleet-wide politeness: one process at a time holds a host, under a lease written to the host's
// document with optimistic concurrency (if_seq_no/if_primary_term). The holder renews the lease
// while it has URLs of the host to fetch, and writes the host's politeness with it (next allowed
// request, Crawl-delay, response time, failures and pauses), so Retry-After and backoff hold for
// whoever takes the host next. A request may start only while the lease has at least the host's
// gap left (the gate), so a process taking over a host whose holder died starts no sooner than
// that gap after the dead one's last request. An idle host is released with its state. A host's
// document holds only the fields written here, so each conditional write is the whole document
// (no read-modify-write in the engine).
import type { DocVersion, DocWrite, EngineClient, Logger } from '../../../services/index.js';
import { errorMessage } from '../../../services/index.js';
import type { HostGate, HostSnapshot } from '../../politeness.js';
import type { HostLeases, HostPoliteness } from '../types.js';
import { num } from './documents.js';

export interface EngineHostLeasesOptions {
  readonly client: EngineClient;
  readonly index: string;
  readonly leaseMs: number;
  readonly logger: Logger;
  /** A held host no queue asked for during this long is released (default 2 s). */
  readonly idleMs?: number | undefined;
  readonly now?: (() => number) | undefined;
}

/** Lease time kept in hand beyond a host's gap when a request starts, ms. */
const LEASE_MARGIN_MS = 1_000;

interface Lease {
  until: number;
  version: DocVersion;
  wantedAt: number;
}

/** The politeness fields of a host's document. */
function stateFields(s: HostSnapshot): Record<string, unknown> {
  return {
    next_at: s.nextAt,
    crawl_delay_ms: s.crawlDelayMs,
    response_ms: s.responseMs,
    failures: s.failures,
    pauses: s.pauses,
  };
}

function snapshotOf(source: Record<string, unknown> | undefined): HostSnapshot {
  return {
    nextAt: num(source?.['next_at']),
    crawlDelayMs: num(source?.['crawl_delay_ms']),
    responseMs: typeof source?.['response_ms'] === 'number' ? source['response_ms'] : null,
    failures: num(source?.['failures']),
    pauses: num(source?.['pauses']),
  };
}

const NO_POLITENESS: HostPoliteness = {
  snapshot: () => ({ nextAt: 0, crawlDelayMs: 0, responseMs: null, failures: 0, pauses: 0 }),
  restore: () => {},
  delayFor: () => 0,
  activeOn: () => 0,
};

export class EngineHostLeases implements HostLeases, HostGate {
  readonly #client: EngineClient;
  readonly #index: string;
  readonly #leaseMs: number;
  readonly #idleMs: number;
  readonly #log: Logger;
  readonly #now: () => number;
  readonly #leases = new Map<string, Lease>();
  #owner: string | undefined;
  #politeness: HostPoliteness = NO_POLITENESS;
  #renewing: Promise<void> | undefined;

  constructor(options: EngineHostLeasesOptions) {
    this.#client = options.client;
    this.#index = options.index;
    this.#leaseMs = options.leaseMs;
    this.#idleMs = options.idleMs ?? 2_000;
    this.#log = options.logger;
    this.#now = options.now ?? Date.now;
  }

  /** The process that takes hosts, and where its politeness of each host lives. */
  bind(owner: string, politeness: HostPoliteness): void {
    this.#owner = owner;
    this.#politeness = politeness;
  }

  holds(host: string, forMs = 0): boolean {
    const lease = this.#leases.get(host);
    return lease !== undefined && lease.until - this.#now() >= forMs;
  }

  /**
   * A request may start while the lease has the host's gap and a second left: should this process
   * die right after, the next holder starts no sooner than that gap after this request.
   */
  allows(host: string, delayMs: number): boolean {
    return this.holds(host, delayMs + LEASE_MARGIN_MS);
  }

  held(): string[] {
    const now = this.#now();
    return [...this.#leases].filter(([, l]) => l.until > now).map(([h]) => h);
  }

  want(host: string): void {
    const lease = this.#leases.get(host);
    if (lease) lease.wantedAt = this.#now();
  }

  async acquire(hosts: readonly string[], max: number): Promise<string[]> {
    const owner = this.#owner;
    if (!owner || max <= 0) return [];
    const candidates = [...new Set(hosts)].filter((h) => !this.holds(h)).slice(0, Math.max(max * 4, 8));
    if (candidates.length === 0) return [];
    const docs = await this.#client.getDocs(
      this.#index,
      candidates.map((id) => ({ id })),
    );
    const now = this.#now();
    const writes: DocWrite[] = [];
    const previous = new Map<string, Record<string, unknown> | undefined>();
    for (const doc of docs) {
      if (writes.length >= max) break;
      const host = doc.id;
      const until = now + this.#leaseMs + this.#politeness.delayFor(host);
      if (!doc.found) {
        writes.push({
          op: 'create',
          id: host,
          doc: { host, owner, until, ...stateFields(this.#politeness.snapshot(host)), updated_at: now },
        });
        previous.set(host, undefined);
        continue;
      }
      const src = doc.source ?? {};
      const holder = typeof src['owner'] === 'string' ? src['owner'] : null;
      if (holder !== null && holder !== owner && num(src['until']) >= now) continue;
      writes.push({
        op: 'index',
        id: host,
        doc: { ...src, owner, until, updated_at: now },
        ifVersion: doc.version,
      });
      previous.set(host, src);
    }
    if (writes.length === 0) return [];
    const results = await this.#client.writeDocs(this.#index, writes);
    const taken: string[] = [];
    results.forEach((r, i) => {
      const w = writes[i] as DocWrite;
      if ((r.status === 200 || r.status === 201) && r.version) {
        const doc = w.op === 'delete' ? {} : w.doc;
        this.#leases.set(w.id, { until: num(doc['until']), version: r.version, wantedAt: now });
        // The previous holder's politeness: its next allowed request, delay, backoff, pauses.
        const prev = previous.get(w.id);
        if (prev) this.#politeness.restore(w.id, snapshotOf(prev));
        taken.push(w.id);
      }
    });
    return taken;
  }

  /** Renews the leases of wanted (or busy) hosts and releases idle ones; one run at a time. */
  renew(): Promise<void> {
    this.#renewing ??= this.renewNow().finally(() => {
      this.#renewing = undefined;
    });
    return this.#renewing;
  }

  private async renewNow(): Promise<void> {
    const owner = this.#owner;
    if (!owner || this.#leases.size === 0) return;
    const now = this.#now();
    const writes: DocWrite[] = [];
    const releasing = new Set<string>();
    for (const [host, lease] of this.#leases) {
      if (lease.until <= now) {
        // Lapsed (the engine was out of reach): another process may hold it already.
        this.#leases.delete(host);
        continue;
      }
      const state = stateFields(this.#politeness.snapshot(host));
      const idle = this.#politeness.activeOn(host) === 0 && now - lease.wantedAt > this.#idleMs;
      if (idle) releasing.add(host);
      writes.push({
        op: 'index',
        id: host,
        doc: idle
          ? { host, owner: null, until: 0, ...state, updated_at: now }
          : {
              host,
              owner,
              until: now + this.#leaseMs + this.#politeness.delayFor(host),
              ...state,
              updated_at: now,
            },
        ifVersion: lease.version,
      });
    }
    if (writes.length === 0) return;
    let results: Awaited<ReturnType<EngineClient['writeDocs']>>;
    try {
      results = await this.#client.writeDocs(this.#index, writes);
    } catch (err) {
      this.#log.warn({ err: errorMessage(err), hosts: writes.length }, 'could not renew host leases');
      return;
    }
    results.forEach((r, i) => {
      const w = writes[i] as DocWrite;
      const lease = this.#leases.get(w.id);
      if (!lease) return;
      if ((r.status === 200 || r.status === 201) && r.version) {
        if (releasing.has(w.id)) this.#leases.delete(w.id);
        else {
          lease.version = r.version;
          lease.until = w.op === 'delete' ? lease.until : num(w.doc['until']);
        }
      } else if (r.status === 409 || r.status === 404) {
        this.#leases.delete(w.id);
        this.#log.warn({ host: w.id }, 'lost the lease of a host to another process');
      }
    });
  }

  /** Releases every held host (a process stopping), writing each host's politeness. */
  releaseAll(): Promise<void> {
    return this.release([...this.#leases.keys()]);
  }

  /** Releases hosts now, writing each one's politeness (what is in flight still ends here). */
  async release(hosts: readonly string[]): Promise<void> {
    await this.#renewing;
    const now = this.#now();
    const writes: DocWrite[] = [];
    for (const host of hosts) {
      const lease = this.#leases.get(host);
      if (!lease) continue;
      this.#leases.delete(host);
      if (lease.until <= now) continue;
      writes.push({
        op: 'index',
        id: host,
        doc: {
          host,
          owner: null,
          until: 0,
          ...stateFields(this.#politeness.snapshot(host)),
          updated_at: now,
        },
        ifVersion: lease.version,
      });
    }
    if (writes.length === 0) return;
    try {
      await this.#client.writeDocs(this.#index, writes);
    } catch (err) {
      this.#log.warn({ err: errorMessage(err) }, 'could not release host leases; they lapse by themselves');
    }
  }
}
