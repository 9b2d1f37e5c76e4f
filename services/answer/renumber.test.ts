import { describe, expect, it } from 'vitest';
import { mapOutsideCode, renumberAnswer } from './renumber.js';

describe('renumberAnswer', () => {
  it.each([
    ['A [3]. B [1]. C [3].', 'A [1]. B [2]. C [1].', [3, 1, 2, 4]],
    ['A [1][2].', 'A [1][2].', [1, 2, 3, 4]],
    ['A [9] and [2].', 'A  and [1].', [2, 1, 3, 4]],
    ['Use `x[2]` here [2].', 'Use `x[2]` here [1].', [2, 1, 3, 4]],
    ['```\na[3]\n```\nSee [3].', '```\na[3]\n```\nSee [1].', [3, 1, 2, 4]],
  ])('%s', (text, expected, order) => {
    const out = renumberAnswer(text, 4);
    expect(out.text).toBe(expected);
    expect(out.order).toEqual(order);
  });

  it('maps only the prose of a Markdown text', () => {
    expect(mapOutsideCode('a `b` c ```\nd\n``` e', (p) => p.toUpperCase())).toBe('A `b` C ```\nd\n``` E');
  });
});
