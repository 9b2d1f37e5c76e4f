// citationVerifier: does the passage a claim cites support it? Checked by overlap, the way a
// careful reader skims: the claim's content words (stemmed) must mostly appear in the passage,
// every number in the claim must appear there, and so must most of its names. Unsupported
// citations are moved to a passage that does support the claim, or removed. Pure.
import { CJK_CHAR, isStopWord, lightStem, normalizeForMatch, TextMemo, wordTokens } from '../text/index.js';

export interface VerifiablePassage {
  readonly n: number;
  readonly text: string;
  readonly title?: string | undefined;
  readonly headings?: readonly string[] | undefined;
}

/** Stems plus the parts of compound identifiers ("citebox_data_dir" → "citebox", "data", "dir"). */
export function identifierParts(
  stems: Iterable<string>,
  stem: (token: string) => string = lightStem,
): Set<string> {
  const out = new Set<string>();
  for (const s of stems) {
    out.add(s);
    if (!/[_.:/-]/.test(s)) continue;
    for (const part of s.split(/[_.:/-]+/)) if (part.length > 1) out.add(stem(part));
  }
  return out;
}

/** What a passage is checked by: its stems, its numbers, its normalized text. */
interface Prepared {
  readonly stems: ReadonlySet<string>;
  readonly numbers: ReadonlySet<string>;
  /** Normalized text (for CJK words, which are matched as substrings). */
  readonly text: string;
}

/** Passages' evidence by their text (title, headings, body), kept for the next answers that cite them. */
const EVIDENCE = new TextMemo<Prepared>(1024);

function prepareEvidence(full: string): Prepared {
  return {
    text: normalizeForMatch(full),
    stems: identifierParts(wordTokens(full).map(lightStem)),
    numbers: new Set(numbersIn(full)),
  };
}

/**
 * A passage prepared once for many checks, when first checked: an answer cites a few of the
 * passages it was given, and the others are read only when a claim's citation must move.
 */
export class PassageEvidence {
  readonly n: number;
  readonly #passage: VerifiablePassage;
  #prepared: Prepared | undefined;

  constructor(passage: VerifiablePassage) {
    this.n = passage.n;
    this.#passage = passage;
  }

  #evidence(): Prepared {
    if (this.#prepared) return this.#prepared;
    const passage = this.#passage;
    const full = [passage.title ?? '', ...(passage.headings ?? []), passage.text].join('\n');
    this.#prepared = EVIDENCE.get(full, prepareEvidence);
    return this.#prepared;
  }

  hasTerm(term: string): boolean {
    const evidence = this.#evidence();
    if (CJK_CHAR.test(term)) return evidence.text.includes(term);
    return evidence.stems.has(term);
  }

  hasNumber(number: string): boolean {
    return this.#evidence().numbers.has(number);
  }
}

export interface SupportScore {
  /** Weighted share (0..1) of the claim's content words and names found in the passage. */
  readonly coverage: number;
  /** Numbers of the claim missing from the passage. */
  readonly missingNumbers: readonly string[];
  /** Share of the claim's names (capitalised words inside a sentence) missing from the passage. */
  readonly missingNames: number;
  /** Supported: enough coverage, no missing number, most names present. */
  readonly supported: boolean;
  /** Clearly about something else. */
  readonly unrelated: boolean;
}

export const SUPPORT_THRESHOLD = 0.5;
const UNRELATED_THRESHOLD = 0.2;
/** Share of a claim's names that may be missing from a passage that supports it. */
const MAX_MISSING_NAMES = 0.34;
/** Names (capitalised words inside a sentence) weigh more than other words. */
const NAME_WEIGHT = 2;
/** Words too generic to count as evidence in an answer ("source", "according"). */
const ANSWER_FILLER = new Set([
  'according',
  'source',
  'sources',
  'passage',
  'passages',
  'state',
  'states',
  'stated',
  'mention',
  'mentions',
  'mentioned',
  'say',
  'says',
  'said',
  'also',
  'however',
  'yes',
  'no',
  'answer',
]);

interface ClaimTerm {
  readonly term: string;
  readonly weight: number;
}

/** The checkable parts of a claim: weighted content terms and numbers. */
export function claimParts(claim: string): { terms: ClaimTerm[]; numbers: string[] } {
  const numbers = [...new Set(numbersIn(claim))];
  const names = new Set<string>();
  // Capitalised words that do not open a sentence are names ("Neil Armstrong", "Ming").
  for (const m of claim.matchAll(/(?<=(\S)\s+)\p{Lu}[\p{L}\p{N}'’-]*/gu)) {
    if (!/[.!?:。！？]/u.test(m[1] as string)) names.add(normalizeForMatch(m[0]));
  }
  const seen = new Set<string>();
  const terms: ClaimTerm[] = [];
  for (const token of wordTokens(claim)) {
    if (isStopWord(token) || ANSWER_FILLER.has(token) || /^\d[\d.,]*$/.test(token)) continue;
    const stem = lightStem(token);
    if (seen.has(stem)) continue;
    seen.add(stem);
    terms.push({ term: stem, weight: names.has(token) ? NAME_WEIGHT : 1 });
  }
  return { terms, numbers };
}

export function supportOf(claim: string, evidence: PassageEvidence): SupportScore {
  return scoreParts(claimParts(claim), evidence);
}

/** What a claim is checked against: one passage, or several read together. */
interface Evidence {
  hasTerm(term: string): boolean;
  hasNumber(number: string): boolean;
}

function scoreParts(parts: { terms: ClaimTerm[]; numbers: string[] }, evidence: Evidence): SupportScore {
  let total = 0;
  let found = 0;
  let names = 0;
  let namesMissing = 0;
  for (const { term, weight } of parts.terms) {
    total += weight;
    const has = evidence.hasTerm(term);
    if (has) found += weight;
    if (weight === NAME_WEIGHT) {
      names++;
      if (!has) namesMissing++;
    }
  }
  const missingNumbers = parts.numbers.filter((n) => !evidence.hasNumber(n));
  // Numbers count as terms too, so a claim of only a number is judged by it.
  total += parts.numbers.length;
  found += parts.numbers.length - missingNumbers.length;
  const coverage = total === 0 ? 1 : found / total;
  const missingNames = names === 0 ? 0 : namesMissing / names;
  // A name or a number the passage does not hold is the mark of an invented claim.
  const supported =
    coverage >= SUPPORT_THRESHOLD && missingNumbers.length === 0 && missingNames <= MAX_MISSING_NAMES;
  const unrelated =
    coverage < UNRELATED_THRESHOLD || (missingNumbers.length > 0 && coverage < SUPPORT_THRESHOLD);
  return { coverage, missingNumbers, missingNames, supported, unrelated };
}

export type VerdictAction = 'kept' | 'moved' | 'removed' | 'unverified';

export interface ClaimVerdict {
  /** The numbers the claim cites after verification (possibly none). */
  readonly numbers: readonly number[];
  /** Whether the citations kept support the claim. */
  readonly supported: boolean;
  /** kept: as cited; moved: to another passage; removed: citation(s) dropped; unverified: kept, doubtful. */
  readonly action: VerdictAction;
  readonly coverage: number;
}

/**
 * Verifies one claim and the numbers it cites against all passages: supported citations are kept
 * (unsupported ones in the same group dropped); if none supports it, the citation moves to the
 * passage that does; if none does, citations of clearly unrelated passages are removed and the
 * rest kept but flagged.
 */
export function verifyClaim(
  claims: readonly string[],
  cited: readonly number[],
  evidence: ReadonlyMap<number, PassageEvidence>,
): ClaimVerdict {
  const parts = claims.map(claimParts).filter((p) => p.terms.length + p.numbers.length > 0);
  if (parts.length === 0) return { numbers: cited, supported: true, action: 'kept', coverage: 1 };
  const score = (n: number): SupportScore => {
    const e = evidence.get(n);
    if (!e) return { coverage: 0, missingNumbers: [], missingNames: 1, supported: false, unrelated: true };
    // The best reading of the claim (the words since the last marker, or the whole sentence).
    let best: SupportScore | undefined;
    for (const p of parts) {
      const s = scoreParts(p, e);
      if (
        !best ||
        (s.supported && !best.supported) ||
        (s.supported === best.supported && s.coverage > best.coverage)
      ) {
        best = s;
      }
    }
    return best as SupportScore;
  };
  const scores = new Map(cited.map((n) => [n, score(n)]));
  const supportedCited = cited.filter((n) => scores.get(n)?.supported);
  if (supportedCited.length > 0) {
    const coverage = Math.max(...supportedCited.map((n) => scores.get(n)?.coverage ?? 0));
    return {
      numbers: supportedCited,
      supported: true,
      action: supportedCited.length === cited.length ? 'kept' : 'removed',
      coverage,
    };
  }
  // A claim that joins facts of two sources ("built in 1889 and 330 m tall [1][2]") is supported
  // by them together, each holding part of it.
  const related = cited.filter((n) => evidence.has(n) && !scores.get(n)?.unrelated);
  if (related.length > 1) {
    const together = related.map((n) => evidence.get(n) as PassageEvidence);
    const union: Evidence = {
      hasTerm: (t) => together.some((e) => e.hasTerm(t)),
      hasNumber: (x) => together.some((e) => e.hasNumber(x)),
    };
    const joint = parts.map((p) => scoreParts(p, union)).find((s) => s.supported);
    if (joint) {
      return {
        numbers: related,
        supported: true,
        action: related.length === cited.length ? 'kept' : 'removed',
        coverage: joint.coverage,
      };
    }
  }
  let bestOther: { n: number; s: SupportScore } | undefined;
  for (const n of evidence.keys()) {
    if (cited.includes(n)) continue;
    const s = score(n);
    if (s.supported && (!bestOther || s.coverage > bestOther.s.coverage)) bestOther = { n, s };
  }
  if (bestOther)
    return { numbers: [bestOther.n], supported: true, action: 'moved', coverage: bestOther.s.coverage };
  const kept = cited.filter((n) => !scores.get(n)?.unrelated);
  const coverage = Math.max(0, ...cited.map((n) => scores.get(n)?.coverage ?? 0));
  if (kept.length === 0) return { numbers: [], supported: false, action: 'removed', coverage };
  return { numbers: kept, supported: false, action: 'unverified', coverage };
}

/** Numbers in a text, normalized ("21,196" → "21196", "3.5" stays); ordinals' digits count. */
export function numbersIn(text: string): string[] {
  const out: string[] = [];
  for (const m of normalizeForMatch(text).matchAll(/\d[\d,]*(?:\.\d+)?/g)) {
    out.push((m[0] as string).replace(/,(?=\d{3}\b)/g, '').replace(/,$/, ''));
  }
  return out;
}
