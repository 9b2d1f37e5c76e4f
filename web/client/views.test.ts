import { describe, expect, it } from 'vitest';
import { renderToString } from './vdom.js';
import {
  answerView,
  relatedView,
  resultItem,
  searchHref,
  sectionOf,
  sourcePages,
  sourcesList,
} from './views.js';

const sources = [
  {
    n: 1,
    url: 'https://docs.example.com/apollo',
    title: 'The <Apollo> program',
    snippet: 'Apollo 11 landed.',
  },
  { n: 2, url: 'javascript:alert(1)', title: 'Bad', snippet: '<img src=x onerror=alert(1)>' },
];

describe('answerView', () => {
  const render = (markdown: string, citations?: Array<{ n: number; supported: boolean }>) =>
    renderToString(answerView(markdown, { prefix: '', sources, citations }));

  it('links citation markers to their source cards, with a label for screen readers', () => {
    const out = render('It landed in 1969 [1].');
    expect(out).toMatch(
      /^<p>It landed in <span class="cite-run">1969 <a class="cite" href="#source-1" aria-label="Source 1: The &lt;Apollo&gt; program, docs.example.com"/,
    );
    expect(out).toContain('<span class="cite-tip" aria-hidden="true">');
  });

  it('keeps a marker on the line of the word before it and the punctuation after it', () => {
    const runs = (markdown: string) =>
      [
        ...render(markdown).matchAll(
          /<span class="cite-run">(.*?)<\/span>(?=[^<]*(?:<\/p>|<span class="cite-run">|$))/g,
        ),
      ].map((m) => (m[1] ?? '').replace(/<a class="cite[\s\S]*?<\/a>/g, '[n]'));
    expect(runs('It landed in 1969 [1].')).toEqual(['1969 [n].']);
    expect(runs('Two sources [1][2], then more.')).toEqual(['sources [n][n],']);
    expect(runs('Spaced [1] [2] markers')).toEqual(['Spaced [n] [n]']);
    expect(runs('**Bold** [1]')).toEqual(['<strong>Bold</strong> [n]']);
    expect(runs('[1] starts the text')).toEqual(['[n]']);
    // Text without spaces between words keeps only its last character with the marker.
    expect(runs('长城总长度约为二万一千一百九十六公里[1]。')).toEqual(['里[n]。']);
    expect(runs(`Say ${'a'.repeat(40)} [1]`)).toEqual(['a [n]']);
    expect(runs(`See https://example.com/${'a'.repeat(40)} [1]`)).toEqual([' [n]']);
    // The text around the runs is all still there, in order.
    const text = render('It landed in 1969 [1]. Then [2]!').replace(
      /<span class="cite-tip"[\s\S]*?<\/span><\/span>/g,
      '',
    );
    expect(text.replace(/<[^>]+>/g, '')).toBe('It landed in 1969 1. Then 2!');
  });

  it('drops markers that point at no source', () => {
    expect(render('Claim [7].')).toBe('<p>Claim .</p>');
  });

  it('marks citations that verification did not support', () => {
    const out = render('Claim [1].', [{ n: 1, supported: false }]);
    expect(out).toContain('class="cite unverified"');
    expect(out).toContain('(not verified)');
  });

  it('prefixes ids so turns do not collide', () => {
    expect(renderToString(answerView('x [1]', { prefix: 't2-', sources }))).toContain('href="#t2-source-1"');
  });

  it('renders hostile Markdown as text', () => {
    const out = render(
      '<script>alert(1)</script> [x](javascript:alert(1)) ![i](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n```\n</code><script>\n```',
    );
    expect(out).not.toMatch(/<script|<img|href="javascript/i);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('<pre><code>&lt;/code&gt;&lt;script&gt;</code></pre>');
  });

  it('renders lists, headings one level down, and tables', () => {
    expect(render('# Top\n\n- a\n- b')).toBe('<h3>Top</h3><ul><li>a</li><li>b</li></ul>');
    expect(render('| a |\n|---|\n| 1 |')).toBe(
      '<div class="table-wrap"><table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table></div>',
    );
  });
});

describe('cards and results', () => {
  it('shows a source card with a safe link, or none', () => {
    const good = renderToString(sourcesList([sources[0]!], '', ['apollo']));
    expect(good).toContain('id="source-1"');
    expect(good).toContain('href="https://docs.example.com/apollo"');
    expect(good).toContain('rel="noopener noreferrer nofollow"');
    expect(good).toContain('<mark>Apollo</mark> 11 landed.');
    const bad = renderToString(sourcesList([sources[1]!], '', ['img']));
    expect(bad).not.toContain('javascript:');
    expect(bad).toContain('&lt;<mark>img</mark> src=x onerror=alert(1)&gt;');
  });

  it('shows each page once, its passages under it with their numbers and sections', () => {
    const many = [
      {
        n: 1,
        url: 'https://git.test/docs/commit',
        title: 'git-commit – Git Manual',
        snippet: 'Record changes.',
        headings: ['git-commit – Git Manual', 'SYNOPSIS'],
      },
      {
        n: 2,
        url: 'https://git.test/docs/log',
        title: 'git-log – Git Manual',
        snippet: 'Show logs.',
        headings: [],
      },
      {
        n: 3,
        url: 'https://git.test/docs/commit#_options',
        title: 'git-commit – Git Manual',
        snippet: 'Use -m.',
        headings: ['git-commit – Git Manual', 'OPTIONS', '-m <msg>'],
      },
      { n: 4, url: 'https://other.test/x', title: 'Other page', snippet: 'Else.' },
    ];
    const pages = sourcePages(many);
    // Passages of one page link into it by fragment; the page is one card.
    expect(pages.map((p) => [p.url, p.title, p.site, p.passages.map((s) => s.n)])).toEqual([
      ['https://git.test/docs/commit', 'git-commit', 'Git Manual', [1, 3]],
      ['https://git.test/docs/log', 'git-log', 'Git Manual', [2]],
      ['https://other.test/x', 'Other page', 'other.test', [4]],
    ]);
    const html = renderToString(sourcesList(many, 't2-', []));
    expect(html.match(/class="source-page"/g)).toHaveLength(3);
    expect(html.match(/class="source"/g)).toHaveLength(4);
    expect(html).toContain('id="t2-source-3"');
    // A passage's heading path opens the page at the passage.
    expect(html).toMatch(
      /id="t2-source-3"[\s\S]*?<a class="section" href="https:\/\/git.test\/docs\/commit#_options"[^>]*>OPTIONS › -m &lt;msg&gt;<\/a>/,
    );
    expect(html).toMatch(/id="t2-source-1"[\s\S]*?<span class="section"[^>]*>SYNOPSIS<\/span>/);
    // The page's title is a link once, not once per passage.
    expect(html.match(/href="https:\/\/git.test\/docs\/commit"/g)).toHaveLength(1);
  });

  it.each([
    [['The Apollo program', 'Apollo 11'], 'The Apollo program', 'Apollo 11'],
    [
      ['git-config(1) Manual Page', 'Variables', 'gc.reflogExpire'],
      'git-config(1)',
      'Variables › gc.reflogExpire',
    ],
    [['The Apollo program'], 'The Apollo program', undefined],
    [['Apollo'], 'The Apollo program – Facts', undefined],
    [[], 'x', undefined],
    [undefined, 'x', undefined],
  ])('sectionOf(%j) under %j is %s', (headings, title, expected) => {
    expect(sectionOf({ n: 1, url: 'https://e.test/', title: 'Apollo', snippet: '', headings }, title)).toBe(
      expected,
    );
  });

  it('highlights after escaping: marks are ours, the rest is text', () => {
    const out = renderToString(
      resultItem({ url: 'https://e.com/a/b', title: '<b>T</b>', snippet: '<i>moon</i> & moon' }, ['moon']),
    );
    expect(out).toContain('&lt;i&gt;<mark>moon</mark>&lt;/i&gt; &amp; <mark>moon</mark>');
    expect(out).toContain('&lt;b&gt;T&lt;/b&gt;');
    expect(out).toContain('e.com › a › b');
  });

  it('links related questions to their own search, keeping the site filter', () => {
    const out = renderToString(relatedView(['Who flew Apollo 12?'], 'nasa.gov', ''));
    expect(out).toContain(`href="${searchHref('Who flew Apollo 12?', 'nasa.gov').replace(/&/g, '&amp;')}"`);
    expect(out).toContain('data-followup="Who flew Apollo 12?"');
    expect(relatedView([], '', '')).toBeNull();
  });
});
