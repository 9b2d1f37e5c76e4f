// A document's bytes to what the crawler indexes, in one function: read by its type (PDF, Word,
// PowerPoint, OpenDocument, text, Markdown), then its main text, the text's hash and SimHash, as
// for HTML pages. Runs on the document pool's worker threads.
import { CiteboxError, type DocumentType, type PagedBlock, stableId } from '../../services/core.js';
import { fingerprintToHex, simhash } from '../simhash.js';
import type { DocumentContent } from './blocks.js';
import { readOdf } from './odf.js';
import { readDocx, readPptx } from './ooxml.js';
import { readPdf } from './pdf.js';
import { decodeText, readMarkdown, readPlainText } from './text.js';
import { ZipArchive } from './zip.js';

export interface DocumentRequest {
  readonly body: Uint8Array;
  readonly type: DocumentType;
  readonly contentType?: string | undefined;
  /** Where it came from (for a title from its file name). */
  readonly url: string;
}

export interface DocumentAnalysis {
  readonly type: DocumentType;
  readonly title: string;
  readonly author: string | undefined;
  readonly publishedAt: string | undefined;
  readonly lang: string | undefined;
  readonly blocks: PagedBlock[];
  readonly headings: string[];
  /** Pages (PDF) or slides; undefined for flowing documents. */
  readonly pages: number | undefined;
  readonly text: string;
  readonly contentHash: string;
  readonly simhash: string | null;
}

function unreadable(reason: string): CiteboxError {
  return new CiteboxError('FETCH_UNSUPPORTED', reason);
}

/** The zip-based types, told apart by their parts (the media type may be generic). */
function zipType(zip: ZipArchive, declared: DocumentType): DocumentType {
  if (zip.has('word/document.xml')) return 'docx';
  if (zip.has('ppt/presentation.xml')) return 'pptx';
  const mimetype = zip.has('mimetype') ? zip.text('mimetype')?.trim() : undefined;
  if (mimetype === 'application/vnd.oasis.opendocument.text') return 'odt';
  if (mimetype === 'application/vnd.oasis.opendocument.presentation') return 'odp';
  if (zip.has('content.xml') && (declared === 'odt' || declared === 'odp')) return declared;
  throw unreadable(`not a ${declared} file (a zip of another kind${mimetype ? `: ${mimetype}` : ''})`);
}

async function readContent(
  request: DocumentRequest,
): Promise<{ type: DocumentType; content: DocumentContent }> {
  const { body, type } = request;
  switch (type) {
    case 'pdf':
      return { type, content: await readPdf(body) };
    case 'text':
      return { type, content: readPlainText(decodeText(body, request.contentType)) };
    case 'markdown':
      return { type, content: readMarkdown(decodeText(body, request.contentType)) };
    default: {
      if (!ZipArchive.isZip(body)) throw unreadable(`not a ${type} file (no zip signature)`);
      const zip = new ZipArchive(body);
      const actual = zipType(zip, type);
      try {
        const content =
          actual === 'docx'
            ? readDocx(zip)
            : actual === 'pptx'
              ? readPptx(zip)
              : readOdf(zip, actual === 'odp');
        return { type: actual, content };
      } catch (err) {
        if (err instanceof CiteboxError) throw err;
        throw unreadable(`unreadable ${actual} file: ${(err as Error).message}`);
      }
    }
  }
}

/** The main text: the blocks as lines (list items one a line). */
export function documentText(blocks: readonly PagedBlock[]): string {
  return blocks
    .map((b) => {
      switch (b.type) {
        case 'list':
          return b.items.join('\n');
        case 'table':
          return b.rows.map((r) => r.join(' ')).join('\n');
        case 'term':
          return `${b.term}: ${b.text}`;
        case 'break':
          return '';
        default:
          return b.text;
      }
    })
    .join('\n')
    .trim();
}

/** A title from a URL's file name ("annual-report_2024.pdf" → "annual report 2024"). */
export function titleFromUrl(url: string): string {
  let name = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  name = name.slice(name.lastIndexOf('/') + 1);
  try {
    name = decodeURIComponent(name);
  } catch {
    // keep it escaped
  }
  return (
    name
      .replace(/\.[a-z0-9]{1,8}$/i, '')
      .replace(/[_-]+/g, ' ')
      .trim() || url
  );
}

export async function analyzeDocument(request: DocumentRequest): Promise<DocumentAnalysis> {
  const { type, content } = await readContent(request);
  const blocks = content.blocks;
  const text = documentText(blocks);
  if (!text) throw unreadable(`${type} file without text`);
  const headings = blocks.flatMap((b) => (b.type === 'heading' ? [b.text] : []));
  const fp = simhash(text);
  return {
    type,
    title: content.title ?? headings[0] ?? titleFromUrl(request.url),
    author: content.author,
    publishedAt: content.publishedAt,
    lang: content.lang,
    blocks,
    headings,
    pages: content.pages,
    text,
    contentHash: stableId(text, 32),
    simhash: fp ? fingerprintToHex(fp) : null,
  };
}
