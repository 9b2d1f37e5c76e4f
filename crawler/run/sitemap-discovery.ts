// Sitemaps of a job's seed sites: robots.txt Sitemap lines and /sitemap.xml, sitemap indexes
// followed, the URLs queued at depth 1 (a crawl of the seeds alone reads none). Each sitemap file
// is fetched in the host's politeness slot (in a fleet, under the host's lease).

import type { RequestOutcome } from '../politeness.js';
import { readSitemap } from '../sitemaps.js';
import type { NewUrl } from '../state/index.js';
import { hostOf, requestUrl, resolveLink } from '../urls.js';
import { safeNormalize } from './outcome-batch.js';
import type { RunContext } from './run-context.js';

const MAX_SITEMAP_FILES = 50;
const BATCH = 1_000;

export async function discoverSitemaps(ctx: RunContext): Promise<void> {
  const { robots, fetcher, scheduler, store } = ctx.deps;
  const signal = ctx.signal;
  const origins = [...new Set(ctx.job.seeds.map((s) => new URL(s).origin))];
  const cap = Math.max(10_000, ctx.maxPages * 10);
  let found = 0;
  let batch: NewUrl[] = [];
  let writing: Promise<void> = Promise.resolve();
  const commit = () => {
    if (batch.length === 0) return;
    const entries = batch;
    batch = [];
    writing = writing.then(async () => {
      const added = await store.enqueue(ctx.job.id, entries);
      ctx.counters.discovered += added.length;
      const fresh = new Set(added.map((a) => a.url));
      for (const e of entries) if (!fresh.has(e.url)) ctx.guard.release(e.url, e.host);
    });
  };
  for (const origin of origins) {
    if (signal.aborted) break;
    const rules = await robots.rulesFor(`${origin}/`, signal);
    if (rules.unavailableReason) continue;
    // The site's Crawl-delay holds for its sitemap requests too (and for what follows them).
    scheduler.setCrawlDelay(new URL(origin).hostname, rules.crawlDelaySeconds);
    const queue = rules.sitemaps.flatMap((sm) => {
      const resolved = resolveLink(sm, `${origin}/`);
      return resolved ? [resolved] : [];
    });
    const own = `${origin}/sitemap.xml`;
    if (!queue.includes(own) && rules.isAllowed(own)) queue.push(own);
    const done = new Set<string>();
    while (queue.length > 0 && done.size < MAX_SITEMAP_FILES && found < cap && !signal.aborted) {
      const sitemapUrl = queue.shift() as string;
      if (done.has(sitemapUrl)) continue;
      done.add(sitemapUrl);
      // Large sitemaps take a while: keep the job (and this step) visibly alive for other processes.
      await store.heartbeat(ctx.job.id, ctx.deps.owner);
      const host = hostOf(sitemapUrl) ?? '';
      await waitForSlot(ctx, host);
      if (signal.aborted) break;
      scheduler.begin(host);
      let outcome: RequestOutcome = 'ok';
      let elapsed: number | undefined;
      try {
        const res = await fetcher.fetch({
          url: sitemapUrl,
          accept: ['*/*'],
          signal,
          maxBytes: 50 * 1024 * 1024,
        });
        elapsed = res.elapsedMs;
        ctx.deps.metrics.bytes.inc(res.body.length);
        if (res.status !== 200) continue;
        const summary = await readSitemap(
          res.body,
          (loc) => {
            if (found >= cap) return;
            const url = safeNormalize(loc);
            if (!url || ctx.seen.has(url) || !ctx.inScope(url)) return;
            const urlHost = hostOf(url);
            if (!urlHost || ctx.guard.admit(url, urlHost)) return;
            ctx.seen.add(url);
            found++;
            const fetchUrl = safeRequestUrl(loc);
            batch.push({ url, host: urlHost, depth: 1, fetchUrl: fetchUrl === url ? undefined : fetchUrl });
            if (batch.length >= BATCH) commit();
          },
          { maxUrls: cap - found },
        );
        for (const child of summary.sitemaps) if (!done.has(child)) queue.push(child);
        commit();
      } catch (err) {
        if (signal.aborted) break;
        outcome = 'failure';
        ctx.log.debug({ err, sitemap: sitemapUrl }, 'sitemap not read');
      } finally {
        scheduler.end(host, outcome, elapsed);
      }
    }
  }
  commit();
  await writing;
  if (found > 0) ctx.log.info({ urls: found }, 'sitemap URLs queued');
}

/** Waits for the host's politeness slot (in a fleet, taking the host's lease first). */
async function waitForSlot(ctx: RunContext, host: string): Promise<void> {
  const { scheduler } = ctx.deps;
  const hosts = ctx.fleet?.hosts;
  while (!ctx.signal.aborted) {
    if (hosts && !hosts.holds(host)) {
      try {
        await hosts.acquire([host], 1);
      } catch (err) {
        if (!ctx.troubled(err, 'take a host')) throw err;
      }
    }
    hosts?.want(host);
    if (scheduler.canStart(host)) return;
    const wait = hosts && !hosts.holds(host) ? 250 : Math.max(5, scheduler.readyAt(host) - Date.now());
    await ctx.sleep(Math.min(wait, 1_000));
  }
}

function safeRequestUrl(url: string): string | undefined {
  try {
    return requestUrl(url);
  } catch {
    return undefined;
  }
}
