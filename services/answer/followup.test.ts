import { describe, expect, it } from 'vitest';
import { cleanRewrite, needsContext, standaloneQueryFallback } from './followup.js';

describe('follow-ups without an LLM', () => {
  const history = [
    { role: 'user' as const, content: 'Who built the Great Wall of China?' },
    { role: 'assistant' as const, content: 'The Ming dynasty built the best-known sections [1].' },
  ];

  it.each([
    ['How long is it?', true],
    ['And the Moon?', true],
    ['What about its age?', true],
    ['How long is the Great Wall of China?', false],
    ['它有多长？', true],
  ])('%s leans on the conversation: %s', (question, expected) => {
    expect(needsContext(question)).toBe(expected);
  });

  it('adds the key words of the earlier question', () => {
    expect(standaloneQueryFallback('How long is it?', history)).toBe(
      'How long is it? built great wall china',
    );
  });

  it('leaves a self-contained question alone', () => {
    expect(standaloneQueryFallback('When did Apollo 11 land?', history)).toBe('When did Apollo 11 land?');
  });

  it.each([
    ['Standalone question: How long is the Great Wall?', 'How long is the Great Wall?'],
    ['"How long is the Great Wall?"\nExplanation: …', 'How long is the Great Wall?'],
    ['', undefined],
  ])('cleans the model rewrite %j', (reply, expected) => {
    expect(cleanRewrite(reply, 200)).toBe(expected);
  });
});
