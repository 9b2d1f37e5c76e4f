import { describe, expect, it } from 'vitest';
import { answerUserPrompt } from '../../services/index.js';
import type { LlmRequestRecord } from './fake-llm.js';
import { firstSourceSentence, readingResponder } from './reading-llm.js';

const record = (purpose: LlmRequestRecord['purpose'], user: string): LlmRequestRecord => ({
  index: 0,
  purpose,
  body: {
    messages: [
      { role: 'system', content: '' },
      { role: 'user', content: user },
    ],
  },
  headers: {},
  receivedAt: 0,
  aborted: false,
  finished: false,
});

const text = (reply: ReturnType<typeof readingResponder>) =>
  reply.kind === 'stream' ? reply.chunks.join('') : `(${reply.kind})`;

describe('firstSourceSentence', () => {
  it.each([
    ['one sentence', 'The tower is 330 m tall.', 'The tower is 330 m tall.'],
    ['stops at the first sentence', 'It opened in 1889. It was repainted.', 'It opened in 1889.'],
    ['keeps decimals inside', 'Version 2.5 ships today. More later.', 'Version 2.5 ships today.'],
    ['joins lines', 'A line\nthat goes on. Next.', 'A line that goes on.'],
    ['no full stop: the whole text', 'Just a title', 'Just a title'],
  ])('%s', (_name, passage, sentence) => {
    const prompt = answerUserPrompt('q?', [{ n: 1, title: 'T', url: 'http://x/', text: passage }]);
    expect(firstSourceSentence(prompt)).toEqual({ n: 1, sentence });
  });

  it('reads the prompt Citebox builds, first source first', () => {
    const prompt = answerUserPrompt('q?', [
      { n: 1, title: 'One', url: 'http://a/', text: 'Alpha is first. Then more.' },
      { n: 2, title: 'Two', url: 'http://b/', text: 'Beta is second.' },
    ]);
    expect(firstSourceSentence(prompt)).toEqual({ n: 1, sentence: 'Alpha is first.' });
    expect(firstSourceSentence('no sources here')).toBeUndefined();
  });
});

describe('readingResponder', () => {
  it('answers from the first source and cites it', () => {
    const prompt = answerUserPrompt('How tall?', [
      { n: 1, title: 'T', url: 'http://x/', text: 'The mast is 40 m tall. It is red.' },
    ]);
    expect(text(readingResponder(record('answer', prompt)))).toBe('The mast is 40 m tall. [1]');
  });

  it('says so when there is no source, and answers the other kinds of request', () => {
    expect(text(readingResponder(record('answer', 'Question: x')))).toMatch(/do not answer/);
    expect(text(readingResponder(record('rewrite', 'Conversation:\nWhat about the mast?')))).toBe(
      'What about the mast?',
    );
    expect(text(readingResponder(record('related', '')))).toMatch(/\?\n.*\?/);
    expect(text(readingResponder(record('judge', '')))).toBe('yes');
  });
});
