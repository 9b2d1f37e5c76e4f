// Search requests for Elasticsearch and OpenSearch, and the reading of their answers. Pure: the
// adapters send what these functions build. BM25 and kNN are separate requests; their lists are
// fused in our code (Elasticsearch's RRF retriever needs a paid licence).
import { CiteboxError } from '../../errors.js';
import { detectLanguage, makeSnippet, queryTerms, snippetText } from '../../text/index.js';
import type { SearchFilters, SearchHit, SearchQuery } from '../../types.js';
import {
  type EngineFlavor,
  normalizeSite,
  PASSAGE_SOURCE_FIELDS,
  passageFromSource,
  TEXT_FIELD_WEIGHTS,
  type TEXT_SUBFIELDS,
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
const CJK_SCRIPT = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]/u;

/** Which analysis of the text a query is matched against: one of TEXT_SUBFIELDS. */
export type TextAnalysis = (typeof TEXT_SUBFIELDS)[number];

/** Whether a query has anything to search for (a letter or a digit in any script). */
export function hasSearchableText(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

function weightedFields(suffix: string): string[] {
  return Object.entries(TEXT_FIELD_WEIGHTS).map(([field, weight]) => `${field}${suffix}^${weight}`);
}

/**
 * The analysis a query is matched against, from its script and language: Chinese, Japanese and
 * Korean against the CJK bigrams, English (and Latin text too short to tell) against the English
 * stems, any other language against the language-neutral words. Every passage is indexed all three
 * ways, so the choice depends on the question only. (Measured on BEIR SciFact and SQuAD, one
 * fitting analysis ranks better than the best of all three: docs/self-hosting.md.)
 */
export function analysisFor(text: string): TextAnalysis {
  if (CJK_SCRIPT.test(text)) return '.cjk';
  const lang = detectLanguage(text);
  return lang === undefined || lang === 'en' ? '.english' : '';
}

/**
 * The scoring query: BM25 over title, headings and body blended as one field (`cross_fields`, the
 * engines' approximation of BM25F, weighted as in the embedded backend), in the analysis that fits
 * the query; the words in the query's order (a phrase with a little slop) add a boost. The text is
 * never parsed as query syntax.
 */
export function textQuery(text: string): Record<string, unknown> {
  const query = text.slice(0, MAX_QUERY_CHARS);
  const fields = weightedFields(analysisFor(query));
  return {
    bool: {
      must: { multi_match: { query, type: 'cross_fields', fields } },
      should: [{ multi_match: { query, type: 'phrase', slop: 2, fields, boost: 2 } }],
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

/** Highlighting of the body in the analysis the query is matched against. */
function highlight(text: string): Record<string, unknown> {
  return {
    pre_tags: [MARK_START],
    post_tags: [MARK_END],
    fragment_size: 200,
    number_of_fragments: 1,
    fields: { [`body${analysisFor(text)}`]: {} },
  };
}

/** How many hits to fetch for `limit` results when a page may give at most `maxPerPage` (> 1). */
export function overFetch(limit: number): number {
  return Math.min(limit * 3 + 10, 1000);
}

/**
 * The BM25 search body. Per-page diversity: with `maxPerPage` 1, results are collapsed on the page
 * id (the engine keeps each page's best passage, exactly); with a larger cap, more hits are fetched
 * (3 × limit + 10, as the embedded backend does) and capped per page in our code — collapsing with
 * inner hits would be exact too, but runs one more query per page and costs about three times as
 * much.
 */
export function bm25SearchBody(query: SearchQuery): Record<string, unknown> {
  const limit = Math.max(1, query.limit);
  const maxPerPage = query.maxPerPage;
  const capped = maxPerPage !== undefined && Number.isFinite(maxPerPage) && maxPerPage >= 1;
  const body: Record<string, unknown> = {
    size: capped && maxPerPage > 1 ? overFetch(limit) : limit,
    track_total_hits: false,
    query: { bool: { must: textQuery(query.text), filter: filterClauses(query) } },
    _source: { includes: [...PASSAGE_SOURCE_FIELDS] },
    highlight: highlight(query.text),
  };
  if (capped && maxPerPage < 2) body['collapse'] = { field: 'page_id' };
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
  const clean = snippetText(text).replace(/\s+/g, ' ').trim();
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
  const plain = snippetText(best.replaceAll(MARK_START, '').replaceAll(MARK_END, ''))
    .replace(/\s+/g, ' ')
    .trim();
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

/** Hits of a search response, best first, at most `maxPerPage` per page and `limit` in all. */
export function readSearchHits(response: RawSearchResponse, query: SearchQuery): SearchHit[] {
  const terms = queryTerms(query.text);
  const out: SearchHit[] = [];
  for (const raw of response.hits?.hits ?? []) {
    const hit = toHit(raw, terms);
    if (hit) out.push(hit);
  }
  out.sort((a, b) => b.score - a.score);
  return capPerPage(out, query.maxPerPage).slice(0, Math.max(0, query.limit));
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
