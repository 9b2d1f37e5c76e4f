// The views of an answer turn, shared by the server (rendered to HTML) and the browser (rendered
// to DOM): the answer's Markdown with citation markers, the mode line, source cards, classic
// results with highlighted terms, related questions. Pure functions from data to element trees.
import { type Block, type Inline, inlineText, parseMarkdown } from './markdown.js';
import { guessLang, highlightParts, siteName, titleParts } from './text.js';
import { type Child, h, type VElement } from './vdom.js';

export interface SourceView {
  readonly n: number;
  readonly url: string;
  readonly title: string;
  readonly snippet: string;
  readonly published_at?: string | undefined;
  /** The headings above the passage in its page, outermost first. */
  readonly headings?: readonly string[] | undefined;
  /** For a document: its type (pdf, docx, pptx, odt, odp, text, markdown). */
  readonly doc_type?: string | undefined;
  /** The page (PDF page, slide) of a paged document the passage is on. */
  readonly page?: number | undefined;
}

const DOCUMENT_LABELS: Readonly<Record<string, string>> = {
  pdf: 'PDF',
  docx: 'Word',
  pptx: 'PowerPoint',
  odt: 'OpenDocument text',
  odp: 'OpenDocument slides',
  text: 'Text file',
  markdown: 'Markdown',
};

/** "PDF", "PowerPoint", … for a document's type; undefined for web pages. */
export function documentLabel(docType: string | undefined): string | undefined {
  return docType ? (DOCUMENT_LABELS[docType] ?? docType.toUpperCase()) : undefined;
}

/** "page 3" of a PDF, "slide 3" of a presentation; undefined without a page. */
export function placeLabel(source: Pick<SourceView, 'doc_type' | 'page'>): string | undefined {
  if (source.page === undefined) return undefined;
  return `${source.doc_type === 'pptx' || source.doc_type === 'odp' ? 'slide' : 'page'} ${source.page}`;
}

/** One page among the sources, with the passages of it that were retrieved (best first). */
export interface SourcePage {
  readonly url: string;
  /** The page's own title (without the site's name when the title carried it). */
  readonly title: string;
  /** The site's name: from the page's title, else its host. */
  readonly site: string;
  readonly passages: readonly SourceView[];
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
  const { title, site } = titleParts(source.title, source.url, siblingTitles(ctx.sources, source.url));
  const section = sectionOf(source, title);
  const doc = [documentLabel(source.doc_type), placeLabel(source)].filter(Boolean).join(', ');
  const label = `Source ${n}: ${title}${section ? ` (${section})` : ''}${doc ? `, ${doc}` : ''}${site ? `, ${site}` : ''}${unverified ? ' (not verified)' : ''}`;
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
      h('span', { class: 'tip-title', dir: 'auto', lang: guessLang(title) }, title),
      section ? h('span', { class: 'tip-section', dir: 'auto' }, section) : null,
      doc ? h('span', { class: 'tip-doc' }, doc) : null,
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

/** Scripts written without spaces between words. */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
/** A longer "word" (a URL, say) is not kept whole with a marker: only its last character is. */
const MAX_GLUED_WORD = 24;

/**
 * The end of a text that a marker after it is kept with: its last word and the space after it,
 * or only its last character when words are not separated by spaces (Chinese) or the word is
 * very long. Undefined when the text is only space.
 */
function lastWord(text: string): string | undefined {
  const m = /\S+\s*$/u.exec(text);
  if (!m) return undefined;
  const word = m[0];
  if (!UNSPACED.test(word) && [...word.trimEnd()].length <= MAX_GLUED_WORD) return word;
  const last = /\S\s*$/u.exec(word);
  return last ? last[0] : word;
}

/** Whether an inline element (bold, code, a link) is short enough to keep whole with a marker. */
function shortElement(child: Child): boolean {
  const text = (c: Child): string =>
    typeof c === 'string'
      ? c
      : Array.isArray(c)
        ? c.map(text).join('')
        : c
          ? text((c as VElement).children)
          : '';
  const whole = text(child);
  return [...whole].length <= MAX_GLUED_WORD && !UNSPACED.test(whole);
}

/** Punctuation that follows a marker and must stay on its line. */
const CLOSING = /^[.,;:!?)\]}»”’"'…。，、；：！？）」』】〉》]+/u;

/**
 * Inline nodes as elements. Citation markers never start a line: each run of markers is kept on
 * the line of the word before it (and of the punctuation right after it) in a `cite-run` that
 * does not wrap.
 */
function inlineView(nodes: readonly Inline[], ctx: AnswerContext): Child[] {
  const out: Child[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i] as Inline;
    const marker = node.t === 'cite' ? citeMarker(node.n, ctx) : undefined;
    if (!marker) {
      out.push(inlineNode(node, ctx));
      continue;
    }
    const run: Child[] = [];
    // The word before the marker (or the element before the space before it).
    const before = out.at(-1);
    if (typeof before === 'string') {
      const word = lastWord(before);
      if (word !== undefined) {
        out[out.length - 1] = before.slice(0, before.length - word.length);
        run.push(word);
      } else {
        out.pop();
        const element = out.at(-1);
        if (element && typeof element === 'object' && shortElement(element)) run.push(out.pop() as Child);
        run.push(before);
      }
    } else if (before && typeof before === 'object' && shortElement(before)) {
      run.push(out.pop() as Child);
    }
    run.push(marker);
    // More markers right after it ("[1][2]", "[1] [2]").
    for (;;) {
      const next = nodes[i + 1];
      const gap = next?.t === 'text' && next.v.trim() === '' ? nodes[i + 2] : undefined;
      const following = next?.t === 'cite' ? next : gap?.t === 'cite' ? gap : undefined;
      const more = following?.t === 'cite' ? citeMarker(following.n, ctx) : null;
      if (!more) break;
      if (gap) run.push((next as { v: string }).v);
      run.push(more);
      i += gap ? 2 : 1;
    }
    const after = nodes[i + 1];
    if (after?.t === 'text') {
      const punct = CLOSING.exec(after.v);
      if (punct) {
        run.push(punct[0]);
        out.push(h('span', { class: 'cite-run' }, run));
        out.push(after.v.slice(punct[0].length));
        i++;
        continue;
      }
    }
    out.push(h('span', { class: 'cite-run' }, run));
  }
  return out.filter((c) => c !== '');
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

/** Titles of the other sources of the same host as `url` (to find the site's name in titles). */
function siblingTitles(sources: readonly SourceView[], url: string): string[] {
  const host = siteName(url);
  const page = pageUrl(url);
  return sources.filter((s) => pageUrl(s.url) !== page && siteName(s.url) === host).map((s) => s.title);
}

function sameText(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
  return norm(a) === norm(b);
}

/**
 * The section a passage is in: its heading path (`Variables › gc.reflogExpire`), without the
 * headings that only repeat the page's title (a page's h1 usually does). Undefined for a passage
 * before any heading.
 */
export function sectionOf(source: SourceView, pageTitle: string): string | undefined {
  const path = (source.headings ?? [])
    .map((h) => h.trim())
    .filter(
      (h) => h && !sameText(h, pageTitle) && !sameText(h, source.title) && !startsWithTitle(h, pageTitle),
    );
  return path.length > 0 ? path.join(' › ') : undefined;
}

/** "git-config(1) Manual Page" under the page title "git-config(1)": the title again. */
function startsWithTitle(heading: string, title: string): boolean {
  const t = title.toLowerCase().trim();
  return t.length >= 4 && heading.toLowerCase().startsWith(t);
}

/** A source's page: its URL without the fragment that points into the page. */
export function pageUrl(url: string): string {
  const at = url.indexOf('#');
  return at < 0 ? url : url.slice(0, at);
}

/**
 * The sources grouped by page, each page once, in the order of its best passage; a page's
 * passages keep their order (their numbers). The site's name comes from the titles of the host's
 * pages when they carry one, else from the host. Pure.
 */
export function sourcePages(sources: readonly SourceView[]): SourcePage[] {
  const byUrl = new Map<string, SourceView[]>();
  for (const s of sources) {
    // Passages of one page differ only in the fragment that points at each.
    const page = pageUrl(s.url);
    const list = byUrl.get(page);
    if (list) list.push(s);
    else byUrl.set(page, [s]);
  }
  const titles = [...byUrl.values()].map((list) => (list[0] as SourceView).title);
  const urls = [...byUrl.keys()];
  return urls.map((url, i) => {
    const passages = byUrl.get(url) as SourceView[];
    const host = siteName(url);
    const siblings = titles.filter((_t, j) => j !== i && siteName(urls[j] as string) === host);
    const { title, site } = titleParts(titles[i] as string, url, siblings);
    return { url, title: title || site || url, site, passages };
  });
}

/** One passage of a source page: its number, its section and its snippet; a citation's target. */
function sourcePassage(
  source: SourceView,
  page: SourcePage,
  prefix: string,
  terms: readonly string[],
): VElement {
  const section = sectionOf(source, page.title);
  const place = placeLabel(source);
  return h(
    'li',
    { class: 'source', id: sourceId(prefix, source.n), tabindex: '-1' },
    h('span', { class: 'source-n', 'aria-hidden': 'true' }, String(source.n)),
    h(
      'div',
      { class: 'source-body' },
      h('span', { class: 'sr-only' }, `Source ${source.n}${section || place ? '' : ':'} `),
      // The page of a PDF or the slide of a deck: a link that opens the document there.
      place ? h('a', { class: 'doc-page', href: source.url, rel: EXTERNAL_REL }, place) : null,
      section
        ? source.url !== page.url
          ? // The section opens the page at the passage (its id, or a text fragment).
            h(
              'a',
              {
                class: 'section',
                href: source.url,
                rel: EXTERNAL_REL,
                dir: 'auto',
                lang: guessLang(section),
              },
              section,
            )
          : h('span', { class: 'section', dir: 'auto', lang: guessLang(section) }, section)
        : null,
      h(
        'p',
        { class: 'snippet', dir: 'auto', lang: guessLang(source.snippet) },
        highlighted(source.snippet, terms),
      ),
    ),
  );
}

/** A page among the sources: its title (a link), its site, and its passages under it. */
export function sourcePageCard(page: SourcePage, prefix: string, terms: readonly string[]): VElement {
  return h(
    'li',
    { class: 'source-page' },
    h(
      'a',
      { class: 'source-link', href: page.url, rel: EXTERNAL_REL },
      h('span', { class: 'source-title', dir: 'auto', lang: guessLang(page.title) }, page.title),
    ),
    page.site ? h('span', { class: 'site-name', dir: 'auto' }, page.site) : null,
    documentLabel(page.passages[0]?.doc_type)
      ? h('span', { class: 'doc-type' }, documentLabel(page.passages[0]?.doc_type))
      : null,
    h(
      'ol',
      { class: 'passages' },
      page.passages.map((s) => sourcePassage(s, page, prefix, terms)),
    ),
  );
}

/** The sources, one card per page with the page's passages under it. */
export function sourcesList(
  sources: readonly SourceView[],
  prefix: string,
  terms: readonly string[],
): VElement {
  return h(
    'ol',
    { class: 'sources' },
    sourcePages(sources).map((page) => sourcePageCard(page, prefix, terms)),
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
