import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYZER } from '../../text/index.js';
import { type AnalyzedQuery, analyzeQuery } from '../analysis.js';
import {
  type Candidate,
  type CollectionStats,
  DEFAULT_RANKING,
  type FeedbackParams,
  feedbackTerms,
  feedbackWeight,
  freshnessFactor,
  idf,
  proximityScore,
  type RankingParams,
  rankCandidates,
} from './ranking.js';

const stats: CollectionStats = { docs: 1000, avgLength: { title: 4, headings: 2, body: 20 } };
const plain: RankingParams = { ...DEFAULT_RANKING, proximityWeight: 0, exactWeight: 0 };

function doc(key: string, body: string, title = 'Untitled page here', headings = ''): Candidate<string> {
  return { key, title, headings, body };
}

function rank(query: AnalyzedQuery, dfs: number[], docs: Candidate<string>[], params = plain) {
  return rankCandidates(query, dfs, docs, stats, params, DEFAULT_ANALYZER).map((s) => s.key);
}

describe('ranking', () => {
  it('computes Lucene’s idf (hand-computed)', () => {
    expect(idf(1000, 10)).toBeCloseTo(Math.log(1 + 990.5 / 10.5), 12);
    expect(idf(10, 10)).toBeGreaterThan(0);
  });

  it('prefers the rarer term, more occurrences, shorter passages and title matches', () => {
    const q = analyzeQuery('rare common');
    // df: rare 5, common 500
    expect(rank(q, [5, 500], [doc('common', 'common common words'), doc('rare', 'rare words here')])).toEqual(
      ['rare', 'common'],
    );
    const one = analyzeQuery('zebra');
    expect(
      rank(one, [5], [doc('once', `zebra ${'x '.repeat(8)}`), doc('twice', `zebra zebra ${'x '.repeat(7)}`)]),
    ).toEqual(['twice', 'once']);
    expect(rank(one, [5], [doc('long', `zebra ${'x '.repeat(60)}`), doc('short', 'zebra x x')])).toEqual([
      'short',
      'long',
    ]);
    expect(
      rank(
        one,
        [5],
        [doc('body', `zebra ${'x '.repeat(19)}`, 'Plain title'), doc('title', 'x '.repeat(20), 'Zebra')],
      ),
    ).toEqual(['title', 'body']);
  });

  it('matches stems and counts the query’s own form more when asked', () => {
    const q = analyzeQuery('running');
    const docs = [doc('stem', 'runs fast today'), doc('exact', 'running fast today')];
    const scores = rankCandidates(q, [5], docs, stats, { ...plain, exactWeight: 0.5 }, DEFAULT_ANALYZER);
    expect(scores.map((s) => s.key)).toEqual(['exact', 'stem']);
    expect(scores[1]?.score).toBeGreaterThan(0);
  });

  it('scores proximity by 1/distance² between distinct terms, saturated (hand-computed)', () => {
    const idfs = new Float64Array([2, 3]);
    // term 0 at 0, term 1 at 1 (distance 1) and at 3 (distance 3 from 0, beyond a window of 2)
    expect(proximityScore([0, 0, 1, 1, 1, 3], idfs, 2)).toBeCloseTo(2 * (1 / (1 + 1)), 12);
    // distances 1 and 2 within window 3: p = 1 + 1/4
    expect(proximityScore([0, 0, 1, 1, 1, 2], idfs, 3)).toBeCloseTo(2 * (1.25 / 2.25), 12);
    expect(proximityScore([0, 0, 0, 5], idfs, 3)).toBe(0);
  });

  it('boosts fresh pages only when a half-life is set', () => {
    const now = Date.parse('2026-01-31T00:00:00Z');
    expect(freshnessFactor('2026-01-31T00:00:00Z', now, DEFAULT_RANKING)).toBe(1);
    const fresh = { ...DEFAULT_RANKING, freshnessHalfLifeDays: 30, freshnessWeight: 0.2 };
    expect(freshnessFactor('2026-01-31T00:00:00Z', now, fresh)).toBeCloseTo(1.2, 12);
    expect(freshnessFactor('2026-01-01T00:00:00Z', now, fresh)).toBeCloseTo(1.1, 12);
    expect(freshnessFactor(undefined, now, fresh)).toBe(1);
  });

  it.each([
    [1, 0.5],
    [2, 0.5],
    [3, 0.25],
    [4, 0],
    [9, 0],
  ])('gives feedback to a %i-term query the weight %f', (terms, weight) => {
    const params: FeedbackParams = {
      docs: 10,
      terms: 10,
      weight: 0.5,
      fullUpTo: 2,
      offFrom: 4,
      minPassages: 0,
    };
    expect(feedbackWeight(params, terms)).toBeCloseTo(weight, 12);
  });

  it('learns feedback terms from the best passages, weighted by their scores', () => {
    const q = analyzeQuery('statins');
    const params: FeedbackParams = {
      docs: 2,
      terms: 2,
      weight: 0.5,
      fullUpTo: 2,
      offFrom: 4,
      minPassages: 0,
    };
    const added = feedbackTerms(
      q,
      [
        { title: '', headings: '', body: 'statins lower cholesterol cholesterol', score: 3 },
        { title: '', headings: '', body: 'statins and the liver', score: 1 },
        { title: '', headings: '', body: 'ignored: beyond the first two docs', score: 1 },
      ],
      params,
      DEFAULT_ANALYZER,
      new Set(['and', 'the']),
    );
    // cholesterol: 0.75 × 2/4; lower: 0.75 × 1/4; liver: 0.25 × 1/4 — the query's own term is left out
    expect(added.map((t) => t.term)).toEqual(['cholesterol', 'lower']);
    expect(added[0]?.weight).toBeCloseTo(0.5, 12);
    expect(added[1]?.weight).toBeCloseTo(0.25, 12);
  });
});
