// The few request patterns the engine crawl state repeats: writes retried item by item when the
// engine refuses them for load (429/5xx), compare-and-set updates of one document, aggregations
// paged with `composite`, and searches paged with `search_after`.
import {
  CiteboxError,
  type DocRef,
  type DocWrite,
  type DocWriteResult,
  type EngineClient,
  type VersionedDoc,
} from '../../../services/index.js';

const WRITE_RETRIES = 6;
const CAS_ATTEMPTS = 60;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Writes, retrying the ones the engine refused for load; conflicts (409) are the caller's. */
export async function writeAll(
  client: EngineClient,
  index: string,
  writes: readonly DocWrite[],
  what: string,
  options: { refresh?: boolean | 'wait_for' } = {},
): Promise<DocWriteResult[]> {
  const results: DocWriteResult[] = new Array(writes.length);
  let pending = writes.map((_, i) => i);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const batch = pending.map((i) => writes[i] as DocWrite);
    const res = await client.writeDocs(index, batch, options);
    const retry: number[] = [];
    res.forEach((r, k) => {
      const i = pending[k] as number;
      results[i] = r;
      if (r.status === 429 || r.status >= 500) retry.push(i);
    });
    if (retry.length === 0) break;
    if (attempt + 1 >= WRITE_RETRIES) {
      const first = results[retry[0] as number];
      throw new CiteboxError(
        'BACKEND_UNAVAILABLE',
        `${what}: the engine refused ${retry.length} writes (${first?.status}: ${first?.error ?? 'overloaded'}); retry later`,
      );
    }
    await sleep(50 * 2 ** attempt + Math.random() * 50);
    pending = retry;
  }
  return results;
}

/** Throws when a write failed for another reason than the ones a caller handles. */
export function expectWritten(
  result: DocWriteResult | undefined,
  what: string,
  allowed: readonly number[] = [],
): void {
  if (!result) throw new CiteboxError('BACKEND_ERROR', `${what}: no answer from the engine`);
  if (result.status < 300 || allowed.includes(result.status)) return;
  throw new CiteboxError(
    'BACKEND_ERROR',
    `${what}: the engine answered ${result.status} (${result.error ?? ''})`,
    {
      details: { status: result.status },
    },
  );
}

export async function getOne(client: EngineClient, index: string, ref: DocRef): Promise<VersionedDoc> {
  const [doc] = await client.getDocs(index, [ref]);
  return doc ?? { id: ref.id, found: false };
}

/**
 * Reads a document and writes it back with `change`'s fields conditionally on what was read, again
 * until no other process changed it in between. `change` returns undefined to write nothing. The
 * whole document is written (what was read with the fields replaced: an object field is given
 * whole), so the engine does not read it again as a partial update would.
 * Returns the document as written (or as read, when nothing was written); undefined when missing.
 */
export async function compareAndSet<T extends Record<string, unknown>>(
  client: EngineClient,
  index: string,
  ref: DocRef,
  change: (doc: T) => Partial<T> | undefined,
  what: string,
  options: { refresh?: boolean | 'wait_for' } = {},
): Promise<T | undefined> {
  for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
    const doc = await getOne(client, index, ref);
    if (!doc.found || !doc.source) return undefined;
    const current = doc.source as T;
    const patch = change(current);
    if (patch === undefined) return current;
    const next = { ...current, ...patch };
    const [result] = await writeAll(
      client,
      index,
      [{ op: 'index', id: ref.id, routing: ref.routing, doc: next, ifVersion: doc.version }],
      what,
      options,
    );
    if (result?.status === 409) {
      await sleep(2 + Math.random() * 20 * Math.min(attempt + 1, 5));
      continue;
    }
    expectWritten(result, what);
    return next;
  }
  throw new CiteboxError('BACKEND_UNAVAILABLE', `${what}: too many processes changed it at once; retry`);
}

export interface CompositeBucket {
  readonly key: string;
  readonly count: number;
  readonly bucket: Record<string, unknown>;
}

/** Every bucket of a terms grouping on `field`, page by page (`composite`). */
export async function* compositeTerms(
  client: EngineClient,
  index: string,
  query: Record<string, unknown>,
  field: string,
  options: { routing?: string; aggs?: Record<string, unknown>; pageSize?: number } = {},
): AsyncGenerator<CompositeBucket> {
  const size = options.pageSize ?? 1000;
  let after: Record<string, unknown> | undefined;
  for (;;) {
    const res = await client.search(
      index,
      {
        size: 0,
        query,
        aggs: {
          groups: {
            composite: { size, sources: [{ key: { terms: { field } } }], ...(after ? { after } : {}) },
            ...(options.aggs ? { aggs: options.aggs } : {}),
          },
        },
      },
      { routing: options.routing },
    );
    const groups = (
      res['aggregations'] as { groups?: { buckets?: unknown[]; after_key?: Record<string, unknown> } }
    )?.groups;
    const buckets = (groups?.buckets ?? []) as Array<{ key: { key: string }; doc_count: number }>;
    for (const b of buckets)
      yield { key: b.key.key, count: b.doc_count, bucket: b as unknown as Record<string, unknown> };
    if (!groups?.after_key || buckets.length < size) return;
    after = groups.after_key;
  }
}

export interface SortedHit {
  readonly id: string;
  readonly source: Record<string, unknown>;
  readonly version?: { seqNo: number; primaryTerm: number } | undefined;
}

/** Every document matching a query in a total order (`sort` must end with a unique field). */
export async function* searchSorted(
  client: EngineClient,
  index: string,
  query: Record<string, unknown>,
  sort: readonly Record<string, unknown>[],
  options: { routing?: string; pageSize?: number; source?: readonly string[]; versions?: boolean } = {},
): AsyncGenerator<SortedHit[]> {
  const size = options.pageSize ?? 1000;
  let after: unknown[] | undefined;
  for (;;) {
    const res = await client.search(
      index,
      {
        size,
        query,
        sort: [...sort],
        track_total_hits: false,
        ...(options.source ? { _source: [...options.source] } : {}),
        ...(options.versions ? { seq_no_primary_term: true } : {}),
        ...(after ? { search_after: after } : {}),
      },
      { routing: options.routing },
    );
    const hits = ((res['hits'] as { hits?: unknown[] })?.hits ?? []) as Array<{
      _id: string;
      _source?: Record<string, unknown>;
      _seq_no?: number;
      _primary_term?: number;
      sort?: unknown[];
    }>;
    if (hits.length === 0) return;
    yield hits.map((h) => ({
      id: h._id,
      source: h._source ?? {},
      version:
        typeof h._seq_no === 'number' && typeof h._primary_term === 'number'
          ? { seqNo: h._seq_no, primaryTerm: h._primary_term }
          : undefined,
    }));
    if (hits.length < size) return;
    after = hits[hits.length - 1]?.sort;
  }
}

/** The total hits of a search response. */
export function totalHits(res: Record<string, unknown>): number {
  const total = (res['hits'] as { total?: number | { value?: number } } | undefined)?.total;
  return typeof total === 'number' ? total : (total?.value ?? 0);
}
