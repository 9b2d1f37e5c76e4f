// Server-rendered pages: the home page, the answer-first search page (written in pieces as the
// answer streams, see search-page.ts), the admin shell and the help pages. Page shells are
// html`` templates; content from crawled pages or the LLM goes through the views.
import type { ClientAssets, Entry } from './assets.js';
import { errorView } from './client/views.js';
import { type Html, html, view } from './html.js';

export interface SiteOption {
  readonly host: string;
  readonly pages: number;
}

export interface SearchFormState {
  readonly query: string;
  /** The selected site filter ('' for all sites). */
  readonly sites: string;
  readonly siteOptions: readonly SiteOption[];
}

export interface IndexSummary {
  readonly pages: number;
  readonly sites: number;
}

export interface ShellOptions {
  readonly title: string;
  /** What the page is, in a sentence (search results and link previews show it). */
  readonly description: string;
  readonly assets: ClientAssets;
  /** The search form in the header (search and help pages). */
  readonly header?: SearchFormState | undefined;
  /** The client module the page loads. */
  readonly script?: Entry | undefined;
  readonly bodyClass?: string | undefined;
}

/** Search engines show about this much of a description. */
const DESCRIPTION_CHARS = 160;

export const HOME_DESCRIPTION =
  'Ask a question and get a short answer that cites its sources, from the sites this Citebox indexes.';

function clipText(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max
    ? flat
    : `${chars
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`;
}

/** The description of a search page: what was asked. */
export function searchDescription(query: string): string {
  return `Answer with cited sources to “${clipText(query, 100)}”, from the sites this Citebox indexes.`;
}

/** The first paragraph of a Markdown document, as plain text (a help page's description). */
export function docDescription(markdown: string, title: string): string {
  const paragraph = markdown
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .find((p) => p !== '' && !/^(#|!\[|<|\||```|[-*] |\d+\. )/.test(p));
  const text = (paragraph ?? '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]/g, '')
    .trim();
  return text || `Citebox help: ${title}.`;
}

/** Everything before the page's own content (flushed first on streamed pages). */
export function shellStart(options: ShellOptions): Html {
  const { assets, script } = options;
  const preloads = script ? assets.modules(script).slice(1) : [];
  return html`<!doctype html>
<html lang="en" dir="ltr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${options.title}</title>
<meta name="description" content="${clipText(options.description, DESCRIPTION_CHARS)}">
<link rel="icon" href="${assets.url('icon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="${assets.url('site.css')}">
${script ? html`<script type="module" src="${assets.url(script)}"></script>` : ''}
${preloads.map((m) => html`<link rel="modulepreload" href="${assets.url(m)}">\n`)}
</head>
<body class="${options.bodyClass ?? ''}">
<a class="skip" href="#main">Skip to content</a>
${
  options.header
    ? html`<header class="site"><a class="brand" href="/"><img src="${assets.url('icon.svg')}" alt="" width="26" height="26">Citebox</a>${searchForm(options.header, false)}</header>`
    : ''
}
<main id="main" tabindex="-1">
`;
}

export function shellEnd(): Html {
  return html`</main>
<footer class="site"><a href="/help/README.md">Help</a><a href="/docs">API</a><a href="/admin">Admin</a></footer>
</body>
</html>
`;
}

function siteSelect(state: SearchFormState): Html | string {
  const options = [...state.siteOptions];
  if (state.sites && !options.some((o) => o.host === state.sites))
    options.unshift({ host: state.sites, pages: 0 });
  if (options.length === 0) return '';
  return html`<label class="sr-only" for="site-filter">Search in</label><select id="site-filter" name="sites">
<option value="">All sites</option>
${options.map(
  (o) => html`<option value="${o.host}"${o.host === state.sites ? html` selected` : ''}>${o.host}</option>`,
)}
</select>`;
}

export function searchForm(state: SearchFormState, autofocus: boolean): Html {
  return html`<form class="search" id="search-form" action="/search" method="get" role="search">
<div class="field"><label class="sr-only" for="q">Ask a question</label><input id="q" type="search" name="q" value="${state.query}" placeholder="Ask a question…" maxlength="2000" autocomplete="off" enterkeyhint="search" aria-keyshortcuts="/"${autofocus ? html` autofocus` : ''} required></div>
${siteSelect(state)}
<button type="submit">Ask</button>
</form>`;
}

export function emptyIndexNotice(headingLevel: 'h1' | 'h2' = 'h2'): Html {
  return html`<div class="notice notice-empty" role="status">
<${headingLevel}>Nothing is indexed yet</${headingLevel}>
<p>Citebox answers from the sites you crawl. Start a crawl on the <a href="/admin">admin page</a>, or run <code>npx citebox crawl https://your.site</code> on the server.</p>
</div>`;
}

export function homePage(assets: ClientAssets, form: SearchFormState, summary: IndexSummary): Html {
  const count =
    summary.pages === 0
      ? emptyIndexNotice()
      : html`<p class="index-line muted">${summary.pages.toLocaleString('en')} pages from ${summary.sites.toLocaleString('en')} ${summary.sites === 1 ? 'site' : 'sites'} indexed</p>`;
  return html`${shellStart({ title: 'Citebox', description: HOME_DESCRIPTION, assets, script: 'app.js', bodyClass: 'page-home' })}<div class="home">
<h1><img src="${assets.url('icon.svg')}" alt="" width="42" height="42">Citebox</h1>
<p class="tagline">Answers with sources, from the sites you choose.</p>
${searchForm(form, true)}
<p class="kbd-hint muted">Press <kbd>/</kbd> to search from anywhere on the page.</p>
${count}
</div>
${shellEnd()}`;
}

/** A page that only says something went wrong (a query we refuse, before any streaming). */
export function errorPage(assets: ClientAssets, form: SearchFormState, message: string): Html {
  return html`${shellStart({ title: 'Citebox', description: 'Citebox could not answer this request.', assets, header: form, script: 'app.js' })}<h1 class="sr-only">Error</h1>${view(errorView(message))}
${shellEnd()}`;
}

export function docPage(assets: ClientAssets, title: string, text: string): Html {
  return html`${shellStart({ title: `${title} – Citebox`, description: docDescription(text, title), assets, header: { query: '', sites: '', siteOptions: [] }, script: 'app.js' })}<h1>${title}</h1><pre class="doc">${text}</pre>
${shellEnd()}`;
}

export function adminPage(assets: ClientAssets, enabled: boolean): Html {
  const body = enabled
    ? html`<noscript><div class="notice notice-warn"><p>The admin page needs JavaScript: it keeps the admin key in this tab and sends it with each request.</p></div></noscript>
<form id="key-form" class="key-form" hidden>
<label for="admin-key">Admin key</label>
<div class="row"><input id="admin-key" name="key" type="password" autocomplete="current-password" required><button type="submit">Unlock</button></div>
<p class="hint">The key (<code>CITEBOX_ADMIN_KEY</code>) stays in this browser tab (session storage) and is sent as <code>Authorization: Bearer</code>; it is never put in a URL.</p>
<p class="form-error" id="key-error" role="alert"></p>
</form>
<div id="admin-app" hidden>
<section aria-labelledby="crawl-h">
<h2 id="crawl-h">Start a crawl</h2>
<form id="crawl-form">
<label for="seeds">Seed URLs, one per line</label>
<textarea id="seeds" name="seeds" required placeholder="https://docs.example.com/" spellcheck="false"></textarea>
<div class="row">
<div><label for="max-pages">Max pages</label><input id="max-pages" name="max_pages" type="number" min="1" max="1000000" value="500"></div>
<div><label for="max-depth">Max depth</label><input id="max-depth" name="max_depth" type="number" min="0" max="100" value="10"></div>
</div>
<p class="hint">The crawler stays on the seeds' hosts and honours robots.txt.</p>
<div class="row"><button type="submit">Start crawl</button></div>
<p class="form-error" id="crawl-error" role="alert"></p>
</form>
</section>
<section aria-labelledby="crawls-h">
<h2 id="crawls-h">Crawls</h2>
<ul class="crawls" id="crawls" aria-live="polite"></ul>
<p class="muted" id="crawls-empty">No crawls yet.</p>
</section>
<section aria-labelledby="sites-h">
<h2 id="sites-h">Indexed sites</h2>
<div id="sites"><p class="muted">Loading…</p></div>
</section>
<p><button type="button" class="secondary" id="forget-key">Forget the key</button></p>
</div>`
    : html`<div class="notice notice-warn"><p>Admin is disabled on this server: set <code>CITEBOX_ADMIN_KEY</code> and restart Citebox to crawl from here.</p></div>`;
  return html`${shellStart({ title: 'Admin – Citebox', description: 'Start crawls, follow them and see which sites this Citebox has indexed.', assets, header: { query: '', sites: '', siteOptions: [] }, script: enabled ? 'admin.js' : undefined, bodyClass: 'page-admin' })}<div class="admin"><h1>Admin</h1>
${body}
</div>
${shellEnd()}`;
}
