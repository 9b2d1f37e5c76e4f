// Checks the browser tests run inside pages: CSP violations, script errors, overflow, contrast.
import { mkdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/** Where screenshots go: a temp folder, or docs/screenshots with `npm run screenshots:web`. */
export const SHOTS_DIR = process.env['WEB_SCREENSHOTS_DIR'] ?? join(tmpdir(), 'citebox-screenshots');

/** Saves a screenshot (and checks that there is something in it). */
export async function shot(page: Page, name: string, fullPage = false): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const path = join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage });
  if (statSync(path).size < 5000) throw new Error(`screenshot ${name} looks empty`);
  return path;
}

export interface PageWatch {
  /** Uncaught errors and console errors of the page. */
  readonly errors: string[];
  /** Content-Security-Policy violations the page reported. */
  cspViolations(): Promise<string[]>;
}

/** Records CSP violations (through an init script, which CDP injects outside the page's CSP). */
export async function watchContext(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`);
    });
  });
}

export function watchPage(page: Page): PageWatch {
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
  });
  return {
    errors,
    cspViolations: () => page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? []),
  };
}

/** Whether the page scrolls sideways (it never should, on any viewport). */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/**
 * WCAG contrast ratios of an element's text against the background behind it (the first
 * non-transparent background up its ancestors).
 */
export function contrastOf(page: Page, selector: string): Promise<number> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    if (!el) throw new Error(`no element ${sel}`);
    const parse = (c: string): number[] => {
      const m = c.match(/[\d.]+/g)?.map(Number) ?? [0, 0, 0, 1];
      return [m[0] ?? 0, m[1] ?? 0, m[2] ?? 0, m[3] ?? 1];
    };
    const lum = (rgb: number[]): number => {
      const [r, g, b] = rgb.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
    };
    const fg = parse(getComputedStyle(el).color);
    let bg = [255, 255, 255, 0];
    for (let node: Element | null = el; node; node = node.parentElement) {
      const c = parse(getComputedStyle(node).backgroundColor);
      if ((c[3] ?? 1) > 0 && !getComputedStyle(node).backgroundColor.startsWith('rgba(0, 0, 0, 0)')) {
        bg = c;
        break;
      }
    }
    const a = lum(fg);
    const b = lum(bg);
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  }, selector);
}
