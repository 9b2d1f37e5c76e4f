// HTML to an ExtractedPage's parts with cheerio: title, description, language, canonical, meta
// robots, links, and the main content as ordered blocks (headings, paragraphs, lists, code)
// without navigation and boilerplate. Pure: HTML and its URL in, data out.
import { type Cheerio, load } from 'cheerio';
import type { AnyNode } from 'domhandler';
import type { ContentBlock } from '../services/index.js';
import { resolveLink } from './urls.js';

export interface ExtractedHtml {
  readonly title: string;
  readonly description: string | undefined;
  readonly lang: string | undefined;
  /** Absolute canonical URL from <link rel=canonical>, when present. */
  readonly canonical: string | undefined;
  readonly publishedAt: string | undefined;
  readonly noindex: boolean;
  readonly nofollow: boolean;
  readonly blocks: ContentBlock[];
  /** Normalized absolute http(s) links, deduplicated, in page order. */
  readonly links: string[];
}

const BOILERPLATE =
  'script, style, noscript, template, svg, canvas, iframe, form, button, select, nav, header, footer, aside, ' +
  '[role=navigation], [role=banner], [role=contentinfo], [role=complementary], [aria-hidden=true], [hidden], ' +
  '.nav, .navbar, .menu, .sidebar, .footer, .header, .breadcrumb, .breadcrumbs, .cookie, .cookies, .advert, .ads, #cookie-banner';

const BLOCK_SELECTOR = 'h1, h2, h3, h4, h5, h6, p, pre, blockquote, ul, ol, dl, table, figcaption';

function cleanText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function parseDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const t = Date.parse(value.trim());
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

export function extractHtml(html: string, pageUrl: string): ExtractedHtml {
  const $ = load(html);
  const baseHref = $('base[href]').first().attr('href');
  const base = (baseHref && resolveLink(baseHref, pageUrl)) || pageUrl;

  const robots = (
    $('meta[name="robots" i], meta[name="citeboxbot" i]')
      .map((_, el) => $(el).attr('content') ?? '')
      .get() as string[]
  )
    .join(',')
    .toLowerCase();
  const noindex = /\b(noindex|none)\b/.test(robots);
  const nofollow = /\b(nofollow|none)\b/.test(robots);

  const meta = (selector: string) => cleanText($(selector).first().attr('content') ?? '') || undefined;
  const title =
    cleanText($('title').first().text()) ||
    meta('meta[property="og:title"]') ||
    cleanText($('h1').first().text()) ||
    '';
  const description = meta('meta[name="description" i]') ?? meta('meta[property="og:description"]');
  const lang = cleanText($('html').attr('lang') ?? '') || meta('meta[http-equiv="content-language" i]');
  const canonicalHref = $('link[rel~="canonical"]').first().attr('href');
  const canonical = canonicalHref ? resolveLink(canonicalHref, base) : undefined;
  const publishedAt = parseDate(
    meta('meta[property="article:published_time"]') ??
      meta('meta[name="date" i]') ??
      $('time[datetime]').first().attr('datetime'),
  );

  const links: string[] = [];
  if (!nofollow) {
    const seen = new Set<string>();
    $('a[href]').each((_, el) => {
      const rel = ($(el).attr('rel') ?? '').toLowerCase();
      if (rel.includes('nofollow')) return;
      const link = resolveLink($(el).attr('href') ?? '', base);
      if (link && !seen.has(link)) {
        seen.add(link);
        links.push(link);
      }
    });
  }

  $(BOILERPLATE).remove();
  const root = pickMainRoot($);
  const blocks = collectBlocks($, root);
  if (blocks.length === 0) {
    // Text not wrapped in block elements (divs only): fall back to the root's lines of text.
    const text = cleanText(root.text());
    if (text) blocks.push({ type: 'text', text });
  }
  return { title, description, lang, canonical, publishedAt, noindex, nofollow, blocks, links };
}

type CheerioApi = ReturnType<typeof load>;

/** The element holding the main content: <main>, <article>, [role=main], else <body>. */
function pickMainRoot($: CheerioApi): Cheerio<AnyNode> {
  for (const selector of ['main', '[role=main]', 'article', '#content', '.content', '#main']) {
    const candidates = $(selector);
    if (candidates.length === 0) continue;
    // The candidate with the most text, so a teaser <article> does not win over the real one.
    let best: Cheerio<AnyNode> | undefined;
    let bestLength = 0;
    candidates.each((_, el) => {
      const length = cleanText($(el).text()).length;
      if (length > bestLength) {
        best = $(el);
        bestLength = length;
      }
    });
    if (best && bestLength > 200) return best;
  }
  const body = $('body');
  return body.length > 0 ? body : $.root();
}

function collectBlocks($: CheerioApi, root: Cheerio<AnyNode>): ContentBlock[] {
  const blocks: ContentBlock[] = [];
  root.find(BLOCK_SELECTOR).each((_, el) => {
    // Skip blocks nested in another collected block (a <p> inside a <blockquote> or <li>).
    if ($(el).parents(BLOCK_SELECTOR).length > 0) return;
    const tag = el.tagName.toLowerCase();
    if (/^h[1-6]$/.test(tag)) {
      const text = cleanText($(el).text());
      if (text) blocks.push({ type: 'heading', level: Number(tag[1]), text });
    } else if (tag === 'ul' || tag === 'ol') {
      const items = $(el)
        .children('li')
        .map((_, li) => cleanText($(li).text()))
        .get()
        .filter((t: string) => t.length > 0);
      if (items.length > 0) blocks.push({ type: 'list', items });
    } else if (tag === 'pre') {
      const text = $(el).text().trim();
      if (text) blocks.push({ type: 'code', text });
    } else if (tag === 'table') {
      const rows = $(el)
        .find('tr')
        .map((_, tr) =>
          $(tr)
            .children('th, td')
            .map((_, cell) => cleanText($(cell).text()))
            .get()
            .filter(Boolean)
            .join(' — '),
        )
        .get()
        .filter((t: string) => t.length > 0);
      if (rows.length > 0) blocks.push({ type: 'list', items: rows });
    } else {
      const text = cleanText($(el).text());
      if (text) blocks.push({ type: 'text', text });
    }
  });
  return blocks;
}
