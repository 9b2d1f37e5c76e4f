// Text helpers shared by the server and the browser: query terms and where they occur in a
// snippet (for <mark>), the site name of a URL, and a guess of a text's language from its script
// (for lang attributes, which pick the right CJK glyphs and line breaking).

const STOPWORDS = new Set(
  (
    'a an and are as at be by can did do does for from has have how i if in is it its me my of on or ' +
    'so that the their there these this to was were what when where which who why will with you your'
  ).split(' '),
);
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const MAX_TERMS = 24;

let segmenter: Intl.Segmenter | undefined;

/** The words of a query worth highlighting: lower-cased, without stopwords, longest first. */
export function queryTerms(query: string): string[] {
  segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
  const words: string[] = [];
  for (const seg of segmenter.segment(query.normalize('NFKC').toLowerCase())) {
    if (seg.isWordLike) words.push(seg.segment);
  }
  const useful = words.filter((w) => !STOPWORDS.has(w));
  // Single letters (and single CJK characters) would light up everything, unless that is all there is.
  const long = useful.filter((w) => [...w].length >= 2);
  const terms = [...new Set(long.length > 0 ? long : useful)];
  return terms.sort((a, b) => b.length - a.length).slice(0, MAX_TERMS);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface TextPart {
  readonly text: string;
  readonly hit: boolean;
}

/**
 * Splits text into parts, marking where query terms occur. Latin-script terms match at the start
 * of a word (so "bee" lights up "bees"); CJK terms match anywhere, as those scripts have no spaces.
 * The parts are raw text: whoever renders them escapes each one.
 */
export function highlightParts(text: string, terms: readonly string[]): TextPart[] {
  if (terms.length === 0 || text === '') return [{ text, hit: false }];
  const alternatives = terms.map((t) =>
    CJK.test(t) ? escapeRegExp(t) : `(?<![\\p{L}\\p{N}])${escapeRegExp(t)}`,
  );
  const pattern = new RegExp(alternatives.join('|'), 'giu');
  const parts: TextPart[] = [];
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m[0] === '') continue;
    const start = m.index ?? 0;
    if (start > last) parts.push({ text: text.slice(last, start), hit: false });
    parts.push({ text: m[0], hit: true });
    last = start + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last), hit: false });
  return parts;
}

/** The host of a URL without a leading www., or '' when it is not a URL. */
export function siteName(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

/**
 * A BCP 47 tag for text whose script says its language — Chinese, Japanese, Korean, where the tag
 * picks the right glyphs and line breaking — or undefined (other scripts are shared by several
 * languages, and dir="auto" already handles their direction).
 */
export function guessLang(text: string): string | undefined {
  const sample = text.slice(0, 400);
  const letters = sample.match(/\p{L}/gu)?.length ?? 0;
  const count = (re: RegExp) => sample.match(re)?.length ?? 0;
  const kana = count(/[\p{Script=Hiragana}\p{Script=Katakana}]/gu);
  const hangul = count(/\p{Script=Hangul}/gu);
  const han = count(/\p{Script=Han}/gu);
  // A Latin sentence quoting one Chinese word stays in the page's language.
  if (letters === 0 || (kana + hangul + han) / letters < 0.3) return undefined;
  if (kana > 0) return 'ja';
  if (hangul > han) return 'ko';
  return 'zh';
}
