// The website's routes: / (search box), /search (answer first, streamed), /admin, /help/*
// (Citebox's own docs) and /assets/* (client modules, stylesheet, icon).
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../api/index.js';
import { type Asset, loadAssets } from './assets.js';
import type { ResultView } from './client/views.js';
import { adminPage, docPage, errorPage, homePage, type SearchFormState, type SiteOption } from './pages.js';
import { searchPage } from './search-page.js';

/** The policy the API applies to every response; set here too for routes served before it is. */
export const WEB_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const MAX_QUERY_CHARS = 2000;
const MAX_SITES = 50;
const SITE = /^[^\s/]{1,253}$/;
/** Sites offered in the filter (the biggest first). */
const MAX_SITE_OPTIONS = 200;
const RESULTS = 10;

interface SearchPageQuery {
  q?: string;
  sites?: string;
}

interface IndexView {
  readonly pages: number;
  readonly siteOptions: readonly SiteOption[];
}

/** What a failure may show a reader: our own coded messages, never internals. */
function publicMessage(err: unknown): string {
  if (err && typeof err === 'object' && (err as { name?: unknown }).name === 'CiteboxError') {
    const e = err as { kind?: string; message?: string };
    if (e.kind !== 'internal' && typeof e.message === 'string') return e.message;
  }
  return 'Internal error';
}

function normalizeQuery(q: string): string {
  return q.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function parseSites(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => SITE.test(s))
    .slice(0, MAX_SITES);
}

export const webRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const assets = await loadAssets();

  // The stats behind the site filter and the empty-index notice, read again only after a write.
  let cached: { generation: number; view: IndexView } | undefined;
  async function indexView(): Promise<IndexView> {
    const generation = await deps.backend.generation();
    if (cached?.generation === generation) return cached.view;
    const stats = await deps.backend.stats();
    const siteOptions = [...stats.sites]
      .sort((a, b) => b.pages - a.pages || a.host.localeCompare(b.host))
      .slice(0, MAX_SITE_OPTIONS)
      .map((s) => ({ host: s.host, pages: s.pages }));
    cached = { generation, view: { pages: stats.pages, siteOptions } };
    return cached.view;
  }

  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', WEB_CSP);
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff');
    if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'no-referrer');
    return payload;
  });

  const sendHtml = (reply: FastifyReply, body: { toString(): string }, status = 200) =>
    reply
      .code(status)
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(body.toString());

  const formState = (index: IndexView, query = '', sites = ''): SearchFormState => ({
    query,
    sites,
    siteOptions: index.siteOptions,
  });

  app.get('/', { schema: { hide: true } }, async (_request, reply) => {
    const index = await indexView();
    return sendHtml(
      reply,
      homePage(assets, formState(index), { pages: index.pages, sites: index.siteOptions.length }),
    );
  });

  app.get<{ Querystring: SearchPageQuery }>(
    '/search',
    {
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          properties: {
            q: { type: 'string', maxLength: 20_000 },
            sites: { type: 'string', maxLength: 20_000 },
          },
        },
      },
    },
    async (request, reply) => {
      const query = normalizeQuery(request.query.q ?? '');
      if (!query) return reply.redirect('/');
      const sites = parseSites(request.query.sites);
      const index = await indexView();
      const form = formState(index, query, sites.join(','));
      if ([...query].length > MAX_QUERY_CHARS) {
        return sendHtml(
          reply,
          errorPage(assets, form, `The question is longer than ${MAX_QUERY_CHARS} characters.`),
          400,
        );
      }
      if (request.method === 'HEAD') return sendHtml(reply, '');
      const filters = sites.length > 0 ? { sites } : undefined;
      // The reader leaving stops the answer (and the LLM call behind it).
      const controller = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) controller.abort();
      });
      const page = searchPage({
        assets,
        form,
        query,
        emptyIndex: index.pages === 0,
        apiOpen: deps.config.apiKeys.length === 0,
        answer: () => deps.answers.stream({ query, filters }, { signal: controller.signal }),
        results: () => classicResults(query, sites),
        failure: (err, where) => {
          // A reader who left is not a failure worth a warning.
          if (!controller.signal.aborted) request.log.warn({ err, where }, 'search page: part failed');
          return publicMessage(err);
        },
      });
      return reply
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('x-accel-buffering', 'no')
        .send(Readable.from(page, { objectMode: false }));
    },
  );

  async function classicResults(query: string, sites: readonly string[]): Promise<ResultView[]> {
    const hits = await deps.backend.search({
      text: query,
      limit: RESULTS * 3,
      maxPerPage: 1,
      sites: sites.length > 0 ? sites : undefined,
    });
    const seen = new Set<string>();
    const results: ResultView[] = [];
    for (const hit of hits) {
      if (seen.has(hit.passage.url)) continue;
      seen.add(hit.passage.url);
      results.push({
        url: hit.passage.url,
        title: hit.passage.title,
        snippet: hit.snippet,
        lang: hit.passage.lang,
      });
      if (results.length >= RESULTS) break;
    }
    return results;
  }

  app.get('/admin', { schema: { hide: true } }, async (_request, reply) =>
    sendHtml(reply, adminPage(assets, Boolean(deps.config.adminKey))),
  );

  const sendAsset = (request: FastifyRequest, reply: FastifyReply, asset: Asset, immutable: boolean) => {
    const accept = String(request.headers['accept-encoding'] ?? '');
    reply
      .type(asset.type)
      .header('vary', 'accept-encoding')
      .header(
        'cache-control',
        immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=0, must-revalidate',
      )
      .header('etag', `"${assets.version}-${asset.name}"`);
    if (request.headers['if-none-match'] === `"${assets.version}-${asset.name}"`) {
      return reply.code(304).send();
    }
    if (/\bbr\b/.test(accept)) return reply.header('content-encoding', 'br').send(asset.br);
    if (/\bgzip\b/.test(accept)) return reply.header('content-encoding', 'gzip').send(asset.gzip);
    return reply.send(asset.body);
  };

  app.get<{ Params: { version: string; name: string } }>(
    '/assets/:version/:name',
    { schema: { hide: true } },
    async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (!asset) return reply.callNotFound();
      // An older page asking for an older version gets today's file, not cached for long.
      return sendAsset(request, reply, asset, request.params.version === assets.version);
    },
  );

  app.get<{ Params: { name: string } }>(
    '/assets/:name',
    { schema: { hide: true } },
    async (request, reply) => {
      const asset = assets.get(request.params.name);
      if (!asset) return reply.callNotFound();
      return sendAsset(request, reply, asset, false);
    },
  );

  app.get('/favicon.ico', { schema: { hide: true } }, async (request, reply) => {
    const icon = assets.get('icon.svg');
    return icon ? sendAsset(request, reply, icon, false) : reply.callNotFound();
  });

  app.get<{ Params: { '*': string } }>('/help/*', { schema: { hide: true } }, async (request, reply) => {
    const root = deps.docsRoot;
    const rel = normalize(request.params['*']).replace(/^(\.\.(\/|\\|$))+/, '');
    if (!root || !/^(README\.md|docs\/[\w./-]+\.md)$/.test(rel) || rel.includes('..')) {
      return reply.callNotFound();
    }
    const text = await readFile(join(root, rel), 'utf8').catch(() => undefined);
    if (text === undefined) return reply.callNotFound();
    const title = /^#\s+(.+)$/m.exec(text)?.[1] ?? rel;
    return sendHtml(reply, docPage(assets, title, text));
  });
};
