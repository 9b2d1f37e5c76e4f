import { describe, expect, it } from 'vitest';
import {
  documentPlace,
  documentTypeOfUrl,
  openingWords,
  pageAnchor,
  pageOfAnchor,
  passageLink,
  sectionOf,
} from './deep-link.js';

describe('deep links', () => {
  it.each([
    [
      { url: 'https://d.example/config.html', anchor: 'gc.reflogExpire', text: 'x', position: 4 },
      'https://d.example/config.html#gc.reflogExpire',
    ],
    [{ url: 'https://d.example/a', text: 'First passage of the page.', position: 0 }, 'https://d.example/a'],
    [
      {
        url: 'https://d.example/a#old',
        text: '`git gc` packs loose objects, one-by-one, & more.',
        position: 3,
      },
      'https://d.example/a#:~:text=git%20gc%20packs%20loose%20objects%2C%20one%2Dby%2Done%2C',
    ],
    [
      {
        url: 'https://d.example/zh',
        text: '长城是中国古代的军事防御工程，总长度约为21196千米。',
        position: 2,
      },
      'https://d.example/zh#:~:text=%E9%95%BF%E5%9F%8E%E6%98%AF%E4%B8%AD%E5%9B%BD%E5%8F%A4%E4%BB%A3%E7%9A%84%E5%86%9B%E4%BA%8B%E9%98%B2%E5%BE%A1',
    ],
  ])('links %j to %s', (passage, url) => {
    expect(passageLink(passage)).toBe(url);
  });

  it('reads the opening words as the page shows them (no fences, bullets or backticks)', () => {
    expect(openingWords('```sh\nnpm test\n```\nRun it.')).toBe('npm test');
    expect(openingWords('• `--depth <n>` limits the history')).toBe('--depth <n> limits the history');
  });

  it('joins the heading path', () => {
    expect(sectionOf({ headings: ['Variables', 'gc.reflogExpire'] })).toBe('Variables › gc.reflogExpire');
    expect(sectionOf({ headings: [] })).toBeUndefined();
  });
});

describe('documents', () => {
  it.each([
    [
      'https://e.example/report.pdf',
      'page=3',
      'https://e.example/report.pdf#page=3',
      { doc_type: 'pdf', page: 3 },
    ],
    [
      'https://e.example/deck.PPTX?dl=1',
      'page=12',
      'https://e.example/deck.PPTX?dl=1#page=12',
      { doc_type: 'pptx', page: 12 },
    ],
    ['https://e.example/guide.docx', undefined, 'https://e.example/guide.docx', { doc_type: 'docx' }],
    ['https://e.example/notes.md', undefined, 'https://e.example/notes.md', { doc_type: 'markdown' }],
    ['https://e.example/download?id=7', 'page=2', 'https://e.example/download?id=7#page=2', { page: 2 }],
    ['https://e.example/a.html', 'intro', 'https://e.example/a.html#intro', {}],
    ['https://e.example/v1.2/', undefined, 'https://e.example/v1.2/', {}],
  ] as const)('%s with anchor %s links to %s', (url, anchor, link, place) => {
    const passage = { url, anchor, text: 'Some words of the passage.', position: 0 };
    expect(passageLink(passage)).toBe(link);
    expect(documentPlace(passage)).toEqual(place);
  });

  it('reads only page anchors as pages', () => {
    expect(pageOfAnchor(pageAnchor(7))).toBe(7);
    expect(pageOfAnchor('page=x')).toBeUndefined();
    expect(pageOfAnchor('homepage=3')).toBeUndefined();
    expect(documentTypeOfUrl('https://e.example/x.pdf#page=2')).toBe('pdf');
  });
});
