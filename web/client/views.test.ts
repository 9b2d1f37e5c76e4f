import { describe, expect, it } from 'vitest';
import { renderToString } from './vdom.js';
import { answerView, relatedView, resultItem, searchHref, sourceCard } from './views.js';

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
      /^<p>It landed in 1969 <a class="cite" href="#source-1" aria-label="Source 1: The &lt;Apollo&gt; program, docs.example.com"/,
    );
    expect(out).toContain('<span class="cite-tip" aria-hidden="true">');
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
    const good = renderToString(sourceCard(sources[0]!, '', ['apollo']));
    expect(good).toContain('id="source-1"');
    expect(good).toContain('href="https://docs.example.com/apollo"');
    expect(good).toContain('rel="noopener noreferrer nofollow"');
    expect(good).toContain('<mark>Apollo</mark> 11 landed.');
    const bad = renderToString(sourceCard(sources[1]!, '', ['img']));
    expect(bad).not.toContain('javascript:');
    expect(bad).toContain('&lt;<mark>img</mark> src=x onerror=alert(1)&gt;');
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
