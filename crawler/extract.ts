// HTML to an ExtractedPage's parts: metadata (title, description, language, canonical, published
// date, Open Graph, meta robots), links, and the main content as ordered blocks (headings,
// paragraphs, lists, code) without navigation and boilerplate. The page is parsed once into a
// light DOM (linkedom); metadata and links are read first, then Mozilla's Readability picks the
// main content. When Readability finds nothing worth keeping, a fallback takes the largest of
// <main>/<article>/[role=main] (else <body>) minus navigation, so a page with text never comes
// out empty. Pure: HTML and its URL in, data out.
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { ContentBlock } from '../services/index.js';
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
  /** Which extractor produced the blocks. */
  readonly extractor: 'readability' | 'fallback';
}

// Minimal DOM shapes we use (linkedom implements them; lib.dom types would drag in browser globals).
interface DomNode {
  readonly nodeType: number;
  readonly childNodes: ArrayLike<DomNode>;
  readonly textContent: string | null;
}
interface DomElement extends DomNode {
  readonly tagName: string;
  readonly children: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  remove(): void;
  appendChild(node: DomNode): DomNode;
}
interface DomDocument {
  readonly documentElement: DomElement | null;
  readonly body: DomElement | null;
  getElementsByTagName(tag: string): ArrayLike<DomElement>;
  createElement(tag: string): DomElement;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}

const BOILERPLATE =
  'script, style, noscript, template, svg, canvas, iframe, form, button, select, nav, header, footer, aside, dialog, ' +
  '[role=navigation], [role=banner], [role=contentinfo], [role=complementary], [role=search], [aria-hidden=true], [hidden], ' +
  '.nav, .navbar, .menu, .sidebar, .footer, .header, .breadcrumb, .breadcrumbs, .cookie, .cookies, .advert, .ads, .share, .related, #cookie-banner, #comments';

const SKIP = new Set([
  'SCRIPT',
  'STYLE',
  'NOSCRIPT',
  'TEMPLATE',
  'SVG',
  'CANVAS',
  'IFRAME',
  'HEAD',
  'TITLE',
  'BUTTON',
  'SELECT',
]);
const PARAGRAPHS = new Set(['P', 'BLOCKQUOTE', 'FIGCAPTION', 'DT', 'DD', 'ADDRESS', 'CAPTION', 'SUMMARY']);
const INLINE = new Set([
  'A',
  'ABBR',
  'B',
  'BDI',
  'BDO',
  'CITE',
  'CODE',
  'DATA',
  'DFN',
  'EM',
  'I',
  'KBD',
  'MARK',
  'Q',
  'RP',
  'RT',
  'RUBY',
  'S',
  'SAMP',
  'SMALL',
  'SPAN',
  'STRONG',
  'SUB',
  'SUP',
  'TIME',
  'U',
  'VAR',
  'WBR',
  'IMG',
  'BR',
  'FONT',
  'LABEL',
  'INS',
  'DEL',
]);
/** Elements only valid in <head>; anything else the parser left outside <body> belongs in it. */
const HEAD_ONLY = new Set(['TITLE', 'META', 'LINK', 'STYLE', 'SCRIPT', 'BASE', 'NOSCRIPT', 'TEMPLATE']);

const TEXT_NODE = 3;
const ELEMENT_NODE = 1;

export function cleanText(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

function parseDate(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value.trim());
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/**
 * Parses HTML into a document whose <body> holds all content. linkedom (htmlparser2) does not
 * build the implied <html>/<body> of the HTML5 algorithm, so fragments are wrapped and content
 * the parser left beside <head> is moved into <body>.
 */
function parseDocument(html: string): DomDocument {
  const hasHtml = /<html[\s>]/i.test(html.slice(0, 4096));
  const source = hasHtml ? html : `<!doctype html><html><head></head><body>${html}</body></html>`;
  const { document } = parseHTML(source) as unknown as { document: DomDocument };
  const root = document.documentElement;
  if (!root)
    return parseHTML('<!doctype html><html><head></head><body></body></html>')
      .document as unknown as DomDocument;
  let body = document.body && document.body.tagName === 'BODY' ? document.body : null;
  const strays: DomNode[] = [];
  for (const child of Array.from(root.childNodes)) {
    if (child.nodeType === ELEMENT_NODE) {
      const tag = (child as DomElement).tagName;
      if (tag === 'HEAD' || tag === 'BODY' || HEAD_ONLY.has(tag)) continue;
      strays.push(child);
    } else if (child.nodeType === TEXT_NODE && cleanText(child.textContent)) {
      strays.push(child);
    }
  }
  if (strays.length > 0) {
    if (!body) {
      body = document.createElement('body');
      root.appendChild(body);
    }
    for (const node of strays) body.appendChild(node);
  }
  return document;
}

/** <meta> values by lower-cased name / property / http-equiv / itemprop, first one wins. */
function readMeta(document: DomDocument): Map<string, string> {
  const out = new Map<string, string>();
  for (const el of Array.from(document.getElementsByTagName('meta'))) {
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
  const metas = readMeta(document);
  const meta = (...keys: string[]) => {
    for (const key of keys) {
      const value = cleanText(metas.get(key));
      if (value) return value;
    }
    return undefined;
  };
  let baseHref: string | null | undefined;
  let canonicalHref: string | null | undefined;
  for (const el of Array.from(document.getElementsByTagName('base'))) baseHref ??= el.getAttribute('href');
  for (const el of Array.from(document.getElementsByTagName('link'))) {
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
  const firstText = (tag: string) => {
    const el = document.getElementsByTagName(tag)[0];
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
    for (const el of Array.from(document.getElementsByTagName('time'))) {
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
    const anchors = [
      ...Array.from(document.getElementsByTagName('a')),
      ...Array.from(document.getElementsByTagName('area')),
    ];
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

  // Main content. Readability rewrites the document, so everything above is read first.
  let blocks: ContentBlock[] = [];
  let extractor: ExtractedHtml['extractor'] = 'readability';
  try {
    const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], {
      charThreshold: 200,
      serializer: (node) => node,
    }).parse();
    if (article?.content) blocks = collectBlocks(article.content as unknown as DomElement);
    publishedAt ??= parseDate(article?.publishedTime);
  } catch {
    blocks = []; // Readability gives up on some malformed trees; the fallback below handles them
  }
  const readabilityChars = textLength(blocks);
  if (readabilityChars < 200) {
    // Too little for an article: the page may be a list, a short note or a layout Readability
    // misreads. Take the fallback when it holds more.
    const fallback = fallbackBlocks(parseDocument(html));
    if (textLength(fallback) > readabilityChars) {
      blocks = fallback;
      extractor = 'fallback';
    }
  }
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
    extractor,
  };
}

function textLength(blocks: readonly ContentBlock[]): number {
  let n = 0;
  for (const b of blocks) n += b.type === 'list' ? b.items.reduce((a, i) => a + i.length, 0) : b.text.length;
  return n;
}

/** Without Readability: boilerplate removed, the largest semantic container (else <body>). */
function fallbackBlocks(document: DomDocument): ContentBlock[] {
  for (const el of Array.from(document.querySelectorAll(BOILERPLATE))) el.remove();
  let root: DomElement | null = null;
  for (const selector of ['main', '[role=main]', 'article', '#content', '.content', '#main']) {
    let bestLength = 0;
    for (const el of Array.from(document.querySelectorAll(selector))) {
      const length = cleanText(el.textContent).length;
      if (length > bestLength) {
        root = el;
        bestLength = length;
      }
    }
    if (root && bestLength > 200) break;
    root = null;
  }
  root ??= document.body ?? document.documentElement;
  return root ? collectBlocks(root) : [];
}

/** The blocks of a content tree in reading order; loose inline text becomes paragraphs. */
export function collectBlocks(root: DomElement): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  let inline = '';
  const flush = () => {
    const text = cleanText(inline);
    if (text) blocks.push({ type: 'text', text });
    inline = '';
  };
  const walk = (node: DomNode): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === TEXT_NODE) {
        inline += child.textContent ?? '';
        continue;
      }
      if (child.nodeType !== ELEMENT_NODE) continue;
      const el = child as DomElement;
      const tag = el.tagName.toUpperCase();
      if (SKIP.has(tag)) continue;
      if (INLINE.has(tag)) {
        inline += tag === 'BR' ? '\n' : tag === 'IMG' ? '' : ` ${el.textContent ?? ''} `;
        continue;
      }
      flush();
      if (/^H[1-6]$/.test(tag)) {
        const text = cleanText(el.textContent);
        if (text) blocks.push({ type: 'heading', level: Number(tag[1]), text });
      } else if (PARAGRAPHS.has(tag)) {
        const text = cleanText(el.textContent);
        if (text) blocks.push({ type: 'text', text });
      } else if (tag === 'UL' || tag === 'OL') {
        const items = Array.from(el.children)
          .filter((li) => li.tagName.toUpperCase() === 'LI')
          .map((li) => cleanText(li.textContent))
          .filter((t) => t.length > 0);
        if (items.length > 0) blocks.push({ type: 'list', items });
      } else if (tag === 'PRE') {
        const text = (el.textContent ?? '').trim();
        if (text) blocks.push({ type: 'code', text });
      } else if (tag === 'TABLE') {
        const rows = Array.from(el.querySelectorAll('tr'))
          .map((tr) =>
            Array.from(tr.children)
              .map((cell) => cleanText(cell.textContent))
              .filter(Boolean)
              .join(' — '),
          )
          .filter((t) => t.length > 0);
        if (rows.length > 0) blocks.push({ type: 'list', items: rows });
      } else {
        walk(el);
        flush();
      }
    }
  };
  walk(root);
  flush();
  return blocks;
}
