// The website in real Chromium against the real server: a local site crawled by the real crawler,
// then searched the way people do — by keyboard, by mouse, on a phone, in dark mode, without
// JavaScript. Screenshots go to a temp folder; `npm run screenshots:web` saves them to
// docs/screenshots/ instead.
import type { BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Chromium, launchChromium } from './chromium.js';
import { ADMIN_KEY, startWebFixture, type WebFixture } from './fixture.js';
import {
  contrastOf,
  horizontalOverflow,
  type PageWatch,
  shot,
  watchContext,
  watchPage,
} from './page-checks.js';

const APOLLO = 'When did Apollo 11 land on the Moon?';
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 860 } };

let fx: WebFixture;
let chrome: Chromium;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [fx, chrome] = await Promise.all([startWebFixture(), launchChromium()]);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await chrome?.close();
  await fx?.close();
});

async function open(
  options: Parameters<Chromium['context']>[0] = DESKTOP,
): Promise<{ page: Page; watch: PageWatch; context: BrowserContext }> {
  const context = await chrome.context(options);
  contexts.push(context);
  await watchContext(context);
  const page = await context.newPage();
  return { page, watch: watchPage(page), context };
}

function searchUrl(q: string, sites?: string): string {
  return `${fx.url}/search?q=${encodeURIComponent(q)}${sites ? `&sites=${encodeURIComponent(sites)}` : ''}`;
}

async function expectClean(watch: PageWatch): Promise<void> {
  expect(await watch.cspViolations()).toEqual([]);
  expect(watch.errors).toEqual([]);
}

describe('the search box', () => {
  it('is focused on arrival, comes back with "/", and leads to the answer', async () => {
    const { page, watch } = await open();
    const response = await page.goto(`${fx.url}/`);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(response?.headers()['content-security-policy']).not.toContain('unsafe-inline');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    // The home page is only links: followed, not indexed (a hub).
    expect(await page.textContent('.index-line')).toMatch(/5 pages from 1 site indexed/);

    await page.locator('h1').click();
    expect(await page.evaluate(() => document.activeElement?.id)).not.toBe('q');
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('q');
    await page.keyboard.type(APOLLO);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/search\?q=When\+did\+Apollo/);
    await expect.poll(() => page.textContent('.answer-body')).toContain('July 20, 1969');
    await expectClean(watch);
  });
});

describe('the results page', () => {
  it('puts the answer first, says which mode answered, then sources and highlighted results', async () => {
    const { page, watch } = await open();
    await page.goto(searchUrl(APOLLO));
    const order = await page.evaluate(() =>
      ['.answer', '.sources-block', '#followup-form', '.results'].map(
        (sel) => document.querySelector(sel)?.getBoundingClientRect().top ?? -1,
      ),
    );
    expect(order.every((y) => y > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(await page.textContent('.mode')).toMatch(/Extractive answer/);
    expect(await page.textContent('.answer-body')).toContain('Neil Armstrong');
    // Sources: one card per page (title, site), its passages under it (number, section, snippet).
    const card = page.locator('li.source-page', { has: page.locator('#source-1') });
    expect(await card.locator('.source-title').textContent()).toBe('The Apollo program');
    expect(await card.locator('.site-name').textContent()).toBe('127.0.0.1');
    expect(await card.locator('a.source-link').getAttribute('href')).toBe(`${fx.site.origin}/apollo`);
    expect(await page.locator('#source-1 .section').textContent()).toBe('Apollo 11');
    expect(await page.locator('#source-1 .snippet').textContent()).toMatch(/Apollo 11/);
    // Both passages of the Apollo page sit in its one card.
    expect(await card.locator('li.source').count()).toBe(2);
    expect(await card.locator('li.source .section').allTextContents()).toEqual([
      'Apollo 11',
      'Later missions',
    ]);
    const titles = await page.locator('.sources-block .source-title').allTextContents();
    expect(new Set(titles).size).toBe(titles.length);
    // Classic results with the query's words marked (escaped first: the marks are our elements):
    // whole words and their forms ("landed" for "land"), never the start of a longer word.
    const marks = await page.locator('.results mark, .sources-block mark').allTextContents();
    expect(marks.map((m) => m.toLowerCase())).toEqual(expect.arrayContaining(['apollo', 'moon', 'landed']));
    const cutWords = await page.evaluate(() =>
      [...document.querySelectorAll('mark')]
        .filter(
          (m) =>
            /^[\p{L}\p{N}]/u.test(m.nextSibling?.textContent ?? '') ||
            /[\p{L}\p{N}]$/u.test(m.previousSibling?.textContent ?? ''),
        )
        .map(
          (m) =>
            `${m.previousSibling?.textContent?.slice(-5)}[${m.textContent}]${m.nextSibling?.textContent?.slice(0, 5)}`,
        ),
    );
    expect(cutWords).toEqual([]);
    expect(await page.locator('.results article.result').count()).toBeGreaterThan(0);
    // The streamed text is hidden once the rendered answer is there.
    expect(await page.locator('.answer-live').isVisible()).toBe(false);
    // The site filter offers the crawled host.
    expect(await page.locator('#site-filter option').allTextContents()).toContain('127.0.0.1');
    await shot(page, 'search-light', true);
    await expectClean(watch);
  });

  it("shows a citation's source on hover and on focus, and jumps to it", async () => {
    const { page, watch } = await open();
    await page.goto(searchUrl(APOLLO));
    const cite = page.locator('.answer-body a.cite').first();
    expect(await cite.getAttribute('aria-label')).toMatch(
      /^Source 1: The Apollo program \(Apollo 11\), 127\.0\.0\.1/,
    );
    const tip = cite.locator('.cite-tip');
    expect(await tip.isVisible()).toBe(false);
    await cite.hover();
    await expect.poll(() => tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toContain('The Apollo program');
    await shot(page, 'citation-hover');
    await page.mouse.move(5, 800);
    await expect.poll(() => tip.isVisible()).toBe(false);

    // Keyboard: Tab through the page until the first citation has focus.
    await page.locator('#q').focus();
    let focused = '';
    for (let i = 0; i < 10 && focused !== 'cite'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.className ?? '');
    }
    expect(focused).toBe('cite');
    await expect.poll(() => tip.isVisible()).toBe(true);
    const box = await tip.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 1280).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => tip.isVisible()).toBe(false);

    // Following it moves focus to the source card and brings it into view.
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('source-1');
    expect(await page.locator('#source-1').isVisible()).toBe(true);
    await expectClean(watch);
  });

  it('is usable by keyboard alone, in a sensible focus order', async () => {
    const { page } = await open();
    await page.goto(searchUrl(APOLLO));
    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return el
            ? `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${el.className}` : ''}`
            : '';
        }),
      );
    }
    expect(order.slice(0, 6)).toEqual([
      'a.skip',
      'a.brand',
      'input#q',
      'select#site-filter',
      'button',
      'a.cite',
    ]);
    // The skip link lands on the main content.
    await page.keyboard.press('Shift+Tab');
    await page.locator('a.skip').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  it('says plainly when nothing answers, and filters by site', async () => {
    const { page, watch } = await open();
    await page.goto(searchUrl('quantum chromodynamics lattice gauge'));
    expect(await page.textContent('.mode')).toMatch(/No answer found/);
    expect(await page.textContent('.answer-body')).toMatch(/could not find an answer/i);
    await page.goto(searchUrl('Apollo', 'nowhere.example'));
    expect(await page.inputValue('#site-filter')).toBe('nowhere.example');
    expect(await page.locator('.sources-block').count()).toBe(0);
    await page.selectOption('#site-filter', '127.0.0.1');
    await page.click('#search-form button');
    await expect.poll(() => page.url()).toContain('sites=127.0.0.1');
    await expect.poll(() => page.locator('#source-1').count()).toBe(1);
    await expectClean(watch);
  });
});

describe('streaming and the thread', () => {
  it('streams a new search over SSE in place, then threads follow-ups with the conversation', async () => {
    const { page, watch } = await open();
    await page.goto(searchUrl(APOLLO));
    await page.evaluate(() => {
      (window as unknown as { __samePage: boolean }).__samePage = true;
      // Record when sources and answer text first appear, to check the order of the stream.
      const seen: string[] = [];
      (window as unknown as { __seen: string[] }).__seen = seen;
      new MutationObserver(() => {
        const turn = document.getElementById('turn-1');
        if (turn?.querySelector('.sources-block') && !seen.includes('sources')) seen.push('sources');
        if (turn?.querySelector('.answer-body')?.textContent && !seen.includes('text')) seen.push('text');
        if (turn?.querySelector('.mode') && !seen.includes('done')) seen.push('done');
      }).observe(document.getElementById('thread') as Node, {
        subtree: true,
        childList: true,
        characterData: true,
      });
    });
    const requests: Request[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/v1/')) requests.push(r);
    });
    await page.fill('#q', 'How long is the Great Wall?');
    await page.press('#q', 'Enter');
    await expect.poll(() => page.textContent('#turn-1 .answer-body')).toContain('21,196');
    await expect.poll(() => page.locator('#turn-1 .mode').count()).toBe(1);
    expect(page.url()).toBe(searchUrl('How long is the Great Wall?').replace(/%20/g, '+'));
    expect(await page.evaluate(() => (window as unknown as { __samePage?: boolean }).__samePage)).toBe(true);
    expect(await page.evaluate(() => (window as unknown as { __seen: string[] }).__seen)).toEqual([
      'sources',
      'text',
      'done',
    ]);
    const answerRequest = requests.find((r) => r.url().includes('/v1/answer'));
    expect(answerRequest?.method()).toBe('GET');
    expect(answerRequest?.url()).toContain('stream=true');
    expect(await answerRequest?.headerValue('accept')).toContain('text/event-stream');
    await expect.poll(() => page.locator('.results article.result').count()).toBeGreaterThan(0);
    expect(await page.title()).toBe('How long is the Great Wall? – Citebox');

    // A follow-up joins the thread and sends the earlier turn along.
    await page.fill('#followup', 'How do honey bees show where flowers are?');
    await page.press('#followup', 'Enter');
    await expect.poll(() => page.textContent('#turn-2 .answer-body')).toMatch(/waggle dance/);
    const followup = requests.filter((r) => r.url().includes('/v1/answer')).at(-1);
    expect(followup?.method()).toBe('POST');
    const body = JSON.parse(followup?.postData() ?? '{}') as {
      query: string;
      messages: Array<{ role: string; content: string }>;
    };
    expect(body.query).toBe('How do honey bees show where flowers are?');
    expect(body.messages[0]).toEqual({ role: 'user', content: 'How long is the Great Wall?' });
    expect(body.messages[1]?.role).toBe('assistant');
    expect(body.messages[1]?.content).toContain('21,196');
    // Each turn's citations point at its own sources.
    const href = await page.locator('#turn-2 a.cite').first().getAttribute('href');
    expect(href).toBe('#t2-source-1');
    expect(await page.locator('#t2-source-1').count()).toBe(1);
    await expect.poll(() => page.textContent('#announcer')).toMatch(/Answer ready/);

    // Back goes to the previous search.
    await page.goBack();
    await expect.poll(() => page.textContent('#turn-1 .question')).toBe(APOLLO);
    await expect.poll(() => page.textContent('#turn-1 .answer-body')).toContain('July 20, 1969');
    await expectClean(watch);
  });

  it('shows an error with a way to try again when the API refuses', async () => {
    const { page, watch } = await open();
    await page.goto(searchUrl(APOLLO));
    // Longer than the API accepts (the input's maxlength stops people, not scripts).
    await page.evaluate(() => {
      const input = document.getElementById('followup') as HTMLInputElement;
      input.removeAttribute('maxlength');
      input.value = 'why '.repeat(800);
    });
    await page.press('#followup', 'Enter');
    const error = page.locator('#turn-2 .notice-error');
    await expect.poll(() => error.count()).toBe(1);
    expect(await error.getAttribute('role')).toBe('alert');
    expect(await page.locator('#turn-2 button', { hasText: 'Try again' }).count()).toBe(1);
    // The refused request is an expected console error; nothing else is.
    expect(watch.errors.filter((e) => !e.includes('400'))).toEqual([]);
    expect(await watch.cspViolations()).toEqual([]);
  });
});

describe('without JavaScript', () => {
  it('renders the answer, citations and results on the server, and the forms still work', async () => {
    const { page } = await open({ ...DESKTOP, javaScriptEnabled: false });
    await page.goto(`${fx.url}/`);
    await page.fill('#q', APOLLO);
    await page.press('#q', 'Enter');
    await page.waitForURL(/\/search\?q=/);
    expect(await page.textContent('.answer-body')).toContain('July 20, 1969');
    expect(await page.locator('.answer-live').isVisible()).toBe(false);
    expect(await page.locator('.sources .source').count()).toBeGreaterThan(0);
    expect(await page.locator('.results article.result').count()).toBeGreaterThan(0);
    // A citation is a plain link to its source card.
    await page.locator('.answer-body a.cite').first().click();
    expect(page.url()).toMatch(/#source-1$/);
    // The follow-up box is a plain form: a new search.
    await page.fill('#followup', 'How long is the Great Wall?');
    await page.press('#followup', 'Enter');
    await page.waitForURL(/Great\+Wall/);
    expect(await page.textContent('.answer-body')).toContain('21,196');
  });
});

describe('on every screen', () => {
  it('fits a phone without sideways scrolling', async () => {
    const { page, watch } = await open(PHONE);
    await page.goto(`${fx.url}/`);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await shot(page, 'home-phone');
    await page.goto(searchUrl(APOLLO));
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    const input = await page.locator('#q').boundingBox();
    expect(input && input.width > 200).toBe(true);
    await shot(page, 'search-phone');
    await page.locator('.answer-body a.cite').first().tap();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('source-1');
    expect(await page.locator('.answer-body a.cite .cite-tip').first().isVisible()).toBe(false);
    await expectClean(watch);
  });

  it('on a phone: the placeholder fits, no keyboard hint, and a citation never starts a line', async () => {
    for (const width of [320, 390]) {
      const { page } = await open({ ...PHONE, viewport: { width, height: 740 } });
      for (const path of ['/', `/search?q=${encodeURIComponent(APOLLO)}`]) {
        await page.goto(`${fx.url}${path}`);
        const fit = await page.evaluate(() => {
          const input = document.getElementById('q') as HTMLInputElement;
          const style = getComputedStyle(input);
          const ctx = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D;
          ctx.font = `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
          const room =
            input.clientWidth - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
          return { needs: ctx.measureText(input.placeholder).width, room };
        });
        expect(fit.needs, `${width}px ${path}`).toBeLessThanOrEqual(fit.room);
      }
      // The "/" shortcut is for keyboards: not offered on a touch screen.
      await page.goto(`${fx.url}/`);
      expect(await page.locator('.kbd-hint').isVisible()).toBe(false);
      // Every marker shares its line with the word before it.
      await page.goto(searchUrl(APOLLO));
      const alone = await page.evaluate(
        () =>
          [...document.querySelectorAll('.answer-body a.cite')].filter((cite) => {
            const run = cite.closest('.cite-run');
            if (!run || run.firstChild === cite) return true;
            const rects = [...run.getClientRects()];
            return rects.length !== 1;
          }).length,
      );
      expect(await page.locator('.answer-body a.cite').count()).toBeGreaterThan(1);
      expect(alone, `${width}px`).toBe(0);
    }
    // On a desktop with a keyboard it is shown.
    const { page } = await open();
    await page.goto(`${fx.url}/`);
    expect(await page.locator('.kbd-hint').isVisible()).toBe(true);
  });

  it('follows the system dark mode, with readable contrast in both schemes', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const { page } = await open({ ...DESKTOP, colorScheme: scheme });
      await page.goto(searchUrl(APOLLO));
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      if (scheme === 'dark') expect(bg).toBe('rgb(15, 17, 21)');
      else expect(bg).toBe('rgb(255, 255, 255)');
      for (const selector of [
        '.question',
        '.answer-body p',
        '.mode',
        '.answer-body a.cite',
        '.answer-body a.cite .tip-snippet',
        '#source-1 .snippet',
        '#source-1 .section',
        '#source-1 .source-n',
        'li.source-page .source-title',
        'li.source-page .site-name',
        '.results .result-url',
        '.results h3 a',
        '.results mark',
        'footer.site a',
      ]) {
        const ratio = await contrastOf(page, selector);
        expect({ scheme, selector, ok: ratio >= 4.5 }).toEqual({ scheme, selector, ok: true });
      }
      if (scheme === 'dark') await shot(page, 'search-dark', true);
    }
  });

  it('shows Chinese text with its language, and wraps it on a phone', async () => {
    const { page, watch } = await open(PHONE);
    await page.goto(searchUrl('长城有多长'));
    expect(await page.getAttribute('.question', 'lang')).toBe('zh');
    const chinese = page.locator('.results article.result[lang^="zh"]');
    expect(await chinese.count()).toBe(1);
    expect(await chinese.locator('.snippet').textContent()).toContain('长城是中国古代的军事防御工程');
    expect(await chinese.locator('mark').first().textContent()).toBe('长城');
    const source = page.locator('li.source', { hasText: '长城是中国' });
    expect(await source.locator('.snippet').getAttribute('lang')).toBe('zh');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await expectClean(watch);
  });
});

describe('the admin page', () => {
  it('unlocks with the key kept in the tab, starts a crawl and shows it live, and lists the sites', async () => {
    const { page, watch } = await open();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(`${fx.url}/admin`);
    await page.fill('#admin-key', 'not-the-key');
    await page.press('#admin-key', 'Enter');
    await expect.poll(() => page.textContent('#key-error')).toMatch(/not accepted/);

    await page.fill('#admin-key', ADMIN_KEY);
    await page.press('#admin-key', 'Enter');
    await expect.poll(() => page.locator('#admin-app').isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('citebox.adminKey'))).toBe(ADMIN_KEY);
    await expect.poll(() => page.locator('li.crawl[data-status="done"]').count()).toBeGreaterThan(0);
    await expect.poll(() => page.textContent('#sites tbody tr')).toMatch(/^127\.0\.0\.15\d+$/);

    // A crawl of a second site, watched until it is done.
    const { startSite, htmlPage } = await import('../helpers/site-server.js');
    const other = await startSite({
      '/': {
        body: htmlPage('Lighthouses', '<main><p>The Pharos of Alexandria was a lighthouse.</p></main>'),
      },
    });
    try {
      await page.fill('#seeds', other.url);
      await page.fill('#max-pages', '5');
      await page.click('#crawl-form button[type=submit]');
      await expect.poll(() => page.locator('li.crawl').count()).toBeGreaterThan(1);
      await expect
        .poll(() => page.locator('li.crawl').first().getAttribute('data-status'), { timeout: 20_000 })
        .toBe('done');
      expect(await page.locator('li.crawl').first().textContent()).toContain(other.url);
      // Same host (another port): its row counts the new page once the crawl is done.
      await expect.poll(() => page.locator('#sites tbody tr td.num').first().textContent()).toBe('6');
    } finally {
      await other.close();
    }
    await shot(page, 'admin');

    // The key never travels in a URL, and survives a reload of the tab until forgotten.
    expect(urls.filter((u) => u.includes(ADMIN_KEY))).toEqual([]);
    await page.reload();
    await expect.poll(() => page.locator('#admin-app').isVisible()).toBe(true);
    await page.click('#forget-key');
    expect(await page.locator('#key-form').isVisible()).toBe(true);
    expect(await page.evaluate(() => sessionStorage.getItem('citebox.adminKey'))).toBeNull();
    // The wrong key's 401 is the one expected console error.
    expect(watch.errors.filter((e) => !e.includes('401'))).toEqual([]);
    expect(await watch.cspViolations()).toEqual([]);
  });

  it('needs JavaScript and says so, without offering a form that would leak the key', async () => {
    const { page } = await open({ ...DESKTOP, javaScriptEnabled: false });
    await page.goto(`${fx.url}/admin`);
    expect(await page.locator('#key-form').isVisible()).toBe(false);
    expect(await page.textContent('main')).toMatch(/needs JavaScript/);
  });
});

describe('with CITEBOX_API_KEYS set', () => {
  it('still answers on the website, and leaves the forms to the server (the script has no key)', async () => {
    const keyed = await startWebFixture({ env: { CITEBOX_API_KEYS: 'some-api-key' } });
    try {
      const { page, watch } = await open();
      await page.goto(`${keyed.url}/search?q=${encodeURIComponent(APOLLO)}`);
      expect(await page.textContent('.answer-body')).toContain('July 20, 1969');
      await page.fill('#followup', 'How long is the Great Wall?');
      await page.press('#followup', 'Enter');
      await page.waitForURL(/Great\+Wall/);
      expect(await page.textContent('.answer-body')).toContain('21,196');
      await expectClean(watch);
    } finally {
      await keyed.close();
    }
  });
});

describe('an empty index', () => {
  it('says so and points to the admin page', async () => {
    const empty = await startWebFixture({ crawl: false });
    try {
      const { page, watch } = await open();
      await page.goto(`${empty.url}/`);
      expect(await page.textContent('.notice-empty')).toMatch(/Nothing is indexed yet/);
      await page.goto(`${empty.url}/search?q=anything`);
      expect(await page.textContent('.notice-empty')).toMatch(/Nothing is indexed yet/);
      expect(await page.locator('.notice-empty a[href="/admin"]').count()).toBe(1);
      await expectClean(watch);
    } finally {
      await empty.close();
    }
  });
});
