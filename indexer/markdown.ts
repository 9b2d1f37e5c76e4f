// Markdown documents (Citebox's own README and docs/) as pages, so a new install can answer
// questions about itself before anything is crawled.
import type { ContentBlock } from '../services/index.js';

/** Removes inline Markdown: links keep their text, emphasis and code marks go. */
export function stripInlineMarkdown(text: string): string {
  return text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/(\*\*|__)(.+?)\1/g, '$2')
    .replace(/(^|[^*\w])[*_]([^*_\n]+)[*_](?=[^*\w]|$)/g, '$1$2')
    .replace(/<[^>]+>/g, '')
    .trim();
}

export interface MarkdownPage {
  readonly title: string;
  readonly blocks: ContentBlock[];
}

export function markdownToBlocks(markdown: string): MarkdownPage {
  const blocks: ContentBlock[] = [];
  let title = '';
  let paragraph: string[] = [];
  let list: string[] = [];
  let code: string[] | undefined;

  const flush = () => {
    if (paragraph.length > 0) {
      const text = stripInlineMarkdown(paragraph.join(' '));
      if (text) blocks.push({ type: 'text', text });
      paragraph = [];
    }
    if (list.length > 0) {
      blocks.push({ type: 'list', items: list.map(stripInlineMarkdown).filter(Boolean) });
      list = [];
    }
  };

  for (const line of markdown.split(/\r?\n/)) {
    if (code) {
      if (/^\s*```/.test(line)) {
        blocks.push({ type: 'code', text: code.join('\n') });
        code = undefined;
      } else {
        code.push(line);
      }
      continue;
    }
    if (/^\s*```/.test(line)) {
      flush();
      code = [];
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) {
      flush();
      const text = stripInlineMarkdown(heading[2] ?? '');
      const level = heading[1]?.length ?? 1;
      if (level === 1 && !title) title = text;
      blocks.push({ type: 'heading', level, text });
      continue;
    }
    if (/^\s*\|/.test(line)) {
      // Table rows become text rows; separator rows are dropped.
      flush();
      if (/^\s*\|[\s:|-]+\|\s*$/.test(line)) continue;
      const cells = line
        .split('|')
        .map((c) => stripInlineMarkdown(c))
        .filter(Boolean);
      if (cells.length > 0) blocks.push({ type: 'text', text: cells.join(' — ') });
      continue;
    }
    const item = /^\s*(?:[-*+]|\d+[.)])\s+(.*)$/.exec(line);
    if (item) {
      if (paragraph.length > 0) flush();
      list.push(item[1] ?? '');
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    if (list.length > 0 && /^\s{2,}/.test(line)) {
      list[list.length - 1] += ` ${line.trim()}`;
      continue;
    }
    if (list.length > 0) flush();
    paragraph.push(line.trim());
  }
  if (code) blocks.push({ type: 'code', text: code.join('\n') });
  flush();
  return { title, blocks };
}
