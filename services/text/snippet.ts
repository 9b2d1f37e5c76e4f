// Plain-text snippets: the window of a passage with the most query terms, cut at word
// boundaries, with an ellipsis where text was left out.
import { normalizeForMatch, wordTokens } from './tokens.js';

const segmenter = new Intl.Segmenter('und', { granularity: 'word' });

export function makeSnippet(text: string, terms: readonly string[], maxChars = 240): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= maxChars) return clean;
  const wanted = new Set(terms.map((t) => normalizeForMatch(t)));
  // Word start offsets and whether each word is a query term.
  const words: Array<{ index: number; hit: boolean }> = [];
  for (const seg of segmenter.segment(clean)) {
    if (!seg.isWordLike) continue;
    const token = wordTokens(seg.segment)[0];
    words.push({ index: seg.index, hit: token !== undefined && wanted.has(token) });
  }
  let bestStart = 0;
  let bestHits = -1;
  let right = 0;
  let hits = 0;
  for (let left = 0; left < words.length; left++) {
    const leftWord = words[left];
    if (!leftWord) break;
    while (right < words.length && (words[right]?.index ?? 0) - leftWord.index < maxChars) {
      if (words[right]?.hit) hits++;
      right++;
    }
    if (hits > bestHits) {
      bestHits = hits;
      // Anchor on the window's first hit, not its first word, so the hits sit inside the snippet.
      let firstHit = left;
      while (firstHit < right && !words[firstHit]?.hit) firstHit++;
      bestStart = words[firstHit < right ? firstHit : left]?.index ?? leftWord.index;
    }
    if (leftWord.hit) hits--;
  }
  // Start a little before the first hit so the reader has context, at a word boundary.
  let start = bestStart;
  if (start > 0) {
    const back = Math.max(0, start - 40);
    const boundary = clean.lastIndexOf(' ', start - 1);
    start = boundary > back ? boundary + 1 : start;
  }
  let end = Math.min(clean.length, start + maxChars);
  if (end < clean.length) {
    const boundary = clean.lastIndexOf(' ', end);
    if (boundary > start + maxChars / 2) end = boundary;
  }
  return `${start > 0 ? '… ' : ''}${clean.slice(start, end).trim()}${end < clean.length ? ' …' : ''}`;
}
