// The website's routes: /, /search, /help/* (Citebox's own docs) and /assets/site.css.
import { readFile } from 'node:fs/promises';
import { join, normalize } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../api/index.js';
import { docPage, homePage, resultsPage } from './pages.js';
import { SITE_CSS } from './style.js';

interface SearchPageQuery {
  q?: string;
  sites?: string;
}

export const webRoutes: FastifyPluginAsync<{ deps: AppDeps }> = async (app, { deps }) => {
  const sendHtml = (reply: import('fastify').FastifyReply, body: { toString(): string }, status = 200) =>
    reply.code(status).type('text/html; charset=utf-8').send(body.toString());

  app.get('/', { schema: { hide: true } }, async (_request, reply) => sendHtml(reply, homePage()));

  app.get('/assets/site.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(SITE_CSS),
  );

  app.get<{ Querystring: SearchPageQuery }>(
    '/search',
    {
      schema: {
        hide: true,
        querystring: {
          type: 'object',
          properties: { q: { type: 'string', maxLength: 2000 }, sites: { type: 'string', maxLength: 4000 } },
        },
      },
    },
    async (request, reply) => {
      const query = (request.query.q ?? '').trim();
      if (!query) return reply.redirect('/');
      const sites = request.query.sites
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const filters = sites && sites.length > 0 ? { sites } : undefined;
      const answer = await deps.answers.answer({ query, filters });
      const hits = await deps.backend.search({
        text: query,
        limit: 10,
        maxPerPage: 1,
        sites: filters?.sites,
      });
      const results = hits.map((h) => ({ url: h.passage.url, title: h.passage.title, snippet: h.snippet }));
      return sendHtml(reply, resultsPage(query, answer, results));
    },
  );

  app.get<{ Params: { '*': string } }>('/help/*', { schema: { hide: true } }, async (request, reply) => {
    const root = deps.docsRoot;
    const rel = normalize(request.params['*']).replace(/^(\.\.(\/|\\|$))+/, '');
    if (!root || !/^(README\.md|docs\/[\w./-]+\.md)$/.test(rel) || rel.includes('..')) {
      return reply.callNotFound();
    }
    const text = await readFile(join(root, rel), 'utf8').catch(() => undefined);
    if (text === undefined) return reply.callNotFound();
    const title = /^#\s+(.+)$/m.exec(text)?.[1] ?? rel;
    return sendHtml(reply, docPage(title, text));
  });
};
