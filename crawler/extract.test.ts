import { describe, expect, it } from 'vitest';
import { extractHtml } from './extract.js';

const LONG = (topic: string) =>
  Array.from(
    { length: 6 },
    (_, i) =>
      `<p>Paragraph ${i} about ${topic}: the keepers trimmed the wicks, polished the lenses and logged the weather every night, because ships relied on the light to pass the reef safely in storms.</p>`,
  ).join('');

const ARTICLE = `<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>Lighthouse keeping | Coast Museum</title>
<meta name="description" content="How lighthouse keepers worked.">
<meta property="og:title" content="Lighthouse keeping"><meta property="og:type" content="article">
<meta property="og:site_name" content="Coast Museum">
<meta property="article:published_time" content="2021-03-04T10:00:00Z">
<link rel="canonical" href="/keeping">
</head><body>
<header><a href="/">Home</a><nav><a href="/a">A</a> <a href="/b">B</a> <a href="/c" rel="nofollow">C</a></nav></header>
<div class="layout"><aside class="sidebar"><h3>Related</h3><ul><li><a href="/r1">Related one</a></li></ul></aside>
<article><h1>Lighthouse keeping</h1>${LONG('lamps')}<h2>The lens</h2><p>The Fresnel lens bent light into a beam.</p>
<ul><li>Trim the wick</li><li>Polish the lens</li></ul><pre>log: 1822 storm</pre></article></div>
<footer>Copyright 2024 Coast Museum. <a href="/privacy">Privacy</a></footer></body></html>`;

describe('extractHtml', () => {
  it('keeps the article and drops navigation, sidebars and footers', () => {
    const page = extractHtml(ARTICLE, 'https://museum.example/keeping?ref=x');
    const text = JSON.stringify(page.blocks);
    expect(page.role).toBe('content');
    expect(text).toContain('Paragraph 0 about lamps');
    expect(text).toContain('Fresnel lens bent light');
    expect(text).toContain('Polish the lens');
    expect(text).toContain('1822 storm');
    expect(text).not.toContain('Copyright');
    expect(text).not.toContain('Related one');
    expect(page.headings).toContain('The lens');
    expect(page.blocks.some((b) => b.type === 'list')).toBe(true);
    expect(page.blocks.some((b) => b.type === 'code')).toBe(true);
  });

  it('reads the metadata', () => {
    const page = extractHtml(ARTICLE, 'https://museum.example/keeping?ref=x');
    expect(page.title).toBe('Lighthouse keeping | Coast Museum');
    expect(page.description).toBe('How lighthouse keepers worked.');
    expect(page.lang).toBe('en-GB');
    expect(page.canonical).toBe('https://museum.example/keeping');
    expect(page.publishedAt).toBe('2021-03-04T10:00:00.000Z');
    expect(page.siteName).toBe('Coast Museum');
    expect(page.openGraph).toMatchObject({ title: 'Lighthouse keeping', type: 'article' });
    expect(page.links).toContain('https://museum.example/a');
    expect(page.links).not.toContain('https://museum.example/c'); // rel=nofollow
    expect(page.noindex).toBe(false);
  });

  it.each([
    [
      'a fragment without <html>',
      '<title>Note</title><p>Just one short note about tides.</p>',
      'Just one short note about tides.',
    ],
    [
      'content beside <head> without <body>',
      '<html><head><title>x</title></head><p>Loose paragraph text.</p></html>',
      'Loose paragraph text.',
    ],
    [
      'text in divs only',
      '<html><body><div>First line of text<br>second line</div><div><span>Span text</span></div></body></html>',
      'Span text',
    ],
    [
      'a short page with nav',
      '<html><body><nav><a href="/">Home</a></nav><main><p>Opening hours: 9 to 5.</p></main></body></html>',
      'Opening hours: 9 to 5.',
    ],
  ])('never comes out empty: %s', (_name, html, expected) => {
    const page = extractHtml(html, 'https://e.example/');
    expect(JSON.stringify(page.blocks)).toContain(expected);
  });

  it('honours meta robots and <base href>', () => {
    const html =
      '<html><head><meta name="robots" content="NOINDEX, nofollow"><base href="https://cdn.example/docs/"></head><body><a href="x">x</a><p>t</p></body></html>';
    const page = extractHtml(html, 'https://e.example/');
    expect(page.noindex).toBe(true);
    expect(page.nofollow).toBe(true);
    expect(page.links).toEqual([]);
    const followed = extractHtml(html.replace('NOINDEX, nofollow', 'noarchive'), 'https://e.example/');
    expect(followed.links).toEqual(['https://cdn.example/docs/x']);
  });

  it('finds the published date in JSON-LD', () => {
    const html = `<html><head><title>t</title><script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Storm","datePublished":"2020-01-02T03:04:05Z"}</script></head><body><article><h1>Storm</h1>${LONG('storms')}</article></body></html>`;
    expect(extractHtml(html, 'https://e.example/').publishedAt).toBe('2020-01-02T03:04:05.000Z');
  });
});
