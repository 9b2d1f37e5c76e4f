// Tables drawn in text: manual pages and many documentation sites lay a table out in a <pre>
// block (a header line, a ruler of dashes under it, rows aligned on the header's columns) instead of
// an HTML table. Read as code, their rows are one opaque block; read as a table, each row names its
// columns like any data table's. Pure: text in, headers and rows out (or undefined: not a table).

export interface TextTable {
  readonly headers: string[];
  readonly rows: string[][];
}

/** A ruler: dashes or equals signs (with +, | or spaces between runs), at least 8 of them. */
const RULER = /^\s*[-=]{3,}(?:[\s+|]*[-=]{3,})*[\s+|]*$/;
const MAX_LINES = 2_000;

interface Cell {
  readonly at: number;
  readonly text: string;
}

/** The cells of a line: runs of text apart by two spaces or more, with where each starts. */
function cellsOf(line: string): Cell[] {
  const cells: Cell[] = [];
  for (const m of line.matchAll(/\S+(?: \S+)*/g)) cells.push({ at: m.index ?? 0, text: m[0] });
  return cells;
}

function isRuler(line: string): boolean {
  return RULER.test(line) && line.replace(/[^-=]/g, '').length >= 8;
}

/** A header cell names a column: short, with a letter, not code. */
function headerCell(text: string): boolean {
  return text.length <= 32 && /\p{L}/u.test(text) && !/[;{}=<>]|\(\)/.test(text);
}

/**
 * A table drawn in text, or undefined. It needs a header line of two columns or more with a ruler
 * right under it (an opening ruler above it is allowed), then two rows or more; later rulers split
 * groups of rows and are dropped. Each cell goes to the column whose header starts nearest to it; a
 * line with text only in the last column continues the row above.
 */
export function textTable(text: string): TextTable | undefined {
  const lines = text.replace(/\t/g, '        ').split('\n');
  if (lines.length > MAX_LINES) return undefined;
  let first = 0;
  while (first < lines.length && (lines[first] ?? '').trim() === '') first++;
  if (isRuler(lines[first] ?? '')) first++;
  const headerLine = lines[first] ?? '';
  if (!isRuler(lines[first + 1] ?? '')) return undefined;
  const header = cellsOf(headerLine);
  if (header.length < 2 || !header.every((c) => headerCell(c.text))) return undefined;
  const starts = header.map((c) => c.at);
  const last = header.length - 1;
  const rows: string[][] = [];
  let multiCell = 0;
  for (const line of lines.slice(first + 2)) {
    if (line.trim() === '' || isRuler(line)) continue;
    const row: string[] = header.map(() => '');
    for (const cell of cellsOf(line)) {
      let col = 0;
      for (let c = 1; c < starts.length; c++) {
        if (Math.abs((starts[c] ?? 0) - cell.at) < Math.abs((starts[col] ?? 0) - cell.at)) col = c;
      }
      row[col] = row[col] ? `${row[col]} ${cell.text}` : cell.text;
    }
    const filled = row.filter((c) => c !== '').length;
    const previous = rows.at(-1);
    if (previous && filled === 1 && row[last] !== '' && last > 0) {
      previous[last] = previous[last] ? `${previous[last]} ${row[last]}` : (row[last] ?? '');
      continue;
    }
    if (filled >= 2) multiCell++;
    rows.push(row);
  }
  if (rows.length < 2 || multiCell * 2 < rows.length) return undefined;
  return { headers: header.map((c) => c.text), rows };
}

/**
 * The code a row's leading one-character cells spell together, as such codes are written (`UU`,
 * `??` for the X and Y columns of a status table); undefined when a row does not start with two
 * or more one-character cells.
 */
export function rowCode(cells: readonly string[]): string | undefined {
  let code = '';
  for (const cell of cells) {
    const c = cell.trim();
    if ([...c].length !== 1) break;
    code += c;
  }
  const n = [...code].length;
  return n >= 2 && cells.length > n && !/\d/.test(code) ? code : undefined;
}
