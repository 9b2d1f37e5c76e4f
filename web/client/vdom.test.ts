import { describe, expect, it } from 'vitest';
import { escapeHtml, h, renderToString, safeHref } from './vdom.js';

describe('safeHref', () => {
  it.each<[string, string | undefined]>([
    ['https://example.com/a?b=1&c=2', 'https://example.com/a?b=1&c=2'],
    ['http://127.0.0.1:8080/x', 'http://127.0.0.1:8080/x'],
    ['#source-1', '#source-1'],
    ['/search?q=a%20b', '/search?q=a%20b'],
    ['javascript:alert(1)', undefined],
    [' JaVaScRiPt:alert(1)', undefined],
    ['java\tscript:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['vbscript:msgbox', undefined],
    ['//evil.example/x', undefined],
    ['/\\evil.example', undefined],
    ['#"><script>', undefined],
    ['not a url', undefined],
  ])('%s → %s', (input, expected) => {
    expect(safeHref(input)).toBe(expected);
  });
});

describe('h and renderToString', () => {
  it('escapes text and attribute values', () => {
    const tree = h('p', { class: 'a"b', title: `<'&>` }, '<script>alert(1)</script>', h('mark', null, '&'));
    expect(renderToString(tree)).toBe(
      '<p class="a&quot;b" title="&lt;&#39;&amp;&gt;">&lt;script&gt;alert(1)&lt;/script&gt;<mark>&amp;</mark></p>',
    );
  });

  it('drops unsafe links and keeps safe ones', () => {
    expect(renderToString(h('a', { href: 'javascript:alert(1)' }, 'x'))).toBe('<a>x</a>');
    expect(renderToString(h('a', { href: 'https://e.com/?a=1&b=2' }, 'x'))).toBe(
      '<a href="https://e.com/?a=1&amp;b=2">x</a>',
    );
  });

  it('refuses tags and attributes outside the allowlist', () => {
    expect(() => h('script', null)).toThrow(/not allowed/);
    expect(() => h('img', { src: 'x' })).toThrow(/not allowed/);
    expect(() => h('a', { onclick: 'x' })).toThrow(/not allowed/);
    expect(() => h('a', { style: 'x' })).toThrow(/not allowed/);
    expect(() => h('a', { srcdoc: 'x' })).toThrow(/not allowed/);
  });

  it('renders booleans, skips empty values and flattens children', () => {
    const tree = h('div', { hidden: true, id: undefined, title: null, 'data-x': false }, [
      'a',
      null,
      ['b', false, h('br', null)],
    ]);
    expect(renderToString(tree)).toBe('<div hidden>ab<br></div>');
  });

  it('escapes every character that matters in HTML', () => {
    expect(escapeHtml(`&<>"'\``)).toBe('&amp;&lt;&gt;&quot;&#39;&#96;');
  });
});
