import { describe, expect, it } from 'vitest';
import { finishReason, parseChatRequest } from './local-model-server.js';

describe('parseChatRequest', () => {
  it('reads an OpenAI chat request', () => {
    expect(
      parseChatRequest({
        model: 'x',
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Hi' },
          { role: 'assistant', content: 'Hello' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Why' },
              { type: 'text', text: '?' },
            ],
          },
        ],
        max_tokens: 100,
        temperature: 0.2,
        stream: true,
        stream_options: { include_usage: true },
        stop: '\n\n',
        seed: 7,
      }),
    ).toEqual({
      history: [
        { type: 'system', text: 'Be brief.' },
        { type: 'user', text: 'Hi' },
        { type: 'model', response: ['Hello'] },
        { type: 'user', text: 'Why?' },
      ],
      maxTokens: 100,
      temperature: 0.2,
      topP: undefined,
      seed: 7,
      stop: ['\n\n'],
      stream: true,
      includeUsage: true,
      repeatPenalty: undefined,
      frequencyPenalty: undefined,
      presencePenalty: undefined,
    });
  });

  it('prefers max_completion_tokens and has defaults', () => {
    const r = parseChatRequest({
      messages: [{ role: 'user', content: 'Hi' }],
      max_completion_tokens: 9,
      max_tokens: 3,
    });
    expect(r).toMatchObject({ maxTokens: 9, temperature: 1, stream: false, includeUsage: false, stop: [] });
  });

  it.each([
    ['not an object', [], /JSON object/],
    ['no messages', { messages: [] }, /non-empty array/],
    ['a bad role', { messages: [{ role: 'tool', content: 'x' }] }, /role/],
    ['content that is not text', { messages: [{ role: 'user', content: 5 }] }, /content/],
    ['an image part', { messages: [{ role: 'user', content: [{ type: 'image_url' }] }] }, /content/],
    ['a last turn not from the user', { messages: [{ role: 'assistant', content: 'x' }] }, /last message/],
    [
      'a temperature out of range',
      { messages: [{ role: 'user', content: 'x' }], temperature: 3 },
      /temperature/,
    ],
    ['max_tokens of 0', { messages: [{ role: 'user', content: 'x' }], max_tokens: 0 }, /max_tokens/],
    ['a bad stop', { messages: [{ role: 'user', content: 'x' }], stop: [1] }, /stop/],
  ])('refuses %s with a 400', (_name, body, message) => {
    expect(() => parseChatRequest(body)).toThrow(message);
    try {
      parseChatRequest(body);
    } catch (err) {
      expect((err as { status: number }).status).toBe(400);
    }
  });
});

describe('finishReason', () => {
  it.each([
    ['eogToken', 'stop'],
    ['customStopTrigger', 'stop'],
    ['maxTokens', 'length'],
    ['abort', 'stop'],
  ])('%s → %s', (reason, expected) => {
    expect(finishReason(reason)).toBe(expected);
  });
});
