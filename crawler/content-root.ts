// Where a page's main content is, found from its structure rather than per-site rules:
// 1. Boilerplate out: landmarks that are never content (nav, aside, footer, banners, search,
//    dialogs, forms) and elements whose class or id names navigation, menus, sidebars, tables of
//    contents, breadcrumbs, pagers or "edit this page" links — the latter only when they are made
//    of links or are short, and never an element that holds most of the page's text (a theme may
//    call its content column "wy-nav-content").
// 2. The root: the page's declared main content (`<main>`, `role=main`, a dominant `<article>`, or
//    the content containers of common documentation generators), else the body; then inward while
//    one child holds all of the text but a little that is mostly links (a layout's wrappers).
import { cleanText, type DomDocument, type DomElement, type DomNode, ELEMENT_NODE, linkTextLength, tagOf } from './dom.js';

/** Landmarks and elements that are never main content. */
const NEVER_CONTENT =
  'nav, aside, footer, dialog, form, [role=navigation], [role=banner], [role=contentinfo], [role=complementary], ' +
  '[role=search], [role=dialog], [role=alertdialog], [role=menu], [role=menubar], [role=toolbar], [role=tablist]';

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
const INLINE_TAGS = new Set(['A', 'SPAN', 'CODE', 'EM', 'STRONG', 'B', 'I', 'KBD', 'SAMP', 'VAR', 'LABEL', 'SMALL', 'TT', 'SUP', 'SUB', 'ABBR', 'IMG', 'BR']);

const HEADER_LIKE = new Set(['header', 'banner', 'masthead']);

/** Documentation generators' content containers, most specific first. */
const GENERATOR_ROOTS = [
  '.md-content', // MkDocs Material
  '.theme-doc-markdown', // Docusaurus
  '#main-content', // rustdoc
  '.rst-content', // Read the Docs theme
  'div.body', // Sphinx
  'div.document',
  '.markdown-body',
  '.docs-content',
  '.content-container', // Javadoc
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

function hasAncestorIn(el: DomNode, removed: ReadonlySet<DomNode>): boolean {
  for (let p = el.parentNode; p; p = p.parentNode) if (removed.has(p)) return true;
  return false;
}

function holdsMainContent(el: DomElement): boolean {
  const tag = tagOf(el);
  if (tag === 'MAIN' || tag === 'ARTICLE' || tag === 'BODY' || tag === 'HTML') return true;
  if (el.getAttribute('role') === 'main') return true;
  return el.querySelector('main, article, [role=main], h1') !== null;
}

/** Removes boilerplate from a document (in place). */
export function removeBoilerplate(document: DomDocument): void {
  const body = document.body;
  if (!body) return;
  const pageText = cleanText(body.textContent).length || 1;
  const removed = new Set<DomNode>();
  const remove = (el: DomElement) => {
    removed.add(el);
    el.remove();
  };
  for (const el of Array.from(document.querySelectorAll(NEVER_CONTENT))) {
    if (hasAncestorIn(el, removed)) continue;
    // A <footer> or <aside> that somehow holds most of the page is the page.
    if (cleanText(el.textContent).length > pageText * 0.6 || el.querySelector('main, [role=main]')) continue;
    remove(el);
  }
  for (const el of Array.from(document.querySelectorAll('header, [class], [id]'))) {
    if (hasAncestorIn(el, removed) || removed.has(el)) continue;
    const tag = tagOf(el);
    if (tag === 'BODY' || tag === 'HTML' || tag === 'MAIN' || INLINE_TAGS.has(tag)) continue;
    const tokens = tokensOf(el);
    const strong = tokens.some((t) => NAV_TOKENS.has(t));
    const weak = tag === 'HEADER' || tokens.some((t) => WEAK_TOKENS.has(t));
    if (!strong && !weak) continue;
    const text = cleanText(el.textContent);
    if (text.length > pageText * 0.5) continue;
    if (strong) {
      // "toc" inside the content of a hub may be the only content; still, it is links.
      if (!holdsMainContent(el) || linkTextLength(el) >= text.length * 0.5) remove(el);
      continue;
    }
    const linkShare = text.length === 0 ? 1 : linkTextLength(el) / text.length;
    const headerLike = tag === 'HEADER' || tokens.some((t) => HEADER_LIKE.has(t));
    if (linkShare >= 0.5) remove(el);
    else if (!headerLike && text.length < 200 && !el.querySelector('h1, h2, h3, pre, table, dl')) remove(el);
  }
}

function textOf(el: DomNode): number {
  return cleanText(el.textContent).length;
}

/** Picks the element holding the main content of a (boilerplate-free) document. */
export function findContentRoot(document: DomDocument): DomElement | null {
  const body = document.body ?? document.documentElement;
  if (!body) return null;
  const total = textOf(body);
  let root: DomElement = body;
  const best = (selector: string): DomElement | undefined => {
    let pick: DomElement | undefined;
    let pickLength = 0;
    for (const el of Array.from(document.querySelectorAll(selector))) {
      const length = textOf(el);
      if (length > pickLength) {
        pick = el;
        pickLength = length;
      }
    }
    return pick && pickLength >= Math.max(100, total * 0.5) ? pick : undefined;
  };
  const declared = best('main, [role=main]') ?? best('article');
  if (declared) root = declared;
  else {
    for (const selector of GENERATOR_ROOTS) {
      const found = best(selector);
      if (found) {
        root = found;
        break;
      }
    }
  }
  // Inward through wrappers: into a child that holds everything but a little, mostly links.
  for (let depth = 0; depth < 30; depth++) {
    const here = textOf(root);
    if (here === 0) break;
    let next: DomElement | undefined;
    for (const child of Array.from(root.children)) {
      const length = textOf(child);
      if (length >= here * 0.5) {
        next = child;
        break;
      }
    }
    if (!next || next.nodeType !== ELEMENT_NODE) break;
    const tag = tagOf(next);
    // Stop at the content's own structure.
    if (/^(P|UL|OL|DL|TABLE|PRE|BLOCKQUOTE|H[1-6])$/.test(tag)) break;
    const outside = here - textOf(next);
    const outsideLinks = linkTextLength(root) - linkTextLength(next);
    const outsideProse = outside - outsideLinks;
    if (outsideProse > Math.min(40, here * 0.05)) break;
    root = next;
  }
  return root;
}
