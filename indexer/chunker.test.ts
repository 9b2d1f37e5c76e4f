import { describe, expect, it } from 'vitest';
import type { ContentBlock } from '../services/index.js';
import { chunkBlocks, tableLead } from './chunker.js';
import { markdownToBlocks } from './markdown.js';

const words = (n: number, w = 'word') => Array.from({ length: n }, () => w).join(' ');

describe('chunkBlocks', () => {
  it('never crosses a heading and keeps the heading path', () => {
    const blocks: ContentBlock[] = [
      { type: 'heading', level: 1, text: 'Guide' },
      { type: 'text', text: words(100, 'intro') },
      { type: 'heading', level: 2, text: 'Install' },
      { type: 'text', text: words(90, 'install') },
      { type: 'heading', level: 3, text: 'Linux' },
      { type: 'text', text: words(90, 'linux') },
      { type: 'heading', level: 2, text: 'Use' },
      { type: 'text', text: words(90, 'use') },
    ];
    const chunks = chunkBlocks(blocks);
    expect(chunks.map((c) => c.headings)).toEqual([
      ['Guide'],
      ['Guide', 'Install'],
      ['Guide', 'Install', 'Linux'],
      ['Guide', 'Use'],
    ]);
    expect(chunks[2]?.text).not.toContain('install');
  });

  it('packs paragraphs up to the word cap and splits long ones at sentences', () => {
    const sentence = `Alpha ${words(18, 'alpha')} end.`;
    const blocks: ContentBlock[] = [
      { type: 'text', text: Array.from({ length: 30 }, () => sentence).join(' ') },
    ];
    const chunks = chunkBlocks(blocks, { maxWords: 250, overlapWords: 0 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const c of chunks) {
      expect(c.wordCount).toBeLessThanOrEqual(250 * 1.2);
      expect(c.text.endsWith('end.')).toBe(true);
    }
    expect(chunks.reduce((a, c) => a + c.wordCount, 0)).toBe(600);
  });

  it('opens a continuation with the previous passage’s last sentence', () => {
    const text = Array.from(
      { length: 30 },
      (_, i) => `Sentence number s${i} has exactly eight words here.`,
    ).join(' ');
    const chunks = chunkBlocks([{ type: 'text', text }], { maxWords: 100 });
    expect(chunks.length).toBeGreaterThan(2);
    for (let i = 1; i < chunks.length; i++) {
      const previousLast = chunks[i - 1]?.text.split('. ').at(-1)?.replace(/\.$/, '');
      expect(chunks[i]?.text.startsWith(`${previousLast}.`)).toBe(true);
    }
    // Every sentence is kept, and only the repeated ones twice.
    const all = chunks.map((c) => c.text).join(' ');
    for (let i = 0; i < 30; i++) expect(all).toContain(`s${i} `);
    expect(chunks.reduce((a, c) => a + c.wordCount, 0)).toBe(240 + 8 * (chunks.length - 1));
  });

  it('never carries a sentence over a heading, and skips long ones', () => {
    const long = `${words(60, 'long')}.`;
    const chunks = chunkBlocks(
      [
        { type: 'text', text: `${words(90, 'a')}. ${long}` },
        { type: 'text', text: `${words(90, 'b')}.` },
        { type: 'heading', level: 2, text: 'Next' },
        { type: 'text', text: `${words(90, 'c')}.` },
      ],
      { maxWords: 160 },
    );
    expect(chunks.map((c) => c.text.split(' ')[0])).toEqual(['a', 'b', 'c']);
  });

  it('merges a short tail into its neighbour', () => {
    const blocks: ContentBlock[] = [
      { type: 'text', text: words(200, 'a') },
      { type: 'text', text: words(100, 'b') },
      { type: 'text', text: words(10, 'c') },
    ];
    const chunks = chunkBlocks(blocks);
    expect(chunks.map((c) => c.wordCount)).toEqual([200, 110]);
  });
});

describe('markdownToBlocks', () => {
  it('reads headings, paragraphs, lists, code and tables', () => {
    const { title, blocks } = markdownToBlocks(
      '# Title\n\nSome **bold** and [a link](http://x).\n\n- one\n- two\n\n```sh\nnpm ci\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n',
    );
    expect(title).toBe('Title');
    expect(blocks).toEqual([
      { type: 'heading', level: 1, text: 'Title' },
      { type: 'text', text: 'Some bold and a link.' },
      { type: 'list', items: ['one', 'two'] },
      { type: 'code', text: 'npm ci' },
      { type: 'text', text: 'a — b' },
      { type: 'text', text: '1 — 2' },
    ]);
  });
});

describe('chunkBlocks: structure', () => {
  it('makes each definition-list entry a passage of its own, its term the innermost heading', () => {
    const chunks = chunkBlocks([
      { type: 'heading', level: 2, text: 'Variables', anchor: 'variables' },
      { type: 'text', text: 'These variables configure garbage collection.' },
      {
        type: 'term',
        term: 'gc.reflogExpire',
        text: 'Removes reflog entries older than this; defaults to 90 days.',
        anchor: 'gc-reflogexpire',
      },
      { type: 'term', term: 'gc.auto', text: 'Defaults to 6700.' },
      { type: 'term', term: 'remove', text: 'Removes it.', context: ['Repository'] },
    ]);
    expect(chunks.map((c) => [c.headings, c.kind, c.anchor])).toEqual([
      [['Variables'], 'text', 'variables'],
      [['Variables', 'gc.reflogExpire'], 'term', 'gc-reflogexpire'],
      [['Variables', 'gc.auto'], 'term', 'variables'],
      [['Variables', 'Repository', 'remove'], 'term', 'variables'],
    ]);
    expect(chunks[1]?.text).toBe('Removes reflog entries older than this; defaults to 90 days.');
  });

  it('cuts a long description into passages that all keep the term', () => {
    const sentence = `${words(30, 'detail')}.`;
    const chunks = chunkBlocks(
      [{ type: 'term', term: '--depth', text: Array.from({ length: 20 }, () => sentence).join(' ') }],
      {
        maxWords: 100,
      },
    );
    expect(chunks.length).toBeGreaterThan(4);
    for (const c of chunks) expect(c.headings).toEqual(['--depth']);
  });

  it('keeps table rows with their column headers, under the caption', () => {
    const chunks = chunkBlocks([
      { type: 'heading', level: 2, text: 'Limits' },
      {
        type: 'table',
        caption: 'Type ranges',
        headers: ['Type', 'Range'],
        rows: [
          ['int8', '-128 to 127'],
          ['uint8', '0 to 255'],
        ],
        anchor: 'ranges',
      },
    ]);
    expect(chunks).toEqual([
      {
        headings: ['Limits', 'Type ranges'],
        text: 'Type: int8; Range: -128 to 127\n\nType: uint8; Range: 0 to 255',
        wordCount: 12,
        kind: 'table',
        anchor: 'ranges',
      },
    ]);
  });

  it('keeps code verbatim and fenced, and cuts a long block between lines only', () => {
    const [one] = chunkBlocks([{ type: 'code', text: 'if (a) {\n  b();\n}', lang: 'js' }]);
    expect(one?.text).toBe('```js\nif (a) {\n  b();\n}\n```');
    const long = Array.from({ length: 200 }, (_, i) => `line ${i} of code`).join('\n');
    const parts = chunkBlocks([{ type: 'code', text: long }], { maxWords: 100 });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text).toMatch(/^```\nline \d+ of code\n[\s\S]*\nline \d+ of code\n```$/);
    expect(parts.map((p) => p.text.split('\n').slice(1, -1).join('\n')).join('\n')).toBe(long);
  });

  it('ends a passage at a thematic break and keeps the anchor where each passage starts', () => {
    const chunks = chunkBlocks([
      { type: 'text', text: 'PRAGMA busy_timeout sets the busy timeout.', anchor: 'pragma_busy_timeout' },
      { type: 'break' },
      { type: 'text', text: 'PRAGMA cache_size sets the cache size.', anchor: 'pragma_cache_size' },
    ]);
    expect(chunks.map((c) => [c.text, c.anchor])).toEqual([
      ['PRAGMA busy_timeout sets the busy timeout.', 'pragma_busy_timeout'],
      ['PRAGMA cache_size sets the cache size.', 'pragma_cache_size'],
    ]);
  });
});

describe('tableLead', () => {
  it.each([
    [
      'The following is a complete list of valid strftime() substitutions:',
      'The following is a complete list of valid strftime() substitutions',
    ],
    ['It has two parts. These columns are shown:', 'These columns are shown'],
    ['A table follows.', undefined],
    ['Note:', undefined],
    [`${'word '.repeat(30)}:`, undefined],
  ])('%s -> %s', (text, lead) => {
    expect(tableLead({ type: 'text', text })).toBe(lead);
  });

  it('names a table without a caption by the sentence that introduces it', () => {
    const chunks = chunkBlocks([
      { type: 'heading', level: 1, text: 'Date functions' },
      { type: 'text', text: 'The following is a complete list of valid strftime() substitutions:' },
      { type: 'table', headers: [], rows: [['%j', 'day of year: 001-366']] },
    ]);
    const table = chunks.find((c) => c.kind === 'table');
    expect(table?.headings).toEqual([
      'Date functions',
      'The following is a complete list of valid strftime() substitutions',
    ]);
    expect(table?.text).toBe('%j — day of year: 001-366');
  });
});
