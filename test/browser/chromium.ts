// Real Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (no
// browser is ever downloaded). playwright's launch() gives every browser a fresh temporary
// profile (user-data-dir) and deletes it on close.
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  readonly browser: Browser;
  /** A new context (its own cookies and storage). */
  context(options?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    timeout: 60_000,
  });
  return {
    browser,
    context: (options) => browser.newContext({ reducedMotion: 'reduce', ...options }),
    close: () => browser.close(),
  };
}
