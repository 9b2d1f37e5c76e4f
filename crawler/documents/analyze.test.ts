// Each document type read from files made in the test: title, headings, paragraphs, lists,
// tables, page numbers; and the bad files (encrypted, scanned, bombs, truncated, hostile) refused
// with their reason, never a crash.
import { describe, expect, it } from 'vitest';
import {
  makeDocx,
  makeEncryptedZip,
  makeOdp,
  makeOdt,
  makePdf,
  makePptx,
  makeZipBomb,
} from '../../test/helpers/document-fixtures.js';
import { analyzeDocument, titleFromUrl } from './analyze.js';
import { documentTypeOf } from './kinds.js';
import { pdfDate, usableTitle } from './pdf.js';

const BODY = [
  { heading: 1, text: 'Lighthouse keeping' },
  { text: 'The Fresnel lens was invented in 1822 by Augustin-Jean Fresnel for lighthouses.' },
  { heading: 2, text: 'Duties' },
  { text: 'Trim the wicks', list: true },
  { text: 'Clean the lens', list: true },
  {
    table: [
      ['Light', 'Range'],
      ['Fresnel', '20 miles'],
    ],
  },
] as const;

const SLIDES = [
  { title: 'Lighthouses', bullets: ['The Fresnel lens dates from 1822.'] },
  { bullets: ['A slide without a title.', 'Second point.'] },
  {
    title: 'Ranges',
    bullets: ['Lights and how far they reach.'],
    table: [
      ['Light', 'Range'],
      ['Fresnel', '20 miles'],
    ],
  },
];

describe('reading documents', () => {
  it('reads a PDF: metadata title, headings by size, paragraphs, page numbers, running footers dropped', async () => {
    const footer = (n: number) => ({ size: 9, text: `Annual report — page ${n}` });
    const pdf = makePdf({
      title: 'Annual lighthouse report',
      author: 'Keeper Ada',
      pages: [
        [
          { size: 24, text: 'Lighthouse keeping' },
          { size: 11, text: 'The Fresnel lens was invented in 1822 and made beams' },
          { size: 11, text: 'visible from far away. Keepers trimmed the wicks.' },
          footer(1),
        ],
        [
          { size: 16, text: 'Duties' },
          { size: 11, text: 'Keepers cleaned the lens every morn-' },
          { size: 11, text: 'ing and logged the weather.' },
          footer(2),
        ],
        [
          { size: 16, text: 'Ranges' },
          { size: 11, text: 'A first-order lens reaches about twenty miles.' },
          footer(3),
        ],
      ],
    });
    const doc = await analyzeDocument({ body: pdf, type: 'pdf', url: 'https://e.example/report.pdf' });
    expect(doc).toMatchObject({
      type: 'pdf',
      title: 'Annual lighthouse report',
      author: 'Keeper Ada',
      pages: 3,
    });
    expect(doc.publishedAt).toBe('2024-03-15T09:30:00.000Z');
    expect(doc.blocks).toEqual([
      { type: 'heading', level: 1, text: 'Lighthouse keeping', page: 1 },
      {
        type: 'text',
        text: 'The Fresnel lens was invented in 1822 and made beams visible from far away. Keepers trimmed the wicks.',
        page: 1,
      },
      { type: 'heading', level: 2, text: 'Duties', page: 2 },
      { type: 'text', text: 'Keepers cleaned the lens every morning and logged the weather.', page: 2 },
      { type: 'heading', level: 2, text: 'Ranges', page: 3 },
      { type: 'text', text: 'A first-order lens reaches about twenty miles.', page: 3 },
    ]);
  });

  it('takes the first heading as a PDF title when the metadata has none worth showing', async () => {
    const pdf = makePdf({
      title: 'Microsoft Word - report_v2_final.docx',
      pages: [
        [
          { size: 20, text: 'Tide tables' },
          { size: 10, text: 'High water at noon.' },
        ],
      ],
    });
    expect((await analyzeDocument({ body: pdf, type: 'pdf', url: 'https://e.example/x.pdf' })).title).toBe(
      'Tide tables',
    );
  });

  it.each([
    ['docx', makeDocx({ title: 'Keeping a light', body: BODY })],
    ['odt', makeOdt({ title: 'Keeping a light', body: BODY })],
  ] as const)('reads a %s: headings, paragraphs, lists, tables, metadata', async (type, bytes) => {
    const doc = await analyzeDocument({ body: bytes, type, url: `https://e.example/keeping.${type}` });
    expect(doc.title).toBe('Keeping a light');
    expect(doc.pages).toBeUndefined();
    expect(doc.blocks).toEqual([
      { type: 'heading', level: 1, text: 'Lighthouse keeping' },
      {
        type: 'text',
        text: 'The Fresnel lens was invented in 1822 by Augustin-Jean Fresnel for lighthouses.',
      },
      { type: 'heading', level: 2, text: 'Duties' },
      { type: 'list', items: ['Trim the wicks', 'Clean the lens'] },
      { type: 'list', items: ['Light — Range', 'Fresnel — 20 miles'] },
    ]);
    expect(doc.publishedAt).toBe('2024-03-15T09:30:00.000Z');
  });

  it.each([
    ['pptx', makePptx({ title: 'Lights', slides: SLIDES })],
    ['odp', makeOdp({ title: 'Lights', slides: SLIDES })],
  ] as const)('reads a %s: slides in order, each a page under its title', async (type, bytes) => {
    const doc = await analyzeDocument({ body: bytes, type, url: `https://e.example/deck.${type}` });
    expect(doc).toMatchObject({ title: 'Lights', pages: 3 });
    expect(doc.blocks).toEqual([
      { type: 'heading', level: 2, text: 'Lighthouses', page: 1 },
      { type: 'text', text: 'The Fresnel lens dates from 1822.', page: 1 },
      { type: 'heading', level: 2, text: 'Slide 2', page: 2 },
      { type: 'list', items: ['A slide without a title.', 'Second point.'], page: 2 },
      { type: 'heading', level: 2, text: 'Ranges', page: 3 },
      { type: 'text', text: 'Lights and how far they reach.', page: 3 },
      { type: 'list', items: ['Light — Range', 'Fresnel — 20 miles'], page: 3 },
    ]);
  });

  it('reads Markdown: front matter title, headings, lists, code, tables with their column names', async () => {
    const md = `---\ntitle: "Keeping notes"\n---\n# Lights\n\nThe **Fresnel** lens, see [the museum](https://m.example).\n\n- trim\n- clean\n\n\`\`\`sh\nlight --on\n\`\`\`\n\n| Light | Range |\n| --- | --- |\n| Fresnel | 20 miles |\n`;
    const doc = await analyzeDocument({
      body: Buffer.from(md),
      type: 'markdown',
      url: 'https://e.example/notes.md',
    });
    expect(doc.title).toBe('Keeping notes');
    expect(doc.blocks).toEqual([
      { type: 'heading', level: 1, text: 'Lights' },
      { type: 'text', text: 'The Fresnel lens, see the museum.' },
      { type: 'list', items: ['trim', 'clean'] },
      { type: 'code', text: 'light --on' },
      { type: 'list', items: ['Light: Fresnel — Range: 20 miles'] },
    ]);
  });

  it('reads plain text in its charset: paragraphs, a short first line as the title', async () => {
    const text = 'Phare de Cordouan\n\nLe phare a été achevé en 1611.\nIl est classé.\n\nSecond paragraphe.';
    const doc = await analyzeDocument({
      body: Buffer.from(text, 'latin1'),
      type: 'text',
      contentType: 'text/plain; charset=iso-8859-1',
      url: 'https://e.example/phare.txt',
    });
    expect(doc.title).toBe('Phare de Cordouan');
    expect(doc.blocks.slice(1)).toEqual([
      { type: 'text', text: 'Le phare a été achevé en 1611. Il est classé.' },
      { type: 'text', text: 'Second paragraphe.' },
    ]);
  });
});

describe('bad documents are refused with a reason', () => {
  const PAGE = [{ size: 11, text: 'Some text on the page.' }];
  it.each([
    ['an encrypted PDF', 'pdf', () => makePdf({ pages: [PAGE], encrypted: true }), /encrypted PDF/],
    ['a scanned PDF', 'pdf', () => makePdf({ pages: [PAGE, PAGE], scanned: true }), /without a text layer/],
    ['not a PDF at all', 'pdf', () => Buffer.from('<html>oops</html>'), /unreadable PDF/],
    ['a zip bomb', 'docx', () => makeZipBomb(80), /inflates past the cap/],
    ['an encrypted zip', 'docx', () => makeEncryptedZip(), /encrypted/],
    [
      'a truncated docx',
      'docx',
      () => makeDocx({ body: BODY }).subarray(0, 300),
      /truncated|central directory/,
    ],
    ['a zip that is no document', 'docx', () => makeDocx({ body: BODY }).subarray(0, 0), /no zip signature/],
    ['an empty Markdown file', 'markdown', () => Buffer.from('\n\n'), /without text/],
  ] as const)('%s', async (_name, type, make, reason) => {
    await expect(analyzeDocument({ body: make(), type, url: 'https://e.example/f' })).rejects.toThrow(reason);
  });

  it('reads a truncated PDF as far as it goes, or refuses it, without crashing', async () => {
    const pdf = makePdf({ pages: [PAGE, PAGE, PAGE] });
    const cut = pdf.subarray(0, Math.floor(pdf.length * 0.6));
    const result = await analyzeDocument({ body: cut, type: 'pdf', url: 'https://e.example/cut.pdf' }).then(
      (d) => d.text,
      (err: Error) => err.message,
    );
    expect(typeof result).toBe('string');
  });

  it('survives a PDF with deeply nested objects', async () => {
    const pdf = makePdf({ pages: [PAGE], nestedArrays: 100_000 });
    const result = await analyzeDocument({ body: pdf, type: 'pdf', url: 'https://e.example/deep.pdf' }).then(
      (d) => d.text,
      (err: Error) => err.message,
    );
    expect(typeof result).toBe('string');
  });
});

describe('document helpers', () => {
  it.each([
    ['application/pdf', 'https://e.example/x', undefined, 'pdf'],
    ['application/octet-stream', 'https://e.example/x', Buffer.from('%PDF-1.7'), 'pdf'],
    ['application/octet-stream', 'https://e.example/a.docx?dl=1', undefined, 'docx'],
    ['text/plain', 'https://e.example/README.md', undefined, 'markdown'],
    ['text/plain', 'https://e.example/notes.txt', undefined, 'text'],
    ['image/png', 'https://e.example/a.pdf', undefined, undefined],
    ['application/octet-stream', 'https://e.example/a.exe', undefined, undefined],
  ] as const)('%s at %s is %s', (media, url, head, expected) => {
    expect(documentTypeOf(media, url, head)).toBe(expected);
  });

  it.each([
    ["D:20240131120000+01'00'", '2024-01-31T11:00:00.000Z'],
    ['D:2023', '2023-01-01T00:00:00.000Z'],
    ['garbage', undefined],
  ])('PDF date %s → %s', (input, expected) => {
    expect(pdfDate(input)).toBe(expected);
  });

  it.each([
    ['Annual report 2024', 'Annual report 2024'],
    ['Microsoft Word - Tide tables', 'Tide tables'],
    ['untitled', undefined],
    ['report_v2_final', undefined],
    ['slides.pptx', undefined],
  ])('usable title %s → %s', (input, expected) => {
    expect(usableTitle(input)).toBe(expected);
  });

  it('names a document after its file when it has no title', () => {
    expect(titleFromUrl('https://e.example/docs/annual-report_2024.pdf?x=1')).toBe('annual report 2024');
  });
});
