// The site the compose test crawls: an index page linking to `count` pages, each stating one
// made-up fact (a lantern of an invented town, restored in a given year) that no other page or
// document states, so a question about it has exactly one right page to cite. The rest of each
// page is generated text of its own: pages that share most of their text would be (rightly)
// skipped by the crawler as near-duplicates.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pageWords } from '../helpers/test-site-generator.js';

export interface SitePage {
  readonly path: string;
  readonly title: string;
  readonly fact: string;
  readonly question: string;
}

const FIRST = ['Vel', 'Quor', 'Ban', 'Tis', 'Mor', 'Hal', 'Zem', 'Orn', 'Pell', 'Cas'];
const LAST = ['mora', 'dale', 'wick', 'holt', 'stead', 'mere'];
const COLORS = ['amber', 'teal', 'crimson', 'ivory', 'cobalt', 'saffron', 'jade', 'umber'];

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function sitePage(i: number): SitePage {
  const town = `${FIRST[i % FIRST.length]}${LAST[Math.floor(i / FIRST.length) % LAST.length]}`;
  const color = COLORS[i % COLORS.length];
  const year = 1850 + ((i * 7) % 150);
  const path = `/notes/${String(i).padStart(3, '0')}.html`;
  return {
    path,
    title: `Harbor note ${i}: the lantern of ${town}`,
    fact: `The ${color} lantern of ${town} was restored in ${year} by the harbor guild.`,
    question: `When was the ${color} lantern of ${town} restored?`,
  };
}

function generatedParagraph(seed: number): string {
  const text = pageWords(seed, 70).join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function pageHtml(page: SitePage, i: number, count: number): string {
  const next = (i + 1) % count;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title></head>
<body><main><article>
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.fact)}</p>
<h2>Notes</h2>
<p>${escapeHtml(generatedParagraph(2 * i + 1))}</p>
<p>${escapeHtml(generatedParagraph(2 * i + 2))}</p>
<p>See also <a href="/notes/${String(next).padStart(3, '0')}.html">the next harbor note</a> and <a href="/">all notes</a>.</p>
</article></main></body></html>
`;
}

/** Writes the site into `dir` (index.html and notes/NNN.html) and returns its pages. */
export function writeTestSite(dir: string, count: number): SitePage[] {
  mkdirSync(join(dir, 'notes'), { recursive: true });
  const pages = Array.from({ length: count }, (_, i) => sitePage(i));
  pages.forEach((page, i) => {
    writeFileSync(join(dir, page.path), pageHtml(page, i, count));
  });
  const links = pages.map((p) => `<li><a href="${p.path}">${escapeHtml(p.title)}</a></li>`).join('\n');
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Harbor notes</title></head>
<body><main><h1>Harbor notes</h1><p>Notes on the lanterns of the coast, one page each.</p>
<ul>
${links}
</ul></main></body></html>
`,
  );
  return pages;
}
