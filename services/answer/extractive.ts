// Extractive answers: the sentences of the top passages that best cover the question, each
// followed by the [n] of its passage. Pure: ranked passages in, Markdown out.
import {
  countWords,
  lightStem,
  normalizeForMatch,
  queryTerms,
  splitSentences,
  wordTokens,
} from '../text/index.js';

export interface ExtractiveInput {
  readonly query: string;
  /** Retrieved passages, best first; `n` is the number the answer cites. */
  readonly passages: ReadonlyArray<{
    readonly n: number;
    readonly text: string;
    readonly headings?: readonly string[];
  }>;
  /** Answer length budget in words (CJK characters count one each). */
  readonly maxWords?: number;
  /** Below this share of the question's term weight covered, the answer is withheld. */
  readonly minCoverage?: number;
}

export interface ExtractiveAnswer {
  /** Markdown; empty when nothing answers the question well enough. */
  readonly text: string;
  /** The source numbers cited, in order of first use. */
  readonly cited: readonly number[];
  /** Share (0..1) of the question's weighted terms covered by the best sentence. */
  readonly coverage: number;
}

interface Candidate {
  readonly n: number;
  readonly rank: number;
  readonly position: number;
  readonly text: string;
  readonly words: number;
  readonly tokens: ReadonlySet<string>;
  /** The sentence that follows in the same passage, if any. */
  next?: Candidate;
  score: number;
  coverage: number;
}

const MIN_SENTENCE_WORDS = 4;

/** What kind of answer a question asks for, from its wording; sentences holding one score higher. */
type AnswerType = 'time' | 'number' | 'person' | 'other';

export function answerTypeOf(question: string): AnswerType {
  const q = question.toLowerCase();
  if (
    /^\s*(when|what (year|date|time|century|decade)|in (what|which) (year|century|decade))\b|什么时候|何时|哪一年|哪年/.test(
      q,
    )
  ) {
    return 'time';
  }
  if (
    /\bhow (many|much|long|far|old|large|big|tall|high)\b|\bwhat (percentage|number|amount)\b|多少|几/.test(q)
  ) {
    return 'number';
  }
  if (/^\s*(who|whom|whose)\b|\bwhat (person|people)\b|谁/.test(q)) return 'person';
  return 'other';
}

function hasAnswerType(sentence: string, type: AnswerType): boolean {
  switch (type) {
    case 'time':
      return /\b(1[0-9]{3}|20[0-9]{2})\b|\b(january|february|march|april|may|june|july|august|september|october|november|december)\b|\bcentury\b|\d+\s*年/i.test(
        sentence,
      );
    case 'number':
      return /\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion)\b|[一二三四五六七八九十百千万亿]/i.test(
        sentence,
      );
    case 'person':
      return /\b[A-Z][a-z]+ [A-Z][a-z]+/.test(sentence);
    case 'other':
      return false;
  }
}

/** Whether a sentence reads as prose (not a command line, URL, code or table debris). */
export function looksLikeProse(sentence: string): boolean {
  if (sentence.includes('://') || /[{};=]|\$\(|&&/.test(sentence)) return false;
  const compact = sentence.replace(/\s+/g, '');
  if (compact.length === 0) return false;
  const odd = compact.match(/[<>|\\/_*#@^~`+[\]]/g)?.length ?? 0;
  const letters = compact.match(/\p{L}/gu)?.length ?? 0;
  return odd / compact.length <= 0.05 && letters / compact.length >= 0.6;
}

function stems(tokens: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const t of tokens) out.add(lightStem(t));
  return out;
}

export function extractiveAnswer(input: ExtractiveInput): ExtractiveAnswer {
  const maxWords = input.maxWords ?? 60;
  const minCoverage = input.minCoverage ?? 0.25;
  const terms = [...stems(queryTerms(input.query))];
  const type = answerTypeOf(input.query);
  if (terms.length === 0 || input.passages.length === 0) return { text: '', cited: [], coverage: 0 };

  const candidates: Candidate[] = [];
  input.passages.forEach((passage, rank) => {
    let previous: Candidate | undefined;
    splitSentences(passage.text).forEach((sentence, position) => {
      const words = countWords(sentence);
      if (words < MIN_SENTENCE_WORDS || words > maxWords || !looksLikeProse(sentence)) {
        previous = undefined;
        return;
      }
      const candidate: Candidate = {
        n: passage.n,
        rank,
        position,
        text: sentence,
        words,
        tokens: stems(wordTokens(sentence)),
        score: 0,
        coverage: 0,
      };
      if (previous) previous.next = candidate;
      previous = candidate;
      candidates.push(candidate);
    });
  });
  if (candidates.length === 0) return { text: '', cited: [], coverage: 0 };

  // Rarer terms among the candidate sentences weigh more (IDF over this small set).
  const weights = new Map<string, number>();
  for (const term of terms) {
    const df = candidates.filter((c) => c.tokens.has(term)).length;
    weights.set(term, Math.log(1 + candidates.length / (1 + df)));
  }
  const totalWeight = [...weights.values()].reduce((a, b) => a + b, 0) || 1;
  for (const c of candidates) {
    let matched = 0;
    for (const term of terms) if (c.tokens.has(term)) matched += weights.get(term) ?? 0;
    c.coverage = matched / totalWeight;
    // Coverage dominates; holding the kind of answer asked for, passage rank and an early position
    // in the passage follow.
    const typed = type !== 'other' && hasAnswerType(c.text, type) ? 0.15 : 0;
    c.score = c.coverage + typed + 0.08 / (1 + c.rank) + 0.02 / (1 + c.position);
  }
  candidates.sort((a, b) => b.score - a.score);
  const best = candidates[0];
  if (!best || best.coverage < minCoverage) return { text: '', cited: [], coverage: best?.coverage ?? 0 };

  const chosen: Candidate[] = [best];
  let words = best.words;
  const seen = new Set([normalizeForMatch(best.text)]);
  // The sentence after the best one often completes it ("… on July 20, 1969."), when the question
  // asks for something the best sentence does not hold.
  const follow = best.next;
  if (
    follow &&
    type !== 'other' &&
    !hasAnswerType(best.text, type) &&
    hasAnswerType(follow.text, type) &&
    words + follow.words <= maxWords
  ) {
    chosen.push(follow);
    words += follow.words;
    seen.add(normalizeForMatch(follow.text));
  }
  for (const c of candidates.slice(1)) {
    if (c.score < best.score * 0.6) break;
    if (words + c.words > maxWords) continue;
    const key = normalizeForMatch(c.text);
    if (seen.has(key)) continue;
    seen.add(key);
    chosen.push(c);
    words += c.words;
    if (chosen.length >= 3) break;
  }
  // Read in a natural order: by passage rank, then by position in the passage.
  chosen.sort((a, b) => a.rank - b.rank || a.position - b.position);
  const cited: number[] = [];
  const parts = chosen.map((c) => {
    if (!cited.includes(c.n)) cited.push(c.n);
    return `${c.text.replace(/\s+/g, ' ').trim()} [${c.n}]`;
  });
  return { text: parts.join(' '), cited, coverage: best.coverage };
}
