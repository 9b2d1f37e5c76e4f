// PDFs with a text layer, read with Mozilla's pdf.js (pdfjs-dist): the text of each page as lines
// (with their font size), lines into paragraphs by the gaps between them, larger lines into
// headings (levels by size), running headers, footers and page numbers dropped, words hyphenated
// across lines joined. Every block keeps its page number. The title is the document's metadata
// title when it is a real one (not "untitled" or a file name), else its first heading. Encrypted
// files (a password to open), files without a text layer (scans) and broken files are refused
// with the reason.

import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CiteboxError } from '../../services/core.js';
import { BlockCollector, type DocumentContent, MAX_DOCUMENT_CHARS } from './blocks.js';

/** Pages read at most from one PDF. */
export const MAX_PDF_PAGES = 2_000;
/** Characters of text read at most from one PDF. */
const MAX_PDF_CHARS = MAX_DOCUMENT_CHARS;

interface Line {
  text: string;
  size: number;
  y: number;
}

// The legacy build carries the polyfills pdf.js 6 needs on Node 24 (Uint8Array.prototype.toHex…).
type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | undefined;
let assets: { cMapUrl: string; standardFontDataUrl: string } | undefined;

/** pdf.js, loaded on the first PDF (it is large, and HTML crawls never need it). */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  if (!assets) {
    const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    assets = {
      cMapUrl: `${pathToFileURL(root).href}/cmaps/`,
      standardFontDataUrl: `${pathToFileURL(root).href}/standard_fonts/`,
    };
  }
  return pdfjs;
}

function unreadable(reason: string, cause?: unknown): CiteboxError {
  return new CiteboxError('FETCH_UNSUPPORTED', reason, cause === undefined ? undefined : { cause });
}

/** A metadata title worth showing: not empty, "untitled", a file name or a converter's label. */
export function usableTitle(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const title = raw
    .replace(/^microsoft (word|powerpoint|excel) - /i, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!title || /^untitled\b/i.test(title) || /^document\d*$/i.test(title)) return undefined;
  if (/\.(docx?|pptx?|odt|pdf|tex|dvi|indd|rtf|txt|qxd|ps)$/i.test(title)) return undefined;
  if (/^[\w-]+$/.test(title) && /[_\d]/.test(title)) return undefined; // report_v2_final
  return title;
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]/;

/** Joins the lines of a paragraph: hyphenated words are rejoined, CJK lines need no space. */
function joinLines(lines: readonly string[]): string {
  let out = '';
  for (const line of lines) {
    if (!out) {
      out = line;
      continue;
    }
    if (/[a-zà-ÿ]-$/i.test(out) && /^[a-zà-ÿ]/.test(line)) out = out.slice(0, -1) + line;
    else if (CJK.test(out.at(-1) ?? '') && CJK.test(line[0] ?? '')) out += line;
    else out += ` ${line}`;
  }
  return out;
}

/** A line's text with digits as '#', to find running headers and footers ("Page 3 of 10"). */
function shape(text: string): string {
  return text.replace(/\d+/g, '#').toLowerCase();
}

const PAGE_NUMBER = /^(page\s*)?#(\s*(of|\/)\s*#)?$|^[-–—]\s*#\s*[-–—]$/;

export async function readPdf(bytes: Uint8Array): Promise<DocumentContent> {
  const { getDocument } = await loadPdfJs();
  const task = getDocument({
    // A copy as a plain Uint8Array (pdf.js refuses Buffers and may take ownership of its data).
    data: new Uint8Array(bytes),
    disableFontFace: true,
    useSystemFonts: false,
    isOffscreenCanvasSupported: false,
    stopAtErrors: false,
    verbosity: 0,
    ...assets,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => undefined);
    const name = (err as { name?: string }).name;
    if (name === 'PasswordException')
      throw unreadable('encrypted PDF (a password is needed to open it)', err);
    throw unreadable(`unreadable PDF: ${(err as Error).message}`, err);
  }
  try {
    const pageCount = Math.min(doc.numPages, MAX_PDF_PAGES);
    const pages: Line[][] = [];
    let chars = 0;
    for (let n = 1; n <= pageCount && chars < MAX_PDF_CHARS; n++) {
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      const lines: Line[] = [];
      let current: Line | undefined;
      for (const item of content.items) {
        if (!('str' in item)) continue;
        const t = item.transform as number[];
        const size = Math.round(Math.hypot(t[2] ?? 0, t[3] ?? 0) * 10) / 10;
        if (item.str) {
          if (!current) {
            current = { text: item.str, size, y: t[5] ?? 0 };
            lines.push(current);
          } else {
            current.text += item.str;
            current.size = Math.max(current.size, size);
          }
        }
        if (item.hasEOL) current = undefined;
      }
      page.cleanup();
      for (const l of lines) l.text = l.text.replace(/\s+/g, ' ').trim();
      const kept = lines.filter((l) => l.text);
      chars += kept.reduce((a, l) => a + l.text.length, 0);
      pages.push(kept);
    }
    if (chars === 0) throw unreadable('PDF without a text layer (scanned pages?): nothing to index');
    const meta = await doc.getMetadata().catch(() => undefined);
    const info = (meta?.info ?? {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const { blocks, title } = toBlocks(pages);
    const xmpTitle = meta?.metadata?.get('dc:title');
    return {
      blocks,
      title: usableTitle(str(info['Title'])) ?? usableTitle(str(xmpTitle)) ?? title,
      author: str(info['Author'])?.trim() || undefined,
      publishedAt: pdfDate(str(info['CreationDate'])),
      lang: str(info['Language'])?.trim() || undefined,
      pages: doc.numPages,
    };
  } finally {
    await task.destroy().catch(() => undefined);
  }
}

/** A PDF date ("D:20240131120000+01'00'") as ISO, or undefined. */
export function pdfDate(value: string | undefined): string | undefined {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Z+-])?(\d{2})?'?(\d{2})?/.exec(
    value ?? '',
  );
  if (!m) return undefined;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', tz, th = '00', tm = '00'] = m;
  const zone = !tz || tz === 'Z' ? 'Z' : `${tz}${th}:${tm}`;
  const t = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/** Blocks of the pages' lines, each with its page number; the first heading as a title. */
export function toBlocks(pages: readonly (readonly Line[])[]): {
  blocks: DocumentContent['blocks'];
  title?: string;
} {
  // Running headers and footers: first or last lines of the same shape on many pages.
  const edges = new Map<string, number>();
  for (const lines of pages) {
    const seen = new Set<string>();
    for (const l of [lines[0], lines[1], lines.at(-1), lines.at(-2)]) if (l) seen.add(shape(l.text));
    for (const s of seen) edges.set(s, (edges.get(s) ?? 0) + 1);
  }
  const running = new Set(
    [...edges].filter(([, n]) => pages.length >= 3 && n >= Math.max(3, pages.length / 2)).map(([s]) => s),
  );
  // Body size: the size most characters are set in.
  const bySize = new Map<number, number>();
  for (const lines of pages)
    for (const l of lines) bySize.set(l.size, (bySize.get(l.size) ?? 0) + l.text.length);
  const body = [...bySize].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  const isHeading = (l: Line) =>
    body > 0 && l.size >= body * 1.2 && l.text.split(' ').length <= 20 && !/[.,;:]$/.test(l.text);
  const headingSizes = [...new Set(pages.flatMap((ls) => ls.filter(isHeading).map((l) => l.size)))].sort(
    (a, b) => b - a,
  );
  const out = new BlockCollector();
  let title: string | undefined;
  pages.forEach((lines, index) => {
    out.page = index + 1;
    let paragraph: string[] = [];
    let last: Line | undefined;
    const flush = () => {
      if (paragraph.length > 0) out.text(joinLines(paragraph));
      paragraph = [];
    };
    for (const [i, line] of lines.entries()) {
      const s = shape(line.text);
      const edge = i < 2 || i >= lines.length - 2;
      if ((edge && running.has(s)) || PAGE_NUMBER.test(s)) continue;
      if (isHeading(line)) {
        flush();
        const level = Math.min(4, headingSizes.indexOf(line.size) + 1);
        // A heading set over two lines is one heading.
        const previous = out.blocks.at(-1);
        if (
          last &&
          isHeading(last) &&
          last.size === line.size &&
          previous?.type === 'heading' &&
          previous.page === out.page
        ) {
          out.blocks[out.blocks.length - 1] = { ...previous, text: `${previous.text} ${line.text}` };
        } else out.heading(level, line.text);
        title ??= line.text;
        last = line;
        continue;
      }
      // A gap of more than about one blank line, or a change of size, starts a paragraph.
      if (
        last &&
        (Math.abs(last.y - line.y) > Math.max(line.size, last.size) * 1.9 || last.size !== line.size)
      )
        flush();
      paragraph.push(line.text);
      last = line;
    }
    flush();
  });
  const blocks = out.finish();
  const firstHeading = blocks.find((b) => b.type === 'heading');
  return {
    blocks,
    ...(firstHeading && firstHeading.type === 'heading'
      ? { title: firstHeading.text }
      : title
        ? { title }
        : {}),
  };
}
