import { describe, expect, it } from 'vitest';
import { tableRows } from './structure.js';
import { rowCode, textTable } from './text-table.js';

// The short-format table of a manual page, as it is laid out in its <pre> block.
const STATUS = `X          Y     Meaning
-------------------------------------------------
         [AMD]   not updated
M        [ MTD]  updated in index
D                deleted from index
[ MTARC]    D    deleted in work tree
            R    renamed in work tree
-------------------------------------------------
D           D    unmerged, both deleted
U           U    unmerged, both modified
-------------------------------------------------
?           ?    untracked
!           !    ignored
-------------------------------------------------`;

describe('textTable', () => {
  it('reads a table drawn in text: each cell under the column whose header starts nearest', () => {
    const t = textTable(STATUS);
    expect(t?.headers).toEqual(['X', 'Y', 'Meaning']);
    expect(t?.rows).toEqual([
      ['', '[AMD]', 'not updated'],
      ['M', '[ MTD]', 'updated in index'],
      ['D', '', 'deleted from index'],
      ['[ MTARC]', 'D', 'deleted in work tree'],
      ['', 'R', 'renamed in work tree'],
      ['D', 'D', 'unmerged, both deleted'],
      ['U', 'U', 'unmerged, both modified'],
      ['?', '?', 'untracked'],
      ['!', '!', 'ignored'],
    ]);
  });

  it('joins a line with text only in the last column to the row above, and allows an opening ruler', () => {
    const t = textTable(
      [
        '=====================================',
        'Option      Default   Description',
        '=====================================',
        '--depth     1         How deep to go',
        '                      from the seeds.',
        '--limit     100       Pages at most',
      ].join('\n'),
    );
    expect(t).toEqual({
      headers: ['Option', 'Default', 'Description'],
      rows: [
        ['--depth', '1', 'How deep to go from the seeds.'],
        ['--limit', '100', 'Pages at most'],
      ],
    });
  });

  it.each([
    ['code', 'int main(void) {\n  return 0;\n}'],
    ['a ruler without a header over it', '----------\nA  B\nC  D'],
    ['a one-column header', 'Name\n----------\nfoo\nbar'],
    ['one row', 'A    B\n----------\n1    2'],
    ['a header that is code', 'x = 1;   y = 2;\n----------\n1    2\n3    4'],
    [
      'rows that are sentences, not cells',
      'Name    Value\n----------\nthis is one line of prose\nand another one of it',
    ],
    ['nothing', ''],
  ])('is not fooled by %s', (_, text) => {
    expect(textTable(text)).toBeUndefined();
  });
});

describe('rowCode', () => {
  it.each([
    [['U', 'U', 'unmerged, both modified'], 'UU'],
    [['?', '?', 'untracked'], '??'],
    [['D', '', 'deleted from index'], undefined],
    [['M', '[ MTD]', 'updated in index'], undefined],
    [['Y', 'N'], undefined], // nothing after the codes: a matrix of marks, not a key
    [['1', '2', 'numbers are not codes'], undefined],
    [['Name', 'Value'], undefined],
  ])('%j -> %s', (cells, code) => {
    expect(rowCode(cells)).toBe(code);
  });

  it('puts the code at the head of the row as tableRows writes it', () => {
    expect(
      tableRows({
        type: 'table',
        headers: ['X', 'Y', 'Meaning'],
        rows: [['A', 'A', 'unmerged, both added']],
      }),
    ).toEqual(['AA — X: A; Y: A; Meaning: unmerged, both added']);
  });
});
