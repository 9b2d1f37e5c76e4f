// The HTML Standard's <meta> prescan: a table of its rules written for Citebox, and the public
// html5lib-tests encoding files when they are at hand (HTML5LIB_TESTS_DIR, or
// ../shared/html5lib-tests beside the checkout; the files are not part of this repository).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromContent } from './charset-prescan.js';
import { charsetFromBom, charsetFromMeta, decodeHtml, normalizeCharset } from './decode.js';

const GBK_TEXT = '长城是中国古代的军事防御工程，全长两万多公里。';

describe('prescan rules', () => {
  it.each([
    ['charset attribute', '<meta charset="iso-8859-2">', 'iso-8859-2'],
    ['unquoted, upper case', '<META CHARSET=EUC-JP>', 'euc-jp'],
    ['http-equiv + content', '<meta http-equiv="Content-Type" content="text/html; charset=gbk">', 'gb18030'],
    ['content before http-equiv', '<meta content="text/html; charset=big5" http-equiv=content-type>', 'big5'],
    ['content without http-equiv is no declaration', '<meta content="text/html; charset=big5">', undefined],
    [
      'charset= inside a description is no declaration',
      '<meta name="description" content="how to set charset=big5 in Apache">',
      undefined,
    ],
    [
      'a declaration inside a comment is skipped',
      '<!-- <meta charset="big5"> --><meta charset="gbk">',
      'gb18030',
    ],
    ['a comment that closes at once', '<!--><meta charset="koi8-r">', 'koi8-r'],
    [
      "charset= inside another tag's attribute",
      '<a title=\'<meta charset="big5">\'>x</a><meta charset="gbk">',
      'gb18030',
    ],
    [
      'a > inside a quoted attribute does not end the tag',
      '<img alt="a > <meta charset=big5>"><meta charset=gbk>',
      'gb18030',
    ],
    ['an unknown label ignores that meta', '<meta charset="no-such"><meta charset="shift_jis">', 'shift_jis'],
    ['the first known declaration wins', '<meta charset="euc-kr"><meta charset="big5">', 'euc-kr'],
    ['a repeated attribute counts once', '<meta charset="euc-kr" charset="big5">', 'euc-kr'],
    [
      'charset wins over content in one meta',
      '<meta http-equiv=content-type content="charset=big5" charset=gbk>',
      'gb18030',
    ],
    ['UTF-16 labels mean UTF-8', '<meta charset="utf-16le">', 'utf-8'],
    ['x-user-defined means windows-1252', '<meta charset="x-user-defined">', 'windows-1252'],
    ['<metacharset> is not a meta', '<metacharset=big5>', undefined],
    ['an unclosed tag at the end is nothing', '<meta charset=big5', undefined],
    [
      'a processing instruction is stepped over',
      '<?xml version="1.0" encoding="big5"?><meta charset="gbk">',
      'gb18030',
    ],
    [
      'quoted labels in content',
      `<meta http-equiv="content-type" content="text/html; charset='windows-1251'">`,
      'windows-1251',
    ],
  ] as const)('%s', (_name, html, expected) => {
    expect(charsetFromMeta(Buffer.from(html, 'latin1'))).toBe(expected);
  });

  it('looks at the first 1024 bytes, then at a late <meta> in <head> only', () => {
    const pad = `<!-- ${'x'.repeat(2000)} -->`;
    expect(charsetFromMeta(Buffer.from(`<head>${pad}<meta charset="gbk">`))).toBe('gb18030');
    expect(charsetFromMeta(Buffer.from(`<head>${pad}</head><body><meta charset="gbk">`))).toBeUndefined();
    // Within the first 1024 bytes a <meta> counts wherever it is, as the standard says.
    expect(charsetFromMeta(Buffer.from('<body><meta charset="gbk">'))).toBe('gb18030');
  });

  it.each([
    ['text/html; charset=utf-8', 'utf-8'],
    ['charset = "big5"', 'big5'],
    ["charset='x", undefined],
    ['charsetcharset=koi8-r', 'koi8-r'],
    ['text/html', undefined],
    ['charset=; x', undefined],
  ])('content %s → %s', (content, expected) => {
    expect(charsetFromContent(content)).toBe(expected);
  });
});

describe('byte-order marks', () => {
  it.each([
    ['UTF-8', [0xef, 0xbb, 0xbf, 0x3c], 'utf-8'],
    ['UTF-16BE', [0xfe, 0xff, 0x00, 0x3c], 'utf-16be'],
    ['UTF-16LE', [0xff, 0xfe, 0x3c, 0x00], 'utf-16le'],
    ['partial UTF-8 (two bytes, then markup)', [0xef, 0xbb, 0x3c], undefined],
    ['partial UTF-8 (one byte)', [0xef], undefined],
    ['one byte of a UTF-16 mark', [0xfe], undefined],
    ['none', [0x3c, 0x21], undefined],
  ])('%s', (_name, bytes, expected) => {
    expect(charsetFromBom(Uint8Array.from(bytes))).toBe(expected);
  });

  it('a mark beats the header and the <meta>, and is not part of the text', () => {
    const html = '<meta charset="big5"><p>Ça coûte cher.</p>';
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(html, 'utf16le')]);
    const out = decodeHtml(utf16, 'text/html; charset=iso-8859-1');
    expect(out).toMatchObject({ charset: 'utf-16le', source: 'bom' });
    expect(out.text.startsWith('<meta')).toBe(true);
  });

  it('a decoy before the real declaration does not turn a GBK page into Big5', () => {
    const html = `<!doctype html><html><head><!-- <meta charset="big5"> --><meta name="keywords" content="charset=big5"><meta charset="gbk"><title>t</title></head><body><p>${GBK_TEXT}</p></body></html>`;
    const out = decodeHtml(iconv.encode(html, 'gbk'), 'text/html');
    expect(out.charset).toBe('gb18030');
    expect(out.text).toContain(GBK_TEXT);
  });
});

/** The html5lib-tests `encoding/*.dat` cases: `#data` bytes, `#encoding` the expected label. */
function readDat(file: string): Array<{ data: Buffer; encoding: string }> {
  const raw = readFileSync(file);
  const out: Array<{ data: Buffer; encoding: string }> = [];
  const text = raw.toString('latin1'); // byte-preserving
  for (const block of text.split(/^#data\n/m).slice(1)) {
    const at = block.indexOf('\n#encoding\n');
    if (at < 0) continue;
    const data = Buffer.from(block.slice(0, at), 'latin1');
    const encoding = (block.slice(at + 11).split('\n')[0] ?? '').trim();
    out.push({ data, encoding });
  }
  return out;
}

const html5libDir =
  process.env['HTML5LIB_TESTS_DIR'] ?? resolve(import.meta.dirname, '../../shared/html5lib-tests');
const encodingDir = join(html5libDir, 'encoding');
const datFiles = existsSync(encodingDir)
  ? readdirSync(encodingDir)
      .filter((f) => f.endsWith('.dat'))
      .map((f) => join(encodingDir, f))
  : [];

describe.skipIf(datFiles.length === 0)('html5lib-tests encoding', () => {
  const cases = datFiles.flatMap((file) =>
    readDat(file).map((c, i) => ({ name: `${file.split('/').at(-1)} #${i + 1}`, ...c })),
  );
  it.each(cases)('$name', ({ data, encoding }) => {
    // No <meta> found means the default, windows-1252, in these files.
    const found = charsetFromBom(data) ?? charsetFromMeta(data) ?? 'windows-1252';
    expect(found).toBe(normalizeCharset(encoding, true));
  });
});
