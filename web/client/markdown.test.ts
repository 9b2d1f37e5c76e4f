import { describe, expect, it } from 'vitest';
import { type Block, type Inline, parseInline, parseMarkdown } from './markdown.js';

const text = (v: string): Inline => ({ t: 'text', v });

describe('parseInline', () => {
  it.each<[string, string, Inline[]]>([
    ['plain text', 'hello world', [text('hello world')]],
    ['a citation', 'Landed in 1969 [1].', [text('Landed in 1969 '), { t: 'cite', n: 1 }, text('.')]],
    ['a citation group', 'x [1, 2]', [text('x '), { t: 'cite', n: 1 }, { t: 'cite', n: 2 }]],
    [
      'adjacent citations',
      '[1][3]',
      [
        { t: 'cite', n: 1 },
        { t: 'cite', n: 3 },
      ],
    ],
    [
      'bold and italic',
      '**a** *b* _c_',
      [
        { t: 'strong', c: [text('a')] },
        text(' '),
        { t: 'em', c: [text('b')] },
        text(' '),
        { t: 'em', c: [text('c')] },
      ],
    ],
    ['snake_case is not emphasis', 'use max_pages_total here', [text('use max_pages_total here')]],
    ['a lone star', '2 * 3 = 6', [text('2 * 3 = 6')]],
    ['code keeps citations and markup as text', '`[1] <b>x</b>`', [{ t: 'code', v: '[1] <b>x</b>' }]],
    [
      'an http link',
      '[docs](https://example.com/a?b=1)',
      [{ t: 'link', href: 'https://example.com/a?b=1', c: [text('docs')] }],
    ],
    ['a javascript: link is only its text', '[click](javascript:alert(1))', [text('click')]],
    [
      'a link with parentheses',
      '[w](https://en.wikipedia.org/wiki/Moon_(disambiguation))',
      [{ t: 'link', href: 'https://en.wikipedia.org/wiki/Moon_(disambiguation)', c: [text('w')] }],
    ],
    ['a mixed-case javascript: link is only its text', '[x](  JaVaScRiPt:alert(1) )', [text('x')]],
    ['a data: link is only its text', '[x](data:text/html,hi)', [text('x')]],
    [
      'an image becomes a link to it',
      '![logo](https://e.com/l.png)',
      [{ t: 'link', href: 'https://e.com/l.png', c: [text('logo')] }],
    ],
    ['an image with a script URL is its alt text', '![x](javascript:alert(1))', [text('x')]],
    ['raw HTML stays text', '<img src=x onerror=alert(1)>', [text('<img src=x onerror=alert(1)>')]],
    [
      'a bare URL',
      'see https://example.com/x.',
      [
        text('see '),
        { t: 'link', href: 'https://example.com/x', c: [text('https://example.com/x')] },
        text('.'),
      ],
    ],
    [
      'an autolink',
      '<https://example.com>',
      [{ t: 'link', href: 'https://example.com', c: [text('https://example.com')] }],
    ],
    ['escapes', '\\*not\\* \\[1\\]', [text('*not* [1]')]],
    ['line breaks', 'a\nb', [text('a'), { t: 'br' }, text('b')]],
  ])('%s', (_name, input, expected) => {
    expect(parseInline(input, 0)).toEqual(expected);
  });

  it('stays fast on hostile input', () => {
    const started = performance.now();
    parseInline('*a _b `c [d '.repeat(8000), 0);
    parseInline('**'.repeat(20_000), 0);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});

describe('parseMarkdown', () => {
  it.each<[string, string, Block[]]>([
    [
      'paragraphs',
      'one\n\ntwo',
      [
        { t: 'p', c: [text('one')] },
        { t: 'p', c: [text('two')] },
      ],
    ],
    [
      'headings',
      '## Title\ntext',
      [
        { t: 'h', level: 2, c: [text('Title')] },
        { t: 'p', c: [text('text')] },
      ],
    ],
    [
      'a bullet list',
      '- a [1]\n- b',
      [
        {
          t: 'list',
          ordered: false,
          start: 1,
          items: [[{ t: 'p', c: [text('a '), { t: 'cite', n: 1 }] }], [{ t: 'p', c: [text('b')] }]],
        },
      ],
    ],
    [
      'an ordered list from 3',
      '3. a\n4. b',
      [
        {
          t: 'list',
          ordered: true,
          start: 3,
          items: [[{ t: 'p', c: [text('a')] }], [{ t: 'p', c: [text('b')] }]],
        },
      ],
    ],
    [
      'a nested list',
      '- a\n  - b',
      [
        {
          t: 'list',
          ordered: false,
          start: 1,
          items: [
            [
              { t: 'p', c: [text('a')] },
              { t: 'list', ordered: false, start: 1, items: [[{ t: 'p', c: [text('b')] }]] },
            ],
          ],
        },
      ],
    ],
    [
      'fenced code keeps everything',
      '```html\n<script>x</script>\n[1]\n```',
      [{ t: 'code', v: '<script>x</script>\n[1]' }],
    ],
    ['an unclosed fence runs to the end', '```\ncode', [{ t: 'code', v: 'code' }]],
    ['a quote', '> said [2]', [{ t: 'quote', c: [{ t: 'p', c: [text('said '), { t: 'cite', n: 2 }] }] }]],
    ['a rule', 'a\n\n---\n\nb', [{ t: 'p', c: [text('a')] }, { t: 'hr' }, { t: 'p', c: [text('b')] }]],
    [
      'a table',
      '| a | b |\n|---|---|\n| 1 | 2 [1] |',
      [
        {
          t: 'table',
          head: [[text('a')], [text('b')]],
          rows: [[[text('1')], [text('2 '), { t: 'cite', n: 1 }]]],
        },
      ],
    ],
    [
      'CRLF line ends',
      'a\r\n\r\nb',
      [
        { t: 'p', c: [text('a')] },
        { t: 'p', c: [text('b')] },
      ],
    ],
  ])('%s', (_name, input, expected) => {
    expect(parseMarkdown(input)).toEqual(expected);
  });

  it('bounds nesting depth', () => {
    const deep = `${'> '.repeat(50)}deep`;
    const blocks = parseMarkdown(deep);
    let depth = 0;
    let node: Block | undefined = blocks[0];
    while (node?.t === 'quote') {
      depth++;
      node = node.c[0];
    }
    expect(depth).toBeLessThanOrEqual(4);
  });
});
