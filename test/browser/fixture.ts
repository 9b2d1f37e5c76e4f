// The real server for the browser tests: a small local web site on 127.0.0.1 (facts pages, a
// Chinese page, and optionally a hostile one), crawled by the real crawler through the admin API
// into a fresh data directory, served by startServer on port 0.
import { type Server, startServer } from '../../cli/serve.js';
import { createLogger } from '../../services/index.js';
import { type TestEnv, testConfig } from '../helpers/config.js';
import { htmlPage, type SiteRoute, startSite, type TestSite } from '../helpers/site-server.js';

export const ADMIN_KEY = 'browser-test-admin-key-7f3a';

const NAV = '<nav><a href="/">Home</a> <a href="/apollo">Apollo</a> <a href="/moon">Moon</a></nav>';

/** Pages of the facts site. */
export function factPages(): Record<string, SiteRoute> {
  return {
    '/robots.txt': { body: 'User-agent: *\nAllow: /\n', headers: { 'content-type': 'text/plain' } },
    '/': {
      body: htmlPage(
        'Space, walls and bees',
        `${NAV}<main><h1>Facts</h1><p>Read about <a href="/apollo">the Apollo program</a>, <a href="/moon">the Moon</a>, <a href="/wall">the Great Wall</a>, <a href="/changcheng">长城</a> and <a href="/bees">honey bees</a>.</p></main>`,
      ),
    },
    '/apollo': {
      body: htmlPage(
        'The Apollo program',
        `${NAV}<main><h1>The Apollo program</h1><h2>Apollo 11</h2><p>Apollo 11 was the spaceflight that first landed humans on the Moon. Commander Neil Armstrong and pilot Buzz Aldrin landed the lunar module Eagle on July 20, 1969. Armstrong became the first person to step onto the lunar surface six hours later.</p><h2>Later missions</h2><p>Five more crews landed on the Moon before the program ended in 1972 with Apollo 17.</p></main>`,
      ),
    },
    '/moon': {
      body: htmlPage(
        'The Moon',
        `${NAV}<main><h1>The Moon</h1><p>The Moon is Earth's only natural satellite. Twelve astronauts walked on the Moon during the Apollo missions between 1969 and 1972, and the Apollo 11 crew brought back 21.5 kilograms of lunar rock.</p><p>The Moon orbits Earth at an average distance of 384,400 kilometres.</p></main>`,
      ),
    },
    '/wall': {
      body: htmlPage(
        'The Great Wall of China',
        `${NAV}<main><h1>The Great Wall</h1><p>The Great Wall of China is a series of fortifications built across the historical northern borders of ancient Chinese states. The best-known sections were built by the Ming dynasty, and the wall stretches for about 21,196 kilometres in total.</p></main>`,
      ),
    },
    '/changcheng': {
      body: `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>长城</title></head><body>${NAV}<main><h1>长城</h1><p>长城是中国古代的军事防御工程，总长度约为二万一千一百九十六公里。现存的长城大多是明朝修建的，其中八达岭长城是最著名的一段，每年吸引数以百万计的游客前来参观。</p></main></body></html>`,
    },
    '/bees': {
      body: htmlPage(
        'Honey bees',
        `${NAV}<main><h1>Honey bees</h1><p>Honey bees tell their nestmates where flowers are with the waggle dance. The angle of the dance shows the direction of the food relative to the sun, and its duration shows the distance.</p></main>`,
      ),
    },
  };
}

export interface WebFixture {
  readonly server: Server;
  readonly site: TestSite;
  readonly env: TestEnv;
  /** The server's base URL (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

export async function startWebFixture(
  options: { pages?: Record<string, SiteRoute>; env?: Record<string, string>; crawl?: boolean } = {},
): Promise<WebFixture> {
  const site = await startSite(options.pages ?? factPages());
  const env = testConfig({ CITEBOX_ADMIN_KEY: ADMIN_KEY, ...options.env });
  const server = await startServer(env.config, createLogger(env.config), {
    crawlPoliteness: { retryBaseMs: 50 },
  });
  const fixture: WebFixture = {
    server,
    site,
    env,
    url: server.url,
    async close() {
      await server.close();
      await site.close();
      env.cleanup();
    },
  };
  try {
    if (options.crawl !== false) await crawl(server.url, [site.url]);
  } catch (err) {
    await fixture.close();
    throw err;
  }
  return fixture;
}

/** Crawls seeds through the admin API and waits until the job ends. */
export async function crawl(
  baseUrl: string,
  seeds: string[],
): Promise<{ status: string; stats: Record<string, number> }> {
  const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
  const res = await fetch(`${baseUrl}/v1/crawls`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ seeds, max_pages: 50 }),
  });
  if (res.status !== 202) throw new Error(`crawl refused: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  for (let i = 0; i < 300; i++) {
    const job = (await (await fetch(`${baseUrl}/v1/crawls/${id}`, { headers })).json()) as {
      status: string;
      stats: Record<string, number>;
    };
    if (job.status !== 'queued' && job.status !== 'running') {
      if (job.status !== 'done') throw new Error(`crawl ended ${job.status}`);
      return job;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('crawl did not finish');
}
