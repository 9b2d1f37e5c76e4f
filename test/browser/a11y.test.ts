// Every page of the site, the API reference (/docs, Swagger UI) included, checked by axe-core in
// real Chromium, in light and dark mode: no violation of any rule axe runs by default (WCAG 2.x A
// and AA, best practices). /docs is checked with its operations closed and open. And every page
// has a description for search engines and link previews.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Chromium, launchChromium } from './chromium.js';
import { startWebFixture, type WebFixture } from './fixture.js';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const APOLLO = 'When did Apollo 11 land on the Moon?';

let fx: WebFixture;
let chrome: Chromium;

beforeAll(async () => {
  [fx, chrome] = await Promise.all([
    startWebFixture({ env: { CITEBOX_BOOTSTRAP_DOCS: 'false' } }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await chrome?.close();
  await fx?.close();
});

/** axe's violations on the page as it is now: "rule: target" lines. */
async function violations(page: Page): Promise<string[]> {
  // axe runs through the DevTools protocol (the context bypasses the page's CSP for it only).
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<unknown> } }).axe;
    const result = (await axe.run(document)) as {
      violations: Array<{ id: string; nodes: Array<{ target: string[]; failureSummary?: string }> }>;
    };
    return result.violations.flatMap((v) =>
      v.nodes.slice(0, 5).map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
    );
  });
}

const PAGES = ['/', `/search?q=${encodeURIComponent(APOLLO)}`, '/admin', '/help/README.md', '/docs'];

describe('accessibility (axe-core)', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`finds no violation on any page, in ${scheme} mode`, { timeout: 120_000 }, async () => {
      const context = await chrome.context({ colorScheme: scheme, bypassCSP: true });
      try {
        const page = await context.newPage();
        const found: string[] = [];
        for (const path of PAGES) {
          await page.goto(`${fx.url}${path}`);
          if (path === '/docs') await page.waitForSelector('.opblock', { timeout: 20_000 });
          else await page.waitForLoadState('networkidle');
          found.push(...(await violations(page)).map((v) => `${path} ${v}`));
        }
        // The API reference with operations open: parameters, bodies, examples, responses.
        for (const op of [
          'post_v1_answer',
          'get_v1_search',
          'post_v1_chat_completions',
          'delete_v1_crawls__id_',
        ]) {
          await page.locator(`[id$="-${op}"] .opblock-summary-control`).click();
        }
        await page.waitForSelector('.opblock-body .responses-table');
        await page.locator('.opblock-body .try-out__btn').first().click();
        await page.waitForTimeout(300);
        found.push(...(await violations(page)).map((v) => `/docs (open) ${v}`));
        expect(found).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }

  it('gives every page a description', async () => {
    const long = 'why '.repeat(600);
    for (const path of [...PAGES, `/search?q=${encodeURIComponent(long)}`]) {
      const html = await (await fetch(`${fx.url}${path}`)).text();
      const description = /<meta name="description" content="([^"]*)">/.exec(html)?.[1] ?? '';
      expect(description.length, path).toBeGreaterThan(30);
      expect(description.length, path).toBeLessThanOrEqual(160);
    }
    const search = await (await fetch(`${fx.url}/search?q=${encodeURIComponent(APOLLO)}`)).text();
    expect(search).toContain(`<meta name="description" content="Answer with cited sources to “${APOLLO}”`);
  });
});
