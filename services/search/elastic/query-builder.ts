// Search requests for Elasticsearch and OpenSearch, and the reading of their answers. Pure: the
// adapters send what these functions build. BM25 and kNN are separate requests; their lists are
// fused in our code (Elasticsearch's RRF retriever needs a paid licence).
import { CiteboxError } from '../../errors.js';
import { makeSnippet, queryTerms } from '../../text/index.js';
import type { SearchFilters, SearchHit, SearchQuery } from '../../types.js';
import {
  type EngineFlavor,
  normalizeSite,
  PASSAGE_SOURCE_FIELDS,
  passageFromSource,
  TEXT_FIELD_WEIGHTS,
  TEXT_SUBFIELDS,
  toIsoDate,
  VECTOR_FIELD,
} from './index-design.js';

/** Longer queries are cut: a pasted page must not become thousands of clauses. */
export const MAX_QUERY_CHARS = 1000;
/** Passages up to this length are their own snippet (as the embedded backend does). */
export const SNIPPET_CHARS = 240;
const MARK_START = '\u0002';
const MARK_END = '\u0003';
const HIGHLIGHT_FIELDS = ['body.english', 'body', 'body.cjk'] as const;

/** Whether a query has anything to search for (a letter or a digit in any script). */
export function hasSearchableText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

function weightedFields(suffix: string): string[] {
  return Object.entries(TEXT_FIELD_WEIGHTS).map(([field, weight]) => `${field}${suffix}^${weight}`);
}

/**
 * The scoring query: for each analysis of the text (language-neutral, English, CJK bigrams) a
 * `most_fields` multi_match sums BM25 over title, headings and body with their weights; the best
 * analysis wins (dis_max, with a little credit for the others). Words next to each other as in the
 * query (phrase, small slop) add a boost. The query text is never parsed as syntax.
 */
export function textQuery(text: string): Record<string, unknown> {
  const query = text.slice(0, MAX_QUERY_CHARS);
  return {
    bool: {
      must: {
        dis_max: {
          tie_breaker: 0.3,
          queries: TEXT_SUBFIELDS.map((suffix) => ({
            multi_match: { query, type: 'most_fields', fields: weightedFields(suffix) },
          })),
        },
      },
      should: [
        {
          multi_match: {
            query,
            type: 'phrase',
            slop: 2,
            fields: weightedFields(''),
            boost: 2,
          },
        },
      ],
    },
  };
}

/** Filter clauses: passages only, plus sites (subdomains included), language and date. */
export function filterClauses(filters: SearchFilters): Record<string, unknown>[] {
  const clauses: Record<string, unknown>[] = [{ term: { kind: 'passage' } }];
  const sites = (filters.sites ?? []).map(normalizeSite).filter((s) => s.length > 0);
  if (sites.length > 0) clauses.push({ terms: { site: [...new Set(sites)] } });
  if (filters.lang) {
    const lang = filters.lang.trim().toLowerCase();
    // `en` matches `en` and `en-gb`; `en-gb` matches only itself.
    clauses.push({
      bool: { should: [{ term: { lang } }, { prefix: { lang: `${lang}-` } }], minimum_should_match: 1 },
    });
  }
  if (filters.since) {
    const since = toIsoDate(filters.since);
    if (since === undefined) {
      throw new CiteboxError('INVALID_QUERY', `since: "${filters.since}" is not a date`);
    }
    clauses.push({ range: { date: { gte: since } } });
  }
  return clauses;
}

function highlight(): Record<string, unknown> {
  return {
    pre_tags: [MARK_START],
    post_tags: [MARK_END],
    fragment_size: 200,
    number_of_fragments: 1,
    fields: Object.fromEntries(HIGHLIGHT_FIELDS.map((f) => [f, {}])),
  };
}

/**
 * The BM25 search body. With `maxPerPage`, results are collapsed on the page id and each page
 * contributes its best `maxPerPage` passages (inner hits): fetching `limit` pages this way always
 * holds the true top `limit` passages under the per-page cap.
 */
export function bm25SearchBody(query: SearchQuery): Record<string, unknown> {
  const size = Math.max(1, query.limit);
  const body: Record<string, unknown> = {
    size,
    track_total_hits: false,
    query: { bool: { must: textQuery(query.text), filter: filterClauses(query) } },
  };
  const maxPerPage = query.maxPerPage;
  if (maxPerPage !== undefined && Number.isFinite(maxPerPage) && maxPerPage >= 1) {
    body['_source'] = false;
    body['collapse'] = {
      field: 'page_id',
      inner_hits: {
        name: 'best',
        size: Math.floor(maxPerPage),
        _source: { includes: [...PASSAGE_SOURCE_FIELDS] },
        highlight: highlight(),
      },
    };
  } else {
    body['_source'] = { includes: [...PASSAGE_SOURCE_FIELDS] };
    body['highlight'] = highlight();
  }
  return body;
}

/** The kNN search body: nearest passages to the query vector under the same filters. */
export function knnSearchBody(
  query: SearchQuery & { vector: readonly number[] },
  flavor: EngineFlavor,
  k: number,
): Record<string, unknown> {
  const filter = { bool: { filter: filterClauses(query) } };
  const vector = [...query.vector];
  const common = { size: k, track_total_hits: false, _source: { includes: [...PASSAGE_SOURCE_FIELDS] } };
  if (flavor === 'elasticsearch') {
    return {
      ...common,
      knn: { field: VECTOR_FIELD, query_vector: vector, k, num_candidates: Math.max(100, k * 4), filter },
    };
  }
  return { ...common, query: { knn: { [VECTOR_FIELD]: { vector, k, filter } } } };
}

interface RawHit {
  readonly _id?: string;
  readonly _score?: number | null;
  readonly _source?: Record<string, unknown>;
  readonly highlight?: Record<string, string[]>;
  readonly inner_hits?: Record<string, { hits?: { hits?: RawHit[] } }>;
}

export interface RawSearchResponse {
  readonly hits?: { readonly hits?: readonly RawHit[] };
}

/** The plain-text snippet of a hit: its highlighted fragment, or a window around the query terms. */
export function snippetFor(
  text: string,
  highlights: Record<string, string[]> | undefined,
  terms: readonly string[],
): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= SNIPPET_CHARS) return clean;
  let best: string | undefined;
  let bestMarks = 0;
  for (const field of HIGHLIGHT_FIELDS) {
    const fragment = highlights?.[field]?.[0];
    if (!fragment) continue;
    const marks = fragment.split(MARK_START).length - 1;
    if (marks > bestMarks) {
      best = fragment;
      bestMarks = marks;
    }
  }
  if (best === undefined) return makeSnippet(text, terms, SNIPPET_CHARS);
  const plain = best.replaceAll(MARK_START, '').replaceAll(MARK_END, '').replace(/\s+/g, ' ').trim();
  const at = clean.indexOf(plain);
  const prefix = at > 0 ? '… ' : '';
  const suffix = at >= 0 && at + plain.length < clean.length ? ' …' : '';
  return `${prefix}${plain}${suffix}`;
}

function toHit(raw: RawHit, terms: readonly string[]): SearchHit | undefined {
  if (!raw._id || !raw._source) return undefined;
  const passage = passageFromSource(raw._id, raw._source);
  return { passage, score: raw._score ?? 0, snippet: snippetFor(passage.text, raw.highlight, terms) };
}

/** Hits of a search response, best first (collapsed responses are flattened and re-sorted). */
export function readSearchHits(response: RawSearchResponse, query: SearchQuery): SearchHit[] {
  const terms = queryTerms(query.text);
  const out: SearchHit[] = [];
  for (const raw of response.hits?.hits ?? []) {
    const inner = raw.inner_hits?.['best']?.hits?.hits;
    if (inner) {
      for (const innerHit of inner) {
        const hit = toHit(innerHit, terms);
        if (hit) out.push(hit);
      }
    } else {
      const hit = toHit(raw, terms);
      if (hit) out.push(hit);
    }
  }
  out.sort((a, b) => b.score - a.score);
  return out.slice(0, Math.max(0, query.limit));
}

/** Keeps at most `maxPerPage` hits of each page, in order. */
export function capPerPage(hits: readonly SearchHit[], maxPerPage: number | undefined): SearchHit[] {
  if (maxPerPage === undefined || !Number.isFinite(maxPerPage)) return [...hits];
  const seen = new Map<string, number>();
  return hits.filter((h) => {
    const n = seen.get(h.passage.pageId) ?? 0;
    if (n >= maxPerPage) return false;
    seen.set(h.passage.pageId, n + 1);
    return true;
  });
}
