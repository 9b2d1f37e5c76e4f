import { describe, expect, it } from 'vitest';
import { ThinkingFilter } from './thinking-filter.js';

function run(chunks: readonly string[]): string {
  const filter = new ThinkingFilter();
  return chunks.map((c) => filter.push(c)).join('') + filter.end();
}

describe('ThinkingFilter', () => {
  it.each([
    [['The answer [1].'], 'The answer [1].'],
    [['<think>hmm, the user wants…</think>\n\nThe answer [1].'], 'The answer [1].'],
    [['<thi', 'nk>a', 'b</th', 'ink>', '\n', 'The', ' answer.'], 'The answer.'],
    [['  <THINKING>x</THINKING> Done.'], 'Done.'],
    [['<think>never closed'], ''],
    [['<b>bold</b> text'], '<b>bold</b> text'],
    [['<', 'b>x'], '<b>x'],
    [['A <think> in the middle stays.'], 'A <think> in the middle stays.'],
  ])('%j → %j', (chunks, expected) => {
    expect(run(chunks)).toBe(expected);
  });
});
