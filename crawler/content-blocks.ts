// A content tree to ordered, structured blocks: headings (with their ids), paragraphs, lists,
// code kept verbatim, definition-list entries as one unit (term + description), data tables with
// their column headers, thematic breaks. Inline code is kept as `code`; permalink glyphs, hidden
// elements and lists made only of links are left out (the links are followed all the same: the
// crawler reads them from the whole page). Pure: an element in, blocks and a few counts out.
import { type ContentBlock, renderBlocks, textTable } from '../services/core.js';
import {
  cleanText,
  type DomElement,
  type DomNode,
  ELEMENT_NODE,
  hasText,
  isHidden,
  TEXT_NODE,
  tagOf,
} from './dom.js';

/** What the walk saw, for telling content pages from link hubs and indexes. */
export interface BlockCounts {
  /** Characters of text kept in blocks. */
  keptChars: number;
  /** Characters of those inside links. */
  keptLinkChars: number;
  /** Characters of lists left out because they were only links. */
  linkListChars: number;
  /** Items of those lists. */
  linkListItems: number;
  /** Characters of prose (paragraphs and definition texts) outside links. */
  proseChars: number;
  /** Definition-list entries kept. */
  terms?: number;
  /** Of those, entries whose term is an opaque code (a long run of digits and dashes, a hash). */
  opaqueTerms?: number;
}

/** A term that names nothing a reader would ask for: a long code of digits (`R-25583-11663-…`), a hash. */
export function opaqueTerm(term: string): boolean {
  const t = term.trim();
  if (t.length < 12 || /\s/.test(t)) return false;
  const digits = t.replace(/[^0-9]/g, '').length;
  return digits >= t.length * 0.6 && !/[a-z]{3,}/i.test(t);
}

export interface CollectedBlocks {
  readonly blocks: ContentBlock[];
  readonly counts: BlockCounts;
}

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
  'INPUT',
  'TEXTAREA',
  'OPTION',
  'MATH',
  'OBJECT',
  'EMBED',
  'VIDEO',
  'AUDIO',
]);

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
  'TT',
  'BIG',
  'NOBR',
  'STRIKE',
  'ACRONYM',
]);

/** Inline elements whose text is code: kept between backticks. */
const INLINE_CODE = new Set(['CODE', 'KBD', 'SAMP', 'TT']);

const PARAGRAPHS = new Set(['P', 'BLOCKQUOTE', 'FIGCAPTION', 'ADDRESS', 'CAPTION', 'SUMMARY', 'LEGEND']);

/** Glyphs that generators put in permalink anchors next to headings and terms. */
const PERMALINK_TEXT = /^[\s\u200b¶§#🔗⚓\u{1F517}]*$/u;
const PERMALINK_CLASS =
  /\b(headerlink|anchorlink|anchor-link|hash-link|anchorjs-link|permalink|header-anchor|heading-anchor|anchor)\b/;
/** Line-number gutters of highlighted code. */
const LINE_NUMBERS = /\b(linenos|lineno|line-numbers|gutter|hljs-ln-numbers)\b/;

/** Most rows kept of one table (a 10,000-row table becomes 1,000 rows of passages). */
export const MAX_TABLE_ROWS = 1000;
/** Deepest nesting walked; deeper content is read as plain text. */
const MAX_DEPTH = 60;

/** Text made inline, with how much of it came from links. */
interface Inline {
  text: string;
  linkChars: number;
}

function isPermalink(el: DomElement): boolean {
  const href = el.getAttribute('href');
  if (href === null) return false;
  if (PERMALINK_CLASS.test(el.getAttribute('class') ?? '')) return true;
  return href.startsWith('#') && PERMALINK_TEXT.test(el.textContent ?? '');
}

/**
 * A heading or term as a label: permalink glyphs at its end gone ("Usage ¶"), and no code marks
 * (a label is plain text; an answer formats identifiers itself).
 */
function tidyLabel(text: string): string {
  return cleanText(text.replace(/`/g, ''))
    .replace(/\s*[¶§🔗]+$/u, '')
    .replace(/\s+([,.;:)])/g, '$1')
    .replace(/([(])\s+/g, '$1')
    .trim();
}

/** The language a code block's markup names (`language-js`, `highlight-python`, `lang-sql`). */
function codeLanguage(pre: DomElement): string | undefined {
  const parent = parentElement(pre);
  const sources: Array<DomElement | null> = [
    pre,
    pre.querySelector('code'),
    parent,
    parent && parentElement(parent),
  ];
  for (const el of sources) {
    if (!el) continue;
    const cls = el.getAttribute('class') ?? '';
    const m = /(?:^|\s)(?:language|lang|highlight|brush)(?:-|:\s*)([a-z0-9+#]{1,20})\b/i.exec(cls);
    if (m?.[1] && !/^(default|none|text|plain|source|notranslate)$/i.test(m[1])) return m[1].toLowerCase();
    const data = el.getAttribute('data-lang') ?? el.getAttribute('data-language');
    if (data && /^[a-z0-9+#-]{1,20}$/i.test(data)) return data.toLowerCase();
  }
  return undefined;
}

function parentElement(el: DomNode): DomElement | null {
  const p = el.parentNode;
  return p && p.nodeType === ELEMENT_NODE ? (p as DomElement) : null;
}

/** Verbatim text of a code block, without line-number gutters. */
function codeText(el: DomNode): string {
  let out = '';
  const walk = (node: DomNode) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === TEXT_NODE) out += child.textContent ?? '';
      else if (child.nodeType === ELEMENT_NODE) {
        const e = child as DomElement;
        const tag = tagOf(e);
        if (tag === 'BR') out += '\n';
        else if (!SKIP.has(tag) && !LINE_NUMBERS.test(e.getAttribute('class') ?? '')) walk(e);
      }
    }
  };
  walk(el);
  // Trailing spaces and the blank lines around the block say nothing.
  return out
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/^\n+|\s+$/g, '');
}

const QUOTE_BLOCKS = new Set([
  'P',
  'DIV',
  'UL',
  'OL',
  'DL',
  'TABLE',
  'PRE',
  'BLOCKQUOTE',
  'H1',
  'H2',
  'H3',
  'H4',
  'H5',
  'H6',
]);

/** A line of code: a statement (ends in ";"), a prompt, or symbols of code without a sentence's end. */
function codeLine(line: string): boolean {
  if (/;\s*(?:--.*|\/\/.*|#.*)?$/.test(line)) return true;
  if (/^(?:\$|>|sqlite>|>>>|%|#)\s/.test(line)) return true;
  return /[(){}[\]=<>]/.test(line) && !/[.!?]["')\]]?$/.test(line) && !/\.\s+[A-Z]/.test(line);
}

/**
 * The code a <blockquote> holds when it holds nothing but lines of code (statements ending in ";",
 * prompts, calls), which some hand-written manuals set there instead of in a <pre>; else undefined.
 */
function quotedCode(quote: DomElement): string | undefined {
  for (const el of Array.from(quote.getElementsByTagName('*')))
    if (QUOTE_BLOCKS.has(tagOf(el))) return undefined;
  const lines = codeText(quote)
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (lines.length === 0 || lines.length > 200) return undefined;
  if (!lines.every((l) => codeLine(l.trim()))) return undefined;
  if (!lines.some((l) => /;\s*(?:--.*)?$|\w\(.*\)/.test(l))) return undefined;
  const indent = Math.min(...lines.map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join('\n');
}

function isDataTable(table: DomElement, rows: DomElement[]): boolean {
  if (rows.length < 2) return false;
  if (/\b(layout|presentation)\b/.test(table.getAttribute('role') ?? '')) return false;
  // A cell holding blocks (paragraphs, lists, code, another table) lays out a page, not data.
  for (const tag of ['table', 'pre', 'ul', 'ol', 'dl', 'h1', 'h2', 'h3', 'h4', 'blockquote']) {
    if (table.getElementsByTagName(tag).length > 0) return false;
  }
  let multi = 0;
  for (const tr of rows) if (cellsOf(tr).length >= 2) multi++;
  return multi >= 2;
}

function cellsOf(tr: DomElement): DomElement[] {
  return Array.from(tr.children).filter((c) => {
    const t = tagOf(c);
    return t === 'TD' || t === 'TH';
  });
}

/** Rows of a table, not those of tables nested in it. */
function rowsOf(table: DomElement): DomElement[] {
  const out: DomElement[] = [];
  const visit = (el: DomElement) => {
    for (const child of Array.from(el.children)) {
      const t = tagOf(child);
      if (t === 'TR') out.push(child);
      else if (t === 'THEAD' || t === 'TBODY' || t === 'TFOOT') visit(child);
    }
  };
  visit(table);
  return out;
}

/** A cell whose text is all bold: a header in tables that do not use <th>. */
function boldCell(cell: DomElement): boolean {
  const text = cleanText(cell.textContent);
  if (!text) return true;
  let bold = 0;
  for (const tag of ['b', 'strong']) {
    for (const el of Array.from(cell.getElementsByTagName(tag))) bold += cleanText(el.textContent).length;
  }
  return bold >= text.length * 0.9;
}

export function collectBlocks(root: DomElement): CollectedBlocks {
  const blocks: ContentBlock[] = [];
  const counts: BlockCounts = {
    keptChars: 0,
    keptLinkChars: 0,
    linkListChars: 0,
    linkListItems: 0,
    proseChars: 0,
  };
  let inline: Inline = { text: '', linkChars: 0 };
  /** The id of the place the next block starts at (an `<a name>` or an element's id). */
  let pendingAnchor: string | undefined;
  /** An anchor met after the text of the block being read (an unclosed <p>): it starts the next one. */
  let lateAnchor: string | undefined;
  /** Level of the last real heading: a bold paragraph acting as a heading goes one below it. */
  let headingLevel = 1;

  const takeAnchor = (): string | undefined => {
    const a = pendingAnchor;
    pendingAnchor = undefined;
    return a;
  };
  const push = (block: ContentBlock, chars: number, linkChars: number) => {
    blocks.push(block);
    counts.keptChars += chars;
    counts.keptLinkChars += linkChars;
  };
  const flush = () => {
    const text = cleanText(inline.text);
    // A line that is one short link ("Edit this page", "Back to top", "Next →") is navigation.
    if (text && inline.linkChars >= text.length * 0.95 && text.split(' ').length <= 8) {
      counts.linkListChars += text.length;
      counts.linkListItems += 1;
    } else if (text) {
      const anchor = takeAnchor();
      push({ type: 'text', text, ...(anchor ? { anchor } : {}) }, text.length, inline.linkChars);
      counts.proseChars += Math.max(0, text.length - inline.linkChars);
    }
    inline = { text: '', linkChars: 0 };
    if (lateAnchor) {
      pendingAnchor = lateAnchor;
      lateAnchor = undefined;
    }
  };

  /** Appends an inline subtree's text to `into`: code in backticks, permalinks and hidden text out. */
  const inlineText = (node: DomNode, into: Inline, inCode: boolean, inLink: boolean, depth: number): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === TEXT_NODE) {
        const t = child.textContent ?? '';
        into.text += t;
        if (inLink) into.linkChars += cleanText(t).length;
        continue;
      }
      if (child.nodeType !== ELEMENT_NODE) continue;
      const el = child as DomElement;
      const tag = tagOf(el);
      if (SKIP.has(tag) || isHidden(el)) continue;
      if (tag === 'BR') {
        into.text += '\n';
        continue;
      }
      if (tag === 'IMG') continue;
      if (tag === 'A') {
        if (isPermalink(el)) continue;
        const id = el.getAttribute('name') ?? (el.hasAttribute('href') ? null : el.getAttribute('id'));
        if (id && !hasText(el.textContent)) {
          if (into === inline && /\S/.test(inline.text)) lateAnchor = id;
          else pendingAnchor ??= id;
          continue;
        }
      }
      if (depth > MAX_DEPTH) {
        into.text += ` ${el.textContent ?? ''} `;
        continue;
      }
      if (INLINE_CODE.has(tag) && !inCode) {
        const inner: Inline = { text: '', linkChars: 0 };
        inlineText(el, inner, true, inLink, depth + 1);
        const code = cleanText(inner.text).replaceAll('`', "'");
        if (code) into.text += ` \`${code}\` `;
        into.linkChars += inner.linkChars;
        continue;
      }
      const block = !INLINE.has(tag);
      if (block) into.text += ' ';
      inlineText(el, into, inCode, inLink || (tag === 'A' && el.hasAttribute('href')), depth + 1);
      if (block) into.text += ' ';
    }
  };

  const labelOf = (el: DomElement): string => {
    const into: Inline = { text: '', linkChars: 0 };
    inlineText(el, into, false, false, 0);
    return tidyLabel(into.text);
  };

  /** The flattened text of a subtree's blocks: paragraphs, items, code fenced, nested terms. */
  const flattened = (el: DomElement, depth: number): { text: string; linkChars: number } => {
    const saved = { inline, pendingAnchor, length: blocks.length };
    inline = { text: '', linkChars: 0 };
    walk(el, depth + 1);
    flush();
    const mine = blocks.splice(saved.length);
    inline = saved.inline;
    pendingAnchor = saved.pendingAnchor;
    return { text: renderBlocks(mine), linkChars: 0 };
  };

  const listBlock = (el: DomElement, depth: number) => {
    const items: string[] = [];
    let linkOnly = 0;
    let chars = 0;
    let linkChars = 0;
    for (const li of Array.from(el.children)) {
      if (tagOf(li) !== 'LI' || isHidden(li)) continue;
      const into: Inline = { text: '', linkChars: 0 };
      // Nested lists become part of the item, after a semicolon per nested item.
      inlineItem(li, into, depth);
      const text = cleanText(into.text);
      if (!text) continue;
      items.push(text);
      chars += text.length;
      linkChars += into.linkChars;
      if (into.linkChars >= text.length * 0.7) linkOnly++;
    }
    if (items.length === 0) return;
    if (items.length >= 2 && linkOnly >= items.length * 0.8) {
      counts.linkListChars += chars;
      counts.linkListItems += items.length;
      return;
    }
    const anchor = takeAnchor();
    push({ type: 'list', items, ...(anchor ? { anchor } : {}) }, chars, linkChars);
  };

  const inlineItem = (li: DomElement, into: Inline, depth: number) => {
    for (const child of Array.from(li.childNodes)) {
      if (child.nodeType === ELEMENT_NODE) {
        const tag = tagOf(child as DomElement);
        if (tag === 'UL' || tag === 'OL') {
          const nested: string[] = [];
          for (const sub of Array.from((child as DomElement).children)) {
            if (tagOf(sub) !== 'LI') continue;
            const s: Inline = { text: '', linkChars: 0 };
            inlineItem(sub, s, depth + 1);
            const t = cleanText(s.text);
            if (t) nested.push(t);
            into.linkChars += s.linkChars;
          }
          if (nested.length) into.text += `: ${nested.join('; ')}`;
          continue;
        }
        if (tag === 'PRE') {
          const code = codeText(child).replaceAll('`', "'");
          if (code) into.text += ` \`${cleanText(code)}\` `;
          continue;
        }
      }
      const holder = { childNodes: [child] } as unknown as DomNode;
      inlineText(holder, into, false, false, depth + 1);
    }
  };

  const definitionList = (dl: DomElement, depth: number, context: readonly string[]) => {
    let terms: string[] = [];
    let termAnchor: string | undefined;
    let termLinkChars = 0;
    const emitTerm = (text: string, linkChars: number) => {
      const term = terms.join(', ');
      const anchor = termAnchor;
      if (!text && !term) return;
      if (!text) {
        // A term with no description is a line of text.
        push({ type: 'text', text: term, ...(anchor ? { anchor } : {}) }, term.length, termLinkChars);
      } else if (!term) {
        push({ type: 'text', text, ...(anchor ? { anchor } : {}) }, text.length, linkChars);
      } else {
        push(
          {
            type: 'term',
            term,
            text,
            ...(context.length ? { context } : {}),
            ...(anchor ? { anchor } : {}),
          },
          term.length + text.length,
          termLinkChars + linkChars,
        );
        counts.proseChars += text.length;
        counts.terms = (counts.terms ?? 0) + 1;
        if (opaqueTerm(term)) counts.opaqueTerms = (counts.opaqueTerms ?? 0) + 1;
      }
      terms = [];
      termAnchor = undefined;
      termLinkChars = 0;
    };
    const entries = Array.from(dl.childNodes);
    for (const node of entries) {
      if (node.nodeType !== ELEMENT_NODE) continue;
      const el = node as DomElement;
      const tag = tagOf(el);
      if (isHidden(el) || SKIP.has(tag)) continue;
      if (tag === 'A' && !el.hasAttribute('href')) {
        // `<a name="abs"></a>` between entries marks the next term.
        const id = el.getAttribute('name') ?? el.getAttribute('id');
        if (id) termAnchor ??= id;
        continue;
      }
      if (tag === 'DT') {
        const before = pendingAnchor;
        pendingAnchor = undefined;
        const into: Inline = { text: '', linkChars: 0 };
        inlineText(el, into, false, false, depth + 1);
        const label = tidyLabel(into.text);
        const id = el.getAttribute('id') ?? pendingAnchor ?? before;
        pendingAnchor = undefined;
        if (label) {
          terms.push(label);
          termLinkChars += into.linkChars;
        }
        termAnchor ??= id ?? undefined;
        continue;
      }
      if (tag === 'DD') {
        const term = terms.join(', ');
        // Nested definition lists (a command's options, a class's members) stay entries of their
        // own, under this term: each is what someone asks about.
        const nestedLists = nestedDefinitionLists(el);
        if (nestedLists.length > 0 && term) {
          for (const n of nestedLists) n.remove();
          const own = flattened(el, depth);
          emitTerm(own.text, own.linkChars);
          for (const n of nestedLists) definitionList(n, depth + 1, [...context, term]);
          continue;
        }
        const body = flattened(el, depth);
        emitTerm(body.text, body.linkChars);
        continue;
      }
      if (tag === 'DIV') {
        // <dl><div><dt/><dd/></div></dl> is allowed HTML.
        definitionList(el, depth + 1, context);
        continue;
      }
      // Anything else inside a <dl> is read as content.
      emitTerm('', 0);
      walk(el, depth + 1);
      flush();
    }
    emitTerm('', 0);
  };

  const tableBlock = (table: DomElement): boolean => {
    const rows = rowsOf(table);
    if (!isDataTable(table, rows)) return false;
    const grid = rows.map((tr) => ({
      tr,
      cells: cellsOf(tr).flatMap((cell) => {
        const text = labelOf(cell).replace(/\s*\n\s*/g, ' ');
        const span = Math.min(20, Math.max(1, Number(cell.getAttribute('colspan') ?? 1) || 1));
        return Array.from({ length: span }, (_, i) => ({ text: i === 0 ? text : '', cell }));
      }),
    }));
    // Columns empty in every row are spacing.
    const width = Math.max(...grid.map((r) => r.cells.length));
    const used = Array.from({ length: width }, (_, c) => grid.some((r) => (r.cells[c]?.text ?? '') !== ''));
    const keep = (cells: Array<{ text: string }>) => cells.filter((_, c) => used[c]).map((c) => c.text);
    let headerRows = 0;
    while (headerRows < grid.length - 1) {
      const row = grid[headerRows];
      if (!row) break;
      const cells = row.cells.filter((c) => c.text);
      const inHead = tagOf(parentElement(row.tr) ?? row.tr) === 'THEAD';
      const allTh = cells.length > 0 && cells.every((c) => tagOf(c.cell) === 'TH');
      const allBold = headerRows === 0 && cells.length >= 2 && cells.every((c) => boldCell(c.cell));
      if (inHead || allTh || allBold) headerRows++;
      else break;
    }
    const headers: string[] = [];
    for (let r = 0; r < headerRows; r++) {
      keep(grid[r]?.cells ?? []).forEach((h, c) => {
        headers[c] = headers[c] ? (h && h !== headers[c] ? `${headers[c]} ${h}` : headers[c]) : h;
      });
    }
    const body = grid
      .slice(headerRows)
      .map((r) => keep(r.cells))
      .filter((cells) => cells.some((c) => c));
    if (body.length === 0) return false;
    const captionEl = Array.from(table.children).find((c) => tagOf(c) === 'CAPTION');
    const caption = captionEl ? labelOf(captionEl) : undefined;
    const anchor = table.getAttribute('id') ?? takeAnchor();
    const kept = body.slice(0, MAX_TABLE_ROWS);
    const chars = kept.reduce((a, r) => a + r.join(' ').length, 0);
    push(
      {
        type: 'table',
        headers: headers.map((h) => h ?? ''),
        rows: kept,
        ...(caption ? { caption } : {}),
        ...(anchor ? { anchor } : {}),
      },
      chars,
      0,
    );
    return true;
  };

  const walk = (node: DomNode, depth: number): void => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === TEXT_NODE) {
        inline.text += child.textContent ?? '';
        continue;
      }
      if (child.nodeType !== ELEMENT_NODE) continue;
      const el = child as DomElement;
      const tag = tagOf(el);
      if (SKIP.has(tag) || isHidden(el)) continue;
      if (INLINE.has(tag)) {
        const holder = { childNodes: [el] } as unknown as DomNode;
        inlineText(holder, inline, false, false, depth);
        continue;
      }
      if (depth > MAX_DEPTH) {
        inline.text += ` ${el.textContent ?? ''} `;
        continue;
      }
      flush();
      const id = el.getAttribute('id');
      if (/^H[1-6]$/.test(tag)) {
        const text = labelOf(el);
        if (text) {
          // A heading's id, else the id of the section it opens, else an anchor just before it.
          const parent = parentElement(el);
          const sectionId = parent && firstElementChild(parent) === el ? parent.getAttribute('id') : null;
          const anchor = id ?? innerAnchor(el) ?? sectionId ?? takeAnchor();
          pendingAnchor = undefined;
          headingLevel = Number(tag[1]);
          push({ type: 'heading', level: headingLevel, text, ...(anchor ? { anchor } : {}) }, text.length, 0);
        }
        continue;
      }
      if (tag === 'P' && boldHeading(el)) {
        // "<p><b>(1) How do I create an AUTOINCREMENT field?</b></p>": a heading in all but name.
        const text = labelOf(el).replace(/\s*[:：]$/, '');
        const anchor = id ?? takeAnchor();
        push(
          { type: 'heading', level: Math.min(6, headingLevel + 1), text, ...(anchor ? { anchor } : {}) },
          text.length,
          0,
        );
        continue;
      }
      if (id && el !== root) pendingAnchor ??= id;
      const quoted = tag === 'BLOCKQUOTE' ? quotedCode(el) : undefined;
      if (quoted) {
        // Code set in a <blockquote> (hand-written manuals: "SELECT date('now');<br>…").
        const anchor = takeAnchor();
        push({ type: 'code', text: quoted, ...(anchor ? { anchor } : {}) }, quoted.length, 0);
      } else if (PARAGRAPHS.has(tag)) {
        walk(el, depth + 1);
        flush();
      } else if ((tag === 'UL' || tag === 'OL' || tag === 'MENU') && !holdsBlocks(el)) {
        listBlock(el, depth);
      } else if (tag === 'DL') {
        definitionList(el, depth, []);
      } else if (tag === 'PRE') {
        const text = codeText(el);
        const drawn = text.trim() ? textTable(text) : undefined;
        if (drawn) {
          // A table drawn in text (a header, a ruler, aligned rows): its rows, like a data table's.
          const anchor = takeAnchor();
          const rows = drawn.rows.slice(0, MAX_TABLE_ROWS);
          push(
            { type: 'table', headers: drawn.headers, rows, ...(anchor ? { anchor } : {}) },
            rows.reduce((a, r) => a + r.join(' ').length, 0),
            0,
          );
        } else if (text.trim()) {
          const lang = codeLanguage(el);
          const anchor = takeAnchor();
          push(
            { type: 'code', text, ...(lang ? { lang } : {}), ...(anchor ? { anchor } : {}) },
            text.length,
            0,
          );
        }
      } else if (tag === 'TABLE') {
        if (!tableBlock(el)) {
          walk(el, depth + 1);
          flush();
        }
      } else if (tag === 'HR') {
        if (blocks.length > 0 && blocks.at(-1)?.type !== 'break') blocks.push({ type: 'break' });
      } else {
        walk(el, depth + 1);
        flush();
      }
    }
  };

  walk(root, 0);
  flush();
  while (blocks.at(-1)?.type === 'break') blocks.pop();
  return { blocks, counts };
}

/**
 * A paragraph that is one short run of bold text, not a sentence (no full stop at its end, or a
 * question): hand-written pages and FAQs use it as a heading.
 */
function boldHeading(p: DomElement): boolean {
  let bold: DomElement | undefined;
  for (const child of Array.from(p.childNodes)) {
    if (child.nodeType === TEXT_NODE) {
      if (hasText(child.textContent)) return false;
      continue;
    }
    if (child.nodeType !== ELEMENT_NODE) continue;
    const el = child as DomElement;
    const tag = tagOf(el);
    if (tag === 'A' && !hasText(el.textContent)) continue;
    if ((tag !== 'B' && tag !== 'STRONG') || bold) return false;
    bold = el;
  }
  if (!bold) return false;
  const text = cleanText(bold.textContent);
  if (text.length < 3 || text.length > 150 || text.split(' ').length > 20) return false;
  // "Changes in version 3.40.0 (2022-11-16):" heads what follows it, as a label of a few words.
  if (/[:：]$/.test(text)) return text.split(' ').length >= 3 && text.length <= 80;
  return text.endsWith('?') || !/[.!;,]$/.test(text);
}

/**
 * The definition lists directly inside a description (through wrappers, not inside a deeper
 * description) that define two things or more.
 */
function nestedDefinitionLists(dd: DomElement): DomElement[] {
  const out: DomElement[] = [];
  const visit = (el: DomElement) => {
    for (const child of Array.from(el.children)) {
      const tag = tagOf(child);
      if (tag === 'DL') {
        let terms = 0;
        for (const d of Array.from(child.children)) {
          const t = tagOf(d);
          if (t === 'DT') terms++;
          else if (t === 'DIV') for (const x of Array.from(d.children)) if (tagOf(x) === 'DT') terms++;
        }
        if (terms >= 2) out.push(child);
      } else if (tag !== 'DD' && tag !== 'PRE' && tag !== 'TABLE') {
        visit(child);
      }
    }
  };
  visit(dd);
  return out;
}

/**
 * A list whose items hold headings, sections, code or tables lays out content: it is read as such.
 * So is a list whose items open with a title in bold and go on in paragraphs (a numbered list of
 * sections: "<li><p><b>Maximum Number Of Tables In A Join</b></p><p>SQLite does not …</p>").
 */
function holdsBlocks(list: DomElement): boolean {
  if (list.querySelector('h1, h2, h3, h4, h5, h6, section, article, pre, table, dl') !== null) return true;
  let titled = 0;
  for (const item of Array.from(list.children)) {
    if (tagOf(item) !== 'LI') continue;
    const parts = Array.from(item.children).filter((c) => !isHidden(c));
    const first = parts[0];
    if (first && parts.length >= 2 && tagOf(first) === 'P' && boldHeading(first)) titled++;
    if (titled >= 2) return true;
  }
  return false;
}

function firstElementChild(el: DomElement): DomElement | undefined {
  return Array.from(el.children).find((c) => !isHidden(c) && tagOf(c) !== 'A');
}

/** `<h2><a id="x"></a>Title</h2>` or `<h2><a name="x">Title</a></h2>`. */
function innerAnchor(heading: DomElement): string | undefined {
  for (const a of Array.from(heading.getElementsByTagName('a'))) {
    const id = a.getAttribute('id') ?? a.getAttribute('name');
    if (id) return id;
  }
  for (const el of Array.from(heading.querySelectorAll('[id]'))) {
    const id = el.getAttribute('id');
    if (id) return id;
  }
  return undefined;
}
