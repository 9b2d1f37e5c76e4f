// The answer's Markdown, parsed into a small tree of the constructs we render: paragraphs,
// headings, lists, quotes, code, tables, rules; bold, italic, code spans, http(s) links and [n]
// citation markers. Everything else — raw HTML included — stays text. Shared by the server and
// the browser; the views turn the tree into allowlisted elements (vdom.ts), never into raw HTML.

export type Inline =
  | { readonly t: 'text'; readonly v: string }
  | { readonly t: 'strong' | 'em'; readonly c: readonly Inline[] }
  | { readonly t: 'code'; readonly v: string }
  | { readonly t: 'link'; readonly href: string; readonly c: readonly Inline[] }
  | { readonly t: 'cite'; readonly n: number }
  | { readonly t: 'br' };

export type Block =
  | { readonly t: 'p'; readonly c: readonly Inline[] }
  | { readonly t: 'h'; readonly level: number; readonly c: readonly Inline[] }
  | {
      readonly t: 'list';
      readonly ordered: boolean;
      readonly start: number;
      readonly items: readonly Block[][];
    }
  | { readonly t: 'code'; readonly v: string }
  | { readonly t: 'quote'; readonly c: readonly Block[] }
  | { readonly t: 'hr' }
  | {
      readonly t: 'table';
      readonly head: readonly (readonly Inline[])[];
      readonly rows: readonly (readonly (readonly Inline[])[])[];
    };

/** Nesting deeper than this (quotes in lists in quotes…) is kept as plain text. */
const MAX_DEPTH = 4;
/** Longer answers are cut; an answer is a few paragraphs, never megabytes. */
const MAX_CHARS = 100_000;
/** How far a closing delimiter is looked for, which keeps parsing linear on hostile input. */
const SEARCH_WINDOW = 2000;

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t#]*$/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const BULLET = /^( {0,3})([-*+])[ \t]+/;
const ORDERED = /^( {0,3})(\d{1,9})[.)][ \t]+/;
const TABLE_RULE = /^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$/;

function listMarker(line: string): { ordered: boolean; start: number; width: number } | undefined {
  const bullet = BULLET.exec(line);
  if (bullet) return { ordered: false, start: 1, width: bullet[0].length };
  const ordered = ORDERED.exec(line);
  if (ordered) return { ordered: true, start: Number(ordered[2]), width: ordered[0].length };
  return undefined;
}

function startsBlock(line: string): boolean {
  return (
    FENCE.test(line) ||
    HEADING.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    listMarker(line) !== undefined
  );
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  return row.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

export function parseMarkdown(markdown: string): Block[] {
  const text = markdown.slice(0, MAX_CHARS).replace(/\r\n?/g, '\n').replace(/\t/g, '    ');
  return parseBlocks(text.split('\n'), 0);
}

function parseBlocks(lines: readonly string[], depth: number): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      i++;
      while (i < lines.length && !(lines[i] ?? '').trimStart().startsWith(marker))
        body.push(lines[i++] ?? '');
      i++; // the closing fence (or the end)
      blocks.push({ t: 'code', v: body.join('\n') });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ t: 'h', level: heading[1]?.length ?? 1, c: parseInline(heading[2] ?? '', 0) });
      i++;
      continue;
    }
    if (RULE.test(line)) {
      blocks.push({ t: 'hr' });
      i++;
      continue;
    }
    if (depth < MAX_DEPTH && QUOTE.test(line)) {
      const body: string[] = [];
      while (i < lines.length && QUOTE.test(lines[i] ?? '')) body.push((lines[i++] ?? '').replace(QUOTE, ''));
      blocks.push({ t: 'quote', c: parseBlocks(body, depth + 1) });
      continue;
    }
    const marker = listMarker(line);
    if (depth < MAX_DEPTH && marker) {
      const items: Block[][] = [];
      while (i < lines.length) {
        const current = lines[i] ?? '';
        const m = listMarker(current);
        if (!m || m.ordered !== marker.ordered) break;
        const body = [current.slice(m.width)];
        i++;
        // The item goes on while lines are indented (nested content) or continue its paragraph.
        while (i < lines.length) {
          const next = lines[i] ?? '';
          if (next.trim() === '') {
            const after = lines[i + 1] ?? '';
            if (/^ {2,}\S/.test(after) && !listMarker(after)) {
              body.push('');
              i++;
              continue;
            }
            if (/^ {2,}/.test(after) && listMarker(after.trimStart())) {
              body.push('');
              i++;
              continue;
            }
            break;
          }
          if (/^ {2,}/.test(next)) {
            body.push(next.replace(/^ {2,4}/, ''));
            i++;
            continue;
          }
          if (startsBlock(next)) break;
          body.push(next);
          i++;
        }
        items.push(parseBlocks(body, depth + 1));
        while (i < lines.length && (lines[i] ?? '').trim() === '' && listMarker(lines[i + 1] ?? '')) i++;
      }
      blocks.push({ t: 'list', ordered: marker.ordered, start: marker.start, items });
      continue;
    }
    const next = lines[i + 1] ?? '';
    if (line.includes('|') && TABLE_RULE.test(next) && next.includes('-')) {
      const head = splitRow(line).map((cell) => parseInline(cell, 0));
      const rows: Inline[][][] = [];
      i += 2;
      while (i < lines.length && (lines[i] ?? '').includes('|') && (lines[i] ?? '').trim() !== '') {
        rows.push(splitRow(lines[i++] ?? '').map((cell) => parseInline(cell, 0)));
      }
      blocks.push({ t: 'table', head, rows });
      continue;
    }
    const para: string[] = [line.trim()];
    i++;
    while (i < lines.length && (lines[i] ?? '').trim() !== '' && !startsBlock(lines[i] ?? '')) {
      para.push((lines[i++] ?? '').trim());
    }
    blocks.push({ t: 'p', c: parseInline(para.join('\n'), 0) });
  }
  return blocks;
}

const CITATION = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\](?!\()/;
/** A link target: no spaces or angle brackets, parentheses only in balanced pairs (Wikipedia). */
const TARGET = String.raw`((?:[^\s<>()]|\([^\s<>()]*\))+)`;
const LINK = new RegExp(String.raw`^\[([^\]\n]{1,500})\]\(\s*<?${TARGET}>?(?:\s+"[^"\n]*")?\s*\)`);
const IMAGE = new RegExp(String.raw`^!\[([^\]\n]{0,500})\]\(\s*<?${TARGET}>?(?:\s+"[^"\n]*")?\s*\)`);
const AUTOLINK = /^<(https?:\/\/[^\s<>]+)>/;
const BARE_URL = /^https?:\/\/[^\s<>()[\]{}"'`]*[^\s<>()[\]{}"'`.,;:!?]/;
const PUNCT = /[!-/:-@[-`{-~]/;
const WORD = /[\p{L}\p{N}]/u;

function isHttp(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** Parses inline Markdown. `depth` bounds emphasis nesting. */
export function parseInline(text: string, depth: number): Inline[] {
  const out: Inline[] = [];
  let buf = '';
  const flush = () => {
    if (buf) out.push({ t: 'text', v: buf });
    buf = '';
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i] ?? '';
    const rest = text.slice(i);
    if (ch === '\\' && PUNCT.test(text[i + 1] ?? '')) {
      buf += text[i + 1];
      i += 2;
      continue;
    }
    if (ch === '\n') {
      flush();
      out.push({ t: 'br' });
      i++;
      continue;
    }
    if (ch === '`') {
      const run = /^`+/.exec(rest)?.[0] ?? '`';
      const close = text.slice(0, i + SEARCH_WINDOW).indexOf(run, i + run.length);
      if (close > i) {
        flush();
        let code = text.slice(i + run.length, close).replace(/\n/g, ' ');
        if (/^ .* $/.test(code)) code = code.slice(1, -1);
        out.push({ t: 'code', v: code });
        i = close + run.length;
        continue;
      }
      buf += run;
      i += run.length;
      continue;
    }
    if (ch === '[') {
      const cite = CITATION.exec(rest);
      if (cite) {
        flush();
        for (const n of (cite[1] ?? '').split(',')) out.push({ t: 'cite', n: Number(n.trim()) });
        i += cite[0].length;
        continue;
      }
      const link = LINK.exec(rest);
      if (link) {
        flush();
        const label = parseInline(link[1] ?? '', depth + 1);
        const href = link[2] ?? '';
        if (isHttp(href)) out.push({ t: 'link', href, c: label });
        else out.push(...label);
        i += link[0].length;
        continue;
      }
    }
    if (ch === '!' && text[i + 1] === '[') {
      const image = IMAGE.exec(rest);
      if (image) {
        // Images are not shown (the page loads nothing from crawled sites): a link to it instead.
        flush();
        const alt = image[1] || 'image';
        const href = image[2] ?? '';
        if (isHttp(href)) out.push({ t: 'link', href, c: [{ t: 'text', v: alt }] });
        else out.push({ t: 'text', v: alt });
        i += image[0].length;
        continue;
      }
    }
    if (ch === '<') {
      const auto = AUTOLINK.exec(rest);
      if (auto) {
        flush();
        out.push({ t: 'link', href: auto[1] ?? '', c: [{ t: 'text', v: auto[1] ?? '' }] });
        i += auto[0].length;
        continue;
      }
    }
    if ((ch === 'h' || ch === 'H') && !WORD.test(text[i - 1] ?? '')) {
      const url = BARE_URL.exec(rest);
      if (url) {
        flush();
        out.push({ t: 'link', href: url[0], c: [{ t: 'text', v: url[0] }] });
        i += url[0].length;
        continue;
      }
    }
    if ((ch === '*' || ch === '_') && depth < MAX_DEPTH) {
      const emphasis = matchEmphasis(text, i, ch);
      if (emphasis) {
        flush();
        out.push({
          t: emphasis.strong ? 'strong' : 'em',
          c: parseInline(text.slice(emphasis.innerStart, emphasis.innerEnd), depth + 1),
        });
        i = emphasis.end;
        continue;
      }
    }
    buf += ch;
    i++;
  }
  flush();
  return out;
}

function matchEmphasis(
  text: string,
  i: number,
  ch: string,
): { strong: boolean; innerStart: number; innerEnd: number; end: number } | undefined {
  const strong = text[i + 1] === ch;
  const delim = strong ? ch + ch : ch;
  const innerStart = i + delim.length;
  const first = text[innerStart] ?? '';
  if (first === '' || /\s/.test(first) || first === ch) return undefined;
  // Underscores inside words (snake_case) are not emphasis.
  if (ch === '_' && WORD.test(text[i - 1] ?? '')) return undefined;
  const hay = text.slice(0, i + SEARCH_WINDOW);
  let from = innerStart + 1;
  while (from <= hay.length) {
    const close = hay.indexOf(delim, from);
    if (close < 0) return undefined;
    const before = text[close - 1] ?? '';
    const after = text[close + delim.length] ?? '';
    const closes = !/\s/.test(before) && (strong || after !== ch) && !(ch === '_' && WORD.test(after));
    if (closes) return { strong, innerStart, innerEnd: close, end: close + delim.length };
    from = close + 1;
  }
  return undefined;
}

/** The plain text of inline content (for labels and summaries). */
export function inlineText(nodes: readonly Inline[]): string {
  let out = '';
  for (const node of nodes) {
    if (node.t === 'text' || node.t === 'code') out += node.v;
    else if (node.t === 'br') out += ' ';
    else if (node.t === 'cite') out += `[${node.n}]`;
    else out += inlineText(node.c);
  }
  return out;
}
