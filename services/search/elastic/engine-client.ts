// The few engine operations the passages backend needs, as one small interface with an
// Elasticsearch and an OpenSearch implementation (the two clients differ in call and response
// shapes, not in the request bodies). Errors come out as CiteboxErrors: an unreachable engine is
// BACKEND_UNAVAILABLE (retry later, /readyz red), a refused request BACKEND_ERROR.
import { CiteboxError } from '../../errors.js';
import type { EngineFlavor } from './index-design.js';

export interface EngineInfo {
  readonly distribution: EngineFlavor;
  readonly version: string;
}

/** One operation of a bulk write. */
export type BulkOperation =
  | {
      readonly action: 'index';
      readonly id: string;
      readonly doc: Record<string, unknown>;
      /** Which page the operation belongs to, for reporting. */
      readonly url?: string;
    }
  | { readonly action: 'delete'; readonly id: string; readonly url?: string };

/** An operation the engine refused (after retries for 429). */
export interface DroppedOperation {
  readonly action: 'index' | 'delete';
  readonly id: string | undefined;
  readonly status: number;
  readonly reason: string;
}

export interface BulkOptions {
  /** Retries of documents refused with 429 (the engine is overloaded). */
  readonly retries: number;
  /** Wait between those retries, in ms. */
  readonly waitMs: number;
}

/** What a scan reads: documents matching a query, and which fields of them. */
export interface ScanOptions {
  /** Default: every document. */
  readonly query?: Record<string, unknown> | undefined;
  /** Fields to read (`_source` includes); default all stored in `_source`. */
  readonly includes?: readonly string[] | undefined;
  /** Fields to leave out (`_source` excludes). */
  readonly excludes?: readonly string[] | undefined;
  /** Documents a page (default 1000). */
  readonly pageSize?: number | undefined;
}

export interface ScannedDoc {
  readonly id: string;
  readonly source: Record<string, unknown>;
}

export interface FetchedDoc {
  readonly id: string;
  readonly found: boolean;
  readonly version?: number | undefined;
  readonly source?: Record<string, unknown> | undefined;
}

/** A document by id, with the routing it was written with (if any). */
export interface DocRef {
  readonly id: string;
  readonly routing?: string | undefined;
  /** Another index than the call's (one request may read or write several). */
  readonly index?: string | undefined;
}

/** Where a document stood when read: what a conditional write names (optimistic concurrency). */
export interface DocVersion {
  readonly seqNo: number;
  readonly primaryTerm: number;
}

export interface VersionedDoc {
  readonly id: string;
  readonly found: boolean;
  readonly source?: Record<string, unknown> | undefined;
  readonly version?: DocVersion | undefined;
}

/**
 * One write of a `writeDocs` request. `create` fails (409) when the document exists; `update`
 * merges fields into the stored document (a partial document; `upsert` creates it when missing);
 * `ifVersion` makes any write conditional: 409 when the document changed since it was read.
 */
export type DocWrite = DocRef & { readonly ifVersion?: DocVersion | undefined } & (
    | { readonly op: 'create' | 'index'; readonly doc: Record<string, unknown> }
    | { readonly op: 'update'; readonly doc: Record<string, unknown>; readonly upsert?: boolean | undefined }
    | { readonly op: 'delete' }
  );

export interface DocWriteResult {
  readonly id: string;
  /** 200/201 done; 404 missing; 409 exists already (create) or changed since `ifVersion`; 429/5xx: retry. */
  readonly status: number;
  /** created, updated, noop, deleted, not_found */
  readonly result?: string | undefined;
  readonly version?: DocVersion | undefined;
  readonly error?: string | undefined;
}

export interface WriteDocsOptions {
  /** Make the writes visible to searches before answering (`wait_for`), or now (`true`). */
  readonly refresh?: boolean | 'wait_for' | undefined;
}

export interface SearchOptions {
  /** Search only the shard this routing value names. */
  readonly routing?: string | undefined;
}

export interface EngineClient {
  readonly flavor: EngineFlavor;
  /** Where the engine is, without credentials (for messages and logs). */
  readonly displayUrl: string;
  info(timeoutMs?: number): Promise<EngineInfo>;
  /** Cluster health of an index or alias; undefined when it does not exist. */
  health(index: string, timeoutMs?: number): Promise<'green' | 'yellow' | 'red' | undefined>;
  /** Indices an alias points to ([] when the alias does not exist). */
  aliasTargets(alias: string): Promise<string[]>;
  indexExists(name: string): Promise<boolean>;
  /** Creates an index; 'exists' when another process created it first. */
  createIndex(name: string, body: Record<string, unknown>): Promise<'created' | 'exists'>;
  deleteIndex(name: string): Promise<void>;
  mappingMeta(index: string): Promise<Record<string, unknown> | undefined>;
  /** Adds fields (and a new `_meta`) to an index's mapping. */
  putMapping(
    index: string,
    mapping: { properties: Record<string, unknown>; _meta: Record<string, unknown> },
  ): Promise<void>;
  putSettings(index: string, settings: Record<string, unknown>): Promise<void>;
  /** Applies alias actions atomically. */
  updateAliases(actions: readonly Record<string, unknown>[]): Promise<void>;
  /** Real-time reads by id; `source` limits the fields read back (false: none). */
  mget(index: string, ids: readonly string[], source?: readonly string[] | false): Promise<FetchedDoc[]>;
  /** Writes a document with an explicit (external) version. */
  indexVersioned(index: string, id: string, doc: Record<string, unknown>, version: number): Promise<void>;
  /** Real-time reads by id, each with its version (what a conditional write names). */
  getDocs(index: string, refs: readonly DocRef[]): Promise<VersionedDoc[]>;
  /**
   * One bulk request of writes (no helper, no automatic retry): one result per write, in order,
   * so the caller sees which conditional writes lost and which were refused for load (429).
   */
  writeDocs(
    index: string,
    writes: readonly DocWrite[],
    options?: WriteDocsOptions,
  ): Promise<DocWriteResult[]>;
  /** Sends operations through the client's bulk helper; returns what the engine refused. */
  bulk(index: string, ops: readonly BulkOperation[], options: BulkOptions): Promise<DroppedOperation[]>;
  search(
    index: string,
    body: Record<string, unknown>,
    options?: SearchOptions,
  ): Promise<Record<string, unknown>>;
  /**
   * Every document matching a query, page by page, as the index was when the scan began (a point
   * in time on Elasticsearch, a scroll on OpenSearch, which has no `_shard_doc` order). Core APIs
   * of both engines: no `reindex` module needed.
   */
  scan(index: string, options?: ScanOptions): AsyncGenerator<ScannedDoc[]>;
  /** The tokens of a text under an analyzer, or a tokenizer and filters (the `_analyze` API). */
  analyze(request: Record<string, unknown>): Promise<string[]>;
  /** Names of the node's plugins and modules. */
  plugins(): Promise<string[]>;
  refresh(index: string): Promise<void>;
  close(): Promise<void>;
}

/** The URL without user and password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.href.replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

interface VendorErrorShape {
  name?: unknown;
  message?: unknown;
  statusCode?: unknown;
  meta?: { statusCode?: unknown; body?: unknown };
  body?: unknown;
}

/** Longest engine explanation kept in a message (a rejection lists the whole queue's state). */
const MAX_REASON_CHARS = 300;

interface EngineErrorBody {
  type?: unknown;
  reason?: unknown;
  root_cause?: EngineErrorBody[];
  caused_by?: EngineErrorBody;
  /** Search errors: why each shard failed (e.g. its queue was full). */
  failed_shards?: Array<{ reason?: EngineErrorBody }>;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** The deepest explanation an error gives: its reason, else its root cause's, else its cause's. */
function explain(e: EngineErrorBody, depth = 0): string | undefined {
  const reason = nonEmpty(e.reason);
  if (reason) return reason;
  if (depth > 5) return undefined;
  for (const inner of [...(e.root_cause ?? []), ...(e.caused_by ? [e.caused_by] : [])]) {
    const found = explain(inner, depth + 1);
    if (found) return nonEmpty(inner.type) ? `${inner.type}: ${found}` : found;
  }
  return undefined;
}

/** The engine's own explanation in an error response body, if any. */
export function engineReason(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const error = (body as { error?: unknown }).error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const e = error as EngineErrorBody;
    const type = nonEmpty(e.type) ?? 'error';
    let text = `${type}: ${explain(e) ?? 'no reason given'}`;
    const shard = e.failed_shards?.[0]?.reason;
    const shardReason = shard ? explain(shard) : undefined;
    if (shard && shardReason && !text.includes(shardReason)) {
      text += ` (${nonEmpty(shard.type) ? `${shard.type}: ` : ''}${shardReason})`;
    }
    return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
  }
  return undefined;
}

/**
 * Wraps an error of either client into a CiteboxError: no connection, a timeout, 429 and 5xx
 * mean "unavailable, retry"; other responses mean the engine refused the request.
 */
export function engineError(err: unknown, engine: string, what: string): CiteboxError {
  if (err instanceof CiteboxError) return err;
  const e = (err ?? {}) as VendorErrorShape;
  const name = typeof e.name === 'string' ? e.name : '';
  const message = typeof e.message === 'string' ? e.message : String(err);
  const status =
    typeof e.meta?.statusCode === 'number'
      ? e.meta.statusCode
      : typeof e.statusCode === 'number'
        ? e.statusCode
        : undefined;
  if (name === 'ProductNotSupportedError') {
    return new CiteboxError(
      'BACKEND_UNSUPPORTED',
      `${what}: the server at ${engine.replace(/^\S+ at /, '')} is not Elasticsearch (its answers lack the "X-Elastic-Product: Elasticsearch" header). For OpenSearch set CITEBOX_BACKEND=opensearch and OPENSEARCH_URL.`,
      { cause: err },
    );
  }
  if (
    name === 'ConnectionError' ||
    name === 'TimeoutError' ||
    name === 'NoLivingConnectionsError' ||
    name === 'RequestAbortedError'
  ) {
    return new CiteboxError('BACKEND_UNAVAILABLE', `${what}: cannot reach ${engine} (${message})`, {
      cause: err,
    });
  }
  if (status !== undefined) {
    const reason = engineReason(e.meta?.body ?? e.body) ?? message;
    // 429 (overloaded) and 5xx: retry later. 409: a version conflict, the caller's to resolve.
    const code =
      status === 429 || status >= 500 ? 'BACKEND_UNAVAILABLE' : status === 409 ? 'CONFLICT' : 'BACKEND_ERROR';
    const text =
      status === 429
        ? `${what}: ${engine} is overloaded and refused the request; retry later (429: ${reason})`
        : `${what}: ${engine} answered ${status} (${reason})`;
    return new CiteboxError(code, text, { cause: err, details: { status } });
  }
  return new CiteboxError('BACKEND_ERROR', `${what}: ${engine}: ${message}`, { cause: err });
}

/** What both clients' bulk helpers accept (their option types differ only in naming). */
export interface BulkHelperCall {
  readonly datasource: BulkOperation[];
  readonly onDocument: (op: BulkOperation) => unknown;
  readonly onDrop: (drop: {
    status: number;
    error: unknown;
    operation: Record<string, { _id?: string } | undefined>;
  }) => void;
  readonly retries: number;
  readonly wait: number;
  readonly concurrency: number;
  readonly flushBytes: number;
  readonly refresh: false;
}

/**
 * Runs operations through a client's bulk helper, which sends them in chunks and retries the
 * documents refused with 429. Everything else it drops is collected and returned: nothing is
 * dropped silently. Deleting a document that is already gone (404) is not a failure.
 */
export async function bulkThroughHelper(
  runHelper: (call: BulkHelperCall) => PromiseLike<unknown>,
  index: string,
  ops: readonly BulkOperation[],
  options: BulkOptions,
): Promise<DroppedOperation[]> {
  const dropped: DroppedOperation[] = [];
  if (ops.length === 0) return dropped;
  await runHelper({
    datasource: [...ops],
    onDocument: (op) =>
      op.action === 'index'
        ? [{ index: { _index: index, _id: op.id } }, op.doc]
        : { delete: { _index: index, _id: op.id } },
    onDrop: (drop) => {
      const action = drop.operation['delete'] ? 'delete' : 'index';
      if (action === 'delete' && drop.status === 404) return;
      const id = drop.operation[action]?._id;
      dropped.push({
        action,
        id,
        status: drop.status,
        reason:
          drop.status === 429 && !drop.error
            ? `the engine kept refusing it (429) after ${options.retries} retries`
            : (engineReason({ error: drop.error }) ?? `status ${drop.status}`),
      });
    },
    retries: options.retries,
    wait: options.waitMs,
    // One request at a time: a write batch is a few pages; order within it matters little,
    // but a bounded load on the engine does.
    concurrency: 1,
    flushBytes: 5_000_000,
    // Visibility is the caller's business (refresh()); never a refresh per request.
    refresh: false,
  });
  return dropped;
}

/** The `_source` filter of a scan. */
export function scanSource(options: ScanOptions): Record<string, unknown> | boolean {
  if (!options.includes?.length && !options.excludes?.length) return true;
  return {
    ...(options.includes?.length ? { includes: [...options.includes] } : {}),
    ...(options.excludes?.length ? { excludes: [...options.excludes] } : {}),
  };
}

/** Hits of a search response as scanned documents. */
export function scannedDocs(response: unknown): ScannedDoc[] {
  const hits = (response as { hits?: { hits?: Array<{ _id?: string; _source?: Record<string, unknown> }> } })
    .hits?.hits;
  return (hits ?? []).flatMap((h) => (h._id === undefined ? [] : [{ id: h._id, source: h._source ?? {} }]));
}

/** The tokens of an `_analyze` response. */
export function analyzedTokens(response: unknown): string[] {
  const tokens = (response as { tokens?: Array<{ token?: unknown }> }).tokens ?? [];
  return tokens.flatMap((t) => (typeof t.token === 'string' ? [t.token] : []));
}

/** Plugin and module names of every node of a nodes-info response. */
export function pluginNames(response: unknown): string[] {
  const nodes = (response as { nodes?: Record<string, { plugins?: unknown[]; modules?: unknown[] }> }).nodes;
  const names = new Set<string>();
  for (const node of Object.values(nodes ?? {})) {
    for (const p of [...(node.plugins ?? []), ...(node.modules ?? [])]) {
      const name = (p as { name?: unknown }).name;
      if (typeof name === 'string') names.add(name);
    }
  }
  return [...names].sort();
}

/** The NDJSON lines (as objects) of a `writeDocs` bulk request. */
export function docWriteLines(index: string, writes: readonly DocWrite[]): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const w of writes) {
    const meta: Record<string, unknown> = { _index: w.index ?? index, _id: w.id };
    if (w.routing !== undefined) meta['routing'] = w.routing;
    if (w.ifVersion) {
      meta['if_seq_no'] = w.ifVersion.seqNo;
      meta['if_primary_term'] = w.ifVersion.primaryTerm;
    }
    lines.push({ [w.op]: meta });
    if (w.op === 'update') lines.push(w.upsert ? { doc: w.doc, doc_as_upsert: true } : { doc: w.doc });
    else if (w.op !== 'delete') lines.push(w.doc);
  }
  return lines;
}

interface BulkItem {
  _id?: string;
  status?: number;
  result?: string;
  _seq_no?: number;
  _primary_term?: number;
  error?: unknown;
}

/** One result per write of a bulk response, in order. */
export function docWriteResults(writes: readonly DocWrite[], response: unknown): DocWriteResult[] {
  const items = (response as { items?: Array<Record<string, BulkItem>> }).items ?? [];
  return writes.map((w, i) => {
    const item = items[i] ? Object.values(items[i])[0] : undefined;
    if (!item) return { id: w.id, status: 500, error: 'the engine gave no result for this write' };
    const status = typeof item.status === 'number' ? item.status : 500;
    return {
      id: item._id ?? w.id,
      status,
      result: item.result,
      version:
        typeof item._seq_no === 'number' && typeof item._primary_term === 'number' && item._seq_no >= 0
          ? { seqNo: item._seq_no, primaryTerm: item._primary_term }
          : undefined,
      error:
        item.error === undefined ? undefined : (engineReason({ error: item.error }) ?? `status ${status}`),
    };
  });
}

/** The `docs` of an mget request for these references. */
export function docRefsBody(index: string, refs: readonly DocRef[]): Record<string, unknown>[] {
  return refs.map((r) => ({
    _index: r.index ?? index,
    _id: r.id,
    ...(r.routing !== undefined ? { routing: r.routing } : {}),
  }));
}

/** The documents of an mget response, each with its version. */
export function versionedDocs(refs: readonly DocRef[], response: unknown): VersionedDoc[] {
  const docs =
    (
      response as {
        docs?: Array<{
          _id?: string;
          found?: boolean;
          _source?: Record<string, unknown>;
          _seq_no?: number;
          _primary_term?: number;
        }>;
      }
    ).docs ?? [];
  return refs.map((r, i) => {
    const d = docs[i];
    if (d?.found !== true) return { id: r.id, found: false };
    return {
      id: d._id ?? r.id,
      found: true,
      source: d._source ?? {},
      version:
        typeof d._seq_no === 'number' && typeof d._primary_term === 'number'
          ? { seqNo: d._seq_no, primaryTerm: d._primary_term }
          : undefined,
    };
  });
}
