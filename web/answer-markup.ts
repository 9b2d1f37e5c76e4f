// The answer's Markdown as safe HTML: text is escaped first, then the few constructs we render
// (paragraphs, **bold**, `code`, [n] citations) are turned into markup we write ourselves.
import { escapeHtml, Html } from './html.js';

export function answerToHtml(markdown: string, citedNumbers: ReadonlySet<number>): Html {
  const paragraphs = markdown
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean);
  const rendered = paragraphs.map((p) => {
    let text = escapeHtml(p);
    text = text.replace(/`([^`]+)`/g, '<code>$1</code>');
    text = text.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
    text = text.replace(/\[(\d{1,3})\]/g, (_whole, digits: string) => {
      const n = Number(digits);
      if (!citedNumbers.has(n)) return '';
      return `<a class="cite" href="#source-${n}" aria-label="source ${n}">[${n}]</a>`;
    });
    return `<p>${text.replace(/\n/g, '<br>')}</p>`;
  });
  return new Html(rendered.join('\n'));
}
