// Which documents the crawler reads besides HTML, how it recognises them (media type, then the
// bytes, then the URL's extension for servers that say application/octet-stream) and how large
// each may be.
import type { DocumentType } from '../../services/core.js';

export type { DocumentType };

const MEDIA_TYPES: Readonly<Record<string, DocumentType>> = {
  'application/pdf': 'pdf',
  'application/x-pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.presentation': 'odp',
  'text/plain': 'text',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
};

const EXTENSIONS: Readonly<Record<string, DocumentType>> = {
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

/** Media types servers use for bytes they do not describe. */
const UNTYPED = new Set(['application/octet-stream', 'binary/octet-stream', 'application/x-download', '']);

/** Media types the crawler asks for besides HTML. */
export const DOCUMENT_MEDIA_TYPES: readonly string[] = Object.keys(MEDIA_TYPES);

/** Body caps per type, bytes after decompression (HTML keeps the fetcher's 5 MB). */
export const DOCUMENT_MAX_BYTES: Readonly<Record<DocumentType, number>> = {
  pdf: 50 * 1024 * 1024,
  docx: 25 * 1024 * 1024,
  pptx: 50 * 1024 * 1024,
  odt: 25 * 1024 * 1024,
  odp: 50 * 1024 * 1024,
  text: 5 * 1024 * 1024,
  markdown: 5 * 1024 * 1024,
};

/** The document type a URL's path names by its extension, if any. */
export function typeFromExtension(url: string): DocumentType | undefined {
  let path = url;
  const q = path.search(/[?#]/);
  if (q >= 0) path = path.slice(0, q);
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot <= slash) return undefined;
  return EXTENSIONS[path.slice(dot + 1).toLowerCase()];
}

/** Whether a URL names a document by its extension (so an untyped answer is worth reading). */
export function looksLikeDocument(url: string): boolean {
  return typeFromExtension(url) !== undefined;
}

/** What the response is, from its media type, its first bytes and its URL. */
export function documentTypeOf(mediaType: string, url: string, head?: Uint8Array): DocumentType | undefined {
  const declared = MEDIA_TYPES[mediaType];
  const byExtension = typeFromExtension(url);
  // A served .md file is often text/plain.
  if (declared === 'text') return byExtension === 'markdown' ? 'markdown' : 'text';
  if (declared) return declared;
  if (!UNTYPED.has(mediaType)) return undefined;
  if (head && head.length >= 5 && String.fromCharCode(...head.subarray(0, 5)) === '%PDF-') return 'pdf';
  return byExtension;
}

/** The media type a document type is served as (what the API shows for it). */
export function mediaTypeOf(type: DocumentType): string {
  for (const [media, t] of Object.entries(MEDIA_TYPES)) if (t === type) return media;
  return 'application/octet-stream';
}
