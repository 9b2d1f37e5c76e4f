// Text helpers shared by the server and the browser: query terms and where they occur in a
// snippet (for <mark>, whole words and their stems), a page's site name (from its title or its
// URL), and a guess of a text's language from its script (for lang attributes, which pick the
// right CJK glyphs and line breaking).

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
 * A light English stem, for telling that two words are one: plurals, -ing and -ed come off
 * ("reads", "reading" → "read"; "crawled" → "crawl"; "boxes" → "box"; "stopped" → "stop"), so a
 * query's word lights up its forms but not longer words that merely start with it ("readline").
 * Words of other scripts, numbers and short words are left as they are. Pure.
 */
export function lightStem(word: string): string {
  let w = word.toLowerCase().replace(/['\u2019]s$/, '');
  if (w.length <= 3 || !/^[a-z]+$/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) return `${w.slice(0, -3)}y`;
  if (/(ss|sh|ch|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith('s') && !/(ss|us|is|ys)$/.test(w)) w = w.slice(0, -1);
  for (const suffix of ['ing', 'ed']) {
    const base = w.slice(0, -suffix.length);
    if (w.endsWith(suffix) && base.length >= 3 && /[aeiouy]/.test(base)) {
      // A doubled last consonant was added for the suffix: "stopped" → "stop" (not "fall").
      w = /([^aeiouslz])\1$/.test(base) ? base.slice(0, -1) : base;
      break;
    }
  }
  return w.length > 3 && w.endsWith('e') ? w.slice(0, -1) : w;
}

/**
 * Splits text into parts, marking where query terms occur: whole words whose stem is a term's
 * stem ("bee" lights up "bees", "read" does not light up "readline"); CJK terms anywhere, as
 * those scripts have no spaces between words. The parts are raw text: whoever renders them
 * escapes each one.
 */
export function highlightParts(text: string, terms: readonly string[]): TextPart[] {
  if (terms.length === 0 || text === '') return [{ text, hit: false }];
  const cjk = terms.filter((t) => CJK.test(t));
  const stems = new Set(terms.filter((t) => !CJK.test(t)).map((t) => lightStem(t.normalize('NFKC'))));
  const hits: Array<[number, number]> = [];
  if (stems.size > 0) {
    segmenter ??= new Intl.Segmenter('und', { granularity: 'word' });
    for (const seg of segmenter.segment(text)) {
      if (!seg.isWordLike || CJK.test(seg.segment)) continue;
      if (stems.has(lightStem(seg.segment.normalize('NFKC'))))
        hits.push([seg.index, seg.index + seg.segment.length]);
    }
  }
  if (cjk.length > 0) {
    const pattern = new RegExp(cjk.map(escapeRegExp).join('|'), 'gu');
    for (const m of text.matchAll(pattern)) {
      if (m[0] !== '') hits.push([m.index ?? 0, (m.index ?? 0) + m[0].length]);
    }
  }
  hits.sort((a, b) => a[0] - b[0]);
  const parts: TextPart[] = [];
  let last = 0;
  for (const [start, end] of hits) {
    if (start < last) continue;
    if (start > last) parts.push({ text: text.slice(last, start), hit: false });
    parts.push({ text: text.slice(start, end), hit: true });
    last = end;
  }
  if (last < text.length) parts.push({ text: text.slice(last), hit: false });
  return parts;
}

/** Separators between a page's own title and its site's name ("Install – Git", "Git | Docs"). */
const TITLE_SEPARATOR = /\s+(?:[|\u2013\u2014\u00b7\u2022\u00bb:]{1,2}|-{1,2})\s+/gu;
/** A site name is short: at most this many characters and words. */
const MAX_SITE_NAME_CHARS = 40;
const MAX_SITE_NAME_WORDS = 5;

export interface TitleParts {
  /** The page's own title (the whole title when no site name was found in it). */
  readonly title: string;
  /** The site's name: from the title's prefix or suffix, else the host. */
  readonly site: string;
  /** Whether the site name came from the title (else it is the host). */
  readonly fromTitle: boolean;
}

interface SplitTitle {
  readonly first: string;
  readonly last: string;
  /** The title without its first / last segment. */
  readonly withoutFirst: string;
  readonly withoutLast: string;
}

function splitTitle(title: string): SplitTitle | undefined {
  const seps = [...title.matchAll(TITLE_SEPARATOR)];
  const head = seps[0];
  const tail = seps.at(-1);
  if (!head || !tail || head.index === 0) return undefined;
  const first = title.slice(0, head.index).trim();
  const last = title.slice((tail.index ?? 0) + tail[0].length).trim();
  if (!first || !last) return undefined;
  return {
    first,
    last,
    withoutFirst: title.slice((head.index ?? 0) + head[0].length).trim(),
    withoutLast: title.slice(0, tail.index).trim(),
  };
}

function shortName(text: string): boolean {
  return (
    text.length >= 2 && text.length <= MAX_SITE_NAME_CHARS && text.split(/\s+/).length <= MAX_SITE_NAME_WORDS
  );
}

/** Whether every word of a name (of three letters or more) is in the host ("Git" in git-scm.com). */
function hostLike(name: string, host: string): boolean {
  const words = name.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
  const bare = host.toLowerCase();
  return words.length > 0 && words.every((w) => bare.includes(w));
}

/**
 * A page's title and its site's name. The site's name is a short first or last segment of the
 * title: the one other titles of the same host (`siblings`) share, else the one the host names,
 * else a last segment no longer than the rest ("Apollo 11 – Wikipedia"). Otherwise it is the
 * host. Pure.
 */
export function titleParts(title: string, url: string, siblings: readonly string[] = []): TitleParts {
  const host = siteName(url);
  const split = splitTitle(title);
  if (!split) return { title, site: host, fromTitle: false };
  const others = siblings.filter((t) => t !== title).map(splitTitle);
  const asLast = { title: split.withoutLast, site: split.last, fromTitle: true };
  const asFirst = { title: split.withoutFirst, site: split.first, fromTitle: true };
  const lastOk = shortName(split.last);
  const firstOk = shortName(split.first);
  if (lastOk && others.some((o) => o?.last === split.last)) return asLast;
  if (firstOk && others.some((o) => o?.first === split.first)) return asFirst;
  if (lastOk && hostLike(split.last, host)) return asLast;
  if (firstOk && hostLike(split.first, host)) return asFirst;
  if (lastOk && split.last.length <= split.withoutLast.length) return asLast;
  return { title, site: host, fromTitle: false };
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
