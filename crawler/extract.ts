// HTML to an ExtractedPage's parts: metadata (title, description, language, canonical, published
// date, Open Graph, meta robots), links, the page's role, and the main content as ordered,
// structured blocks. The page is parsed once into a light tree (html-tree.ts); metadata and links are
// read from the whole page first (links on navigation are followed too), then boilerplate is
// removed (content-root.ts), the main content found, and its blocks collected
// (content-blocks.ts): headings with ids, paragraphs, lists, code verbatim, definition-list
// entries, data tables with headers. Pure: HTML and its URL in, data out.
import type { ContentBlock, PageRole } from '../services/core.js';
import { collectBlocks as collectStructuredBlocks } from './content-blocks.js';
import { mainContent } from './content-root.js';
import { cleanText, type DomElement, ELEMENT_NODE, hasText } from './dom.js';
import {
  elementsByTag,
  type HtmlDocument,
  type HtmlElement,
  type HtmlText,
  parseHtmlTree,
} from './html-tree.js';
import { indexableRole, pageRole } from './page-role.js';
import { resolveLink } from './urls.js';

export interface ExtractedHtml {
  readonly title: string;
  readonly description: string | undefined;
  /** From `<html lang>` or a Content-Language meta; undefined when the page does not say. */
  readonly lang: string | undefined;
  /** Absolute canonical URL from <link rel=canonical>, when present. */
  readonly canonical: string | undefined;
  readonly publishedAt: string | undefined;
  readonly author: string | undefined;
  readonly siteName: string | undefined;
  /** og:* properties without the prefix ("title", "type", "image", …). */
  readonly openGraph: Readonly<Record<string, string>>;
  /** Headings of the main content, in order. */
  readonly headings: readonly string[];
  readonly noindex: boolean;
  readonly nofollow: boolean;
  readonly blocks: ContentBlock[];
  /** Normalized absolute http(s) links, deduplicated, in page order. */
  readonly links: string[];
  /** What the page is for, from its structure (page-role.ts). */
  readonly role: PageRole;
  /** Whether its content is worth indexing (content, or a hub with prose of its own). */
  readonly indexable: boolean;
}

/** Elements only valid in <head>; anything else the parser left outside <body> belongs in it. */
const HEAD_ONLY = new Set(['TITLE', 'META', 'LINK', 'STYLE', 'SCRIPT', 'BASE', 'NOSCRIPT', 'TEMPLATE']);

export { cleanText };

/** Tags whose elements extraction reads from the whole page (metadata, links, forms). */
const PAGE_TAGS = ['meta', 'base', 'link', 'title', 'h1', 'time', 'a', 'area', 'input', 'script'] as const;

function parseDate(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value.trim());
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/**
 * Parses HTML into a document whose <body> holds all content. htmlparser2 does not build the
 * implied <html>/<body> of the HTML5 algorithm, so fragments are wrapped, the root gets a <head>
 * and a <body> after it when it lacks them (`document.body`), and content the parser left beside
 * <head> is moved into <body>.
 */
function parseDocument(html: string): HtmlDocument {
  const hasHtml = /<html[\s>]/i.test(html.slice(0, 4096));
  const source = hasHtml ? html : `<!doctype html><html><head></head><body>${html}</body></html>`;
  const document = parseHtmlTree(source);
  const root = document.documentElement;
  if (!root) return parseHtmlTree('<!doctype html><html><head></head><body></body></html>');
  const body = document.body as HtmlElement;
  const strays = new Set<HtmlElement | HtmlText>();
  for (const child of root.childNodes) {
    if (child.nodeType === ELEMENT_NODE) {
      const tag = child.tagName;
      if (tag === 'HEAD' || tag === 'BODY' || HEAD_ONLY.has(tag)) continue;
      strays.add(child);
    } else if (hasText(child.data)) {
      strays.add(child);
    }
  }
  if (strays.size > 0) {
    // One pass, not a removal per node: a page without <body> has all its content here.
    root.childNodes.splice(0, root.childNodes.length, ...root.childNodes.filter((c) => !strays.has(c)));
    for (const node of strays) {
      node.parentNode = body;
      body.childNodes.push(node);
    }
  }
  return document;
}

/** <meta> values by lower-cased name / property / http-equiv / itemprop, first one wins. */
function readMeta(metaElements: readonly DomElement[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const el of metaElements) {
    const content = el.getAttribute('content');
    if (content === null) continue;
    for (const attr of ['name', 'property', 'http-equiv', 'itemprop']) {
      const key = el.getAttribute(attr)?.trim().toLowerCase();
      if (!key) continue;
      // Several robots metas add up; other keys keep their first value.
      if (key === 'robots' || key === 'citeboxbot') out.set(key, `${out.get(key) ?? ''},${content}`);
      else if (!out.has(key)) out.set(key, content);
    }
  }
  return out;
}

export function extractHtml(html: string, pageUrl: string): ExtractedHtml {
  const document = parseDocument(html);
  // One pass over <meta> and <link> instead of a selector per field (css-select compiles each).
  // The elements read below, found in one walk of the page rather than one per tag.
  const byTag = elementsByTag(document, PAGE_TAGS);
  const tagged = (tag: (typeof PAGE_TAGS)[number]): HtmlElement[] => byTag.get(tag) ?? [];
  const metas = readMeta(tagged('meta'));
  const meta = (...keys: string[]) => {
    for (const key of keys) {
      const value = cleanText(metas.get(key));
      if (value) return value;
    }
    return undefined;
  };
  let baseHref: string | null | undefined;
  let canonicalHref: string | null | undefined;
  for (const el of tagged('base')) baseHref ??= el.getAttribute('href');
  for (const el of tagged('link')) {
    const rel = ` ${(el.getAttribute('rel') ?? '').toLowerCase()} `;
    if (rel.includes(' canonical ')) canonicalHref ??= el.getAttribute('href');
  }
  const base = (baseHref && resolveLink(baseHref, pageUrl)) || pageUrl;

  const robots = `${metas.get('robots') ?? ''},${metas.get('citeboxbot') ?? ''}`.toLowerCase();
  const noindex = /\b(noindex|none)\b/.test(robots);
  const nofollow = /\b(nofollow|none)\b/.test(robots);

  const openGraph: Record<string, string> = {};
  for (const [key, raw] of metas) {
    const value = cleanText(raw);
    if (key.startsWith('og:') && key.length > 3 && value) openGraph[key.slice(3)] = value;
  }
  const firstText = (tag: 'title' | 'h1') => {
    const el = tagged(tag)[0];
    return cleanText(el?.textContent);
  };
  const title = firstText('title') || openGraph['title'] || firstText('h1') || '';
  const description = meta('description') ?? openGraph['description'];
  const lang =
    cleanText(
      document.documentElement?.getAttribute('lang') ?? document.documentElement?.getAttribute('xml:lang'),
    ) ||
    meta('content-language') ||
    undefined;
  const canonical = canonicalHref ? resolveLink(canonicalHref, base) : undefined;
  const siteName = openGraph['site_name'] ?? meta('application-name');
  const author = meta('author', 'article:author');
  let publishedAt = parseDate(
    meta('article:published_time', 'datepublished', 'date', 'dc.date', 'dcterms.created', 'pubdate'),
  );
  if (!publishedAt) {
    for (const el of tagged('time')) {
      const datetime = el.getAttribute('datetime');
      if (
        datetime &&
        (el.getAttribute('itemprop') === 'datePublished' || el.getAttribute('pubdate') !== null)
      ) {
        publishedAt = parseDate(datetime);
        break;
      }
    }
  }

  const links: string[] = [];
  if (!nofollow) {
    const seen = new Set<string>();
    const anchors = [...tagged('a'), ...tagged('area')];
    for (const el of anchors) {
      const href = el.getAttribute('href');
      if (href === null) continue;
      const rel = (el.getAttribute('rel') ?? '').toLowerCase();
      if (rel.includes('nofollow')) continue;
      const link = resolveLink(href, base);
      if (link && !seen.has(link)) {
        seen.add(link);
        links.push(link);
      }
    }
  }

  // A search form on the page (read before boilerplate removal takes forms out).
  let hasSearchForm = false;
  for (const input of tagged('input')) {
    const type = (input.getAttribute('type') ?? 'text').toLowerCase();
    const name = (input.getAttribute('name') ?? '').toLowerCase();
    if (
      type === 'search' ||
      ((type === 'text' || type === '') && /^(q|query|search|s|term|keyword)$/.test(name))
    ) {
      hasSearchForm = true;
      break;
    }
  }
  publishedAt ??= jsonLdDate(tagged('script'));

  // Main content: boilerplate out, the content's root found, its blocks collected.
  const root = mainContent(document);
  const collected = root ? collectStructuredBlocks(root) : undefined;
  const blocks = collected?.blocks ?? [];
  const counts = collected?.counts ?? {
    keptChars: 0,
    keptLinkChars: 0,
    linkListChars: 0,
    linkListItems: 0,
    proseChars: 0,
  };
  const proseWords = Math.round(counts.proseChars / 6);
  const role = pageRole({ url: pageUrl, title, counts, proseWords, hasSearchForm });
  const headings = blocks.flatMap((b) => (b.type === 'heading' ? [b.text] : []));
  return {
    title,
    description,
    lang,
    canonical,
    publishedAt,
    author,
    siteName,
    openGraph,
    headings,
    noindex,
    nofollow,
    blocks,
    links,
    role,
    indexable: indexableRole(role, proseWords),
  };
}

/** `datePublished` of the page's JSON-LD (schema.org), when it has one. */
function jsonLdDate(scripts: readonly DomElement[]): string | undefined {
  for (const script of scripts) {
    if ((script.getAttribute('type') ?? '').toLowerCase() !== 'application/ld+json') continue;
    const m = /"datePublished"\s*:\s*"([^"]{4,40})"/.exec(script.textContent ?? '');
    const date = parseDate(m?.[1]);
    if (date) return date;
  }
  return undefined;
}
