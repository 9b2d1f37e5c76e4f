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

/** The snippet as it was made before, from the whole collapsed text (the reference). */
function wholeTextSnippet(text: string, terms: readonly string[], maxChars = 240): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (clean.length <= maxChars) return clean;
  const hits = hitOffsets(clean, terms);
  let bestStart = 0;
  let bestHits = 0;
  let right = 0;
  for (let left = 0; left < hits.length; left++) {
    const start = hits[left] ?? 0;
    while (right < hits.length && (hits[right] ?? 0) - start < maxChars - 20) right++;
    if (right - left > bestHits) {
      bestHits = right - left;
      bestStart = start;
    }
  }
  let start = bestStart;
  if (start > 0) {
    const back = Math.max(0, start - 40);
    const boundary = clean.lastIndexOf(' ', start - 1);
    start = boundary > back ? boundary + 1 : start;
  }
  let end = Math.min(clean.length, start + maxChars);
  if (end < clean.length) {
    const boundary = clean.lastIndexOf(' ', end);
    if (boundary > start + maxChars / 2) end = boundary;
  }
  return `${start > 0 ? '… ' : ''}${clean.slice(start, end).trim()}${end < clean.length ? ' …' : ''}`;
}

describe('makeSnippet on long texts', () => {
  let seed = 7;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const words = [
    'pilot',
    'Pilots',
    'landing',
    'the',
    'moon',
    'lunar',
    'a',
    'module',
    'Eagle',
    'crew',
    '1969',
    'naïve',
    'e.g.',
  ];
  // Words separated by one white-space character each, as stored passages are (line breaks
  // between paragraphs), sometimes with white space at the ends.
  const separators = [' ', ' ', ' ', ' ', '\n', '\t', '\u00a0'];
  const text = (length: number) => {
    let out = next() < 0.2 ? '\n' : '';
    while (out.length < length) {
      out += words[Math.floor(next() * words.length)];
      out += separators[Math.floor(next() * separators.length)];
    }
    return out;
  };

  it.each([
    [['pilot']],
    [['landing', 'moon']],
    [['crew', 'eagle', '1969']],
    [['absent']],
    [['naïve', 'pilot']],
  ])('gives the window the whole collapsed text gives, single separators of any kind (%j)', (terms) => {
    for (let i = 0; i < 300; i++) {
      const t = text(300 + Math.floor(next() * 2000));
      expect(makeSnippet(t, terms)).toBe(wholeTextSnippet(t, terms));
    }
  });

  it('keeps its promises when white space runs come first', () => {
    const t = `${'word  \n\n  '.repeat(200)} the landing of the lunar module ${'filler '.repeat(100)}`;
    const snippet = makeSnippet(t, ['landing', 'lunar']);
    expect(snippet).toContain('landing of the lunar module');
    expect(snippet).not.toMatch(/\s\s|\n/);
    expect(snippet.length).toBeLessThanOrEqual(240 + 4);
    expect(snippet.startsWith('… ') && snippet.endsWith(' …')).toBe(true);
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
    // Lower-cased to ASCII (the Kelvin sign) or to a longer text (U+0130): no word starts there.
    '\u212apilot',
    'pi\u212alot',
    '\u0130pilot',
    'landİ',
    'ΑΣ.Β',
    'landlanding',
    '\u212aelvin',
    'kelvins',
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

  it.each([
    [['pilot', 'fees']],
    [['landing']],
    [['land', 'pilot', 'fee']],
    [['cafe']],
    [['x2', 'pilot']],
    [['land', 'landlanding', 'fees', 'pilot']],
  ])('finds in non-ASCII text exactly what the pattern finds (%j)', (terms) => {
    for (let i = 0; i < 200; i++) {
      const t = text();
      expect(hitOffsets(t, terms)).toEqual(hitOffsets(t, terms, 'pattern'));
      expect(hitOffsets(t, terms, 'scan')).toEqual(hitOffsets(t, terms, 'pattern'));
      // Again, the text's words from the memo.
      expect(hitOffsets(t, terms)).toEqual(hitOffsets(t, terms, 'pattern'));
      // Without U+0130 (the text keeps its length lower-cased).
      const same = t.replaceAll('\u0130', 'I');
      expect(hitOffsets(same, terms)).toEqual(hitOffsets(same, terms, 'pattern'));
    }
  });

  it('finds what the character scan finds in text that is not NFKC (words starting with the Kelvin sign)', () => {
    // The pattern, case-insensitive, takes "\u212aelvin" for "kelvin"; the scan passes over words
    // that start with a non-ASCII character.
    for (let i = 0; i < 200; i++) {
      const t = text().replaceAll('\u0130', 'I');
      expect(hitOffsets(t, ['kelvin', 'fee'])).toEqual(hitOffsets(t, ['kelvin', 'fee'], 'scan'));
    }
    expect(hitOffsets('\u212aelvin kelvins', ['kelvin'])).toEqual([7]);
  });
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
