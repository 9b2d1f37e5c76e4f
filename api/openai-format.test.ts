import { describe, expect, it } from 'vitest';
import type { AnswerResponse, Source } from '../services/index.js';
import {
  type ChatCompletionRequest,
  ChunkStream,
  chatCompletion,
  citationUrls,
  DONE_FRAME,
  toAnswerRequest,
  urlAnnotations,
} from './openai-format.js';

const sources: Source[] = [
  { n: 2, url: 'https://b.example/', title: 'B', snippet: 'b', score: 1 },
  { n: 1, url: 'https://a.example/', title: 'A', snippet: 'a', score: 2, published_at: '2024-01-02' },
];

const response: AnswerResponse = {
  id: 'ans_1',
  query: 'q',
  answer: 'Alpha [1]. Beta [2].',
  answer_mode: 'extractive',
  citations: [],
  sources,
  related_questions: [],
  timings: { retrieve_ms: 1, generate_ms: 1, total_ms: 2 },
};

const chat = (over: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest => ({
  model: 'citebox',
  messages: [{ role: 'user', content: 'q' }],
  ...over,
});

describe('toAnswerRequest', () => {
  const cases: Array<[string, ChatCompletionRequest, unknown]> = [
    ['a single question', chat(), { query: 'q' }],
    [
      'earlier turns become the conversation, developer as system',
      chat({
        messages: [
          { role: 'developer', content: 'be brief' },
          { role: 'user', content: 'who built it?' },
          { role: 'assistant', content: [{ type: 'text', text: 'The Ming [1].' }] },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'when' },
              { type: 'text', text: 'exactly?' },
            ],
          },
        ],
      }),
      {
        query: 'when\nexactly?',
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'who built it?' },
          { role: 'assistant', content: 'The Ming [1].' },
        ],
      },
    ],
    [
      'Citebox extensions and Perplexity’s site filter',
      chat({ top_k: 3, mode: 'extractive', search_domain_filter: ['a.example'] }),
      { query: 'q', top_k: 3, mode: 'extractive', filters: { sites: ['a.example'] } },
    ],
    [
      'filters win over search_domain_filter',
      chat({ filters: { sites: ['x.example'], lang: 'en' }, search_domain_filter: ['a.example'] }),
      { query: 'q', filters: { sites: ['x.example'], lang: 'en' } },
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(toAnswerRequest(input)).toEqual(expected);
  });

  const refused: Array<[string, ChatCompletionRequest, string]> = [
    ['another model', chat({ model: 'gpt-4o' }), 'MODEL_NOT_FOUND'],
    ['n > 1', chat({ n: 2 }), 'INVALID_REQUEST'],
    [
      'a conversation that does not end with the user',
      chat({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: 'a' },
        ],
      }),
      'INVALID_REQUEST',
    ],
  ];
  it.each(refused)('refuses %s', (_name, input, code) => {
    expect(() => toAnswerRequest(input)).toThrow(expect.objectContaining({ code }));
  });

  it('keeps only the most recent earlier turns', () => {
    const messages = Array.from({ length: 41 }, (_, i) => ({
      role: i % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `m${i}`,
    }));
    const request = toAnswerRequest(chat({ messages }));
    expect(request.messages).toHaveLength(20);
    expect(request.messages?.[0]?.content).toBe('m20');
    expect(request.query).toBe('m40');
  });
});

describe('chat.completion', () => {
  it('has OpenAI’s shape, with citations by number and search results beside choices', () => {
    const out = chatCompletion(chat(), response, 'chatcmpl-x', 1700000000);
    expect(out).toMatchObject({
      id: 'chatcmpl-x',
      object: 'chat.completion',
      created: 1700000000,
      model: 'citebox',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Alpha [1]. Beta [2].', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      citations: ['https://a.example/', 'https://b.example/'],
      search_results: [
        { title: 'A', url: 'https://a.example/', date: '2024-01-02', snippet: 'a' },
        { title: 'B', url: 'https://b.example/', date: null, snippet: 'b' },
      ],
    });
    expect(out.usage.total_tokens).toBe(out.usage.prompt_tokens + out.usage.completion_tokens);
    expect(out.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('annotates each [n] marker with its place and URL', () => {
    const content = 'Alpha [1]. Beta [2] [9].';
    const notes = urlAnnotations(content, sources);
    expect(notes).toHaveLength(2);
    expect(notes[0]?.url_citation).toEqual({
      url: 'https://a.example/',
      title: 'A',
      start_index: 6,
      end_index: 9,
    });
    expect(content.slice(notes[1]?.url_citation.start_index, notes[1]?.url_citation.end_index)).toBe('[2]');
  });

  it('never leaves holes in citations', () => {
    expect(citationUrls([{ ...sources[0]!, n: 3 }])).toEqual(['', '', 'https://b.example/']);
  });
});

describe('ChunkStream', () => {
  const events = [
    { type: 'sources', sources } as const,
    { type: 'delta', text: 'Alpha [1].' } as const,
    { type: 'delta', text: '' } as const,
    { type: 'citations', citations: [] } as const,
    { type: 'delta', text: ' Beta [2].' } as const,
    { type: 'done', response } as const,
  ];

  it('emits role, content, stop (with citations) and [DONE], in order', () => {
    const stream = new ChunkStream(chat(), 'chatcmpl-x', 1);
    const chunks = events.flatMap((e) => stream.push(e));
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Alpha [1].' },
      { content: ' Beta [2].' },
      {},
    ]);
    expect(chunks.map((c) => c.choices[0]?.finish_reason)).toEqual([null, null, null, 'stop']);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === 'chatcmpl-x')).toBe(true);
    expect(chunks[0]?.citations).toEqual(['https://a.example/', 'https://b.example/']);
    expect(chunks.at(-1)?.citations).toEqual(['https://a.example/', 'https://b.example/']);
    expect('usage' in (chunks[1] ?? {})).toBe(false);
    expect(stream.end()).toBe(DONE_FRAME);
  });

  it('numbers the stream’s citations as its text, not as the renumbered final answer', () => {
    const stream = new ChunkStream(chat(), 'id', 1);
    const retrievalOrder: Source[] = [
      { n: 1, url: 'https://b.example/', title: 'B', snippet: 'b', score: 2 },
      { n: 2, url: 'https://a.example/', title: 'A', snippet: 'a', score: 1 },
    ];
    const final: AnswerResponse = { ...response, answer: 'Alpha [1].', sources };
    const chunks = [
      { type: 'sources', sources: retrievalOrder } as const,
      { type: 'delta', text: 'Alpha [2].' } as const,
      { type: 'done', response: final } as const,
    ].flatMap((e) => stream.push(e));
    // [2] in the streamed text is a.example, in the stream's own list.
    expect(chunks.at(-1)?.citations).toEqual(['https://b.example/', 'https://a.example/']);
  });

  it('adds usage: null to each chunk and a usage chunk with no choices when asked', () => {
    const stream = new ChunkStream(chat({ stream_options: { include_usage: true } }), 'id', 1);
    const chunks = events.flatMap((e) => stream.push(e));
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage?.completion_tokens).toBeGreaterThan(0);
  });

  it('gives the whole answer when the pipeline streamed no text', () => {
    const stream = new ChunkStream(chat(), 'id', 1);
    const chunks = [{ type: 'done', response } as const].flatMap((e) => stream.push(e));
    expect(chunks.map((c) => c.choices[0]?.delta.content)).toEqual(['', response.answer, undefined]);
  });

  it('ends with an OpenAI error object when the pipeline ended without an answer', () => {
    const stream = new ChunkStream(chat(), 'id', 1);
    stream.push({ type: 'sources', sources });
    stream.push({ type: 'error', code: 'LLM_TIMEOUT', message: 'slow' });
    expect(JSON.parse(stream.end().slice('data: '.length))).toEqual({
      error: { message: 'slow', type: 'server_error', param: null, code: 'llm_timeout' },
    });
  });

  it('says so between the texts when the pipeline starts over after a failure', () => {
    const stream = new ChunkStream(chat(), 'id', 1);
    const chunks = [
      { type: 'sources', sources } as const,
      { type: 'delta', text: 'The mod' } as const,
      {
        type: 'error',
        code: 'LLM_TIMEOUT',
        message: 'too slow; here is an extractive answer instead',
      } as const,
      { type: 'delta', text: 'Alpha [1].' } as const,
      { type: 'done', response } as const,
    ].flatMap((e) => stream.push(e));
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('The mod\n\n*too slow; here is an extractive answer instead*\n\nAlpha [1].');
    expect(stream.end()).toBe(DONE_FRAME);
  });

  it('ignores an error the pipeline recovered from', () => {
    const stream = new ChunkStream(chat(), 'id', 1);
    stream.push({ type: 'error', code: 'LLM_ERROR', message: 'fell back' });
    stream.push({ type: 'done', response });
    expect(stream.end()).toBe(DONE_FRAME);
  });
});
