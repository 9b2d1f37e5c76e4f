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
    // "… are indicated by `!!` ." : punctuation inside a code span does not end the sentence (a
    // stray backtick holds it open for a few hundred characters at most).
    if (openCodeSpan(pending) && pending.length < MAX_CODE_SPAN_HOLD) continue;
    const trimmed = pending.trim();
    if (trimmed.length > 0) out.push(trimmed);
    pending = '';
  }
  const rest = pending.trim();
  if (rest.length > 0) out.push(rest);
  return out;
}

/** Longest text a code span left open keeps together as one sentence. */
const MAX_CODE_SPAN_HOLD = 300;

/** Whether the text ends inside a `code span` (an odd number of backticks). */
function openCodeSpan(text: string): boolean {
  let ticks = 0;
  for (let i = text.indexOf('`'); i >= 0; i = text.indexOf('`', i + 1)) ticks++;
  return ticks % 2 === 1;
}
