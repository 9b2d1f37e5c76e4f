// Bytes to text for HTML: the byte-order mark, then the Content-Type charset, then a <meta>
// charset in the first bytes, then UTF-8. GBK and GB2312 decode as their superset GB18030.

const ALIASES: Readonly<Record<string, string>> = {
  gbk: 'gb18030',
  gb2312: 'gb18030',
  'x-gbk': 'gb18030',
  'iso-8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  sjis: 'shift_jis',
  'x-sjis': 'shift_jis',
};

export function normalizeCharset(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const l = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .toLowerCase();
  if (!l) return undefined;
  const name = ALIASES[l] ?? l;
  try {
    return new TextDecoder(name).encoding;
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

export function charsetFromMeta(body: Uint8Array): string | undefined {
  const head = Buffer.from(body.subarray(0, 2048)).toString('latin1');
  const direct = /<meta[^>]+charset\s*=\s*["']?([\w:.-]+)/i.exec(head);
  if (direct) return normalizeCharset(direct[1]);
  return undefined;
}

/** Decodes an HTML body; returns the text and the charset used. */
export function decodeHtml(
  body: Uint8Array,
  contentType: string | undefined,
): { text: string; charset: string } {
  const charset =
    charsetFromBom(body) ?? charsetFromContentType(contentType) ?? charsetFromMeta(body) ?? 'utf-8';
  const text = new TextDecoder(charset).decode(body);
  return { text, charset };
}
