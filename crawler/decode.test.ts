import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { charsetFromMeta, decodeHtml, normalizeCharset } from './decode.js';

const ZH = '长城是中国古代的军事防御工程，全长两万多公里。它见证了中华民族的历史。';
const ZH_TW = '萬里長城是中國古代的軍事防禦工程，歷史非常悠久。我們今天去參觀。';
const JA = '富士山は日本で一番高い山です。美しい形で知られ、多くの人が登ります。';
const KO = '서울은 대한민국의 수도이며 가장 큰 도시입니다. 한강이 도시를 가로지릅니다.';
const FR = 'Le château était très célèbre ; les élèves y allaient déjà en été. Ça coûte cher.';

function page(text: string, meta = ''): string {
  return `<!doctype html><html><head>${meta}<title>t</title></head><body><p>${text}</p></body></html>`;
}

describe('decodeHtml', () => {
  it.each([
    // [case, bytes, content-type, expected text, expected source]
    [
      'BOM beats a wrong header',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(page(FR))]),
      'text/html; charset=shift_jis',
      FR,
      'bom',
    ],
    ['header GBK → GB18030', iconv.encode(page(ZH), 'gbk'), 'text/html; charset=GBK', ZH, 'header'],
    ['header gb2312', iconv.encode(page(ZH), 'gb2312'), 'text/html; charset=gb2312', ZH, 'header'],
    ['header Big5', iconv.encode(page(ZH_TW), 'big5'), 'text/html; charset=big5', ZH_TW, 'header'],
    [
      'meta Shift_JIS',
      iconv.encode(page(JA, '<meta charset="Shift_JIS">'), 'shift_jis'),
      'text/html',
      JA,
      'meta',
    ],
    [
      'meta http-equiv EUC-KR',
      iconv.encode(
        page(KO, '<meta http-equiv="Content-Type" content="text/html; charset=euc-kr">'),
        'euc-kr',
      ),
      'text/html',
      KO,
      'meta',
    ],
    [
      'meta windows-1252',
      iconv.encode(page(FR, "<meta charset='windows-1252'>"), 'win1252'),
      undefined,
      FR,
      'meta',
    ],
    ['detected UTF-8', Buffer.from(page(ZH)), 'text/html', ZH, 'detected'],
    ['detected GB18030', iconv.encode(page(ZH.repeat(4)), 'gb18030'), 'text/html', ZH.repeat(4), 'detected'],
    [
      'detected Shift_JIS',
      iconv.encode(page(JA.repeat(4)), 'shift_jis'),
      undefined,
      JA.repeat(4),
      'detected',
    ],
    ['detected Big5', iconv.encode(page(ZH_TW.repeat(4)), 'big5'), undefined, ZH_TW.repeat(4), 'detected'],
    ['UTF-8 mislabelled Latin-1', Buffer.from(page(FR)), 'text/html; charset=iso-8859-1', FR, 'detected'],
    [
      'real Latin-1 stays Latin-1',
      iconv.encode(page(FR), 'latin1'),
      'text/html; charset=iso-8859-1',
      FR,
      'header',
    ],
  ] as const)('%s', (_name, bytes, contentType, expected, source) => {
    const out = decodeHtml(bytes, contentType);
    expect(out.text).toContain(expected);
    expect(out.source).toBe(source);
  });
});

describe('charset labels', () => {
  it.each([
    ['GBK', 'gb18030'],
    ['gb2312', 'gb18030'],
    ['x-sjis', 'shift_jis'],
    ['ISO-8859-1', 'windows-1252'],
    ['"utf-8"', 'utf-8'],
    ['no-such-charset', undefined],
  ])('%s → %s', (label, expected) => {
    expect(normalizeCharset(label)).toBe(expected);
  });

  it('reads a UTF-16 meta label as UTF-8, as browsers do', () => {
    expect(charsetFromMeta(Buffer.from('<meta charset="utf-16">'))).toBe('utf-8');
  });
});
