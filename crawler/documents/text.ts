// Plain text and Markdown. Bytes are decoded by their byte-order mark, the Content-Type charset,
// valid UTF-8, then detection. Plain text: paragraphs are runs of lines between blank lines, the
// title its first short line. Markdown is read with marked's lexer: headings, paragraphs, lists,
// code blocks, tables and block quotes, inline markup reduced to its text; a YAML front matter's
// `title` is the title, else the first heading.
import { Lexer, type Token, type Tokens } from 'marked';
import { charsetFromBom, charsetFromContentType, detectCharset, looksLikeUtf8 } from '../decode.js';
import { BlockCollector, type DocumentContent, MAX_DOCUMENT_CHARS } from './blocks.js';
import { cleanText } from './xml.js';

/** Text of a text document's bytes. */
export function decodeText(body: Uint8Array, contentType: string | undefined): string {
  const charset =
    charsetFromBom(body) ??
    charsetFromContentType(contentType) ??
    (looksLikeUtf8(body.subarray(0, 65_536)) ? 'utf-8' : undefined) ??
    detectCharset(body) ??
    'utf-8';
  // Past the text cap nothing is kept: the rest is not decoded either (cut at a line end).
  const text = new TextDecoder(charset).decode(
    body.length > MAX_DOCUMENT_CHARS * 4 ? body.subarray(0, MAX_DOCUMENT_CHARS * 4) : body,
  );
  if (text.length <= MAX_DOCUMENT_CHARS) return text;
  const cut = text.lastIndexOf('\n', MAX_DOCUMENT_CHARS);
  return text.slice(0, cut > 0 ? cut : MAX_DOCUMENT_CHARS);
}

export function readPlainText(text: string): DocumentContent {
  const out = new BlockCollector();
  let title: string | undefined;
  for (const paragraph of text.split(/\r?\n[ \t]*\r?\n/)) {
    const clean = cleanText(paragraph);
    if (!clean) continue;
    const firstLine = cleanText(paragraph.split(/\r?\n/).find((l) => l.trim()) ?? '');
    if (title === undefined && firstLine === clean && clean.split(' ').length <= 12) {
      title = clean;
      out.heading(1, clean);
      continue;
    }
    title ??= '';
    out.text(clean);
  }
  return { blocks: out.finish(), title: title || undefined };
}

/** The text of inline tokens (links keep their text, code spans their code, images their alt). */
function inlineText(tokens: readonly Token[] | undefined, fallback: string): string {
  if (!tokens) return fallback;
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'html':
        break;
      case 'br':
        out += ' ';
        break;
      case 'image':
        out += (t as Tokens.Image).text;
        break;
      case 'codespan':
        out += (t as Tokens.Codespan).text;
        break;
      default: {
        const nested = (t as { tokens?: Token[] }).tokens;
        out += nested ? inlineText(nested, '') : ((t as { text?: string }).text ?? '');
      }
    }
  }
  return out;
}

function markdownBlocks(
  tokens: readonly Token[],
  out: BlockCollector,
  state: { title?: string | undefined },
): void {
  for (const t of tokens) {
    switch (t.type) {
      case 'heading': {
        const h = t as Tokens.Heading;
        const text = cleanText(inlineText(h.tokens, h.text));
        if (h.depth === 1 && state.title === undefined) state.title = text;
        out.heading(h.depth, text);
        break;
      }
      case 'paragraph':
      case 'text':
        out.text(inlineText((t as Tokens.Paragraph).tokens, (t as Tokens.Paragraph).text));
        break;
      case 'code':
        out.code((t as Tokens.Code).text);
        break;
      case 'list':
        for (const item of (t as Tokens.List).items) out.listItem(inlineText(item.tokens, item.text));
        out.flushList();
        break;
      case 'table': {
        const table = t as Tokens.Table;
        const headers = table.header.map((c) => cleanText(inlineText(c.tokens, c.text)));
        // Each row keeps its column names ("Name: value"), so a row read alone still says what it is.
        out.table(
          table.rows.map((r) =>
            r.map((c, i) => {
              const value = cleanText(inlineText(c.tokens, c.text));
              return headers[i] && value ? `${headers[i]}: ${value}` : value;
            }),
          ),
        );
        break;
      }
      case 'blockquote':
        markdownBlocks((t as Tokens.Blockquote).tokens, out, state);
        break;
      case 'html':
        out.text((t as Tokens.HTML).text.replace(/<[^>]*>/g, ' '));
        break;
      default:
        break;
    }
  }
}

export function readMarkdown(source: string): DocumentContent {
  let text = source.replace(/^\uFEFF/, '');
  let frontTitle: string | undefined;
  const front = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)\r?\n/.exec(text);
  if (front) {
    text = text.slice(front[0].length);
    const m = /^title:\s*(.+)$/m.exec(front[1] ?? '');
    frontTitle = m ? cleanText((m[1] ?? '').replace(/^["']|["']$/g, '')) || undefined : undefined;
  }
  const out = new BlockCollector();
  const state: { title?: string | undefined } = {};
  markdownBlocks(new Lexer({ gfm: true }).lex(text), out, state);
  return { blocks: out.finish(), title: frontTitle ?? state.title };
}
