// A fetched page or document to its outcome: decode and extract (on the page threads) or read
// (on the document threads), meta robots and X-Robots-Tag, the canonical, exact and near
// duplicates, then the index (the PageSink, in small batches), and what is now known of the URL.
import { isCiteboxError } from '../../services/index.js';
import { type DocumentType, documentTypeOf } from '../documents/index.js';
import { documentPageAnalysis } from '../documents/page.js';
import { type FetchResult, HTML_TYPES } from '../fetcher.js';
import type { PageAnalysis } from '../page-analysis.js';
import { PageBatcher } from '../page-batcher.js';
import { nextInterval } from '../revisit.js';
import { fingerprintFromHex, SimHashIndex } from '../simhash.js';
import type { FrontierEntry, UrlState, UrlStateWrite } from '../state/index.js';
import { urlTrapReason } from '../traps.js';
import { normalizeUrl, requestUrl } from '../urls.js';
import { indexedTarget, type OutcomeBatch, safeNormalize } from './outcome-batch.js';
import { canonicalFromLinkHeader, parseXRobotsTag } from './robots-headers.js';
import { isEngineTrouble, type RunContext } from './run-context.js';

/** A page the engine refused for load is written again up to this many times, first after this long, ms. */
const INDEX_RETRIES = 4;
const INDEX_RETRY_MS = 250;
/** Claim time kept in hand after a retry (the outcome must be written on the claim), ms. */
const INDEX_RETRY_MARGIN_MS = 1_000;

const MAX_STORED_OUTLINKS = 500;

export class PagePipeline {
  readonly #ctx: RunContext;
  readonly #batch: OutcomeBatch;
  readonly #batcher: PageBatcher;
  readonly #simIndexes = new Map<string, Promise<SimHashIndex>>();

  constructor(ctx: RunContext, batch: OutcomeBatch) {
    this.#ctx = ctx;
    this.#batch = batch;
    this.#batcher = new PageBatcher(ctx.deps.sink);
  }

  async handle(entry: FrontierEntry, result: FetchResult): Promise<void> {
    const { url, host, prev, depth } = entry;
    const ctx = this.#ctx;
    const batch = this.#batch;
    const { metrics, store, fetcher } = ctx.deps;
    const httpStatus = result.status;
    const validators = {
      etag: result.headers['etag'] ?? null,
      last_modified: result.headers['last-modified'] ?? null,
    };
    // finalUrl is the key of the URL that answered, finalHref the URL itself (what is indexed).
    let finalUrl: string;
    let finalHref: string;
    try {
      finalUrl = normalizeUrl(result.finalUrl);
      finalHref = requestUrl(result.finalUrl);
    } catch {
      finalUrl = url;
      finalHref = entry.fetchUrl;
    }
    const target = indexedTarget(prev);
    if (finalUrl !== url) {
      const status = batch.resolvedUrls.has(finalUrl)
        ? 'indexed'
        : await store.urlStatus(ctx.job.id, finalUrl);
      if (status && status !== 'queued') {
        batch.record({
          url,
          status: 'skipped',
          reason: `redirects to ${finalUrl}, already crawled`,
          httpStatus,
          fetched: true,
          deleteUrl: target !== finalUrl ? target : undefined,
        });
        if (prev) this.state(prev, { state: 'redirected', indexed_as: null });
        return;
      }
    }

    const docType = HTML_TYPES.includes(result.mediaType as (typeof HTML_TYPES)[number])
      ? undefined
      : documentTypeOf(result.mediaType, finalHref, result.body.subarray(0, 8));
    const analysis = docType
      ? await this.readDocument(entry, result, docType, finalHref)
      : await ctx.deps.pages.analyze({
          body: result.body,
          contentType: result.headers['content-type'],
          url: finalHref,
          // Cut into passages on the page thread, when the sink indexes those (the Indexer does).
          passages: ctx.deps.sink.takesPassages === true,
        });
    if (!analysis) return;
    const { page, textLength, contentHash } = analysis;
    const robotsTag = parseXRobotsTag(result.headers['x-robots-tag'], fetcher.userAgent);
    const noindex = page.noindex || robotsTag.noindex;
    const nofollow = page.nofollow || robotsTag.nofollow;
    const links = nofollow ? [] : page.links;
    if (links.length > 0) batch.follow(links, depth);
    const outlinks = JSON.stringify(links.slice(0, MAX_STORED_OUTLINKS));

    const baseState = (state: string, extra: Partial<UrlStateWrite> = {}): UrlStateWrite => ({
      url,
      host,
      state,
      indexed_as: null,
      content_hash: null,
      simhash: null,
      http_status: httpStatus,
      ...validators,
      outlinks,
      revisit_ms: prev?.revisit_ms,
      next_visit_at: null,
      fetch_url: entry.fetchUrl,
      ...extra,
    });
    const skip = (reason: string, state: string, extra: Partial<UrlStateWrite> = {}, deleteUrl = target) => {
      batch.record({
        url,
        status: 'skipped',
        reason,
        httpStatus,
        fetched: true,
        deleteUrl: deleteUrl ?? undefined,
      });
      batch.state(baseState(state, extra));
      if (finalUrl !== url) batch.resolve(finalUrl, 'skipped', `${reason} (via ${url})`);
    };

    if (noindex) {
      skip('noindex', 'noindex');
      return;
    }
    // Indexes, tables of contents, search pages and hubs without prose of their own: their links
    // are followed (above), their entries would only crowd out the pages they point to.
    if (!page.indexable) {
      skip(`${page.role} page (links followed, not indexed)`, 'listing');
      return;
    }
    const headerCanonical = canonicalFromLinkHeader(result.headers['link'], finalHref);
    // The canonical as written (indexed and cited) and its key (compared and resolved).
    let canonical = headerCanonical ?? page.canonical;
    let canonicalKey = canonical === undefined ? undefined : safeNormalize(canonical);
    if (
      canonical &&
      (canonicalKey === undefined ||
        canonicalKey === finalUrl ||
        !ctx.inScope(canonicalKey) ||
        urlTrapReason(new URL(canonical), ctx.guard.limits))
    ) {
      canonical = undefined;
      canonicalKey = undefined;
    }
    if (canonical && canonicalKey) {
      const status = batch.resolvedUrls.has(canonicalKey)
        ? 'indexed'
        : await store.urlStatus(ctx.job.id, canonicalKey);
      if (status && status !== 'queued') {
        metrics.duplicates.inc({ kind: 'canonical' });
        skip(
          `variant of ${canonical}`,
          'variant',
          { duplicate_of: canonical },
          target !== canonical ? target : undefined,
        );
        return;
      }
    }
    const indexUrl = canonical ?? finalHref;
    const indexKey = canonicalKey ?? finalUrl;

    if (textLength === 0) {
      skip('no text', 'skipped');
      return;
    }
    const fpHex = analysis.simhash;
    const fp = fpHex ? fingerprintFromHex(fpHex) : undefined;
    // Loaded once per host, before the checks, so that from the exact-duplicate check to claiming
    // the content nothing waits: a twin fetched meanwhile finds this page's claim.
    const near = fp ? await this.simIndex(host) : undefined;

    if (prev?.state === 'indexed' && prev.content_hash === contentHash && prev.indexed_as === indexUrl) {
      batch.record({
        url,
        status: 'unchanged',
        reason: 'same content',
        httpStatus,
        contentHash,
        ...validatorsOf(result),
        fetched: true,
      });
      this.touch(prev, result, false, outlinks);
      if (finalUrl !== url) batch.resolve(finalUrl, 'skipped', `indexed via ${url}`);
      return;
    }
    // Claim the content before asking the store, so a twin fetched meanwhile is seen as a duplicate.
    let dupOf = batch.hashes.get(contentHash);
    if (dupOf === undefined) {
      batch.hashes.set(contentHash, indexUrl);
      const stored = await store.indexedWithHash(contentHash, indexUrl);
      if (stored && stored !== indexUrl) {
        if (batch.hashes.get(contentHash) === indexUrl) batch.hashes.delete(contentHash);
        dupOf = stored;
      }
    }
    if (dupOf && dupOf !== indexUrl) {
      metrics.duplicates.inc({ kind: 'exact' });
      skip(
        `duplicate of ${dupOf}`,
        'duplicate',
        { content_hash: contentHash, duplicate_of: dupOf },
        target !== dupOf ? target : undefined,
      );
      return;
    }
    if (fp && near) {
      const similar = near.findNear(fp, indexUrl);
      if (similar) {
        if (batch.hashes.get(contentHash) === indexUrl) batch.hashes.delete(contentHash);
        metrics.duplicates.inc({ kind: 'near' });
        skip(
          `near duplicate of ${similar}`,
          'near-duplicate',
          { content_hash: contentHash, simhash: fpHex, duplicate_of: similar },
          target !== similar ? target : undefined,
        );
        return;
      }
    }

    const headerLang = result.headers['content-language']?.split(',')[0]?.trim();
    const aliases = [...new Set([entry.fetchUrl, ...result.redirects, finalHref])].filter(
      (u) => u !== indexUrl,
    );
    if (fp) near?.add(indexUrl, fp);
    try {
      await this.indexPage(entry, {
        url: indexUrl,
        aliases,
        title: page.title,
        description: page.description,
        lang: page.lang ?? headerLang,
        publishedAt: page.publishedAt,
        fetchedAt: new Date().toISOString(),
        blocks: page.blocks,
        ...(analysis.passages ? { passages: analysis.passages } : {}),
        contentHash,
        headings: page.headings,
        canonicalUrl: canonical,
        siteName: page.siteName,
        author: page.author,
        openGraph: page.openGraph,
        ...(docType ? { docType } : {}),
        role: page.role,
      });
    } catch (err) {
      if (batch.hashes.get(contentHash) === indexUrl) batch.hashes.delete(contentHash);
      if (fp) near?.delete(indexUrl);
      throw err;
    }
    metrics.pagesIndexed.inc();
    const changed = prev?.content_hash !== undefined && prev?.content_hash !== null;
    const interval = nextInterval(prev?.revisit_ms, changed, ctx.deps.revisit);
    batch.record({
      url,
      status: 'indexed',
      httpStatus,
      contentHash,
      ...validatorsOf(result),
      fetched: true,
      deleteUrl: target && target !== indexUrl ? target : undefined,
    });
    batch.state(
      baseState('indexed', {
        indexed_as: indexUrl,
        content_hash: contentHash,
        simhash: fpHex,
        revisit_ms: interval,
        next_visit_at: interval > 0 ? Date.now() + interval : null,
        changed: true,
      }),
    );
    if (indexKey !== url) batch.resolve(indexKey, 'skipped', `indexed via ${url}`, contentHash);
    if (finalUrl !== url && finalUrl !== indexKey) batch.resolve(finalUrl, 'skipped', `indexed via ${url}`);
  }

  /**
   * Writes a fetched page to the index. When the engine refuses the write for load, it is tried
   * again here, after 250 ms, 500 ms, 1 s and 2 s, while the URL's claim lasts (a fleet's), rather
   * than given up and the page fetched again later; an engine out of reach for longer still sends
   * the URL back to the queue (the dispatcher's backoff).
   */
  private async indexPage(entry: FrontierEntry, page: Parameters<PageBatcher['index']>[0]): Promise<void> {
    const ctx = this.#ctx;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#batcher.index(page);
        return;
      } catch (err) {
        const waitMs = INDEX_RETRY_MS * 2 ** attempt;
        const claimLeft = entry.claim ? entry.claim.until - Date.now() : Number.POSITIVE_INFINITY;
        const retry =
          isEngineTrouble(err) &&
          attempt < INDEX_RETRIES &&
          !ctx.signal.aborted &&
          claimLeft > waitMs + INDEX_RETRY_MARGIN_MS;
        if (!retry) throw err;
        ctx.log.debug({ url: page.url, waitMs }, 'the index refused a page for load; writing it again');
        await ctx.sleep(waitMs);
      }
    }
  }
  /**
   * A document read on the document pool; undefined when it could not be read (encrypted, scanned,
   * too large, broken, too slow): the URL is then skipped with the reason.
   */
  private async readDocument(
    entry: FrontierEntry,
    result: FetchResult,
    type: DocumentType,
    url: string,
  ): Promise<PageAnalysis | undefined> {
    const ctx = this.#ctx;
    try {
      const doc = await ctx.deps.documents.analyze({
        body: result.body,
        type,
        contentType: result.headers['content-type'],
        url,
      });
      ctx.deps.metrics.documents.inc({ type: doc.type, outcome: 'read' });
      return documentPageAnalysis(doc);
    } catch (err) {
      if (!isCiteboxError(err) || err.code === 'CRAWL_CANCELLED') throw err;
      ctx.deps.metrics.documents.inc({ type, outcome: 'refused' });
      this.#batch.record({
        url: entry.url,
        status: 'skipped',
        reason: `unreadable ${type}: ${err.message}`,
        httpStatus: result.status,
        fetched: true,
        deleteUrl: indexedTarget(entry.prev),
      });
      return undefined;
    }
  }

  /** A page that did not change: only its last-seen time and revisit interval move. */
  touch(prev: UrlState, result: FetchResult, changed: boolean, outlinks?: string): void {
    const interval = nextInterval(prev.revisit_ms, changed, this.#ctx.deps.revisit);
    this.#batch.state({
      ...prev,
      etag: result.headers['etag'] ?? prev.etag,
      last_modified: result.headers['last-modified'] ?? prev.last_modified,
      http_status: result.status,
      misses: 0,
      revisit_ms: interval,
      next_visit_at: interval > 0 ? Date.now() + interval : null,
      outlinks: outlinks ?? undefined,
    });
  }

  state(prev: UrlState, change: Partial<UrlStateWrite>): void {
    this.#batch.state({ ...prev, outlinks: undefined, ...change });
  }

  /** The SimHashes of a host's indexed pages (read from the store once per host and run). */
  private simIndex(host: string): Promise<SimHashIndex> {
    let index = this.#simIndexes.get(host);
    if (!index) {
      const created = new SimHashIndex();
      index = this.#ctx.deps.store
        .simhashesOfHost(host, (indexedAs, hex) => {
          const f = fingerprintFromHex(hex);
          if (f) created.add(indexedAs, f);
        })
        .then(() => created);
      index.catch(() => this.#simIndexes.delete(host));
      this.#simIndexes.set(host, index);
    }
    return index;
  }
}

function validatorsOf(result: FetchResult): { etag?: string; lastModified?: string } {
  const out: { etag?: string; lastModified?: string } = {};
  if (result.headers['etag']) out.etag = result.headers['etag'];
  if (result.headers['last-modified']) out.lastModified = result.headers['last-modified'];
  return out;
}
