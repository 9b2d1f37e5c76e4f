import { describe, expect, it } from 'vitest';
import { CitationStyleNormalizer } from './citation-style.js';

/** Feeds `text` in chunks of `size` characters and returns what comes out. */
function normalize(text: string, size: number, sources = 5): string {
  const normalizer = new CitationStyleNormalizer(sources);
  const chars = [...text];
  let out = '';
  for (let i = 0; i < chars.length; i += size) out += normalizer.push(chars.slice(i, i + size).join(''));
  return out + normalizer.end();
}

describe('CitationStyleNormalizer', () => {
  // Each case is what a real small model wrote (Qwen2.5-Coder 0.5B/1.5B through the local test
  // bed), or a close variant, and what the answer assembler is then given.
  it.each([
    ['a cited sentence stays', 'It opened in 1889 [1].', 'It opened in 1889 [1].'],
    [
      'line prefixes move to the end of their sentence',
      '[1] The tower was completed in 1889.\n[2] It is 330 metres tall.',
      'The tower was completed in 1889 [1].\nIt is 330 metres tall [2].',
    ],
    [
      'a prefix cites every sentence of its line',
      '[1] It opened in 1889. It was built for the fair.',
      'It opened in 1889 [1]. It was built for the fair [1].',
    ],
    [
      'a prefix after a bullet',
      '- [1] It opened in 1889.\n- [2][3] It is tall',
      '- It opened in 1889 [1].\n- It is tall [2][3]',
    ],
    ['a prefix on a numbered item', '1. [2] It is tall.', '1. It is tall [2].'],
    [
      'a prefix line whose sentence the model also cited',
      '[1] It opened in 1889 [2].',
      'It opened in 1889 [2].',
    ],
    ['a decimal inside a prefixed line', '[1] It is 3.5 km long.', 'It is 3.5 km long [1].'],
    [
      'a trailing list loses its separators',
      'It opened in 1889 and is tall. [1], [2]',
      'It opened in 1889 and is tall. [1][2]',
    ],
    ['markers joined by "and"', 'It is tall [1] and [3].', 'It is tall [1][3].'],
    [
      'a comma after a marker that is not a list stays',
      'It is tall [1], and old.',
      'It is tall [1], and old.',
    ],
    [
      'a marker alone on a line joins the line before',
      'It opened in 1889.\n[1]\nIt is tall.',
      'It opened in 1889. [1]\nIt is tall.',
    ],
    ['a marker alone at the end', 'It opened in 1889.\n\n[1]', 'It opened in 1889. [1]'],
    [
      'footnote definitions go',
      'It opened in 1889.[^1]\n\n[^1]: Eiffel Tower, Wikipedia',
      'It opened in 1889.[1]',
    ],
    [
      'a closing list of sources goes',
      'It opened in 1889 [1].\n\nSources:\n[1] Eiffel Tower\n[2] Paris',
      'It opened in 1889 [1].',
    ],
    ['a bold sources heading goes too', 'It is tall [2].\n**References:**\n- [2] x', 'It is tall [2].'],
    ['"Sources:" with markers on its line', 'It is tall [2].\nSources: [1], [2]', 'It is tall [2].'],
    [
      'a sentence that starts with "Sources" stays',
      'Sources say it opened in 1889 [1].',
      'Sources say it opened in 1889 [1].',
    ],
    ['"So" at a line start stays', 'So it is [1].\nSo it was.', 'So it is [1].\nSo it was.'],
    ['Chinese takes markers without a space', '【1】埃菲尔铁塔建于1889年。', '埃菲尔铁塔建于1889年[1]。'],
    ['a list of plain lines is untouched', '- one\n- two\n\n1. three', '- one\n- two\n\n1. three'],
    ['numbers at a line start are words', '1889 was the year [1].', '1889 was the year [1].'],
    ['code is left alone', 'Run `x[1]` now [2].', 'Run `x[1]` now [2].'],
    ['a placeholder copied from the instructions goes', 'He picked it off [n] [1].', 'He picked it off [1].'],
    ['so does [number]', 'It is tall [number].', 'It is tall.'],
    [
      'a bracketed word that is not a placeholder stays',
      'See [the list] and [x-ray].',
      'See [the list] and [x-ray].',
    ],
  ])('%s', (_name, input, expected) => {
    for (const size of [1, 2, 3, 7, 1000]) expect(normalize(input, size), `chunks of ${size}`).toBe(expected);
  });
});
