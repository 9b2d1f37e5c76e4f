// End to end on the embedded defaults: a small multi-page site on 127.0.0.1 is crawled by the real
// crawler through the API, then questions are asked over HTTP and through the website; the answer
// text and its citations must point at the page that holds the answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, startServer } from '../cli/serve.js';
import { createLogger } from '../services/index.js';
import { type TestEnv, testConfig } from './helpers/config.js';
import { htmlPage, startSite, type TestSite } from './helpers/site-server.js';

const ADMIN = 'test-admin-key-123';

function sitePages(): Record<string, { body: string; headers?: Record<string, string> }> {
  const nav =
    '<nav><a href="/">Home</a> <a href="/apollo">Apollo</a> <a href="/wall">Wall</a> <a href="/bees">Bees</a></nav>';
  return {
    '/robots.txt': { body: 'User-agent: *\nDisallow: /private\n', headers: { 'content-type': 'text/plain' } },
    '/': {
      body: htmlPage(
        'Space and nature facts',
        `${nav}<main><h1>Facts</h1><p>Read about <a href="/apollo">the Apollo program</a>, <a href="/wall">the Great Wall</a>, <a href="/bees">honey bees</a> and <a href="/private">a private page</a>.</p></main>`,
      ),
    },
    '/apollo': {
      body: htmlPage(
        'The Apollo program',
        `${nav}<main><h1>The Apollo program</h1><h2>Apollo 11</h2><p>Apollo 11 was the spaceflight that first landed humans on the Moon. Commander Neil Armstrong and pilot Buzz Aldrin landed the lunar module Eagle on July 20, 1969. Armstrong became the first person to step onto the lunar surface six hours later.</p><h2>Later missions</h2><p>Five more crews landed on the Moon before the program ended in 1972 with Apollo 17.</p></main><footer>Copyright nobody</footer>`,
      ),
    },
    '/wall': {
      body: htmlPage(
        'The Great Wall of China',
        `${nav}<main><h1>The Great Wall</h1><p>The Great Wall of China is a series of fortifications built across the historical northern borders of ancient Chinese states. The best-known sections were built by the Ming dynasty, and the wall stretches for about 21,196 kilometres in total.</p></main>`,
      ),
    },
    '/bees': {
      body: htmlPage(
        'Honey bees',
        `${nav}<main><h1>Honey bees</h1><p>Honey bees tell their nestmates where flowers are with the waggle dance. The angle of the dance shows the direction of the food relative to the sun, and its duration shows the distance.</p><p><a href="/">Back home</a></p></main>`,
      ),
    },
    '/private': {
      body: htmlPage('Private', '<main><p>The secret launch code of the lighthouse is swordfish.</p></main>'),
    },
  };
}

describe('end to end: crawl a local site, answer over HTTP', () => {
  let site: TestSite;
  let env: TestEnv;
  let server: Server;

  beforeAll(async () => {
    site = await startSite(sitePages());
    env = testConfig({ CITEBOX_ADMIN_KEY: ADMIN });
    server = await startServer(env.config, createLogger(env.config), {
      crawlPoliteness: { retryBaseMs: 50 },
    });
  });
  afterAll(async () => {
    await server?.close();
    await site?.close();
    env?.cleanup();
  });

  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
  const admin = (path: string, init: RequestInit = {}) =>
    api(path, {
      ...init,
      headers: {
        authorization: `Bearer ${ADMIN}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });

  async function waitForCrawl(id: string): Promise<Record<string, unknown>> {
    for (let i = 0; i < 200; i++) {
      const res = await admin(`/v1/crawls/${id}`);
      const job = (await res.json()) as { status: string };
      if (!['queued', 'running'].includes(job.status)) return job as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`crawl ${id} did not finish`);
  }

  it('crawls the site through the admin API, honouring robots.txt', async () => {
    const res = await admin('/v1/crawls', {
      method: 'POST',
      body: JSON.stringify({ seeds: [site.url], max_pages: 50 }),
    });
    expect(res.status).toBe(202);
    const started = (await res.json()) as { id: string; status: string };
    expect(started.id).toMatch(/^crawl_/);
    const job = (await waitForCrawl(started.id)) as { status: string; stats: Record<string, number> };
    expect(job.status).toBe('done');
    // The home page is only links: they are followed, the page itself is not indexed (a hub).
    expect(job.stats['indexed']).toBe(3);
    expect(site.requests).toContain('/bees');
    expect(site.requests).not.toContain('/private');
    const list = (await (await admin('/v1/crawls')).json()) as { crawls: Array<{ id: string }> };
    expect(list.crawls.map((c) => c.id)).toContain(started.id);
  });

  it('answers with text from the right page and a citation pointing at it', async () => {
    const res = await api(`/v1/answer?q=${encodeURIComponent('When did Apollo 11 land on the Moon?')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = (await res.json()) as {
      answer: string;
      answer_mode: string;
      citations: Array<{ n: number; url: string; supported: boolean }>;
      sources: Array<{ n: number; url: string }>;
    };
    expect(body.answer_mode).toBe('extractive');
    expect(body.answer).toContain('July 20, 1969');
    expect(body.citations.length).toBeGreaterThan(0);
    expect(body.citations[0]?.url).toBe(`${site.origin}/apollo`);
    // Every [n] in the answer is in citations and in sources.
    for (const m of body.answer.matchAll(/\[(\d+)\]/g)) {
      const n = Number(m[1]);
      expect(body.citations.some((c) => c.n === n)).toBe(true);
      expect(body.sources.some((s) => s.n === n)).toBe(true);
    }
    const marker = /July 20, 1969[^[]*\[(\d+)\]/.exec(body.answer);
    const cited = body.citations.find((c) => c.n === Number(marker?.[1]));
    expect(cited?.url).toBe(`${site.origin}/apollo`);
  });

  it('answers POST /v1/answer with filters and top_k', async () => {
    const res = await api('/v1/answer', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        query: 'How do honey bees show where flowers are?',
        top_k: 3,
        filters: { sites: ['127.0.0.1'] },
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      answer: string;
      citations: Array<{ url: string }>;
      sources: unknown[];
    };
    expect(body.answer).toMatch(/waggle dance/);
    expect(body.citations[0]?.url).toBe(`${site.origin}/bees`);
    expect(body.sources.length).toBeLessThanOrEqual(3);
  });

  it('streams the answer as Server-Sent Events', async () => {
    const res = await api(`/v1/answer?q=${encodeURIComponent('How long is the Great Wall?')}`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('sources');
    expect(events).toContain('delta');
    expect(events.at(-1)).toBe('done');
    expect(text).toContain('21,196');
  });

  it('returns ranked search results', async () => {
    const res = await api('/v1/search?q=great+wall+ming&limit=5');
    const body = (await res.json()) as {
      results: Array<{ url: string; passages: unknown[] }>;
      took_ms: number;
    };
    expect(body.results[0]?.url).toBe(`${site.origin}/wall`);
    expect(body.results[0]?.passages.length).toBeGreaterThan(0);
    expect(typeof body.took_ms).toBe('number');
  });

  it('renders the answer first on the website, with escaped content and clickable citations', async () => {
    const res = await api(`/search?q=${encodeURIComponent('who landed the lunar module Eagle?')}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('Neil Armstrong');
    expect(page).toMatch(/<a class="cite" href="#source-1"/);
    expect(page).toContain(`href="${site.origin}/apollo"`);
    expect(page.indexOf('class="answer"')).toBeLessThan(page.indexOf('Sources'));
    const home = await api('/');
    expect(await home.text()).toContain('autofocus');
  });

  it('says plainly when nothing answers the question', async () => {
    const res = await api(`/v1/answer?q=${encodeURIComponent('quantum chromodynamics lattice gauge')}`);
    const body = (await res.json()) as { answer_mode: string; citations: unknown[] };
    expect(body.answer_mode).toBe('none');
    expect(body.citations).toHaveLength(0);
  });

  it('ends a crawl of an unreachable seed as failed, with a reason', async () => {
    const res = await admin('/v1/crawls', {
      method: 'POST',
      body: JSON.stringify({ seeds: ['http://127.0.0.1:9/'] }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    const job = (await waitForCrawl(id)) as { status: string; error: string };
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/ECONNREFUSED|unreachable/);
  });

  it('refuses bad input with 4xx errors in the contract shape', async () => {
    const post = (body: unknown, path = '/v1/answer', headers: Record<string, string> = {}) =>
      api(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const cases: Array<[() => Promise<Response>, number, string]> = [
      [() => post({ query: '' }), 400, 'INVALID_REQUEST'],
      [() => post({ query: '   ' }), 400, 'INVALID_QUERY'],
      [() => post({ query: 'x'.repeat(5000) }), 400, 'INVALID_REQUEST'],
      [() => post({ query: 'ok', bogus: true }), 400, 'INVALID_REQUEST'],
      [() => post({ query: 'ok', top_k: 'many' }), 400, 'INVALID_REQUEST'],
      [() => post({ query: 'ok', filters: { sites: 'not-an-array' } }), 400, 'INVALID_REQUEST'],
      [
        () =>
          api('/v1/answer', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"query":',
          }),
        400,
        'INVALID_JSON',
      ],
      [() => api('/v1/answer'), 400, 'INVALID_REQUEST'],
      [() => api('/v1/search?q=ok&limit=100000'), 400, 'INVALID_REQUEST'],
      [() => api('/v1/nope'), 404, 'NOT_FOUND'],
      [() => post({ seeds: [site.url] }, '/v1/crawls'), 401, 'UNAUTHORIZED'],
      [
        () => post({ seeds: ['ftp://example.com/'] }, '/v1/crawls', { authorization: `Bearer ${ADMIN}` }),
        400,
        'INVALID_URL',
      ],
      [
        () => post({ seeds: ['not a url'] }, '/v1/crawls', { authorization: `Bearer ${ADMIN}` }),
        400,
        'INVALID_URL',
      ],
      [() => post({ seeds: [] }, '/v1/crawls', { authorization: `Bearer ${ADMIN}` }), 400, 'INVALID_REQUEST'],
      [() => admin('/v1/crawls/crawl_0000000000000000'), 404, 'NOT_FOUND'],
    ];
    for (const [index, [send, status, code]] of cases.entries()) {
      const res = await send();
      const body = (await res.json()) as { error: { code: string; message: string; request_id: string } };
      expect({ index, status: res.status, code: body.error?.code }).toEqual({ index, status, code });
      expect(body.error.message.length).toBeGreaterThan(0);
      expect(body.error.request_id.length).toBeGreaterThan(0);
    }
    const unknown = await (await post({ query: 'ok', bogus: true })).json();
    expect((unknown as { error: { message: string } }).error.message).toContain('bogus');
    expect((await api('/healthz')).status).toBe(200);
  });

  it('reports readiness', async () => {
    const res = await api('/readyz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { backend: { ok: true } } });
  });
});
