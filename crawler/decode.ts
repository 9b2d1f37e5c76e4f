// Bytes to text for HTML, in the order browsers use: the byte-order mark, then the Content-Type
// charset, then a <meta> charset in the first bytes, then detection (valid UTF-8, else chardet's
// statistical guess), then Windows-1252. GBK and GB2312 decode as their superset GB18030. One
// deliberate exception: a page labelled Latin-1 / Windows-1252 whose bytes are valid multi-byte
// UTF-8 is UTF-8 (the most common mislabelling on the web; real Latin-1 text is almost never
// valid UTF-8).
import chardet from 'chardet';

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

/** The WHATWG encoding name for a charset label, or undefined for labels TextDecoder doesn't know. */
export function normalizeCharset(label: string | undefined, fromMeta = false): string | undefined {
  if (!label) return undefined;
  const l = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (!l) return undefined;
  const name = (fromMeta || !l.startsWith('utf-16') ? ALIASES[l] : undefined) ?? l;
  try {
    const encoding = new TextDecoder(name).encoding;
    return encoding === 'gbk' ? 'gb18030' : encoding;
  } catch {
    return undefined; // an unknown label: fall through to the next source
  }
}

export function charsetFromContentType(contentType: string | undefined): string | undefined {
  const m = /charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType ?? '');
  return normalizeCharset(m?.[2]);
}

export function charsetFromBom(body: Uint8Array): string | undefined {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  return undefined;
}

/** `<meta charset>` or `<meta http-equiv=Content-Type content="…; charset=…">` in the first 4 KiB. */
export function charsetFromMeta(body: Uint8Array): string | undefined {
  const head = Buffer.from(body.subarray(0, 4096)).toString('latin1');
  for (const m of head.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = m[0];
    const direct = /\bcharset\s*=\s*["']?\s*([\w:.-]+)/i.exec(tag);
    if (direct) {
      const name = normalizeCharset(direct[1], true);
      if (name) return name;
    }
  }
  return undefined;
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
