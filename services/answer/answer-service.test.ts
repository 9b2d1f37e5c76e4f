import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../types.js';
import { withoutCopies } from './answer-service.js';

const hit = (id: string, text: string): SearchHit => ({
  passage: {
    id,
    pageId: id,
    url: `https://d.example/${id}`,
    host: 'd.example',
    title: id,
    headings: [],
    text,
    position: 0,
    wordCount: 3,
  },
  score: 1,
  snippet: '',
});

describe('withoutCopies', () => {
  it('keeps the best-ranked copy of a text several pages repeat', () => {
    const hits = [
      hit('git-show', 'Show only names of changed files.'),
      hit('git-diff', 'Show only   names of changed FILES.'),
      hit('git-log', 'Show the commit logs.'),
    ];
    expect(withoutCopies(hits).map((h) => h.passage.id)).toEqual(['git-show', 'git-log']);
  });
});
