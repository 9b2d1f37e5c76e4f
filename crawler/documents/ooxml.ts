// Office Open XML: Word (.docx) and PowerPoint (.pptx) files, read from their XML parts. Word:
// paragraphs, headings (by the style's name, "heading N" / "Title", or an outline level, so
// localized style ids work), list paragraphs, tables; text boxes join their paragraph; deleted
// text and field codes are left out. PowerPoint: slides in the deck's order, each one page whose
// title placeholder is its heading (else "Slide N"), text frames as paragraphs or lists, tables.
// Metadata from docProps/core.xml.
import { BlockCollector, type DocumentContent } from './blocks.js';
import { elementText, isoDate, walkXml } from './xml.js';
import type { ZipArchive } from './zip.js';

interface CoreProperties {
  readonly title?: string | undefined;
  readonly author?: string | undefined;
  readonly publishedAt?: string | undefined;
  readonly lang?: string | undefined;
}

function coreProperties(zip: ZipArchive): CoreProperties {
  const core = zip.text('docProps/core.xml');
  return {
    title: elementText(core, 'dc:title'),
    author: elementText(core, 'dc:creator'),
    publishedAt: isoDate(elementText(core, 'dcterms:created')),
    lang: elementText(core, 'dc:language'),
  };
}

/** Heading level of each paragraph style id that is a heading. */
function headingStyles(xml: string | undefined): Map<string, number> {
  const levels = new Map<string, number>();
  if (!xml) return levels;
  let id: string | undefined;
  walkXml(xml, {
    open: (name, a) => {
      if (name === 'w:style') id = a['w:styleId'];
      else if (id && name === 'w:name') {
        const styleName = (a['w:val'] ?? '').toLowerCase();
        const m = /^heading\s*(\d)$/.exec(styleName);
        if (m) levels.set(id, Number(m[1]));
        else if (styleName === 'title') levels.set(id, 1);
      } else if (id && name === 'w:outlineLvl' && !levels.has(id)) {
        const level = Number(a['w:val']);
        if (Number.isInteger(level) && level >= 0 && level < 9) levels.set(id, level + 1);
      }
    },
    close: (name) => {
      if (name === 'w:style') id = undefined;
    },
  });
  return levels;
}

export function readDocx(zip: ZipArchive): DocumentContent {
  const document = zip.read('word/document.xml');
  if (document === undefined) throw new Error('no word/document.xml');
  const styles = headingStyles(zip.text('word/styles.xml'));
  const out = new BlockCollector();
  // Paragraph state (the outermost <w:p>; text boxes nest paragraphs inside runs).
  let pDepth = 0;
  let text = '';
  let level: number | undefined;
  let list = false;
  let inText = false;
  // Tables, possibly nested: rows of the outermost table; cells gather their paragraphs.
  let tblDepth = 0;
  let rows: string[][] = [];
  let row: string[] | undefined;
  let cell: string | undefined;
  walkXml(document, {
    done: () => out.full,
    open: (name, a) => {
      switch (name) {
        case 'w:p':
          if (pDepth++ === 0) {
            text = '';
            level = undefined;
            list = false;
          } else text += ' ';
          break;
        case 'w:pStyle':
          if (pDepth === 1) {
            const styleLevel = styles.get(a['w:val'] ?? '');
            if (styleLevel !== undefined) level = styleLevel;
            if (/^list/i.test(a['w:val'] ?? '')) list = true;
          }
          break;
        case 'w:outlineLvl': {
          const l = Number(a['w:val']);
          if (pDepth === 1 && Number.isInteger(l) && l < 9) level = l + 1;
          break;
        }
        case 'w:numPr':
          if (pDepth === 1) list = true;
          break;
        case 'w:t':
          inText = true;
          break;
        case 'w:tab':
        case 'w:br':
        case 'w:cr':
          text += ' ';
          break;
        case 'w:tbl':
          if (tblDepth++ === 0) rows = [];
          break;
        case 'w:tr':
          if (tblDepth === 1) row = [];
          break;
        case 'w:tc':
          if (tblDepth === 1) cell = '';
          break;
      }
    },
    text: (t) => {
      if (inText) text += t;
    },
    close: (name) => {
      switch (name) {
        case 'w:t':
          inText = false;
          break;
        case 'w:p':
          if (--pDepth > 0) break;
          if (tblDepth > 0) {
            if (cell !== undefined) cell += ` ${text}`;
          } else if (level !== undefined) out.heading(level, text);
          else if (list) out.listItem(text);
          else out.text(text);
          text = '';
          break;
        case 'w:tc':
          if (tblDepth === 1 && row && cell !== undefined) row.push(cell);
          cell = undefined;
          break;
        case 'w:tr':
          if (tblDepth === 1 && row) rows.push(row);
          row = undefined;
          break;
        case 'w:tbl':
          if (--tblDepth === 0) out.table(rows);
          break;
      }
    },
  });
  return { blocks: out.finish(), ...coreProperties(zip) };
}

/** The parts a relationships file points at, by relationship id. */
function relationships(xml: string | undefined, base: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!xml) return out;
  walkXml(xml, {
    open: (name, a) => {
      if (name !== 'Relationship' || !a['Id'] || !a['Target']) return;
      const target = a['Target'];
      out.set(
        a['Id'],
        target.startsWith('/') ? target.slice(1) : new URL(target, `zip:/${base}`).pathname.slice(1),
      );
    },
  });
  return out;
}

/** Slide parts in the deck's order. */
function slideOrder(zip: ZipArchive): string[] {
  const rels = relationships(zip.text('ppt/_rels/presentation.xml.rels'), 'ppt/presentation.xml');
  const order: string[] = [];
  walkXml(zip.text('ppt/presentation.xml') ?? '', {
    open: (name, a) => {
      if (name === 'p:sldId') {
        const target = rels.get(a['r:id'] ?? '');
        if (target && zip.has(target)) order.push(target);
      }
    },
  });
  if (order.length > 0) return order;
  // No usable list: slide1.xml, slide2.xml, … by number.
  return zip.names
    .filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n))
    .sort((a, b) => Number(/(\d+)\.xml$/.exec(a)?.[1]) - Number(/(\d+)\.xml$/.exec(b)?.[1]));
}

/** Slides at most read from one deck. */
const MAX_SLIDES = 2_000;

export function readPptx(zip: ZipArchive): DocumentContent {
  const out = new BlockCollector();
  const slides = slideOrder(zip).slice(0, MAX_SLIDES);
  let firstTitle: string | undefined;
  slides.forEach((part, index) => {
    const slide = index + 1;
    out.page = slide;
    const shapes: Array<{ title: boolean; paragraphs: string[] }> = [];
    let shape: { title: boolean; paragraphs: string[] } | undefined;
    let paragraph: string | undefined;
    let inText = false;
    let tblDepth = 0;
    let rows: string[][] = [];
    let row: string[] | undefined;
    let cell: string | undefined;
    const tables: string[][][] = [];
    if (out.full) return;
    walkXml(zip.read(part) ?? '', {
      open: (name, a) => {
        if (name === 'p:sp') {
          shape = { title: false, paragraphs: [] };
          shapes.push(shape);
        } else if (name === 'p:ph' && shape) {
          shape.title = a['type'] === 'title' || a['type'] === 'ctrTitle';
        } else if (name === 'a:tbl') {
          if (tblDepth++ === 0) rows = [];
        } else if (name === 'a:tr' && tblDepth === 1) row = [];
        else if (name === 'a:tc' && tblDepth === 1) cell = '';
        else if (name === 'a:p') paragraph = '';
        else if (name === 'a:t') inText = true;
        else if (name === 'a:br' && paragraph !== undefined) paragraph += ' ';
      },
      text: (t) => {
        if (inText && paragraph !== undefined) paragraph += t;
      },
      close: (name) => {
        if (name === 'a:t') inText = false;
        else if (name === 'a:p') {
          if (tblDepth > 0 && cell !== undefined) cell += ` ${paragraph ?? ''}`;
          else if (shape && paragraph?.trim()) shape.paragraphs.push(paragraph);
          paragraph = undefined;
        } else if (name === 'a:tc' && tblDepth === 1) {
          if (row && cell !== undefined) row.push(cell);
          cell = undefined;
        } else if (name === 'a:tr' && tblDepth === 1) {
          if (row) rows.push(row);
          row = undefined;
        } else if (name === 'a:tbl') {
          if (--tblDepth === 0) tables.push(rows);
        } else if (name === 'p:sp') shape = undefined;
      },
    });
    const title = shapes
      .find((s) => s.title)
      ?.paragraphs.join(' ')
      .trim();
    if (title && !firstTitle) firstTitle = title;
    out.heading(2, title || `Slide ${slide}`);
    for (const s of shapes) {
      if (s.title) continue;
      if (s.paragraphs.length === 1) out.text(s.paragraphs[0] ?? '');
      else for (const p of s.paragraphs) out.listItem(p);
      out.flushList();
    }
    for (const t of tables) out.table(t);
  });
  const core = coreProperties(zip);
  return { blocks: out.finish(), ...core, title: core.title ?? firstTitle, pages: slides.length };
}
