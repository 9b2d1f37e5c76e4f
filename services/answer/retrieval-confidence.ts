// Is retrieval good enough to answer from? The share of the question's content words that the
// best retrieved passage holds (with its title and headings). Below a threshold Citebox abstains
// instead of answering from passages about something else. Pure.
import { lightStem, queryTerms } from '../text/index.js';
import { PassageEvidence } from './citation-verifier.js';

/** Below this share of the question's words in the best passage, the answer is "none". */
export const ABSTAIN_BELOW = 0.25;

export interface CoveragePassage {
  readonly n: number;
  readonly text: string;
  readonly title?: string | undefined;
  readonly headings?: readonly string[] | undefined;
}

/** The best share (0..1) of the question's content words found in one passage. */
export function retrievalCoverage(question: string, passages: readonly CoveragePassage[]): number {
  const terms = [...new Set(queryTerms(question).map(lightStem))];
  if (terms.length === 0 || passages.length === 0) return 0;
  let best = 0;
  for (const passage of passages) {
    const evidence = new PassageEvidence(passage);
    const found = terms.filter((t) => evidence.hasTerm(t)).length;
    best = Math.max(best, found / terms.length);
    if (best === 1) break;
  }
  return best;
}
