// LLM answers in the browser: the real server with its answer pipeline pointed at a scripted
// OpenAI-compatible server on 127.0.0.1 that streams slowly, so the tests can watch the answer
// arrive — in the server-streamed page (with and without JavaScript) and over SSE in the client —
// and check that the first paint does not wait for the model. A model answer full of markup and
// script links must render inert.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeLlm, type LlmRequestRecord, startFakeLlm, streamReply } from '../helpers/llm-server.js';
import { htmlPage } from '../helpers/site-server.js';
import { type Chromium, launchChromium } from './chromium.js';
import { factPages, startWebFixture, type WebFixture } from './fixture.js';
import { shot, watchContext, watchPage } from './page-checks.js';

// Every test asks its own questions: the answer cache would replay a repeat at once, unstreamed.
const APOLLO = 'When did Apollo 11 land on the Moon?';
const ANSWER =
  'Apollo 11 landed the lunar module Eagle on the Moon on **July 20, 1969** [1]. ' +
  'Neil Armstrong became the first person to step onto the lunar surface [1].';
const HOSTILE_ANSWER =
  'The lighthouse lens focuses the lamp into a beam [1]. <img src=x onerror="window.__pwned=1"> ' +
  '<script>window.__pwned=2</script> [click](javascript:window.__pwned=3) ![i](javascript:window.__pwned=4) ' +
  '<a href="javascript:window.__pwned=5">more</a>\n\n```\n</code><script>window.__pwned=6</script>\n```';
const CHUNK_DELAY_MS = 30;
const FIRST_TOKEN_DELAY_MS = 900;
/**
 * For the first-paint test, a model slow enough that a page which waited for it could not look
 * fast even on a busy machine (the shell must be on screen well before this).
 */
const SLOW_FIRST_TOKEN_MS = 4000;

let llm: FakeLlm;
let fx: WebFixture;
let chrome: Chromium;
const contexts: BrowserContext[] = [];
/** The next answers, by question. */
let script: (question: string) => string = () => ANSWER;
/** How slowly the model writes (the hostile test needs no waiting). */
let pace = { delayMs: FIRST_TOKEN_DELAY_MS, chunkDelayMs: CHUNK_DELAY_MS };

function lastUser(request: LlmRequestRecord): string {
  return [...(request.body.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
}

beforeAll(async () => {
  llm = await startFakeLlm({ model: 'fake-model' });
  llm.respond((request) => {
    if (request.purpose === 'answer') {
      const text = script(lastUser(request));
      return streamReply(text, pace);
    }
    if (request.purpose === 'related') {
      return streamReply('Who walked on the Moon after Armstrong?\nHow long did Apollo 11 stay on the Moon?');
    }
    if (request.purpose === 'rewrite') return streamReply('How far away is the Moon from the Earth?');
    if (request.purpose === 'judge') return streamReply('yes');
    return streamReply('OK');
  });
  [fx, chrome] = await Promise.all([
    startWebFixture({
      env: { LLM_BASE_URL: llm.url, LLM_MODEL: 'fake-model', LLM_API_KEY: 'test' },
      pages: {
        ...factPages(),
        '/': {
          body: htmlPage(
            'Facts',
            '<a href="/apollo">Apollo</a> <a href="/moon">Moon</a> <a href="/bees">Bees</a> <a href="/lighthouse">Lighthouses</a>',
          ),
        },
        '/lighthouse': {
          body: htmlPage(
            'Lighthouses',
            '<main><p>The lighthouse lens focuses the lamp into a beam that ships see far out at sea.</p></main>',
          ),
        },
      },
    }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await chrome?.close();
  await fx?.close();
  await llm?.close();
});

async function open(javaScriptEnabled = true): Promise<Page> {
  const context = await chrome.context({ javaScriptEnabled, viewport: { width: 1280, height: 860 } });
  contexts.push(context);
  await watchContext(context);
  return context.newPage();
}

const searchUrl = (q: string) => `${fx.url}/search?q=${encodeURIComponent(q)}`;

describe('LLM answers', () => {
  it('paints the page at once and streams the answer into it, then renders it with citations', async () => {
    script = () => ANSWER;
    pace = { delayMs: SLOW_FIRST_TOKEN_MS, chunkDelayMs: CHUNK_DELAY_MS };
    const page = await open();
    const watch = watchPage(page);
    const started = Date.now();
    await page.goto(searchUrl(APOLLO), { waitUntil: 'commit' });
    // The search box is on screen long before the model's first token.
    await page.waitForSelector('#q', { state: 'visible' });
    expect(Date.now() - started).toBeLessThan(SLOW_FIRST_TOKEN_MS);
    expect(await page.locator('.live-text').count()).toBe(0);
    // Partial text is visible while the model is still writing.
    await expect.poll(() => page.textContent('.live-text'), { timeout: 10_000 }).toMatch(/Apollo 11/);
    expect(await page.locator('.answer-final').count()).toBe(0);
    expect(await page.locator('.live-text').isVisible()).toBe(true);
    // Then the rendered answer replaces it.
    await expect.poll(() => page.locator('.answer-final').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator('.answer-live').isVisible()).toBe(false);
    expect(await page.textContent('.mode')).toMatch(/LLM answer · fake-model/);
    expect(await page.textContent('.answer-body strong')).toBe('July 20, 1969');
    expect(await page.locator('.answer-body a.cite').count()).toBeGreaterThan(0);
    const fcp = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN,
    );
    expect(fcp).toBeLessThan(SLOW_FIRST_TOKEN_MS);
    pace = { delayMs: FIRST_TOKEN_DELAY_MS, chunkDelayMs: CHUNK_DELAY_MS };
    // Related questions are links; with JavaScript they are asked in the thread.
    const related = page.locator('nav.related a');
    await expect.poll(() => related.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await shot(page, 'search-llm');
    expect(await related.first().getAttribute('href')).toMatch(/^\/search\?q=/);
    await related.first().click();
    await expect.poll(() => page.locator('#turn-2 .mode').count(), { timeout: 15_000 }).toBe(1);
    expect(page.url()).toBe(searchUrl(APOLLO));
    expect(await watch.cspViolations()).toEqual([]);
    expect(watch.errors).toEqual([]);
  });

  it('streams over SSE in the client, text growing in place before the citations arrive', async () => {
    script = () => ANSWER;
    const page = await open();
    const watch = watchPage(page);
    await page.goto(`${fx.url}/search?q=bees`);
    await page.evaluate(() => {
      const lengths: number[] = [];
      (window as unknown as { __lengths: number[] }).__lengths = lengths;
      new MutationObserver(() => {
        const body = document.querySelector('#turn-1 .answer-body');
        const done = document.querySelector('#turn-1 .mode');
        if (body && !done) lengths.push(body.textContent?.length ?? 0);
      }).observe(document.getElementById('thread') as Node, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
    await page.fill('#q', 'Who landed the lunar module Eagle on the Moon?');
    await page.press('#q', 'Enter');
    await expect.poll(() => page.locator('#turn-1 .mode').count(), { timeout: 15_000 }).toBe(1);
    const lengths = await page.evaluate(() => (window as unknown as { __lengths: number[] }).__lengths);
    // Many partial renders, each longer than the last.
    const distinct = [...new Set(lengths.filter((n) => n > 0))];
    expect(distinct.length).toBeGreaterThan(5);
    expect([...distinct].sort((a, b) => a - b)).toEqual(distinct);
    expect(await page.textContent('#turn-1 .answer-body strong')).toBe('July 20, 1969');
    expect(await page.textContent('#turn-1 .mode')).toMatch(/LLM answer/);

    // A follow-up goes out with the conversation; the model's rewrite finds the right page.
    await page.fill('#followup', 'And how far away is it?');
    await page.press('#followup', 'Enter');
    await expect.poll(() => page.locator('#turn-2 .mode').count(), { timeout: 15_000 }).toBe(1);
    const rewrite = llm.requests.filter((r) => r.purpose === 'rewrite').at(-1);
    expect(JSON.stringify(rewrite?.body.messages)).toContain(
      'User: Who landed the lunar module Eagle on the Moon?',
    );
    expect(await watch.cspViolations()).toEqual([]);
    expect(watch.errors).toEqual([]);
  });

  it('stops the model when the reader presses Stop', async () => {
    script = () => ANSWER.repeat(6);
    const page = await open();
    await page.goto(`${fx.url}/search?q=bees`);
    await page.fill('#q', 'Who was the first person to step onto the lunar surface?');
    await page.press('#q', 'Enter');
    await expect.poll(() => page.textContent('#turn-1 .answer-body'), { timeout: 10_000 }).toMatch(/Apollo/);
    await page.click('#turn-1 button.stop');
    await expect.poll(() => page.textContent('#turn-1')).toMatch(/Stopped\./);
    const answerRequest = llm.requests.filter((r) => r.purpose === 'answer').at(-1);
    expect(answerRequest).toBeDefined();
    await llm.waitForAbort(answerRequest?.index ?? -1);
  });

  it('renders a hostile model answer inert, on the server and in the client', async () => {
    script = () => HOSTILE_ANSWER;
    pace = { delayMs: 0, chunkDelayMs: 0 };
    for (const javaScriptEnabled of [true, false]) {
      const page = await open(javaScriptEnabled);
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(searchUrl('What does the lighthouse lens do?'));
      await expect.poll(() => page.locator('.answer-final').count(), { timeout: 15_000 }).toBe(1);
      if (javaScriptEnabled) {
        await page.fill('#q', 'What does the lighthouse lens focus the lamp into?');
        await page.press('#q', 'Enter');
        await expect.poll(() => page.locator('#turn-1 .mode').count(), { timeout: 15_000 }).toBe(1);
      }
      await page.waitForTimeout(300);
      const found = await page.evaluate(() => ({
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        badLinks: [...document.querySelectorAll('[href],[src]')]
          .map((el) => el.getAttribute('href') ?? el.getAttribute('src') ?? '')
          .filter((v) => /^\s*javascript:/i.test(v)),
        handlers: [...document.querySelectorAll('*')].flatMap((el) =>
          [...el.attributes].filter((a) => /^on/i.test(a.name)).map((a) => a.name),
        ),
        images: [...document.querySelectorAll('img')].map((i) => i.getAttribute('src') ?? ''),
        scripts: [...document.scripts].map((s) => s.getAttribute('src') ?? 'inline'),
        text: document.querySelector('main')?.textContent ?? '',
      }));
      expect(dialogs).toEqual([]);
      expect(found.pwned).toBeUndefined();
      expect(found.badLinks).toEqual([]);
      expect(found.handlers).toEqual([]);
      expect(found.images.every((src) => src.startsWith('/assets/'))).toBe(true);
      expect(found.scripts.every((src) => src.startsWith('/assets/'))).toBe(true);
      expect(found.text).toContain('<script>window.__pwned=2</script>');
    }
  });
});
