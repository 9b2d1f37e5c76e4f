// The streamed search page: the shell goes out before the answer exists, the answer's text is
// written as it comes (escaped), and a failure becomes an error on the page, not a broken stream.
import { describe, expect, it } from 'vitest';
import { type ClientAssets, loadAssets } from './assets.js';
import { type SearchPageInput, searchPage } from './search-page.js';

type Events = ReturnType<SearchPageInput['answer']>;

function done(answer: string) {
  return {
    type: 'done' as const,
    response: {
      id: 'ans_1',
      query: 'q',
      answer,
      answer_mode: 'llm' as const,
      citations: [
        { n: 1, url: 'https://e.com/a', title: 'A', snippet: 's', passage_id: 'p', supported: true },
      ],
      sources: [{ n: 1, url: 'https://e.com/a', title: 'A', snippet: 's', score: 1 }],
      related_questions: ['And then?'],
      timings: { retrieve_ms: 1, generate_ms: 2, total_ms: 3 },
      model: 'test-model',
    },
  };
}

let assets: ClientAssets;

function page(answer: () => Events, overrides: Partial<SearchPageInput> = {}) {
  return searchPage({
    assets,
    form: { query: 'q', sites: '', siteOptions: [] },
    query: 'Where is the <moon>?',
    emptyIndex: false,
    apiOpen: true,
    answer,
    results: async () => [{ url: 'https://e.com/r', title: 'R', snippet: 'moon result' }],
    failure: (err) => (err instanceof Error ? err.message : 'failed'),
    ...overrides,
  });
}

describe('searchPage', () => {
  it('sends the shell before the answer exists, then the text as it streams', async () => {
    assets = await loadAssets();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let started = false;
    const gen = page(async function* () {
      started = true;
      yield { type: 'sources' as const, sources: [] };
      yield { type: 'delta' as const, text: 'Hello <b>' };
      await gate;
      yield { type: 'delta' as const, text: 'world [1]' };
      yield done('Hello **world** [1]');
    });
    const first = (await gen.next()).value as string;
    expect(first).toContain('<header class="site">');
    expect(first).toContain('<title>Where is the &lt;moon&gt;? – Citebox</title>');
    expect(started).toBe(false);
    const chunks: string[] = [];
    for (let i = 0; i < 4; i++) chunks.push((await gen.next()).value as string);
    expect(chunks.join('')).toContain('<span class="live-text">Hello &lt;b&gt;');
    expect(chunks.join('')).not.toContain('world');
    release();
    let rest = '';
    for await (const chunk of gen) rest += chunk;
    expect(rest).toContain('world [1]</span></div>');
    expect(rest).toContain('<div class="answer-final" data-answer="Hello **world** [1]">');
    expect(rest).toContain('LLM answer · test-model');
    expect(rest).toContain('<strong>world</strong>');
    expect(rest).toContain('<a class="cite" href="#source-1"');
    expect(rest).toContain('data-followup="And then?"');
    expect(rest).toContain('<mark>moon</mark> result');
    expect(rest.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('renders the answer when its citations are checked, before the rest of the response', async () => {
    assets = await loadAssets();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const final = done('It is **so** [1].');
    const gen = page(async function* () {
      yield { type: 'sources' as const, sources: final.response.sources };
      yield { type: 'delta' as const, text: 'It is **so** [1].' };
      yield { type: 'citations' as const, citations: final.response.citations };
      await gate; // related questions: another model call
      yield final;
    });
    let before = '';
    while (!before.includes('answer-final')) before += (await gen.next()).value as string;
    expect(before).toContain('<strong>so</strong>');
    expect(before).toContain('href="#source-1"');
    release();
    let rest = '';
    for await (const chunk of gen) rest += chunk;
    // The same text is not rendered twice; the mode line and related questions follow.
    expect(rest).not.toContain('answer-final');
    expect(rest).toContain('LLM answer · test-model');
    expect(rest).toContain('data-followup="And then?"');
  });

  it('renders the final text again when it differs from what streamed', async () => {
    assets = await loadAssets();
    let out = '';
    for await (const chunk of page(async function* () {
      yield { type: 'delta' as const, text: 'Draft [3].' };
      yield { type: 'citations' as const, citations: [] };
      yield done('Final [1].');
    }))
      out += chunk;
    expect(out.match(/class="answer-final"/g)).toHaveLength(2);
    expect(out.lastIndexOf('data-answer="Final [1]."')).toBeGreaterThan(
      out.indexOf('data-answer="Draft [3]."'),
    );
  });

  it('turns a failed answer into an error on the page and still ends the document', async () => {
    assets = await loadAssets();
    let out = '';
    // biome-ignore lint/correctness/useYield: the stream fails before its first event
    for await (const chunk of page(async function* () {
      throw new Error('The search backend is unreachable');
    }))
      out += chunk;
    expect(out).toContain('role="alert"');
    expect(out).toContain('The search backend is unreachable');
    expect(out.trimEnd().endsWith('</html>')).toBe(true);
  });

  it('shows the empty-index notice without asking for an answer', async () => {
    assets = await loadAssets();
    let asked = false;
    let out = '';
    for await (const chunk of page(
      async function* () {
        asked = true;
        yield done('x');
      },
      { emptyIndex: true },
    ))
      out += chunk;
    expect(asked).toBe(false);
    expect(out).toContain('Nothing is indexed yet');
  });
});
