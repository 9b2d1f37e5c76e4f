import { describe, expect, it } from 'vitest';
import { CitationParser, type CitationToken, parseCitations } from './citation-parser.js';

/** Renders tokens back to text with markers as [n][m], the way the answer writes them. */
function render(tokens: readonly CitationToken[]): string {
  return tokens
    .map((t) => (t.type === 'text' ? t.text : t.space + t.numbers.map((n) => `[${n}]`).join('')))
    .join('');
}

/** Feeds the text in chunks of `size` characters (and as one piece), expecting the same result. */
function parseChunked(text: string, sources: number, size: number): string {
  const parser = new CitationParser(sources);
  const tokens: CitationToken[] = [];
  const chars = [...text];
  for (let i = 0; i < chars.length; i += size) tokens.push(...parser.push(chars.slice(i, i + size).join('')));
  tokens.push(...parser.end());
  return render(tokens);
}

describe('CitationParser', () => {
  it.each([
    ['plain marker', 'It landed in 1969 [1].', 'It landed in 1969 [1].'],
    ['marker glued to the word', 'It landed in 1969[2].', 'It landed in 1969[2].'],
    ['group with comma', 'Both say so [1, 2].', 'Both say so [1][2].'],
    ['group without space', 'Both say so [1,3].', 'Both say so [1][3].'],
    ['adjacent markers', 'Both say so [1][2].', 'Both say so [1][2].'],
    ['range', 'All agree [1-3].', 'All agree [1][2][3].'],
    ['full-width lenticular', '长城很长【1】。', '长城很长[1]。'],
    ['full-width square', '长城很长［2］。', '长城很长[2]。'],
    ['full-width group', '长城很长【1，2】。', '长城很长[1][2]。'],
    ['dagger source style', 'It is long【3†source】.', 'It is long[3].'],
    ['labelled', 'It is long [Source 2].', 'It is long [2].'],
    ['labelled lower case with colon', 'It is long [source: 4].', 'It is long [4].'],
    ['footnote style', 'It is long[^1].', 'It is long[1].'],
    ['dangling number dropped with its space', 'It is long [7].', 'It is long.'],
    ['dangling number in a group', 'It is long [2, 7].', 'It is long [2].'],
    ['zero dropped', 'It is long [0].', 'It is long.'],
    ['paren citation before a full stop', 'It landed in 1969 (1).', 'It landed in 1969 [1].'],
    ['paren citation before a comma', 'It landed (2), then left.', 'It landed [2], then left.'],
    ['labelled paren', 'It landed (Source 3) and left.', 'It landed [3] and left.'],
    [
      'paren enumeration left alone',
      'Do two things: (1) crawl and (2) ask.',
      'Do two things: (1) crawl and (2) ask.',
    ],
    ['paren at line start left alone', 'Steps:\n(1) crawl.\n(2) ask.', 'Steps:\n(1) crawl.\n(2) ask.'],
    ['paren year left alone', 'It opened (1998).', 'It opened (1998).'],
    ['function call left alone', 'Call f(1).', 'Call f(1).'],
    ['paren out of range left alone', 'It is big (9).', 'It is big (9).'],
    ['bracket words left alone', 'See [the manual] here.', 'See [the manual] here.'],
    ['markdown link left alone', 'See [docs](https://x.org) here.', 'See [docs](https://x.org) here.'],
    ['citation dressed as a link', 'It is long [1](https://x.org/a).', 'It is long [1].'],
    ['inline code left alone', 'Use `arr[1]` here [1].', 'Use `arr[1]` here [1].'],
    [
      'fenced code left alone',
      'Run:\n```\nx = a[1] (1).\n```\nDone [2].',
      'Run:\n```\nx = a[1] (1).\n```\nDone [2].',
    ],
    ['unclosed inline code ends at the line', 'A `b [1]\nC [2].', 'A `b [1]\nC [2].'],
    ['long bracket text', `See [${'x'.repeat(60)}] now [1].`, `See [${'x'.repeat(60)}] now [1].`],
    ['marker at the very end', 'It is long [1]', 'It is long [1]'],
    ['unclosed bracket at the end', 'It is long [1', 'It is long [1'],
  ])('%s', (_name, input, expected) => {
    expect(render(parseCitations(input, 4))).toBe(expected);
    for (const size of [1, 2, 3, 5]) expect(parseChunked(input, 4, size)).toBe(expected);
  });

  it('holds a marker split across chunks until it closes', () => {
    const parser = new CitationParser(3);
    expect(render(parser.push('It is long ['))).toBe('It is long');
    expect(render(parser.push('2'))).toBe('');
    expect(render(parser.push('].'))).toBe(' [2].');
    expect(render(parser.end())).toBe('');
  });

  it('passes plain text through at once', () => {
    const parser = new CitationParser(3);
    expect(render(parser.push('Hello world'))).toBe('Hello world');
  });

  it('emits cite tokens with the numbers of the group', () => {
    const tokens = parseCitations('A [1, 3].', 3);
    expect(tokens.filter((t) => t.type === 'cite')).toEqual([{ type: 'cite', numbers: [1, 3], space: ' ' }]);
  });
});
