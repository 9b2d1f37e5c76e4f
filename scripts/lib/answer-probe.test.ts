import { describe, expect, it } from 'vitest';
import { answerSentences, citationFigures, declines, fixedSample } from './answer-probe.js';

describe('answerSentences', () => {
  it.each([
    ['One claim [1]. Another one [2].', [[1], [2]]],
    ['A claim. [1] Another claim.', [[1], []]],
    ['Both sources say so [1][2].', [[1, 2]]],
    ['- first item [1]\n- second item', [[1], []]],
    ['长城很长[1]。它在中国。', [[1], []]],
    ['Run this:\n```\nx = [1]\n```\nDone [2].', [[], [2]]],
  ])('%j', (answer, cites) => {
    expect(answerSentences(answer).map((s) => s.cites)).toEqual(cites);
  });
});

describe('citationFigures', () => {
  it('counts supported citations and the claims that carry one', () => {
    expect(
      citationFigures({
        answer: 'The tower opened in 1889 [1]. It is 330 metres tall [2]. Yes. It was built for the fair.',
        citations: [
          { n: 1, supported: true },
          { n: 2, supported: false },
        ] as never,
      }),
    ).toEqual({ citations: 2, supported: 1, sentences: 3, citedSentences: 1 });
  });
});

describe('declines', () => {
  it.each([
    ['none', 'I could not find an answer to that in the indexed pages.', true],
    ['llm', 'The sources do not mention when it opened.', true],
    ['llm', 'The provided information does not specify the year.', true],
    ['llm', 'There is no information about that in the sources.', true],
    ['llm', '资料中没有提到这一点。', true],
    ['llm', 'It opened in 1889 [1].', false],
    ['llm', 'The sources say it opened in 1889 [1].', false],
  ] as const)('%s: %s', (mode, answer, expected) => {
    expect(declines({ answer_mode: mode, answer })).toBe(expected);
  });
});

describe('fixedSample', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);
  it('is the same for the same seed, in the original order, without repeats', () => {
    const a = fixedSample(items, 10, 19);
    expect(fixedSample(items, 10, 19)).toEqual(a);
    expect([...a].sort((x, y) => x - y)).toEqual(a);
    expect(new Set(a).size).toBe(10);
    expect(fixedSample(items, 10, 20)).not.toEqual(a);
  });
  it('takes everything when asked for more', () => {
    expect(fixedSample([1, 2], 5, 1)).toEqual([1, 2]);
  });
});
