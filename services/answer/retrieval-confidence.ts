// Is retrieval good enough to answer from? The share of the question's content words that the
// best retrieved passage holds (with its title and headings). Below a threshold Citebox abstains
// instead of answering from passages about something else. Pure.
import { lightStem, namesShapedIdentifier, normalizeForMatch, queryTerms } from '../text/index.js';
import { PassageEvidence } from './citation-verifier.js';

/** Below this share of the question's words in the best passage, the answer is "none"… */
export const ABSTAIN_BELOW = 0.34;
/** …unless the passage holds a name or a number of the question and at least this share. */
export const ABSTAIN_BELOW_WITH_NAME = 0.25;

export interface CoveragePassage {
  readonly n: number;
  readonly text: string;
  readonly title?: string | undefined;
  readonly headings?: readonly string[] | undefined;
}

export interface RetrievalCoverage {
  /** The best share (0..1) of the question's content words found in one passage. */
  readonly coverage: number;
  /** That passage holds a name (a capitalised word inside the question) or a number of it. */
  readonly namedMatch: boolean;
}

/** The question's names and numbers, as stems. */
function namesOf(question: string): Set<string> {
  const out = new Set<string>();
  for (const m of question.matchAll(/(?<=\S\s+)\p{Lu}[\p{L}\p{N}'’-]*|\p{N}+/gu)) {
    out.add(lightStem(normalizeForMatch(m[0])));
  }
  // An identifier by its shape (group_concat, --name-only, gc.auto) names a thing as surely as a
  // proper noun does.
  if (namesShapedIdentifier(question)) {
    for (const t of queryTerms(question)) if (/[_.-]/.test(t) || /[a-z][A-Z]/.test(t)) out.add(lightStem(t));
  }
  return out;
}

/**
 * The coverage of the question by the best passage. A passage may come as its PassageEvidence,
 * prepared once and shared with the answer's citation checks (which read the same passages).
 */
export function retrievalCoverage(
  question: string,
  passages: ReadonlyArray<CoveragePassage | PassageEvidence>,
): RetrievalCoverage {
  const terms = [...new Set(queryTerms(question).map(lightStem))];
  if (terms.length === 0 || passages.length === 0) return { coverage: 0, namedMatch: false };
  const names = namesOf(question);
  let best: RetrievalCoverage = { coverage: 0, namedMatch: false };
  for (const passage of passages) {
    const evidence = passage instanceof PassageEvidence ? passage : new PassageEvidence(passage);
    const found = terms.filter((t) => evidence.hasTerm(t));
    const coverage = found.length / terms.length;
    const namedMatch = found.some((t) => names.has(t));
    if (coverage > best.coverage || (coverage === best.coverage && namedMatch))
      best = { coverage, namedMatch };
    if (best.coverage === 1) break;
  }
  return best;
}

/** Whether retrieval found too little to answer from. */
export function tooWeakToAnswer(retrieval: RetrievalCoverage): boolean {
  if (retrieval.coverage >= ABSTAIN_BELOW) return false;
  return !(retrieval.namedMatch && retrieval.coverage >= ABSTAIN_BELOW_WITH_NAME);
}
