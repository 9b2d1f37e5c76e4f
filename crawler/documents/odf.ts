// OpenDocument text (.odt) and presentations (.odp), read from content.xml and meta.xml. Text:
// headings by outline level, paragraphs, lists, tables; footnote and annotation bodies are left
// out. Presentations: each draw:page is a slide (a page) whose title frame is its heading (else
// "Slide N"); speaker notes are left out.
import { BlockCollector, type DocumentContent } from './blocks.js';
import { elementText, isoDate, walkXml } from './xml.js';
import type { ZipArchive } from './zip.js';

/** Elements whose text is not part of the body as read (notes, annotations, speaker notes). */
const SKIPPED = new Set([
  'text:note-citation',
  'text:note-body',
  'office:annotation',
  'presentation:notes',
  'text:tracked-changes',
]);

function metadata(zip: ZipArchive): Omit<DocumentContent, 'blocks'> {
  const meta = zip.text('meta.xml');
  return {
    title: elementText(meta, 'dc:title'),
    author: elementText(meta, 'meta:initial-creator') ?? elementText(meta, 'dc:creator'),
    publishedAt: isoDate(elementText(meta, 'meta:creation-date') ?? elementText(meta, 'dc:date')),
    lang: elementText(meta, 'dc:language'),
  };
}

/** Slides at most read from one presentation. */
const MAX_SLIDES = 2_000;

export function readOdf(zip: ZipArchive, presentation: boolean): DocumentContent {
  const content = zip.read('content.xml');
  if (content === undefined) throw new Error('no content.xml');
  const out = new BlockCollector();
  let skip = 0;
  // The innermost text container being read: a heading, a paragraph, or a table cell's paragraphs.
  let text: string | undefined;
  let headingLevel: number | undefined;
  let listDepth = 0;
  let tblDepth = 0;
  let rows: string[][] = [];
  let row: string[] | undefined;
  let cell: string | undefined;
  let slide = 0;
  let frameTitle = false;
  let slideTitled = false;
  let slideTitle = '';
  let firstTitle: string | undefined;
  const pendingSlideBlocks: Array<() => void> = [];
  let pDepth = 0;
  /** A slide frame's paragraphs: one is a paragraph, several a list (as in PowerPoint files). */
  let frameParagraphs: string[] | undefined;

  const endParagraph = (value: string) => {
    if (tblDepth > 0) {
      if (cell !== undefined) cell += ` ${value}`;
    } else if (presentation && frameTitle) {
      slideTitle += ` ${value}`;
    } else if (presentation && frameParagraphs) {
      frameParagraphs.push(value);
    } else if (headingLevel !== undefined) {
      const level = headingLevel;
      emit(() => out.heading(level, value));
    } else if (listDepth > 0) emit(() => out.listItem(value));
    else emit(() => out.text(value));
  };
  // In a presentation a slide's title may come after its other frames: blocks wait for the slide's end.
  const emit = (fn: () => void) => {
    if (presentation) pendingSlideBlocks.push(fn);
    else fn();
  };

  walkXml(content, {
    done: () => out.full,
    open: (name, a) => {
      if (skip > 0 || SKIPPED.has(name)) {
        skip++;
        return;
      }
      switch (name) {
        case 'draw:page':
          slide++;
          out.page = slide;
          slideTitled = false;
          slideTitle = '';
          pendingSlideBlocks.length = 0;
          break;
        case 'draw:frame':
          frameTitle = a['presentation:class'] === 'title';
          if (frameTitle) slideTitled = true;
          if (presentation && !frameTitle) frameParagraphs = [];
          break;
        case 'text:h':
          if (pDepth++ === 0) {
            text = '';
            headingLevel = Math.max(1, Number(a['text:outline-level'] ?? 1) || 1);
          }
          break;
        case 'text:p':
          if (pDepth++ === 0) {
            text = '';
            headingLevel = undefined;
          }
          break;
        case 'text:list':
          listDepth++;
          break;
        case 'text:s': {
          const n = Math.min(Number(a['text:c'] ?? 1) || 1, 100);
          if (text !== undefined) text += ' '.repeat(n);
          break;
        }
        case 'text:tab':
        case 'text:line-break':
          if (text !== undefined) text += ' ';
          break;
        case 'table:table':
          if (tblDepth++ === 0) rows = [];
          break;
        case 'table:table-row':
          if (tblDepth === 1) row = [];
          break;
        case 'table:table-cell':
          if (tblDepth === 1) cell = '';
          break;
      }
    },
    text: (t) => {
      if (skip === 0 && text !== undefined) text += t;
    },
    close: (name) => {
      if (skip > 0) {
        skip--;
        return;
      }
      switch (name) {
        case 'text:h':
        case 'text:p':
          if (--pDepth === 0) {
            endParagraph(text ?? '');
            text = undefined;
          }
          break;
        case 'text:list':
          listDepth--;
          if (listDepth === 0 && !presentation) out.flushList();
          break;
        case 'draw:frame': {
          frameTitle = false;
          const paragraphs = frameParagraphs ?? [];
          frameParagraphs = undefined;
          if (paragraphs.length === 1) emit(() => out.text(paragraphs[0] ?? ''));
          else if (paragraphs.length > 1)
            emit(() => {
              for (const p of paragraphs) out.listItem(p);
              out.flushList();
            });
          break;
        }
        case 'table:table-cell':
          if (tblDepth === 1 && row && cell !== undefined) row.push(cell);
          cell = undefined;
          break;
        case 'table:table-row':
          if (tblDepth === 1 && row) rows.push(row);
          row = undefined;
          break;
        case 'table:table':
          if (--tblDepth === 0) {
            const table = rows;
            emit(() => out.table(table));
          }
          break;
        case 'draw:page': {
          const title = slideTitle.trim();
          if (title && !firstTitle) firstTitle = title;
          if (slide <= MAX_SLIDES) {
            out.heading(2, slideTitled && title ? title : `Slide ${slide}`);
            for (const fn of pendingSlideBlocks) fn();
            out.flushList();
          }
          pendingSlideBlocks.length = 0;
          break;
        }
      }
    },
  });
  const meta = metadata(zip);
  return {
    blocks: out.finish(),
    ...meta,
    title: meta.title ?? (presentation ? firstTitle : undefined),
    ...(presentation ? { pages: slide } : {}),
  };
}
