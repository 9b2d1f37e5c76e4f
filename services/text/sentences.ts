// Sentence splitting with Intl.Segmenter, with repairs for the abbreviations ICU splits after
// ("Dr.", "e.g.", "U.S.", single initials).

const sentenceSegmenter = new Intl.Segmenter('und', { granularity: 'sentence' });

const ABBREVIATION =
  /(?:^|\s)(?:[A-Z]|Dr|Mr|Mrs|Ms|Prof|St|Sr|Jr|vs|etc|e\.g|i\.e|cf|al|approx|Inc|Ltd|Co|No|Fig|Vol|U\.S|U\.K|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.\s*$/;

export function splitSentences(text: string): string[] {
  const raw = [...sentenceSegmenter.segment(text)].map((s) => s.segment);
  const out: string[] = [];
  let pending = '';
  for (const piece of raw) {
    pending += piece;
    if (ABBREVIATION.test(pending)) continue;
    const trimmed = pending.trim();
    if (trimmed.length > 0) out.push(trimmed);
    pending = '';
  }
  const rest = pending.trim();
  if (rest.length > 0) out.push(rest);
  return out;
}
