// The passages index as Elasticsearch and OpenSearch both store it: settings, mappings and the
// documents written into it. One design for both engines; only the vector field differs
// (Elasticsearch `dense_vector`, OpenSearch `knn_vector`).
//
// One index holds three kinds of documents, told apart by `kind`:
// - `passage` — the unit of retrieval (id = the passage id);
// - `page` — one per URL (id derived from the URL), listing its passage ids, so that re-indexing or
//   deleting a page removes exactly its old passages with real-time operations by id;
// - `meta` — one document whose `_version` is the write generation (every write re-indexes it).
// Page and meta documents carry no analyzed text, so they do not disturb BM25 statistics.
import { createHash } from 'node:crypto';
import type { PageRecord, PassageRecord } from '../../types.js';
import { DEFAULT_RANKING } from '../sqlite/ranking.js';

export type EngineFlavor = 'elasticsearch' | 'opensearch';

/**
 * Bumped when the mapping changes. Version 2 adds a passage's structure (`passage_kind`) and its
 * anchor; a version 1 index is upgraded in place by adding those fields (UPGRADE_MAPPINGS), other
 * versions must be rebuilt (`citebox reindex`).
 */
export const INDEX_SCHEMA_VERSION = 2;

/** Fields added since an earlier schema version, by the version they were added to. */
export const UPGRADE_MAPPINGS: Readonly<Record<number, Record<string, unknown>>> = {
  1: {
    passage_kind: { type: 'keyword' },
    anchor: { type: 'keyword', index: false, doc_values: false },
  },
};
export const VECTOR_FIELD = 'vector';
export const META_DOC_ID = 'citebox:meta';
/** Query weights of the analyzed fields, as in the embedded backend's BM25F (title, headings, body). */
export const TEXT_FIELD_WEIGHTS = { title: 2, headings: 1.5, body: 1 } as const;
/** Sub-fields of every analyzed field: the base field is language-neutral. */
export const TEXT_SUBFIELDS = ['', '.english', '.cjk'] as const;

export interface IndexDesignOptions {
  readonly flavor: EngineFlavor;
  readonly shards: number;
  readonly replicas: number;
  /** Length of passage vectors; undefined leaves the vector field out. */
  readonly vectorDims?: number | undefined;
}

/** What the index records about itself in its mapping's `_meta`. */
export interface IndexMeta {
  readonly citebox_schema: number;
  readonly vector_dims: number | null;
}

const STORED_ONLY = { type: 'keyword', index: false, doc_values: false } as const;

/** The BM25 similarity of an analyzed field, named in the index settings (`bm25_<field>`). */
function similarityName(field: string): string {
  return `bm25_${field}`;
}

/**
 * BM25 as the embedded index ranks: its k1, and its length normalisation b per field (long bodies
 * are normalised more than titles). Engines default to k1 1.2, b 0.75 for every field; these
 * measured better on SciFact (nDCG@10 0.6875 → 0.695 on both engines, docs/self-hosting.md).
 */
export function fieldSimilarities(): Record<string, { type: 'BM25'; k1: number; b: number }> {
  const out: Record<string, { type: 'BM25'; k1: number; b: number }> = {};
  for (const field of Object.keys(TEXT_FIELD_WEIGHTS) as Array<keyof typeof TEXT_FIELD_WEIGHTS>) {
    out[similarityName(field)] = { type: 'BM25', k1: DEFAULT_RANKING.k1, b: DEFAULT_RANKING.b[field] };
  }
  return out;
}

function analyzedText(field: keyof typeof TEXT_FIELD_WEIGHTS): Record<string, unknown> {
  const similarity = similarityName(field);
  return {
    type: 'text',
    analyzer: 'citebox_neutral',
    similarity,
    fields: {
      english: { type: 'text', analyzer: 'english', similarity },
      cjk: { type: 'text', analyzer: 'cjk', similarity },
    },
  };
}

function vectorMapping(flavor: EngineFlavor, dims: number): Record<string, unknown> {
  if (flavor === 'elasticsearch') {
    return { type: 'dense_vector', dims, index: true, similarity: 'cosine' };
  }
  // Lucene's HNSW through the k-NN plugin: no native library, supports filters inside the query.
  return {
    type: 'knn_vector',
    dimension: dims,
    method: { name: 'hnsw', engine: 'lucene', space_type: 'cosinesimil' },
  };
}

export function indexMeta(options: Pick<IndexDesignOptions, 'vectorDims'>): IndexMeta {
  return { citebox_schema: INDEX_SCHEMA_VERSION, vector_dims: options.vectorDims ?? null };
}

/** The body of a create-index request (without aliases). */
export function indexBody(options: IndexDesignOptions): {
  settings: Record<string, unknown>;
  mappings: Record<string, unknown>;
} {
  const settings: Record<string, unknown> = {
    number_of_shards: options.shards,
    number_of_replicas: options.replicas,
    analysis: {
      analyzer: {
        // Language-neutral: Unicode word boundaries (CJK characters one by one), folded case and
        // accents, no stemming and no stop words; the sub-fields add English and CJK bigram views.
        citebox_neutral: {
          type: 'custom',
          tokenizer: 'standard',
          filter: ['cjk_width', 'lowercase', 'asciifolding'],
        },
      },
    },
    similarity: fieldSimilarities(),
  };
  if (options.vectorDims !== undefined && options.flavor === 'opensearch') settings['knn'] = true;
  const properties: Record<string, unknown> = {
    kind: { type: 'keyword' },
    page_id: { type: 'keyword' },
    url: { type: 'keyword' },
    host: { type: 'keyword' },
    /** The host and each parent domain, so a site filter includes subdomains with one term query. */
    site: { type: 'keyword' },
    lang: { type: 'keyword' },
    title: analyzedText('title'),
    headings: analyzedText('headings'),
    body: analyzedText('body'),
    position: { type: 'integer' },
    word_count: { type: 'integer', index: false },
    /** A passage's structure: text (absent), term (a definition-list entry) or table. */
    passage_kind: { type: 'keyword' },
    /** The id of the place in the page where the passage starts (citations link to it). */
    anchor: STORED_ONLY,
    /** The publication date exactly as the page gave it (returned as is). */
    published_at: STORED_ONLY,
    /** Publication date when known and parseable, else the fetch date: what `since` filters on. */
    date: { type: 'date' },
    fetched_at: { type: 'date' },
    indexed_at: { type: 'date' },
    // page documents
    page_title: STORED_ONLY,
    description: STORED_ONLY,
    content_hash: STORED_ONLY,
    passage_ids: STORED_ONLY,
    passage_count: { type: 'integer' },
    // the meta document
    updated_at: { type: 'date' },
  };
  if (options.vectorDims !== undefined) {
    properties[VECTOR_FIELD] = vectorMapping(options.flavor, options.vectorDims);
  }
  return {
    settings,
    mappings: {
      // A field the design does not know is a bug: refuse the document (it is reported) rather
      // than let dynamic mapping guess a type.
      dynamic: 'strict',
      _meta: indexMeta(options),
      properties,
    },
  };
}

/** The id of a URL's page document (URLs can be longer than the 512-byte id limit). */
export function pageDocId(url: string): string {
  return `page:${createHash('sha256').update(url).digest('hex').slice(0, 40)}`;
}

/** `docs.one.example` → `docs.one.example`, `one.example`, `example`. */
export function hostSuffixes(host: string): string[] {
  const clean = normalizeSite(host);
  const parts = clean.split('.');
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const suffix = parts.slice(i).join('.');
    if (suffix) out.push(suffix);
  }
  return out;
}

/** How a host or a `sites` filter entry is compared: lower case, no trailing dot. */
export function normalizeSite(site: string): string {
  return site.trim().toLowerCase().replace(/\.+$/, '');
}

/** An ISO timestamp for a date string, or undefined when it does not parse. */
export function toIsoDate(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function passageDocument(
  passage: PassageRecord,
  page: PageRecord,
  indexedAt: string,
  withVector: boolean,
): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    kind: 'passage',
    page_id: passage.pageId,
    url: passage.url,
    host: passage.host.toLowerCase(),
    site: hostSuffixes(passage.host),
    title: passage.title,
    headings: [...passage.headings],
    body: passage.text,
    position: passage.position,
    word_count: passage.wordCount,
    fetched_at: toIsoDate(page.fetchedAt),
    date: toIsoDate(passage.publishedAt) ?? toIsoDate(page.fetchedAt),
    indexed_at: indexedAt,
  };
  if (passage.lang) doc['lang'] = passage.lang.toLowerCase();
  if (passage.publishedAt) doc['published_at'] = passage.publishedAt;
  if (passage.kind && passage.kind !== 'text') doc['passage_kind'] = passage.kind;
  if (passage.anchor) doc['anchor'] = passage.anchor;
  if (withVector && passage.vector) doc[VECTOR_FIELD] = [...passage.vector];
  return doc;
}

export function pageDocument(
  page: PageRecord,
  passageIds: readonly string[],
  indexedAt: string,
): Record<string, unknown> {
  const doc: Record<string, unknown> = {
    kind: 'page',
    page_id: page.id,
    url: page.url,
    host: page.host.toLowerCase(),
    site: hostSuffixes(page.host),
    page_title: page.title,
    content_hash: page.contentHash,
    passage_ids: [...passageIds],
    passage_count: passageIds.length,
    fetched_at: toIsoDate(page.fetchedAt),
    date: toIsoDate(page.publishedAt) ?? toIsoDate(page.fetchedAt),
    indexed_at: indexedAt,
  };
  if (page.lang) doc['lang'] = page.lang.toLowerCase();
  if (page.publishedAt) doc['published_at'] = page.publishedAt;
  if (page.description) doc['description'] = page.description;
  return doc;
}

export function metaDocument(now: string): Record<string, unknown> {
  return { kind: 'meta', updated_at: now };
}

/** A passage document's `_source` back into a PassageRecord (vectors are not read back). */
export function passageFromSource(id: string, source: Record<string, unknown>): PassageRecord {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const headings = Array.isArray(source['headings'])
    ? source['headings'].map(String)
    : typeof source['headings'] === 'string'
      ? [source['headings']]
      : [];
  return {
    id,
    pageId: str(source['page_id']) ?? '',
    url: str(source['url']) ?? '',
    host: str(source['host']) ?? '',
    title: str(source['title']) ?? '',
    headings,
    text: str(source['body']) ?? '',
    position: typeof source['position'] === 'number' ? source['position'] : 0,
    lang: str(source['lang']),
    publishedAt: str(source['published_at']),
    wordCount: typeof source['word_count'] === 'number' ? source['word_count'] : 0,
    kind:
      source['passage_kind'] === 'term' || source['passage_kind'] === 'table'
        ? source['passage_kind']
        : undefined,
    anchor: str(source['anchor']),
  };
}

/** Fields a search reads back (vectors stay on the server). */
export const PASSAGE_SOURCE_FIELDS = [
  'page_id',
  'url',
  'host',
  'title',
  'headings',
  'body',
  'position',
  'lang',
  'published_at',
  'word_count',
  'passage_kind',
  'anchor',
] as const;
