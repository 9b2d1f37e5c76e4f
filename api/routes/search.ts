// GET /v1/search: classic ranked results, one per page, with the page's best passages.
import type { FastifyPluginAsync } from 'fastify';
import { normalizeQuery, type SearchHit } from '../../services/index.js';
import { requireApiKey } from '../auth.js';
import type { RouteOptions } from '../context.js';
import { normalizeSince } from '../formats.js';
import { API_SECURITY } from '../openapi.js';
import { errorResponses, searchQuerySchema, searchResponseSchema, splitSites } from '../schemas.js';

interface SearchQueryString {
  q: string;
  limit: number;
  sites?: string;
  lang?: string;
  since?: string;
}

export interface PageResult {
  url: string;
  title: string;
  snippet: string;
  score: number;
  published_at?: string;
  passages: Array<{ id: string; snippet: string; score: number; headings: readonly string[] }>;
}

/** Groups passage hits by page, keeping the page's best score and snippet first. */
export function groupByPage(hits: readonly SearchHit[], limit: number): PageResult[] {
  const pages = new Map<string, PageResult>();
  for (const hit of hits) {
    const p = hit.passage;
    let page = pages.get(p.url);
    if (!page) {
      if (pages.size >= limit) continue;
      page = {
        url: p.url,
        title: p.title,
        snippet: hit.snippet,
        score: Math.round(hit.score * 1000) / 1000,
        ...(p.publishedAt ? { published_at: p.publishedAt } : {}),
        passages: [],
      };
      pages.set(p.url, page);
    }
    page.passages.push({
      id: p.id,
      snippet: hit.snippet,
      score: Math.round(hit.score * 1000) / 1000,
      headings: p.headings,
    });
  }
  return [...pages.values()];
}

export const searchRoutes: FastifyPluginAsync<RouteOptions> = async (app, { ctx }) => {
  const { deps } = ctx;
  app.get<{ Querystring: SearchQueryString }>(
    '/v1/search',
    {
      schema: {
        summary: 'Ranked search results',
        description:
          'One result per page, best first, each with its best passages. `sites` is comma-separated (subdomains included); `since` is a date or an RFC 3339 date-time.',
        tags: ['search'],
        security: API_SECURITY,
        querystring: searchQuerySchema,
        response: { 200: searchResponseSchema, ...errorResponses(400, 401, 429, 503, 504) },
      },
    },
    async (request) => {
      requireApiKey(request, deps.config.apiKeys, deps.config.adminKey);
      const started = performance.now();
      const q = request.query;
      const hits = await deps.backend.search({
        text: normalizeQuery(q.q),
        limit: q.limit * 3,
        maxPerPage: 3,
        sites: splitSites(q.sites),
        lang: q.lang,
        since: q.since === undefined ? undefined : normalizeSince(q.since),
      });
      const results = groupByPage(hits, q.limit);
      return { results, took_ms: Math.round((performance.now() - started) * 10) / 10 };
    },
  );
};
