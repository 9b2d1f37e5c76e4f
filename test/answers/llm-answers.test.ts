// The answer pipeline against a local OpenAI-compatible server scripted per test: streaming order,
// citation repair, language, retries, timeouts, failures mid-stream and aborts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnswerEvent, NO_SOURCES_TEXT } from '../../services/index.js';
import { type FakeLlm, startFakeLlm, streamReply } from '../helpers/llm-server.js';
import { type AnswerFixture, collect, deltasOf, doneOf, openFixture, page, testLlm } from './fixtures.js';

const APOLLO = 'When did Apollo 11 land on the Moon?';

describe('LLM answers against a scripted OpenAI-compatible server', () => {
  let llm: FakeLlm;
  let fixture: AnswerFixture;

  beforeAll(async () => {
    llm = await startFakeLlm();
    fixture = await openFixture();
  });
  afterAll(async () => {
    await llm?.close();
    await fixture?.close();
  });
  beforeEach(() => {
    llm.requests.length = 0;
    llm.respond((request) => {
      if (request.purpose === 'related') return streamReply('Who flew Apollo 12?\nHow far is the Moon?\n');
      if (request.purpose === 'rewrite') return streamReply('How long is the Great Wall of China?');
      return streamReply('Apollo 11 landed on the Moon on July 20, 1969 [1].');
    });
  });

  const answerRequests = () => llm.requests.filter((r) => r.purpose === 'answer');

  it('streams sources before the first token, then deltas, citations and done', async () => {
    llm.respond((request) =>
      request.purpose === 'related'
        ? streamReply('Who flew Apollo 12?\nHow far is the Moon?')
        : streamReply(
            'Neil Armstrong and Buzz Aldrin landed Eagle on July 20, 1969 [1]. The Moon is Earth’s only natural satellite [2].',
            { chunkDelayMs: 2 },
          ),
    );
    const events = await collect(fixture.service(testLlm(llm.url)).stream({ query: APOLLO }));
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('sources');
    expect(types.filter((t) => t === 'delta').length).toBeGreaterThan(3);
    expect(types.slice(-2)).toEqual(['citations', 'done']);
    const sources = events[0] as Extract<AnswerEvent, { type: 'sources' }>;
    const done = doneOf(events);
    expect(done.answer_mode).toBe('llm');
    expect(done.model).toBe('fake-model');
    expect(done.answer).toBe(deltasOf(events).trim());
    expect(done.answer).toContain('July 20, 1969 [');
    // The stream keeps the numbers of the sources event, so [n] resolve as they arrive.
    for (const c of done.citations) {
      expect(sources.sources.find((s) => s.n === c.n)?.url).toBe(c.url);
      expect(c.supported).toBe(true);
    }
    expect(done.citations.map((c) => c.url)).toEqual([
      'https://facts.test/apollo',
      'https://facts.test/moon',
    ]);
    expect(done.related_questions).toEqual(['Who flew Apollo 12?', 'How far is the Moon?']);

    // The prompt: numbered sources with title and URL, fenced as untrusted, and the question.
    const [request] = answerRequests();
    const user = request?.body.messages?.find((m) => m.role === 'user')?.content ?? '';
    expect(user).toMatch(/<source n="1" title="The Apollo program \(facts\)"( section="[^"]+")?>/);
    expect(user).toContain(`Question: ${APOLLO}`);
    const system = request?.body.messages?.find((m) => m.role === 'system')?.content ?? '';
    expect(system).toMatch(/untrusted/);
    expect(system).toMatch(/English/);
    expect(request?.body.stream).toBe(true);
    expect(request?.body.model).toBe('fake-model');
  });

  it('numbers a whole answer as its stream does: sources in rank order', async () => {
    llm.respond((request) =>
      request.purpose === 'answer'
        ? streamReply(
            'The Moon is Earth’s only natural satellite [2]. Apollo 11 landed on July 20, 1969 [1].',
          )
        : streamReply(''),
    );
    const service = fixture.service(testLlm(llm.url));
    const events = await collect(service.stream({ query: APOLLO }));
    const streamed = (events.at(-1) as Extract<AnswerEvent, { type: 'done' }>).response;
    const response = await fixture.service(testLlm(llm.url)).answer({ query: APOLLO });
    // The same numbers in JSON (and the CLI) as in the stream (and the website).
    expect(response.answer).toBe(
      'The Moon is Earth’s only natural satellite [2]. Apollo 11 landed on July 20, 1969 [1].',
    );
    expect(streamed.answer).toBe(response.answer);
    expect(response.citations.map((c) => [c.n, c.url])).toEqual([
      [2, 'https://facts.test/moon'],
      [1, 'https://facts.test/apollo'],
    ]);
    expect(response.sources.map((s) => s.n)).toEqual(response.sources.map((_s, i) => i + 1));
    // The order shown is the order used: scores never rise down the list.
    const scores = response.sources.map((s) => s.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(response.sources.map((s) => s.url)).toEqual(streamed.sources.map((s) => s.url));
  });

  it('drops a citation of [7] when there are 4 sources', async () => {
    llm.respond((request) =>
      request.purpose === 'answer'
        ? streamReply('Apollo 11 landed on July 20, 1969 [7]. The wall is 21,196 kilometres long [2].')
        : streamReply(''),
    );
    const events = await collect(
      fixture.service(testLlm(llm.url)).stream({ query: 'Apollo 11 Moon wall facts', top_k: 4 }),
    );
    const sources = events[0] as Extract<AnswerEvent, { type: 'sources' }>;
    expect(sources.sources).toHaveLength(4);
    const done = doneOf(events);
    expect(done.answer).not.toContain('[7]');
    expect(deltasOf(events)).not.toContain('[7]');
    // [7] goes; the claim it was on gets the source that supports it instead.
    expect(done.answer).toMatch(
      /^Apollo 11 landed on July 20, 1969 \[\d\]\. The wall is 21,196 kilometres long \[\d\]\.$/,
    );
    for (const m of done.answer.matchAll(/\[(\d+)\]/g)) {
      expect(done.citations.some((c) => c.n === Number(m[1]))).toBe(true);
    }
    expect(done.citations.map((c) => c.url)).toEqual([
      'https://facts.test/apollo',
      'https://facts.test/wall',
    ]);
  });

  it('drops the <source> tags a small model copies from the prompt, citing the source it quoted', async () => {
    // Qwen2.5-Coder 0.5B on documentation pages quoted a source in its prompt's own markup.
    llm.respond((request) =>
      request.purpose === 'answer'
        ? streamReply(
            [
              '<source n="1" title="Apollo',
              ' 11" section="Landing">\nApollo 11 landed on the Moon on July 20, 1969.\n</sou',
              'rce>',
            ],
            { chunkDelayMs: 1 },
          )
        : streamReply(''),
    );
    const events = await collect(fixture.service(testLlm(llm.url)).stream({ query: APOLLO, mode: 'llm' }));
    const done = doneOf(events);
    expect(done.answer_mode).toBe('llm');
    expect(deltasOf(events)).not.toContain('<');
    expect(done.answer).not.toContain('source');
    expect(done.answer).toContain('July 20, 1969');
    expect(done.citations[0]?.url).toBe('https://facts.test/apollo');
    expect(done.citations[0]?.supported).toBe(true);
  });

  it('reads full-width 【1】 markers', async () => {
    llm.respond((request) =>
      request.purpose === 'answer' ? streamReply(['长城总长度约为21196千米', '【1】。']) : streamReply(''),
    );
    const done = doneOf(await collect(fixture.service(testLlm(llm.url)).stream({ query: '长城有多长？' })));
    expect(done.answer).toBe('长城总长度约为21196千米[1]。');
    expect(done.citations[0]?.url).toBe('https://facts.test/zh/wall');
    expect(done.citations[0]?.supported).toBe(true);
  });

  it('joins a marker split across stream chunks', async () => {
    llm.respond((request) =>
      request.purpose === 'answer'
        ? streamReply(['Armstrong and Aldrin landed on July 20, 1969 [', '1', ']', '.'])
        : streamReply(''),
    );
    const events = await collect(fixture.service(testLlm(llm.url)).stream({ query: APOLLO }));
    expect(deltasOf(events)).toBe('Armstrong and Aldrin landed on July 20, 1969 [1].');
    expect(
      events.filter((e) => e.type === 'delta').every((e) => e.type === 'delta' && !/\[$|^\d\]/.test(e.text)),
    ).toBe(true);
  });

  it('moves a citation to the passage that supports the claim and flags what nothing supports', async () => {
    llm.respond((request) => {
      if (request.purpose !== 'answer') return streamReply('');
      // Cite the Apollo page for both claims; only the second is about it.
      const user = request.body.messages?.find((m) => m.role === 'user')?.content ?? '';
      const apollo = /<source n="(\d+)" title="The Apollo program/.exec(user)?.[1];
      return streamReply(
        `The wall stretches for about 21,196 kilometres [${apollo}]. Apollo 11 landed humans on Mars with a rover in 1969 [${apollo}].`,
      );
    });
    const events = await collect(
      fixture.service(testLlm(llm.url)).stream({ query: 'Apollo 11 Moon wall facts', top_k: 4 }),
    );
    const sources = events[0] as Extract<AnswerEvent, { type: 'sources' }>;
    const numberOf = (url: string) => sources.sources.find((s) => s.url === url)?.n;
    const done = doneOf(events);
    expect(done.answer).toBe(
      `The wall stretches for about 21,196 kilometres [${numberOf('https://facts.test/wall')}]. Apollo 11 landed humans on Mars with a rover in 1969 [${numberOf('https://facts.test/apollo')}].`,
    );
    const support = Object.fromEntries(done.citations.map((c) => [c.url, c.supported]));
    // Mars is in no passage: the citation stays (the passage is about the claim) but is flagged.
    expect(support).toEqual({ 'https://facts.test/wall': true, 'https://facts.test/apollo': false });
  });

  it('asks again when the model answers in the wrong language', async () => {
    let attempt = 0;
    llm.respond((request) => {
      if (request.purpose !== 'answer') return streamReply('');
      attempt++;
      return attempt === 1
        ? streamReply(
            'The Great Wall of China is about 21,196 kilometres long in total [1]. It was built by many dynasties.',
            {
              chunkDelayMs: 2,
            },
          )
        : streamReply('长城总长度约为21196千米[1]。');
    });
    const events = await collect(fixture.service(testLlm(llm.url)).stream({ query: '长城有多长？' }));
    const error = events.find((e) => e.type === 'error');
    expect(error).toMatchObject({ code: 'LLM_ERROR' });
    expect(error?.type === 'error' && error.message).toMatch(/English instead of Chinese/);
    const done = doneOf(events);
    expect(done.answer_mode).toBe('llm');
    expect(done.answer).toBe('长城总长度约为21196千米[1]。');
    // The English attempt was cut off upstream; the retry carried the correction.
    await llm.waitForAbort(answerRequests()[0]?.index ?? -1);
    const retry = answerRequests()[1]?.body.messages?.at(-1)?.content ?? '';
    expect(answerRequests()[1]?.body.messages?.map((m) => m.role)).toEqual(['system', 'user']);
    expect(retry).toMatch(/must be written in Chinese/);
    expect(answerRequests()[0]?.body.messages?.[0]?.content).toMatch(/Write the answer in Chinese/);
  });

  it('retries after a 429 and then answers', async () => {
    let calls = 0;
    llm.respond((request) => {
      if (request.purpose !== 'answer') return streamReply('');
      calls++;
      return calls === 1
        ? {
            kind: 'status',
            status: 429,
            headers: { 'retry-after': '0' },
            body: { error: { message: 'slow down' } },
          }
        : streamReply('Apollo 11 landed on July 20, 1969 [1].');
    });
    const done = doneOf(await collect(fixture.service(testLlm(llm.url)).stream({ query: APOLLO })));
    expect(calls).toBe(2);
    expect(done.answer_mode).toBe('llm');
    expect(done.answer).toBe('Apollo 11 landed on July 20, 1969 [1].');
  });

  it('falls back to an extractive answer when the model keeps failing with 500', async () => {
    llm.respond(() => ({ kind: 'status', status: 500 }));
    const events = await collect(fixture.service(testLlm(llm.url)).stream({ query: APOLLO }));
    expect(answerRequests()).toHaveLength(3); // the first try and two retries
    expect(events.some((e) => e.type === 'error')).toBe(false); // nothing was streamed yet
    const done = doneOf(events);
    expect(done.answer_mode).toBe('extractive');
    expect(done.answer).toContain('July 20, 1969');
    expect(done.model).toBeUndefined();
  });

  it('gives up on a model that hangs past LLM_TIMEOUT_MS, aborts it and answers extractively', async () => {
    llm.respond(() => ({ kind: 'hang' }));
    const started = performance.now();
    const events = await collect(
      fixture.service(testLlm(llm.url, { timeoutMs: 300 })).stream({ query: APOLLO }),
    );
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(doneOf(events).answer_mode).toBe('extractive');
    await llm.waitForAbort(0);
  });

  it('sends an error event, then the extractive answer, when the model stalls mid-stream', async () => {
    llm.respond((request) =>
      request.purpose === 'answer'
        ? streamReply(['Apollo 11 ', 'landed on'], { stall: true })
        : streamReply(''),
    );
    const events = await collect(
      fixture.service(testLlm(llm.url, { timeoutMs: 300 })).stream({ query: APOLLO }),
    );
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('sources');
    const errorAt = types.indexOf('error');
    expect(errorAt).toBeGreaterThan(0);
    expect(events[errorAt]).toMatchObject({ code: 'LLM_TIMEOUT' });
    const after = events.slice(errorAt + 1);
    expect(after.map((e) => e.type)).toEqual(['delta', 'citations', 'done']);
    expect(deltasOf(after)).toContain('July 20, 1969');
    expect(doneOf(events).answer_mode).toBe('extractive');
    await llm.waitForAbort(0);
  });

  it('sends an error event, then the extractive answer, when the connection drops mid-stream', async () => {
    llm.respond((request) =>
      request.purpose === 'answer'
        ? streamReply(['Apollo 11 ', 'landed ', 'on'], { dropAfter: 2 })
        : streamReply(''),
    );
    const events = await collect(fixture.service(testLlm(llm.url)).stream({ query: APOLLO }));
    expect(events.map((e) => e.type)).toEqual([
      'sources',
      'delta',
      'delta',
      'error',
      'delta',
      'citations',
      'done',
    ]);
    expect(doneOf(events).answer_mode).toBe('extractive');
  });

  it('aborts the upstream request when the caller goes away mid-stream', async () => {
    llm.respond(() =>
      streamReply(
        Array.from({ length: 200 }, (_, i) => `word${i} `),
        { chunkDelayMs: 20 },
      ),
    );
    const controller = new AbortController();
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of fixture
          .service(testLlm(llm.url))
          .stream({ query: APOLLO }, { signal: controller.signal })) {
          seen.push(event.type);
          if (event.type === 'delta') controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual(['sources', 'delta']);
    await llm.waitForAbort(0);
    expect(llm.requests[0]?.finished).toBe(false);
  });

  it('abstains without calling the model when retrieval finds nothing relevant', async () => {
    const events = await collect(
      fixture.service(testLlm(llm.url)).stream({ query: 'What is the boiling point of tungsten?' }),
    );
    const done = doneOf(events);
    expect(done.answer_mode).toBe('none');
    expect(done.answer).toMatch(/could not find/);
    expect(done.citations).toEqual([]);
    expect(llm.requests).toHaveLength(0);
  });

  it('says "the closest sources are listed below" only when there are sources to list', async () => {
    const service = fixture.service(testLlm(llm.url));
    const none = doneOf(await collect(service.stream({ query: 'xylophone zeppelin quasar' })));
    expect(none.answer_mode).toBe('none');
    expect(none.sources).toEqual([]);
    expect(none.answer).toBe(NO_SOURCES_TEXT);
    expect(none.answer).not.toMatch(/listed below/);
  });

  it('answers extractively when asked to, even with a model configured', async () => {
    const done = doneOf(
      await collect(fixture.service(testLlm(llm.url)).stream({ query: APOLLO, mode: 'extractive' })),
    );
    expect(done.answer_mode).toBe('extractive');
    expect(llm.requests).toHaveLength(0);
  });

  it('rewrites a follow-up into a standalone question before retrieval', async () => {
    llm.respond((request) => {
      if (request.purpose === 'rewrite') return streamReply('How long is the Great Wall of China?');
      if (request.purpose === 'answer') return streamReply('It stretches for about 21,196 kilometres [1].');
      return streamReply('');
    });
    const done = doneOf(
      await collect(
        fixture.service(testLlm(llm.url)).stream({
          query: 'How long is it?',
          messages: [
            { role: 'user', content: 'Who built the Great Wall of China?' },
            { role: 'assistant', content: 'The Ming dynasty built the best-known sections [1].' },
          ],
        }),
      ),
    );
    expect(llm.requests[0]?.purpose).toBe('rewrite');
    expect(llm.requests[0]?.body.messages?.[1]?.content).toContain('Who built the Great Wall of China?');
    expect(done.query).toBe('How long is it?');
    expect(done.citations[0]?.url).toBe('https://facts.test/wall');
    expect(answerRequests()[0]?.body.messages?.[1]?.content).toContain(
      'Question: How long is the Great Wall of China?',
    );
  });

  it('caches answers until the index changes', async () => {
    const service = fixture.service(testLlm(llm.url), { cacheSize: 10 });
    const first = await service.answer({ query: APOLLO });
    const again = await service.answer({ query: '  when did apollo 11 land on the moon ' });
    expect(answerRequests()).toHaveLength(1);
    expect(again.answer).toBe(first.answer);
    expect(again.id).not.toBe(first.id);
    await fixture.indexer.indexPage(
      page('https://facts.test/new', 'New page', ['Something new about kites and wind.']),
    );
    await fixture.indexer.flush();
    await service.answer({ query: APOLLO });
    expect(answerRequests()).toHaveLength(2);
  });

  it('asks the LLM judge about doubtful citations when configured', async () => {
    llm.respond((request) => {
      if (request.purpose === 'answer')
        return streamReply('Apollo 11 landed humans on Mars with a rover [1].');
      if (request.purpose === 'judge') return streamReply('no');
      return streamReply('');
    });
    const done = doneOf(
      await collect(fixture.service(testLlm(llm.url), { llmJudge: true }).stream({ query: APOLLO })),
    );
    expect(llm.requests.filter((r) => r.purpose === 'judge')).toHaveLength(1);
    expect(done.citations[0]?.supported).toBe(false);
  });

  // What real small models do (seen through the local test bed, lib/local-model-server.ts).
  describe('habits of small models', () => {
    const userTurn = (r: { body: { messages?: Array<{ role: string; content: string }> } }) =>
      r.body.messages?.find((m) => m.role === 'user')?.content ?? '';

    it('leaves a model too small to beat the extractive answers out of auto mode', async () => {
      const small = testLlm(llm.url, { model: 'qwen2.5:0.5b-instruct' });
      const service = fixture.service(small, { autoMinParamsB: 3 });
      const auto = await service.answer({ query: APOLLO });
      expect(auto.answer_mode).toBe('extractive');
      expect(answerRequests()).toHaveLength(0);
      // Asked for by name, it answers.
      const asked = await service.answer({ query: APOLLO, mode: 'llm' });
      expect(asked.answer_mode).toBe('llm');
      expect(answerRequests()).toHaveLength(1);
      // A model whose name gives no size, or a big one, answers in auto mode.
      for (const model of ['gpt-4o-mini', 'qwen2.5:7b-instruct']) {
        const answer = await fixture
          .service(testLlm(llm.url, { model }), { autoMinParamsB: 3 })
          .answer({ query: APOLLO });
        expect(answer.answer_mode).toBe('llm');
      }
    });

    it('verifies line-prefix citations against their own line', async () => {
      llm.respond((request) =>
        request.purpose === 'answer'
          ? streamReply(
              '[1] Neil Armstrong and Buzz Aldrin landed Eagle on July 20, 1969.\n[2] The Moon is Earth’s only natural satellite.',
            )
          : streamReply(''),
      );
      const events = await collect(fixture.service(testLlm(llm.url)).stream({ query: APOLLO }));
      const done = doneOf(events);
      expect(done.answer).toMatch(/^Neil Armstrong and Buzz Aldrin landed Eagle on July 20, 1969 \[\d\]\.\n/);
      expect(done.answer).toMatch(/only natural satellite \[\d\]\.$/);
      expect(done.citations.every((c) => c.supported)).toBe(true);
      expect(done.citations.map((c) => c.url).sort()).toEqual([
        'https://facts.test/apollo',
        'https://facts.test/moon',
      ]);
    });

    it('cuts a reply that repeats itself, and stops the model', async () => {
      const sentence = 'Apollo 11 landed on the Moon on July 20, 1969 [1]. ';
      llm.respond((request) =>
        request.purpose === 'answer'
          ? streamReply(sentence.repeat(200), { chunkDelayMs: 1 })
          : streamReply(''),
      );
      const events = await collect(fixture.service(testLlm(llm.url)).stream({ query: APOLLO }));
      const done = doneOf(events);
      expect(done.answer_mode).toBe('llm');
      expect(done.answer).toBe(sentence.trim());
      await llm.waitForAbort(llm.requests.findIndex((r) => r.purpose === 'answer'));
    });

    it('answers extractively when the model writes only a source title and markers', async () => {
      // Qwen2.5-Coder 0.5B on documentation pages: the source's section path, or markers alone.
      for (const reply of ['The Apollo program (facts) [1]', '[1][2]']) {
        llm.respond((request) => (request.purpose === 'answer' ? streamReply(reply) : streamReply('')));
        const events = await collect(
          fixture.service(testLlm(llm.url)).stream({ query: APOLLO, mode: 'llm' }),
        );
        const done = doneOf(events);
        expect(events.some((e) => e.type === 'error')).toBe(true);
        expect(done.answer_mode).toBe('extractive');
        expect(done.answer).toContain('July 20, 1969');
      }
    });

    it('asks again with half the sources when the server says the prompt is too long', async () => {
      let calls = 0;
      llm.respond((request) => {
        if (request.purpose !== 'answer') return streamReply('');
        calls++;
        return calls === 1
          ? {
              kind: 'status',
              status: 400,
              body: {
                error: {
                  message:
                    "This model's maximum context length is 4096 tokens. However, your messages resulted in 5012 tokens.",
                  code: 'context_length_exceeded',
                },
              },
            }
          : streamReply('Apollo 11 landed on the Moon on July 20, 1969 [1].');
      });
      const done = doneOf(
        await collect(fixture.service(testLlm(llm.url)).stream({ query: APOLLO, top_k: 4 })),
      );
      expect(done.answer_mode).toBe('llm');
      const [first, second] = answerRequests();
      const sourcesIn = (r: typeof first) =>
        (userTurn(r as NonNullable<typeof first>).match(/<source /g) ?? []).length;
      expect(sourcesIn(second)).toBe(Math.ceil(sourcesIn(first) / 2));
    });

    it('gives a slow model only the sources it reads within the first-token target', async () => {
      const own = await openFixture();
      try {
        const facts = Array.from(
          { length: 30 },
          (_, i) =>
            `Mission report ${i}: the Apollo crews trained for many months before each flight to the Moon.`,
        );
        await own.indexer.indexPage(page('https://facts.test/reports', 'Apollo mission reports', facts));
        await own.indexer.flush();
        const client = testLlm(llm.url);
        const question = 'How long did Apollo crews train before a flight to the Moon?';
        // Unknown speed: the first answer gets up to 600 tokens of sources.
        await collect(
          own.service(client, { targetFirstTokenMs: 4000 }).stream({ query: question, top_k: 5 }),
        );
        const full = userTurn(answerRequests()[0] as NonNullable<ReturnType<typeof answerRequests>[0]>);
        // A model seen reading 40 tokens a second (a 0.5B model on two busy cores).
        const slowClient = testLlm(llm.url);
        slowClient.speed?.observe({ promptTokens: 2000, firstTokenMs: 50_000 });
        const done = doneOf(
          await collect(
            own.service(slowClient, { targetFirstTokenMs: 4000 }).stream({ query: question, top_k: 5 }),
          ),
        );
        const slow = userTurn(answerRequests()[1] as NonNullable<ReturnType<typeof answerRequests>[0]>);
        expect(slow.length).toBeLessThan(full.length / 2);
        // The sources event lists exactly the passages the model was given.
        expect(done.sources.length).toBe((slow.match(/<source /g) ?? []).length);
        // Without a target, the context is the only bound.
        await collect(own.service(client, { targetFirstTokenMs: 0 }).stream({ query: question, top_k: 5 }));
        const unbounded = userTurn(answerRequests()[2] as NonNullable<ReturnType<typeof answerRequests>[0]>);
        expect(unbounded.length).toBeGreaterThan(full.length);
      } finally {
        await own.close();
      }
    });
  });
});
