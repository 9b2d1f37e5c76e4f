// Where a page's main content is, found from its structure rather than per-site rules:
// 1. Boilerplate out: landmarks that are never content (nav, aside, footer, banners, search,
//    dialogs, forms) and elements whose class or id names navigation, menus, sidebars, tables of
//    contents, breadcrumbs, pagers or "edit this page" links — the latter only when they are made
//    of links or are short, and never an element that holds most of the page's text (a theme may
//    call its content column "wy-nav-content").
// 2. The root: the page's declared main content (`<main>`, `role=main`, a dominant `<article>`, or
//    the content containers of common documentation generators), else the body; then inward while
//    one child holds all of the text but a little that is mostly links (a layout's wrappers).
import { type DomDocument, type DomElement, type DomNode, ELEMENT_NODE, TEXT_NODE, tagOf } from './dom.js';

/** Landmarks and elements that are never main content. */
const NEVER_CONTENT_TAGS = new Set(['NAV', 'ASIDE', 'FOOTER', 'DIALOG', 'FORM']);
const NEVER_CONTENT_ROLES = new Set([
  'navigation',
  'banner',
  'contentinfo',
  'complementary',
  'search',
  'dialog',
  'alertdialog',
  'menu',
  'menubar',
  'toolbar',
  'tablist',
]);

/** Class or id tokens that name navigation whatever the element holds. */
const NAV_TOKENS = new Set([
  'nav',
  'navbar',
  'navigation',
  'navheader',
  'navfooter',
  'menu',
  'menubar',
  'mainmenu',
  'submenu',
  'sidebar',
  'sphinxsidebar',
  'sidenav',
  'topnav',
  'subnav',
  'breadcrumb',
  'breadcrumbs',
  'pagination',
  'pager',
  'prevnext',
  'toolbar',
  'masthead',
  'skiplink',
  'skip',
  'cookie',
  'cookies',
  'consent',
  'toc',
  'toctitle',
  'searchbox',
  'searchmenu',
]);

/** Tokens that name boilerplate when the element is made of links or is short. */
const WEAK_TOKENS = new Set([
  'header',
  'footer',
  'related',
  'share',
  'social',
  'comments',
  'edit',
  'editlink',
  'feedback',
  'announcement',
  'banner',
  'ads',
  'advert',
  'advertisement',
  'search',
  'contents',
  'rating',
  'copyright',
  'lastupdated',
]);

/** Inline elements: class names on them style words, they do not mark page regions. */
const INLINE_TAGS = new Set([
  'A',
  'SPAN',
  'CODE',
  'EM',
  'STRONG',
  'B',
  'I',
  'KBD',
  'SAMP',
  'VAR',
  'LABEL',
  'SMALL',
  'TT',
  'SUP',
  'SUB',
  'ABBR',
  'IMG',
  'BR',
]);

const HEADER_LIKE = new Set(['header', 'banner', 'masthead']);

/** Documentation generators' content containers (class or id), most specific first. */
const GENERATOR_ROOTS = [
  'md-content', // MkDocs Material
  'theme-doc-markdown', // Docusaurus
  'main-content', // rustdoc (id)
  'rst-content', // Read the Docs theme
  'body', // Sphinx (div.body)
  'document', // Sphinx (div.document)
  'markdown-body',
  'docs-content',
  'content-container', // Javadoc
];

function tokensOf(el: DomElement): string[] {
  const raw = `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`.toLowerCase();
  if (!raw.trim()) return [];
  const out: string[] = [];
  for (const word of raw.split(/\s+/)) {
    if (!word) continue;
    out.push(word);
    // "md-sidebar", "theme-doc-toc-desktop", "nav_footer": their parts count too.
    if (/[-_]/.test(word)) for (const part of word.split(/[-_]+/)) if (part) out.push(part);
  }
  return out;
}

/** Text and link-text lengths of every element, computed in one pass (raw characters). */
interface Lengths {
  readonly text: Map<DomNode, number>;
  readonly links: Map<DomNode, number>;
  /** Elements in document order. */
  readonly elements: DomElement[];
  /** Whether an element holds a main/article/role=main element or an h1. */
  readonly holdsMain: Set<DomNode>;
}

const WHITESPACE_ONLY = /^\s*$/;

function measure(root: DomElement): Lengths {
  const text = new Map<DomNode, number>();
  const links = new Map<DomNode, number>();
  const elements: DomElement[] = [];
  const holdsMain = new Set<DomNode>();
  const visit = (el: DomElement, inLink: boolean, depth: number): [number, number, boolean] => {
    elements.push(el);
    const tag = tagOf(el);
    const link = inLink || (tag === 'A' && el.hasAttribute('href'));
    let t = 0;
    let l = 0;
    let main = tag === 'MAIN' || tag === 'ARTICLE' || tag === 'H1' || el.getAttribute('role') === 'main';
    const kids = el.childNodes;
    for (let i = 0; i < kids.length; i++) {
      const child = kids[i] as DomNode;
      if (child.nodeType === TEXT_NODE) {
        const value = child.textContent ?? '';
        if (!WHITESPACE_ONLY.test(value)) {
          t += value.length;
          if (link) l += value.length;
        }
      } else if (child.nodeType === ELEMENT_NODE && depth < 400) {
        const [ct, cl, cm] = visit(child as DomElement, link, depth + 1);
        t += ct;
        l += cl;
        main ||= cm;
      }
    }
    text.set(el, t);
    links.set(el, l);
    if (main) holdsMain.add(el);
    return [t, l, main];
  };
  visit(root, false, 0);
  return { text, links, elements, holdsMain };
}

function isRemoved(el: DomNode, removed: ReadonlySet<DomNode>): boolean {
  for (let p: DomNode | null = el; p; p = p.parentNode) if (removed.has(p)) return true;
  return false;
}

/**
 * Removes boilerplate from a document (in place) and returns the element holding its main content
 * (see the top of this file).
 */
export function mainContent(document: DomDocument): DomElement | null {
  const body = document.body ?? document.documentElement;
  if (!body) return null;
  const m = measure(body);
  const lengthOf = (el: DomNode) => m.text.get(el) ?? 0;
  const linksOf = (el: DomNode) => m.links.get(el) ?? 0;
  const pageText = lengthOf(body) || 1;
  const removed = new Set<DomNode>();
  const declared: DomElement[] = [];
  const generator: Array<{ el: DomElement; rank: number }> = [];
  for (const el of m.elements) {
    if (el === body || isRemoved(el, removed)) continue;
    const tag = tagOf(el);
    if (INLINE_TAGS.has(tag)) continue;
    const role = el.getAttribute('role');
    if (NEVER_CONTENT_TAGS.has(tag) || (role !== null && NEVER_CONTENT_ROLES.has(role))) {
      // A <footer> or <aside> that somehow holds most of a long page is the page.
      if ((lengthOf(el) <= pageText * 0.6 || pageText < 1000) && !hasMainLandmark(el, m)) {
        removed.add(el);
        continue;
      }
    }
    if (tag === 'MAIN' || role === 'main') declared.push(el);
    const tokens = tokensOf(el);
    if (tokens.length === 0 && tag !== 'HEADER') continue;
    const rank = GENERATOR_ROOTS.findIndex(
      (g) => tokens.includes(g) && (g !== 'body' && g !== 'document' ? true : tag === 'DIV'),
    );
    if (rank >= 0) generator.push({ el, rank });
    if (tag === 'MAIN') continue;
    const strong = tokens.some((t) => NAV_TOKENS.has(t));
    const weak = tag === 'HEADER' || tokens.some((t) => WEAK_TOKENS.has(t));
    if (!strong && !weak) continue;
    const length = lengthOf(el);
    if (length > pageText * 0.5) continue;
    if (strong) {
      if (!m.holdsMain.has(el) || linksOf(el) >= length * 0.5) removed.add(el);
      continue;
    }
    const linkShare = length === 0 ? 1 : linksOf(el) / length;
    const headerLike = tag === 'HEADER' || tokens.some((t) => HEADER_LIKE.has(t));
    if (linkShare >= 0.5) removed.add(el);
    else if (!headerLike && length < 200 && !el.querySelector('h1, h2, h3, pre, table, dl')) removed.add(el);
  }
  // Text left once boilerplate is out, for each element (what removal took, subtracted).
  const lost = new Map<DomNode, number>();
  const lostLinks = new Map<DomNode, number>();
  for (const el of removed) {
    const t = lengthOf(el);
    const l = linksOf(el);
    for (let p = el.parentNode; p; p = p.parentNode) {
      lost.set(p, (lost.get(p) ?? 0) + t);
      lostLinks.set(p, (lostLinks.get(p) ?? 0) + l);
    }
  }
  for (const el of removed) (el as DomElement).remove();
  const left = (el: DomNode) => lengthOf(el) - (lost.get(el) ?? 0);
  const leftLinks = (el: DomNode) => linksOf(el) - (lostLinks.get(el) ?? 0);
  const total = left(body);

  const biggest = (els: readonly DomElement[]): DomElement | undefined => {
    let pick: DomElement | undefined;
    let best = 0;
    for (const el of els) {
      if (isRemoved(el, removed)) continue;
      const length = left(el);
      if (length > best) {
        pick = el;
        best = length;
      }
    }
    return pick && best > 0 && best >= total * 0.5 ? pick : undefined;
  };
  let root: DomElement =
    biggest(declared) ??
    biggest(m.elements.filter((el) => tagOf(el) === 'ARTICLE')) ??
    biggest(generator.sort((a, b) => a.rank - b.rank).map((g) => g.el)) ??
    body;
  // Inward through wrappers: into a child that holds everything but a little, mostly links.
  for (let depth = 0; depth < 30; depth++) {
    const here = left(root);
    if (here === 0) break;
    let next: DomElement | undefined;
    for (const child of Array.from(root.children)) {
      if (left(child) >= here * 0.5) {
        next = child;
        break;
      }
    }
    if (!next) break;
    // Stop at the content's own structure.
    if (/^(P|UL|OL|DL|TABLE|PRE|BLOCKQUOTE|H[1-6])$/.test(tagOf(next))) break;
    const outside = here - left(next);
    const outsideProse = outside - (leftLinks(root) - leftLinks(next));
    if (outsideProse > Math.min(40, here * 0.05)) break;
    root = next;
  }
  return root;
}

function hasMainLandmark(el: DomElement, m: Lengths): boolean {
  if (!m.holdsMain.has(el)) return false;
  return el.querySelector('main, [role=main]') !== null;
}
