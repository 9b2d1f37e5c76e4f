// npm run bench:web [-- --runs N] [--json] [--llm-delay-ms N]
//
// The website's weight and speed, measured in real Chromium (Debian's /usr/bin/chromium through
// playwright-core) against the real server on 127.0.0.1, with Citebox's own documentation indexed:
//   - the JavaScript each page loads, gzipped and as transferred (brotli), and the CSS;
//   - for the search page and the home page, each load with the HTTP cache off (so every asset is
//     downloaded again): time to first byte, first contentful paint, DOMContentLoaded, and when
//     the rendered answer is on screen.
// Figures are medians and 95th percentiles over the runs. With --llm-delay-ms, answers come from a
// stand-in OpenAI-compatible model on 127.0.0.1 that waits that long before its first token (then
// streams a short answer), to show what the reader sees while a real model thinks.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startServer } from '../cli/serve.js';
import { createLogger, loadConfig } from '../services/index.js';

const USAGE = `Usage: npm run bench:web -- [--runs N] [--json] [--llm-delay-ms N] [--chromium PATH]

  --runs N           page loads per page (default 15)
  --json             print the figures as one JSON object on the last line
  --llm-delay-ms N   answer with a stand-in model that takes N ms to its first token (default: no
                     model, extractive answers)
  --chromium PATH    the browser (default /usr/bin/chromium; never downloaded)`;

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

const QUESTIONS = [
  'How do I crawl a site?',
  'Where does Citebox keep its data?',
  'How do I set the admin key?',
  'What happens without an LLM?',
];

interface LoadTimes {
  ttfb: number;
  fcp: number;
  dcl: number;
  /** The first words of the answer on screen (streamed text, or the rendered answer). */
  text: number;
  /** The rendered answer on screen. */
  answer: number;
}

/** A stand-in OpenAI-compatible chat endpoint: waits, then streams a short cited answer. */
async function startStandInModel(delayMs: number): Promise<{ url: string; close(): Promise<void> }> {
  const words = 'Run npx citebox crawl with the URL of the site to crawl it [1]. '.split(/(?<= )/);
  const server: Server = createServer(async (req, res) => {
    for await (const _chunk of req) {
      // the request body is not needed
    }
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const frame = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model: 'stand-in', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    await new Promise((r) => setTimeout(r, delayMs));
    for (const word of words) {
      if (res.destroyed) return;
      res.write(frame({ content: word }));
      await new Promise((r) => setTimeout(r, 20));
    }
    res.write(frame({}, 'stop'));
    res.end('data: [DONE]\n\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 10) / 10;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '15' },
      json: { type: 'boolean', default: false },
      chromium: { type: 'string', default: '/usr/bin/chromium' },
      'llm-delay-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const runs = Math.max(1, Number(values.runs) || 15);
  const llmDelayMs =
    values['llm-delay-ms'] === undefined ? undefined : Math.max(0, Number(values['llm-delay-ms']));
  const model = llmDelayMs === undefined ? undefined : await startStandInModel(llmDelayMs);
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-bench-web-'));
  // Embedded index; extractive answers unless the stand-in model is asked for.
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    CITEBOX_DATA_DIR: dataDir,
    CITEBOX_BOOTSTRAP_DOCS: 'true',
    LOG_LEVEL: 'warn',
    CITEBOX_ADMIN_KEY: 'bench-web-admin-key',
    ...(model ? { LLM_BASE_URL: model.url, LLM_MODEL: 'stand-in', LLM_API_KEY: 'bench' } : {}),
  });
  const server = await startServer(config, createLogger(config));
  const browser = await chromium.launch({
    executablePath: values.chromium,
    headless: true,
    args: FLAGS,
  });
  try {
    const base = server.url;
    // ---- weight: what each page loads ----
    const weight = async (path: string) => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const scripts: string[] = [];
      let transferred = 0;
      let css = '';
      page.on('requestfinished', async (request) => {
        const type = request.resourceType();
        const sizes = await request.sizes();
        if (type === 'script') {
          scripts.push(request.url());
          transferred += sizes.responseBodySize;
        } else if (type === 'stylesheet') css = request.url();
      });
      const response = await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
      const html = (await response?.body())?.length ?? 0;
      await context.close();
      let gzip = 0;
      let raw = 0;
      for (const url of scripts) {
        const body = Buffer.from(await (await fetch(url)).arrayBuffer());
        raw += body.length;
        gzip += gzipSync(body, { level: 9 }).length;
      }
      const cssBody = css ? Buffer.from(await (await fetch(css)).arrayBuffer()) : Buffer.alloc(0);
      return {
        modules: scripts.length,
        raw,
        gzip,
        transferred,
        html,
        cssGzip: gzipSync(cssBody, { level: 9 }).length,
      };
    };
    const searchPath = `/search?q=${encodeURIComponent(QUESTIONS[0] ?? 'crawl')}`;
    const searchWeight = await weight(searchPath);
    const adminWeight = await weight('/admin');

    // ---- speed: every load downloads everything (HTTP cache off) in one tab, so the figures are
    // the page's own, not the browser starting a renderer for a new tab ----
    const context = await browser.newContext();
    await context.addInitScript(() => {
      const w = window as unknown as { __answerAt?: number; __textAt?: number };
      new MutationObserver((_m, observer) => {
        if (w.__textAt === undefined && document.querySelector('.live-text, .answer-final, .notice-empty')) {
          w.__textAt = performance.now();
        }
        if (document.querySelector('.answer-final, .notice-empty')) {
          w.__answerAt = performance.now();
          observer.disconnect();
        }
      }).observe(document, { subtree: true, childList: true });
    });
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const load = async (path: string, waitFor?: string): Promise<LoadTimes> => {
      await tab.goto(`${base}${path}`, { waitUntil: 'load' });
      if (waitFor) await tab.waitForSelector(waitFor);
      return tab.evaluate(async () => {
        // A small page can finish loading before its first paint is reported: wait for it.
        const fcp = await new Promise<number>((resolve) => {
          const observer = new PerformanceObserver((list) => {
            const entry = list.getEntriesByName('first-contentful-paint')[0];
            if (entry) {
              observer.disconnect();
              resolve(entry.startTime);
            }
          });
          observer.observe({ type: 'paint', buffered: true });
          setTimeout(() => resolve(Number.NaN), 5000);
        });
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        return {
          ttfb: nav ? nav.responseStart : Number.NaN,
          fcp,
          dcl: nav ? nav.domContentLoadedEventEnd : Number.NaN,
          text: (window as unknown as { __textAt?: number }).__textAt ?? Number.NaN,
          answer: (window as unknown as { __answerAt?: number }).__answerAt ?? Number.NaN,
        };
      });
    };
    await load('/'); // the server's caches warm up once; not counted
    const search: LoadTimes[] = [];
    const home: LoadTimes[] = [];
    for (let i = 0; i < runs; i++) {
      // Each question once: a repeat would come from the answer cache.
      const q = `${QUESTIONS[i % QUESTIONS.length] ?? 'crawl'} (${i + 1})`;
      search.push(
        await load(`/search?q=${encodeURIComponent(q)}`, '.answer .mode, .answer-error, .notice-empty'),
      );
      home.push(await load('/'));
    }
    await context.close();
    const stat = (list: LoadTimes[], key: keyof LoadTimes) => ({
      p50: percentile(
        list.map((t) => t[key]),
        50,
      ),
      p95: percentile(
        list.map((t) => t[key]),
        95,
      ),
    });
    const figures = {
      js_gzip_bytes_search_page: searchWeight.gzip,
      js_raw_bytes_search_page: searchWeight.raw,
      js_transferred_bytes_search_page: searchWeight.transferred,
      js_modules_search_page: searchWeight.modules,
      js_gzip_bytes_admin_page: adminWeight.gzip,
      css_gzip_bytes: searchWeight.cssGzip,
      html_bytes_search_page: searchWeight.html,
      search_ttfb_ms_p50: stat(search, 'ttfb').p50,
      search_fcp_ms_p50: stat(search, 'fcp').p50,
      search_fcp_ms_p95: stat(search, 'fcp').p95,
      search_dcl_ms_p50: stat(search, 'dcl').p50,
      search_answer_ms_p50: stat(search, 'answer').p50,
      search_answer_ms_p95: stat(search, 'answer').p95,
      search_first_text_ms_p50: stat(search, 'text').p50,
      home_fcp_ms_p50: stat(home, 'fcp').p50,
      home_fcp_ms_p95: stat(home, 'fcp').p95,
      runs,
      llm_first_token_delay_ms: llmDelayMs ?? null,
      chromium: browser.version(),
    };
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
    console.log(
      `Citebox website, ${runs} loads per page (HTTP cache off), Chromium ${figures.chromium}, ` +
        (llmDelayMs === undefined
          ? 'extractive answers'
          : `a stand-in model taking ${llmDelayMs} ms to its first token`),
    );
    console.log(
      `JavaScript, search page: ${figures.js_modules_search_page} modules, ${kb(figures.js_raw_bytes_search_page)} raw, ` +
        `${kb(figures.js_gzip_bytes_search_page)} gzipped, ${kb(figures.js_transferred_bytes_search_page)} transferred (brotli)`,
    );
    console.log(`JavaScript, admin page: ${kb(figures.js_gzip_bytes_admin_page)} gzipped`);
    console.log(
      `CSS: ${kb(figures.css_gzip_bytes)} gzipped; search page HTML: ${kb(figures.html_bytes_search_page)}`,
    );
    console.log(
      `Search page: first byte ${figures.search_ttfb_ms_p50} ms, first contentful paint ${figures.search_fcp_ms_p50} ms ` +
        `(p95 ${figures.search_fcp_ms_p95}), DOMContentLoaded ${figures.search_dcl_ms_p50} ms, ` +
        `first words of the answer ${figures.search_first_text_ms_p50} ms, ` +
        `rendered answer ${figures.search_answer_ms_p50} ms (p95 ${figures.search_answer_ms_p95})`,
    );
    console.log(
      `Home page: first contentful paint ${figures.home_fcp_ms_p50} ms (p95 ${figures.home_fcp_ms_p95})`,
    );
    if (values.json) console.log(JSON.stringify(figures));
  } finally {
    await browser.close();
    await server.close();
    await model?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
