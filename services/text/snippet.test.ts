import { describe, expect, it } from 'vitest';
import { collapseSpaces, hitOffsets, makeSnippet } from './snippet.js';

const filler = (n: number, word = 'filler') => Array.from({ length: n }, () => word).join(' ');

describe('makeSnippet', () => {
  it('returns short text whole, spaces collapsed', () => {
    expect(makeSnippet('  a   short\n\ntext ', ['short'])).toBe('a short text');
  });

  it.each([
    // [terms, the word the window must hold]
    [['landed'], 'landing'],
    [['Landing'], 'LANDING'],
    [['e.g'], 'e.g.'],
    [['3.14'], '3.14'],
    [['il6'], 'IL6'],
  ])('finds %j in ASCII text (%s)', (terms, word) => {
    const text = `${filler(60)} ${word} gear ${filler(60, 'other')}`;
    const snippet = makeSnippet(text, terms);
    expect(snippet).toContain(word);
    expect(snippet.startsWith('… ')).toBe(true);
  });

  it('picks the window with the most hits', () => {
    const text = `${filler(10)} lamp ${filler(60)} lamp lighthouse lamp keeper ${filler(60)}`;
    expect(makeSnippet(text, ['lamp', 'lighthouse'])).toMatch(/lamp lighthouse lamp/);
  });

  it('does not take a word that merely starts like a term', () => {
    const text = `${filler(20)} landscape ${filler(60)} land ${filler(60)}`;
    const snippet = makeSnippet(text, ['land']);
    expect(snippet).toContain(' land ');
    expect(snippet).not.toContain('landscape');
  });

  it('gives the same window in ASCII text as in the same text with a non-ASCII word far away', () => {
    // The second text takes the general (regular expression) path; the first the ASCII scan.
    const body = `${filler(30)} Pilots piloted the PILOT boat; pilotage fees ${filler(40)}`;
    const terms = ['pilot', 'fees'];
    const ascii = makeSnippet(body, terms);
    const general = makeSnippet(`${body} ${filler(40)} naïve`, terms);
    expect(general.replace(/ …$/, '')).toContain(ascii.replace(/ …$/, ''));
  });

  it('finds CJK terms anywhere, and folded Latin words', () => {
    expect(makeSnippet(`${filler(50, '文字')} 北京大学 ${filler(50, '文字')}`, ['北京'])).toContain(
      '北京大学',
    );
    expect(makeSnippet(`${filler(50)} café ${filler(50)}`, ['café'])).toContain('café');
  });
});

describe('hitOffsets', () => {
  // Text with what real pages hold beside ASCII: curly quotes, dashes, no-break spaces, accented
  // and other-script letters, marks, CJK, emoji and astral letters, next to and inside words.
  const pieces = [
    'pilot',
    'Pilots',
    'piloted',
    'PILOT',
    'pilotage',
    'fees',
    'fee',
    'landing',
    'landed',
    'land',
    'café',
    'naïve',
    'Ångström',
    'piloté',
    'éfees',
    '’',
    '“',
    '”',
    '—',
    '–',
    '\u00a0',
    'Ελλάδα',
    'Москва',
    '北京大学',
    'pilot北京',
    '😀',
    '𝐀pilot',
    'pilot𝐀',
    'e\u0301fees',
    'x2',
    'pilot2',
    '3.14',
    'e.g.',
    '(pilot)',
    '"fees"',
    'pilot’s',
    'l’landing',
  ];
  let seed = 11;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const text = () =>
    Array.from({ length: 40 }, () => {
      const piece = pieces[Math.floor(next() * pieces.length)] as string;
      return next() < 0.2 ? piece : `${piece} `;
    }).join('');

  it.each([[['pilot', 'fees']], [['landing']], [['land', 'pilot', 'fee']], [['cafe']], [['x2', 'pilot']]])(
    'finds in non-ASCII text exactly what the pattern finds (%j)',
    (terms) => {
      for (let i = 0; i < 200; i++) {
        const t = text();
        expect(hitOffsets(t, terms)).toEqual(hitOffsets(t, terms, false));
      }
    },
  );
});

describe('collapseSpaces', () => {
  it('is text.replace(/\\s+/g, " ").trim(), whatever the white space', () => {
    const samples = [
      '',
      ' ',
      'a b c',
      '  a  b ',
      'a\tb\nc\r\nd',
      'a\u00a0b',
      'a \u00a0 b',
      'a\u3000b\u2028c\ufeff',
      '\n lead and trail \t',
      'one  two',
      'x\u200ay',
    ];
    for (const text of samples) expect(collapseSpaces(text)).toBe(text.replace(/\s+/g, ' ').trim());
  });
});
