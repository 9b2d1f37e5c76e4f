import { describe, expect, it } from 'vitest';
import { SseDecoder, type SseEvent } from './sse.js';

const STREAM =
  'event: sources\ndata: {"sources":[]}\n\n' +
  ': keep-alive\n\n' +
  'event: delta\ndata: {"text":"Hel"}\n\n' +
  'event: delta\r\ndata: {"text":"lo [1]"}\r\n\r\n' +
  'data: line one\ndata: line two\n\n' +
  'event: done\rdata: {}\r\r';

const EXPECTED: SseEvent[] = [
  { event: 'sources', data: '{"sources":[]}' },
  { event: 'delta', data: '{"text":"Hel"}' },
  { event: 'delta', data: '{"text":"lo [1]"}' },
  { event: 'message', data: 'line one\nline two' },
  { event: 'done', data: '{}' },
];

function decodeInChunks(stream: string, size: number): SseEvent[] {
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  for (let i = 0; i < stream.length; i += size) events.push(...decoder.push(stream.slice(i, i + size)));
  events.push(...decoder.end());
  return events;
}

describe('SseDecoder', () => {
  it.each([1, 2, 3, 5, 7, 13, 64, STREAM.length])('decodes the stream split every %i characters', (size) => {
    expect(decodeInChunks(STREAM, size)).toEqual(EXPECTED);
  });

  it('splits a CRLF across chunks without inventing an empty line', () => {
    const decoder = new SseDecoder();
    expect(decoder.push('data: a\r')).toEqual([]);
    expect(decoder.push('\ndata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb' }]);
  });

  it('drops an event the stream cut off before its blank line', () => {
    expect(decodeInChunks('event: delta\ndata: {"text":"x"}\n', 4)).toEqual([]);
  });

  it('keeps the id and ignores unknown fields', () => {
    const decoder = new SseDecoder();
    expect(decoder.push('id: 7\nretry: 10\nfoo: bar\ndata:x\n\n')).toEqual([
      { event: 'message', data: 'x', id: '7' },
    ]);
  });
});
