// Ranking that knows documentation's structure, the same over every backend: a passage that
// *defines* an identifier the query names (`core.autocrlf`, `--name-only`, `PRAGMA journal_mode`) —
// the identifier whole in its term, heading or title — rises well above passages that only mention
// it; a whole mention in the text counts a little. A question about a version ("which release added
// …") favours release notes (a version number or "release" in the title or headings).
//
// It wraps a backend: for such queries it asks for a wider list of BM25 candidates, re-scores them,
// and keeps the per-page cap and the limit. Queries without identifiers or a version question pass
// through untouched (no cost for ordinary questions). Scores stay on the backend's scale.
import {
  asksForVersion,
  holdsIdentifier,
  namesShapedIdentifier,
  questionIdentifiers,
} from '../text/index.js';
import type { PassageRecord, SearchHit, SearchQuery, VectorSearchQuery } from '../types.js';
import type { SearchResultCodec } from './backend.js';
import { ForwardingBackend } from './forwarding-backend.js';

/** Boosts, as multiples of a passage's score. */
export const STRUCTURE_BOOSTS = Object.freeze({
  /** Every identifier of the query whole in the passage's term or innermost heading. */
  term: 0.8,
  /** Whole in another heading or the title. */
  heading: 0.4,
  /** Whole in the text (share of the query's identifiers). */
  body: 0.2,
  /** A version question and a passage of release notes (that names the identifier asked about, if any). */
  release: 0.8,
  /** The same for release notes that do not name it. */
  releaseOther: 0.2,
  /** A page whose name is words of the query joined by hyphens (`git-status(1)` for "git status"). */
  subject: 0.4,
});

/** Candidates read per result wanted, for a query this re-ranks. */
const WIDEN = 2;
const MIN_CANDIDATES = 20;

const RELEASE_LABEL =
  /\b\d+\.\d+(\.\d+)*\b|\brelease|\bchange ?log|\bchanges\b|\bnews\b|\bwhat'?s new\b|\bhistory\b|版本|更新/i;

/** The boost (0 = none) a passage gets for a query's identifiers and question. */
export function structureBoost(
  passage: Pick<PassageRecord, 'title' | 'headings' | 'text'>,
  identifiers: readonly string[],
  version: boolean,
  /** How much each identifier counts (1 when absent): less for one that names terms on many pages. */
  weights?: ReadonlyMap<string, number>,
  /** Page names the query spells as words (hyphenatedRuns). */
  subjects?: ReadonlySet<string>,
): number {
  let boost = 0;
  let named = identifiers.length === 0;
  if (identifiers.length > 0) {
    const inner = (passage.headings.at(-1) ?? '').toLowerCase();
    const outer = [passage.title, ...passage.headings.slice(0, -1)].join('\n').toLowerCase();
    const body = passage.text.toLowerCase();
    let term = 0;
    let heading = 0;
    let text = 0;
    for (const id of identifiers) {
      const weight = weights?.get(id) ?? 1;
      if (holdsIdentifier(inner, id)) term += weight;
      // A plain word in capitals (`VACUUM`, a gene name) counts only where a term names it: in
      // titles and text it is as likely a word as a name.
      else if (!/^[a-z0-9]+$/.test(id) && holdsIdentifier(outer, id)) heading += weight;
      else if (!/^[a-z0-9]+$/.test(id) && holdsIdentifier(body, id)) text += weight;
    }
    const n = identifiers.length;
    named = term + heading + text > 0 || identifiers.some((id) => holdsIdentifier(body, id));
    boost +=
      (STRUCTURE_BOOSTS.term * term) / n +
      (STRUCTURE_BOOSTS.heading * heading) / n +
      (STRUCTURE_BOOSTS.body * text) / n;
  }
  if (version && RELEASE_LABEL.test([passage.title, ...passage.headings].join('\n')))
    boost += named ? STRUCTURE_BOOSTS.release : STRUCTURE_BOOSTS.releaseOther;
  if (subjects && subjects.size > 0) {
    const name = pageName(passage.title);
    if (name && subjects.has(name)) boost += STRUCTURE_BOOSTS.subject;
  }
  return boost;
}

/**
 * The name a page's title starts with when it is a hyphenated command name, as manual pages are
 * titled (`git-status(1)`, `systemd-analyze(1) Manual Page`): lower case, without the section.
 */
export function pageName(title: string): string | undefined {
  const m = /^([a-z0-9]+(?:-[a-z0-9]+)+)(?:\(\w+\))?(?:\s|$)/i.exec(title.trim());
  return m?.[1]?.toLowerCase();
}

/**
 * Runs of two or three plain words of the query joined by hyphens ("git status" → `git-status`);
 * anything else between words (an identifier such as `--short`, punctuation) ends a run.
 */
export function hyphenatedRuns(query: string): Set<string> {
  const out = new Set<string>();
  let run: string[] = [];
  for (const raw of query.toLowerCase().split(/\s+/)) {
    const word = raw.replace(/[?!.,;:]+$/, '');
    if (!/^[a-z0-9]+$/.test(word)) {
      run = [];
      continue;
    }
    run.push(word);
    if (run.length >= 2) out.add(run.slice(-2).join('-'));
    if (run.length >= 3) out.add(run.slice(-3).join('-'));
    // A word that ended with punctuation ends the run after it.
    if (word !== raw) run = [];
  }
  return out;
}

/** Re-ranks hits by their structure boosts, keeping at most `maxPerPage` of a page and `limit` in all. */
export function rerankByStructure(
  hits: readonly SearchHit[],
  query: Pick<SearchQuery, 'text' | 'limit' | 'maxPerPage'>,
): SearchHit[] {
  const identifiers = questionIdentifiers(query.text);
  const version = asksForVersion(query.text);
  const subjects = hyphenatedRuns(query.text);
  // An identifier that names terms on several of these pages (`--short`, `--auto`) tells them
  // apart less than one that names a single term: it counts 1 / (its pages − 1), at most 1.
  const weights = new Map<string, number>();
  for (const id of identifiers) {
    const pages = new Set<string>();
    for (const hit of hits) {
      if (holdsIdentifier((hit.passage.headings.at(-1) ?? '').toLowerCase(), id))
        pages.add(hit.passage.pageId);
    }
    weights.set(id, pages.size <= 2 ? 1 : 1 / (pages.size - 1));
  }
  const scored = hits.map((hit, i) => ({
    hit,
    i,
    score: hit.score * (1 + structureBoost(hit.passage, identifiers, version, weights, subjects)),
  }));
  scored.sort((a, b) => b.score - a.score || a.i - b.i);
  const cap = query.maxPerPage ?? Number.POSITIVE_INFINITY;
  const perPage = new Map<string, number>();
  const out: SearchHit[] = [];
  for (const s of scored) {
    if (out.length >= query.limit) break;
    const seen = perPage.get(s.hit.passage.pageId) ?? 0;
    if (seen >= cap) continue;
    perPage.set(s.hit.passage.pageId, seen + 1);
    out.push(s.score === s.hit.score ? s.hit : { ...s.hit, score: s.score });
  }
  return out;
}

/** Whether a query is one structure ranking changes (it names identifiers or asks for a version). */
export function wantsStructureRanking(text: string): boolean {
  return asksForVersion(text) || namesShapedIdentifier(text);
}

/** A backend whose searches are re-ranked by structure (see above); everything else passes through. */
export class StructureRankedBackend extends ForwardingBackend {
  get resultCodec(): SearchResultCodec | undefined {
    return this.inner.resultCodec;
  }

  override async search(query: SearchQuery): Promise<SearchHit[]> {
    if (!wantsStructureRanking(query.text)) return this.inner.search(query);
    const wide = await this.inner.search({ ...query, limit: Math.max(MIN_CANDIDATES, query.limit * WIDEN) });
    return rerankByStructure(wide, query);
  }

  searchVectors(query: VectorSearchQuery): Promise<SearchHit[]> {
    if (!this.inner.searchVectors) return Promise.resolve([]);
    return this.inner.searchVectors(query);
  }
}
