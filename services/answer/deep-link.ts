// Where a citation takes the reader: the passage's page, at the place the passage starts. The
// fragment is the id of the nearest heading or term above it (`#gc-reflogexpire`) when the page has
// one, else a text fragment (`#:~:text=…`, the Fragment Directive browsers scroll to) of the
// passage's opening words. And the passage's heading path, shown beside it ("Section › Term"). Pure.
import type { PassageRecord } from '../types.js';

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
  const lines = text.split('\n').filter((l) => l.trim() && !/^`{3,}/.test(l.trim()));
  const first = lines[0];
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
    : plain.split(' ').slice(0, words).join(' ');
  return picked.length >= 2 ? picked : undefined;
}

/**
 * The passage's URL with a fragment that lands on it (none for a page's first passage without an
 * anchor: the top of the page is its place).
 */
export function passageLink(passage: Pick<PassageRecord, 'url' | 'anchor' | 'text' | 'position'>): string {
  const base = passage.url.replace(/#.*$/, '');
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
