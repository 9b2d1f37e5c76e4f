import { describe, expect, it } from 'vitest';
import { retrievalCoverage, tooWeakToAnswer } from './retrieval-confidence.js';

const GROUP_CONCAT = {
  n: 1,
  headings: ['Aggregate functions', 'group_concat(X) group_concat(X,Y)'],
  text: 'The group_concat() function returns a string which is the concatenation of all non-NULL values of X. A comma (",") is used as the separator if Y is omitted.',
};

describe('retrievalCoverage', () => {
  it('counts the content words of the question the best passage holds, contractions aside', () => {
    const r = retrievalCoverage("what separator does group_concat use if I don't give one?", [GROUP_CONCAT]);
    // separator, group_concat of: separator, group_concat, use, give, one ("don't" says nothing).
    expect(r.coverage).toBeCloseTo(2 / 5);
  });

  it('takes an identifier by its shape for a name, as it does a proper noun or a number', () => {
    const r = retrievalCoverage('which separator goes with group_concat when none is given by callers?', [
      GROUP_CONCAT,
    ]);
    expect(r.namedMatch).toBe(true);
    expect(tooWeakToAnswer(r)).toBe(r.coverage < 0.25);
  });

  it('abstains when the passages hold little of the question', () => {
    const r = retrievalCoverage('who painted the ceiling of the sistine chapel?', [GROUP_CONCAT]);
    expect(r).toEqual({ coverage: 0, namedMatch: false });
    expect(tooWeakToAnswer(r)).toBe(true);
  });

  it.each([
    [{ coverage: 0.4, namedMatch: false }, false],
    [{ coverage: 0.3, namedMatch: false }, true],
    [{ coverage: 0.3, namedMatch: true }, false],
    [{ coverage: 0.2, namedMatch: true }, true],
  ])('%j -> too weak: %s', (r, weak) => {
    expect(tooWeakToAnswer(r)).toBe(weak);
  });
});
