// Where a citation takes the reader: the passage's page, at the place the passage starts. The
// fragment is the id of the nearest heading or term above it (`#gc-reflogexpire`) when the page has
// one, else a text fragment (`#:~:text=…`, the Fragment Directive browsers scroll to) of the
// passage's opening words. And the passage's heading path, shown beside it ("Section › Term"). Pure.
import type { DocumentType, PassageRecord } from '../types.js';

/** Words of a text fragment: enough to be unique on most pages, few enough to match exactly. */
const TEXT_FRAGMENT_WORDS = 6;

/** Percent-encoding for a text directive: what encodeURIComponent leaves, plus '-', ',' and '&'. */
function encodeTextDirective(text: string): string {
  return encodeURIComponent(text).replace(/-/g, '%2D').replace(/,/g, '%2C');
}

/**
 * The first words of a passage as the page shows them: without the Markdown Citebox adds (code
 * fences and backticks, list bullets), stopping at the first line so a match does not cross blocks.
 */
export function openingWords(text: string, words = TEXT_FRAGMENT_WORDS): string | undefined {
  // The first line that is not a code fence's marker (without splitting the whole text).
  let first: string | undefined;
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end < 0 ? text.length : end);
    const trimmed = line.trim();
    if (trimmed && !trimmed.startsWith('```')) {
      first = line;
      break;
    }
    if (end < 0) break;
    start = end + 1;
  }
  if (!first) return undefined;
  const plain = first
    .replace(/`/g, '')
    .replace(/^\s*•\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
  // Chinese and Japanese have no spaces between words: a dozen characters, up to a full stop.
  const cjk = /^[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]/u.test(plain);
  const picked = cjk
    ? (plain.split(/[。！？，；,.]/u)[0] ?? '').slice(0, 12)
    : plain.split(' ', words).join(' ');
  return picked.length >= 2 ? picked : undefined;
}

/**
 * The passage's URL with a fragment that lands on it (none for a page's first passage without an
 * anchor: the top of the page is its place).
 */
export function passageLink(passage: Pick<PassageRecord, 'url' | 'anchor' | 'text' | 'position'>): string {
  const base = passage.url.replace(/#.*$/, '');
  // A PDF page or a slide: `#page=N`, the open parameter PDF viewers go to (RFC 8118).
  if (passage.anchor && pageOfAnchor(passage.anchor) !== undefined) return `${base}#${passage.anchor}`;
  if (passage.anchor) return `${base}#${encodeURIComponent(passage.anchor).replace(/%3A/gi, ':')}`;
  if (passage.position === 0) return base;
  const words = openingWords(passage.text);
  return words ? `${base}#:~:text=${encodeTextDirective(words)}` : base;
}

/** The passage's heading path, outermost first, as one line ("Variables › gc.reflogExpire"). */
export function sectionOf(passage: Pick<PassageRecord, 'headings'>): string | undefined {
  const path = passage.headings.map((h) => h.trim()).filter(Boolean);
  return path.length > 0 ? path.join(' › ') : undefined;
}

/** The anchor of a passage on a page of a paged document (a PDF page, a slide), 1-based. */
export function pageAnchor(page: number): string {
  return `page=${page}`;
}

/** The page a passage's anchor names (`page=N`), if it names one. */
export function pageOfAnchor(anchor: string | undefined): number | undefined {
  const m = /^page=(\d{1,6})$/.exec(anchor ?? '');
  return m ? Number(m[1]) : undefined;
}

const DOCUMENT_EXTENSIONS: Readonly<Record<string, DocumentType>> = {
  pdf: 'pdf',
  docx: 'docx',
  pptx: 'pptx',
  odt: 'odt',
  odp: 'odp',
  txt: 'text',
  text: 'text',
  md: 'markdown',
  markdown: 'markdown',
};

/**
 * What kind of document a passage is from, by its URL's extension (the crawler reads these types
 * besides HTML); undefined for web pages and for documents served from URLs without one.
 */
export function documentTypeOfUrl(url: string): DocumentType | undefined {
  const path = url.replace(/[?#].*$/, '');
  const dot = path.lastIndexOf('.');
  if (dot <= path.lastIndexOf('/')) return undefined;
  return DOCUMENT_EXTENSIONS[path.slice(dot + 1).toLowerCase()];
}

/** The document type and page a source or citation shows (both absent for web pages). */
export function documentPlace(passage: Pick<PassageRecord, 'url' | 'anchor'>): {
  doc_type?: DocumentType;
  page?: number;
} {
  const docType = documentTypeOfUrl(passage.url);
  const page = pageOfAnchor(passage.anchor);
  return { ...(docType ? { doc_type: docType } : {}), ...(page !== undefined ? { page } : {}) };
}
