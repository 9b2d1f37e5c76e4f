import { describe, expect, it } from 'vitest';
import { answerTypeOf, extractiveAnswer, looksLikeProse } from './extractive.js';

const passages = [
  {
    n: 1,
    text: 'Apollo 11 was the first crewed Moon landing. Neil Armstrong and Buzz Aldrin landed the Eagle on July 20, 1969. They returned safely.',
  },
  {
    n: 2,
    text: 'The Great Wall of China stretches for about 21,196 kilometres. It was built over many centuries.',
  },
];

describe('extractiveAnswer', () => {
  it('quotes the sentence that answers, with its [n]', () => {
    const a = extractiveAnswer({ query: 'How long is the Great Wall of China?', passages });
    expect(a.text).toContain('21,196 kilometres');
    expect(a.text).toMatch(/\[2\]/);
    expect(a.cited).toEqual([2]);
  });

  it('prefers sentences holding the kind of answer asked for', () => {
    const a = extractiveAnswer({ query: 'When did Apollo 11 land on the Moon?', passages });
    expect(a.text).toContain('July 20, 1969');
    expect(a.text).toMatch(/\[1\]/);
  });

  it('withholds an answer when nothing covers the question', () => {
    const a = extractiveAnswer({ query: 'What is the boiling point of tungsten?', passages });
    expect(a.text).toBe('');
    expect(a.cited).toEqual([]);
  });

  it('stays within the word budget', () => {
    const long = {
      n: 1,
      text: Array.from({ length: 20 }, (_, i) => `Sentence ${i} talks about kites and wind and string.`).join(
        ' ',
      ),
    };
    const a = extractiveAnswer({ query: 'kites wind string', passages: [long], maxWords: 60 });
    expect(
      a.text
        .replace(/\[\d+\]/g, '')
        .split(/\s+/)
        .filter(Boolean).length,
    ).toBeLessThanOrEqual(60);
  });

  it.each([
    ['Run curl localhost:8080/v1/answer?q=how+do+I+crawl', false],
    ['CITEBOX_ALLOW_PRIVATE_NETWORKS=true npx citebox crawl http://localhost:3000/', false],
    ['const x = { a: 1 };', false],
    ['To crawl a site, run npx citebox crawl <url> with the address of its home page.', true],
    ['The wall stretches for about 21,196 kilometres (13,171 mi).', true],
    ['长城是中国古代的军事防御工程。', true],
  ])('tells prose from code: %s', (sentence, prose) => {
    expect(looksLikeProse(sentence)).toBe(prose);
  });

  it.each([
    ['When was it built?', 'time'],
    ['In what year did it open?', 'time'],
    ['How many moons does Mars have?', 'number'],
    ['Who wrote Hamlet?', 'person'],
    ['Why is the sky blue?', 'other'],
    ['长城是什么时候建造的？', 'time'],
  ])('classifies %s as %s', (q, type) => {
    expect(answerTypeOf(q)).toBe(type);
  });
});
