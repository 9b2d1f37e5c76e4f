// How structured content is written as passage text, shared by the crawler (main text, hashes), the
// indexer (passages), answers and snippets: code fenced as Markdown, table rows as lines that name
// their columns, paragraphs apart by a blank line. Pure.
import type { ContentBlock } from '../types.js';
import { rowCode } from './text-table.js';

/** A code block as Markdown: fenced with enough backticks that the code cannot close it. */
export function fenceCode(text: string, lang?: string | undefined): string {
  let longest = 2;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang ?? ''}\n${text}\n${fence}`;
}

/** Each row of a table as one line: "Header: cell; Header: cell" (cells joined by " — " without headers). */
export function tableRows(table: Extract<ContentBlock, { type: 'table' }>): string[] {
  const named = table.headers.some((h) => h);
  return table.rows.map((row) => {
    // A row keyed by one-character codes also carries them as they are written together.
    const code = rowCode(row);
    const lead = code ? `${code} — ` : '';
    if (!named) return lead + row.filter((c) => c).join(' — ');
    return (
      lead +
      row
        .map((cell, i) => {
          if (!cell) return '';
          const h = table.headers[i];
          return h ? `${h}: ${cell}` : cell;
        })
        .filter(Boolean)
        .join('; ')
    );
  });
}

/** Blocks as text: paragraphs apart, list items as bullets, code fenced, terms and rows as lines. */
export function renderBlocks(blocks: readonly ContentBlock[]): string {
  const parts: string[] = [];
  for (const b of blocks) {
    switch (b.type) {
      case 'heading':
      case 'text':
        parts.push(b.text);
        break;
      case 'list':
        parts.push(b.items.map((i) => `• ${i}`).join('\n'));
        break;
      case 'code':
        parts.push(fenceCode(b.text, b.lang));
        break;
      case 'term':
        parts.push(`${b.term}: ${b.text}`);
        break;
      case 'table':
        parts.push(tableRows(b).join('\n'));
        break;
      case 'break':
        break;
    }
  }
  return parts.join('\n\n').trim();
}

/** Paragraphs of a text (blank-line separated), fenced code kept whole even with blank lines inside. */
export function splitParagraphs(text: string): string[] {
  const out: string[] = [];
  let fence: string | undefined;
  let buffer: string[] = [];
  const push = () => {
    const t = buffer.join('\n').trim();
    if (t) out.push(t);
    buffer = [];
  };
  for (const line of text.split('\n')) {
    if (fence) {
      buffer.push(line);
      if (line.trim() === fence) {
        push();
        fence = undefined;
      }
      continue;
    }
    const open = /^(`{3,})/.exec(line);
    if (open?.[1]) {
      push();
      fence = open[1];
      buffer.push(line);
      continue;
    }
    if (line.trim() === '') push();
    else buffer.push(line);
  }
  push();
  return out;
}

/** A fenced code block's parts: its language and code, or undefined when the text is not one. */
export function parseFence(text: string): { lang: string; code: string } | undefined {
  const m = /^(`{3,})([^\n`]*)\n([\s\S]*?)\n?\1\s*$/.exec(text.trim());
  return m ? { lang: (m[2] ?? '').trim(), code: m[3] ?? '' } : undefined;
}

/** Text without code fences' marker lines (what a snippet or a word count should see). */
export function stripFences(text: string): string {
  return text.replace(/^`{3,}[^\n`]*$/gm, '').replace(/\n{3,}/g, '\n\n');
}
