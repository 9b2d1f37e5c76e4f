// Bytes to text for HTML, in the order browsers use: the byte-order mark, then the Content-Type
// charset, then a <meta> charset (the HTML Standard's prescan, charset-prescan.ts), then detection (valid UTF-8, else chardet's
// statistical guess), then Windows-1252. GBK and GB2312 decode as their superset GB18030. One
// deliberate exception: a page labelled Latin-1 / Windows-1252 whose bytes are valid multi-byte
// UTF-8 is UTF-8 (the most common mislabelling on the web; real Latin-1 text is almost never
// valid UTF-8).
import chardet from 'chardet';
import { prescanMetaCharset } from './charset-prescan.js';

export type CharsetSource = 'bom' | 'header' | 'meta' | 'detected' | 'default';

const ALIASES: Readonly<Record<string, string>> = {
  gbk: 'gb18030',
  gb2312: 'gb18030',
  'x-gbk': 'gb18030',
  'x-euc-cn': 'gb18030',
  'euc-cn': 'gb18030',
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  sjis: 'shift_jis',
  'x-sjis': 'shift_jis',
  ms932: 'shift_jis',
  'windows-31j': 'shift_jis',
  'big5-hkscs': 'big5',
  'x-user-defined': 'windows-1252',
  // A page can't be UTF-16 and carry an ASCII <meta>; browsers read such labels as UTF-8.
  'utf-16': 'utf-8',
  'utf-16le': 'utf-8',
  'utf-16be': 'utf-8',
};

const WESTERN = new Set(['windows-1252', 'iso-8859-15']);

/** Encodings of the labels seen so far: building a TextDecoder only to read a label's name, once per page, showed in profiles. */
const LABELS = new Map<string, string | undefined>();

/** The encoding a label names (WHATWG labels plus our aliases), or undefined. */
function encodingForLabel(label: string, fromMeta: boolean): string | undefined {
  const l = label.toLowerCase();
  if (!l) return undefined;
  const name = (fromMeta || !l.startsWith('utf-16') ? ALIASES[l] : undefined) ?? l;
  if (LABELS.has(name)) return LABELS.get(name);
  let encoding: string | undefined;
  try {
    encoding = new TextDecoder(name).encoding;
    if (encoding === 'gbk') encoding = 'gb18030';
  } catch {
    encoding = undefined; // an unknown label: fall through to the next source
  }
  // Bounded: labels come from pages.
  if (LABELS.size < 256) LABELS.set(name, encoding);
  return encoding;
}

/** The WHATWG encoding name for a charset label, or undefined for labels TextDecoder doesn't know. */
export function normalizeCharset(label: string | undefined, fromMeta = false): string | undefined {
  if (!label) return undefined;
  return encodingForLabel(label.trim().replace(/^["']|["']$/g, ''), fromMeta);
}

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const m = /charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '');
  return normalizeCharset(m?.[2]);
}

/**
 * The byte-order mark's encoding (the HTML Standard's BOM sniff): all of EF BB BF, FE FF or FF FE.
 * A partial mark (EF BB followed by anything else, a body of one or two bytes) is no mark.
 */
export function charsetFromBom(body: Uint8Array): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/** A label as the prescan resolves it: ASCII white space trimmed, nothing else forgiven. */
function metaLabel(label: string): string | undefined {
  return encodingForLabel(label.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, ''), true);
}

/** Bytes the standard's prescan looks at. */
export const PRESCAN_BYTES = 1024;
/** How far a <meta> in <head> is still honoured when the first 1024 bytes name none. */
export const LATE_META_BYTES = 64 * 1024;

/**
 * The encoding a <meta> declares: the HTML Standard's prescan of the first 1024 bytes; when that
 * finds none, the same prescan up to <body> (at most 64 KiB), as browsers honour a late <meta>
 * in <head> (Firefox reloads the page, Chrome scans the head).
 */
export function charsetFromMeta(body: Uint8Array): string | undefined {
  return (
    prescanMetaCharset(body, metaLabel, { limit: PRESCAN_BYTES }) ??
    (body.length > PRESCAN_BYTES
      ? prescanMetaCharset(body, metaLabel, { limit: LATE_META_BYTES, stopAtBody: true })
      : undefined)
  );
}

const utf8Fatal = new TextDecoder('utf-8', { fatal: true });

/** Whether the bytes are valid UTF-8 with at least one multi-byte sequence (pure ASCII → false). */
export function looksLikeUtf8(sample: Uint8Array): boolean {
  let nonAscii = false;
  for (let i = 0; i < sample.length; i++) {
    if ((sample[i] ?? 0) >= 0x80) {
      nonAscii = true;
      break;
    }
  }
  if (!nonAscii) return false;
  try {
    // stream: a multi-byte character cut at the sample's end is not an error.
    utf8Fatal.decode(sample, { stream: true });
    utf8Fatal.decode();
    return true;
  } catch {
    utf8Fatal.decode(); // reset the decoder
    return false;
  }
}

/** A statistical guess of the charset (chardet), or undefined when it can't tell. */
export function detectCharset(body: Uint8Array): string | undefined {
  const sample = body.length > 65_536 ? body.subarray(0, 65_536) : body;
  if (looksLikeUtf8(sample)) return 'utf-8';
  const guess = chardet.detect(sample);
  return normalizeCharset(guess ?? undefined);
}

/** Decodes an HTML body; returns the text, the charset used and where it came from. */
export function decodeHtml(
  body: Uint8Array,
  contentType: string | undefined,
): { text: string; charset: string; source: CharsetSource } {
  const bom = charsetFromBom(body);
  if (bom) return { text: new TextDecoder(bom).decode(body), charset: bom, source: 'bom' };
  let charset: string | undefined = charsetFromContentType(contentType);
  let source: CharsetSource = 'header';
  if (!charset) {
    charset = charsetFromMeta(body);
    source = 'meta';
  }
  if (charset && WESTERN.has(charset) && looksLikeUtf8(body.subarray(0, 65_536))) {
    charset = 'utf-8';
    source = 'detected';
  }
  if (!charset) {
    charset = detectCharset(body);
    source = 'detected';
  }
  if (!charset) {
    charset = 'windows-1252';
    source = 'default';
  }
  return { text: new TextDecoder(charset).decode(body), charset, source };
}
