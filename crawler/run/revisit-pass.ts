// The end of a crawl: known pages of the crawl's sites that it did not reach are queued again
// (the revisit pass), so pages that are gone are found; then pages found gone leave the index,
// unless most requests to their host failed (an outage, not an emptied site: the outage guard).
import { outageHosts } from '../revisit.js';
import type { NewUrl } from '../state/index.js';
import { registrableDomain } from '../urls.js';
import { type OutcomeBatch, safeNormalize } from './outcome-batch.js';
import type { RunContext } from './run-context.js';

/**
 * Queues known pages of the crawl's sites that this crawl did not reach, the most overdue first,
 * at most `budget` of them (what max_pages leaves). Returns how many were queued.
 */
export async function enqueueRevisits(ctx: RunContext, budget: number): Promise<number> {
  const { store } = ctx.deps;
  if (budget <= 0) return 0;
  // Hosts are stored without ports: keep those that could hold an in-scope URL, then ask per URL.
  const domains = new Set(ctx.job.seeds.map((seed) => registrableDomain(new URL(seed).hostname)));
  const extra = new Set(ctx.job.options.hosts ?? []);
  const hosts = (await store.knownHosts()).filter((h) => domains.has(registrableDomain(h)) || extra.has(h));
  let added = 0;
  let left = budget;
  for (const host of hosts) {
    if (left <= 0) break;
    let chunk: NewUrl[] = [];
    // URLs the frontier holds already are not added again (nor counted against the budget).
    const flush = async () => {
      const n = (await store.enqueue(ctx.job.id, chunk)).length;
      chunk = [];
      added += n;
      left -= n;
    };
    for await (const { url, fetchUrl } of store.revisitCandidates(host)) {
      if (!ctx.inScope(url)) continue;
      chunk.push({ url, host, depth: ctx.job.options.max_depth, fetchUrl });
      if (chunk.length >= left) await flush();
      if (left <= 0) break;
    }
    if (chunk.length > 0 && left > 0) await flush();
  }
  ctx.counters.discovered += added;
  if (added > 0) ctx.log.info({ urls: added }, 'revisiting known pages the crawl did not reach');
  return added;
}

/** Removes pages found gone, unless their host looks down (the outage guard). */
export async function applyDeletions(ctx: RunContext, batch: OutcomeBatch): Promise<void> {
  const { store, sink, metrics } = ctx.deps;
  const jobId = ctx.job.id;
  const pending = await store.pendingDeletions(jobId);
  if (pending.length === 0) return;
  const down = outageHosts(await store.hostTallies(jobId));
  for (const d of pending) {
    if (down.has(d.host)) {
      await store.markDeletion(jobId, d.key, 'suspended');
      continue;
    }
    // A URL re-indexed meanwhile (moved back, or indexed from another variant) stays.
    const now = await store.urlState(safeNormalize(d.deleteUrl) ?? d.deleteUrl);
    if (now?.state === 'indexed' && now.indexed_as === d.deleteUrl && now.url !== d.url) {
      await store.markDeletion(jobId, d.key, 'done');
      continue;
    }
    await sink.deletePage(d.deleteUrl);
    await store.markDeletion(jobId, d.key, 'done');
    const state = await store.urlState(d.url);
    if (state && state.state !== 'indexed') await store.markRemoved(d.url, state.state);
    ctx.counters.deleted++;
    metrics.pagesDeleted.inc();
  }
  if (down.size > 0) {
    ctx.log.warn(
      { hosts: [...down] },
      'most requests to these hosts failed: their deletions wait for a later crawl',
    );
  }
  await store.setDeletionsSuspended(jobId, [...down]);
  await batch.flush(true);
}
