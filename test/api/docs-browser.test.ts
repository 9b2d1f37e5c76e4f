// /docs in real Chromium under the site's Content-Security-Policy: Swagger UI renders every
// operation and the page raises no CSP violation and no script error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Chromium, launchChromium } from '../browser/chromium.js';
import { startApi, type TestApi } from './helpers.js';

describe('API docs in a browser', () => {
  let api: TestApi;
  let chromium: Chromium;
  beforeAll(async () => {
    api = await startApi({ CITEBOX_ADMIN_KEY: 'docs-admin-key' });
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await api?.close();
  });

  it('renders every operation with no CSP violation or script error', async () => {
    const context = await chromium.context();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (err) => problems.push(`script error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => {
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
      });
    });
    const res = await page.goto(`${api.url}/docs`);
    expect(res?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    const operations = await page.locator('.opblock').count();
    expect(operations).toBeGreaterThanOrEqual(13);
    expect(await page.locator('.opblock-summary-path', { hasText: '/v1/chat/completions' }).count()).toBe(1);
    // Expanding an operation shows its schema.
    await page.locator('.opblock-summary', { hasText: '/v1/chat/completions' }).first().click();
    await page.waitForSelector('.opblock-body', { timeout: 10_000 });
    expect(problems).toEqual([]);
    await context.close();
  });
});
