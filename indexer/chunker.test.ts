import { describe, expect, it } from 'vitest';
import type { ContentBlock } from '../services/index.js';
import { chunkBlocks } from './chunker.js';
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
