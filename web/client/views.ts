// The views of an answer turn, shared by the server (rendered to HTML) and the browser (rendered
// to DOM): the answer's Markdown with citation markers, the mode line, source cards, classic
// results with highlighted terms, related questions. Pure functions from data to element trees.
import { type Block, type Inline, inlineText, parseMarkdown } from './markdown.js';
import { guessLang, highlightParts, siteName } from './text.js';
import { type Child, h, type VElement } from './vdom.js';

export interface SourceView {
  readonly n: number;
  readonly url: string;
  readonly title: string;
  readonly snippet: string;
  readonly published_at?: string | undefined;
}

export interface CitationView {
  readonly n: number;
  readonly supported: boolean;
}

export interface ResultView {
  readonly url: string;
  readonly title: string;
  readonly snippet: string;
  readonly lang?: string | undefined;
}

export type AnswerModeView = 'llm' | 'extractive' | 'none';

export interface AnswerContext {
  /** Prefix of element ids, so several turns on one page do not collide ('' for the first). */
  readonly prefix: string;
  readonly sources: readonly SourceView[];
  /** Verified citations; undefined while the answer is still streaming. */
  readonly citations?: readonly CitationView[] | undefined;
}

const EXTERNAL_REL = 'noopener noreferrer nofollow';
const TIP_SNIPPET_CHARS = 160;

export function sourceId(prefix: string, n: number): string {
  return `${prefix}source-${n}`;
}

export function searchHref(query: string, sites?: string): string {
  const params = new URLSearchParams({ q: query });
  if (sites) params.set('sites', sites);
  return `/search?${params.toString()}`;
}

/** Text with the query's terms wrapped in <mark>; each part stays text. */
export function highlighted(text: string, terms: readonly string[]): Child[] {
  return highlightParts(text, terms).map((part) => (part.hit ? h('mark', null, part.text) : part.text));
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max).join('').trimEnd()}…`;
}

/** A citation marker: shows its source on hover and focus, jumps to its card when followed. */
export function citeMarker(n: number, ctx: AnswerContext): VElement | null {
  const source = ctx.sources.find((s) => s.n === n);
  if (!source) return null;
  const citation = ctx.citations?.find((c) => c.n === n);
  const unverified = ctx.citations !== undefined && citation !== undefined && !citation.supported;
  const site = siteName(source.url);
  const label = `Source ${n}: ${source.title}${site ? `, ${site}` : ''}${unverified ? ' (not verified)' : ''}`;
  return h(
    'a',
    {
      class: unverified ? 'cite unverified' : 'cite',
      href: `#${sourceId(ctx.prefix, n)}`,
      'aria-label': label,
      'data-n': n,
    },
    h('span', { class: 'cite-n', 'aria-hidden': 'true' }, String(n)),
    h(
      'span',
      { class: 'cite-tip', 'aria-hidden': 'true' },
      h('span', { class: 'tip-title', dir: 'auto', lang: guessLang(source.title) }, source.title),
      site ? h('span', { class: 'tip-site' }, site) : null,
      h('span', { class: 'tip-snippet', dir: 'auto' }, clip(source.snippet, TIP_SNIPPET_CHARS)),
      unverified ? h('span', { class: 'tip-warn' }, 'This source may not support the sentence.') : null,
    ),
  );
}

function inlineNode(node: Inline, ctx: AnswerContext): Child {
  switch (node.t) {
    case 'text':
      return node.v;
    case 'br':
      return h('br', null);
    case 'code':
      return h('code', null, node.v);
    case 'strong':
      return h('strong', null, inlineView(node.c, ctx));
    case 'em':
      return h('em', null, inlineView(node.c, ctx));
    case 'link':
      return h('a', { href: node.href, rel: EXTERNAL_REL }, inlineView(node.c, ctx));
    case 'cite':
      return citeMarker(node.n, ctx);
  }
}

function inlineView(nodes: readonly Inline[], ctx: AnswerContext): Child[] {
  return nodes.map((node) => inlineNode(node, ctx));
}

function blockView(block: Block, ctx: AnswerContext): Child {
  switch (block.t) {
    case 'p':
      return h('p', null, inlineView(block.c, ctx));
    case 'h':
      // The answer sits under the question's heading, so its own headings start one level lower.
      return h(block.level <= 2 ? 'h3' : 'h4', null, inlineView(block.c, ctx));
    case 'list':
      return h(
        block.ordered ? 'ol' : 'ul',
        block.ordered && block.start !== 1 ? { start: block.start } : null,
        block.items.map((item) => {
          const only = item.length === 1 ? item[0] : undefined;
          // A one-paragraph item is shown inline (a tight list).
          return h(
            'li',
            null,
            only?.t === 'p' ? inlineView(only.c, ctx) : item.map((b) => blockView(b, ctx)),
          );
        }),
      );
    case 'code':
      return h('pre', null, h('code', null, block.v));
    case 'quote':
      return h(
        'blockquote',
        null,
        block.c.map((b) => blockView(b, ctx)),
      );
    case 'hr':
      return h('hr', null);
    case 'table':
      return h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          null,
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              block.head.map((cell) => h('th', null, inlineView(cell, ctx))),
            ),
          ),
          h(
            'tbody',
            null,
            block.rows.map((row) =>
              h(
                'tr',
                null,
                row.map((cell) => h('td', null, inlineView(cell, ctx))),
              ),
            ),
          ),
        ),
      );
  }
}

/** The answer's Markdown as elements; only allowlisted constructs, everything else text. */
export function answerView(markdown: string, ctx: AnswerContext): Child[] {
  return parseMarkdown(markdown).map((block) => blockView(block, ctx));
}

/** The answer's plain text, for summaries and language guessing. */
export function answerPlainText(markdown: string): string {
  return parseMarkdown(markdown)
    .map((b) => (b.t === 'p' || b.t === 'h' ? inlineText(b.c) : ''))
    .join(' ');
}

export function formatMs(ms: number): string {
  if (ms < 1) return '< 1 ms';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Which mode answered, said plainly. */
export function modeLine(mode: AnswerModeView, model?: string, totalMs?: number): VElement {
  const text =
    mode === 'llm'
      ? `LLM answer${model ? ` · ${model}` : ''}`
      : mode === 'extractive'
        ? 'Extractive answer · sentences quoted from the sources'
        : 'No answer found';
  return h(
    'p',
    { class: `mode mode-${mode}` },
    h('span', { class: 'mode-label' }, text),
    totalMs !== undefined ? h('span', { class: 'timing' }, ` · ${formatMs(totalMs)}`) : null,
  );
}

export function sourceCard(source: SourceView, prefix: string, terms: readonly string[]): VElement {
  const site = siteName(source.url);
  const titleLang = guessLang(source.title);
  return h(
    'li',
    { class: 'source', id: sourceId(prefix, source.n), tabindex: '-1' },
    h(
      'a',
      { class: 'source-link', href: source.url, rel: EXTERNAL_REL },
      h('span', { class: 'source-n', 'aria-hidden': 'true' }, String(source.n)),
      h('span', { class: 'sr-only' }, `Source ${source.n}: `),
      h('span', { class: 'source-title', dir: 'auto', lang: titleLang }, source.title || site || source.url),
    ),
    h('span', { class: 'site-name' }, site),
    h(
      'p',
      { class: 'snippet', dir: 'auto', lang: guessLang(source.snippet) },
      highlighted(source.snippet, terms),
    ),
  );
}

export function sourcesList(
  sources: readonly SourceView[],
  prefix: string,
  terms: readonly string[],
): VElement {
  return h(
    'ol',
    { class: 'sources' },
    sources.map((s) => sourceCard(s, prefix, terms)),
  );
}

function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    const path = decodeURI(u.pathname).replace(/\/$/, '');
    return `${u.hostname.replace(/^www\./, '')}${path ? ` › ${path.slice(1).split('/').join(' › ')}` : ''}`;
  } catch {
    return url;
  }
}

export function resultItem(result: ResultView, terms: readonly string[]): VElement {
  const lang = result.lang || guessLang(`${result.title} ${result.snippet}`);
  return h(
    'article',
    { class: 'result', lang },
    h('h3', { dir: 'auto' }, h('a', { href: result.url, rel: EXTERNAL_REL }, result.title || result.url)),
    h('div', { class: 'result-url', dir: 'ltr' }, displayUrl(result.url)),
    h('p', { class: 'snippet', dir: 'auto' }, highlighted(result.snippet, terms)),
  );
}

/** Related questions, as links to their own search (the script asks them in the thread). */
export function relatedView(questions: readonly string[], sites: string, prefix: string): VElement | null {
  if (questions.length === 0) return null;
  const headingId = `${prefix}related-h`;
  return h(
    'nav',
    { class: 'related', 'aria-labelledby': headingId },
    h('h3', { id: headingId }, 'Related'),
    h(
      'ul',
      null,
      questions.map((q) =>
        h('li', null, h('a', { href: searchHref(q, sites), 'data-followup': q, dir: 'auto' }, q)),
      ),
    ),
  );
}

export function errorView(message: string, requestId?: string): VElement {
  return h(
    'div',
    { class: 'notice notice-error', role: 'alert' },
    h('strong', null, 'Something went wrong. '),
    message,
    requestId ? h('span', { class: 'muted' }, ` (request ${requestId})`) : null,
  );
}
