// A small documentation site (a configuration reference made of a definition list, a limits table,
// a how-to with code, a hub of links and an alphabetical index) crawled by the real crawler through
// the API, then asked over HTTP: the answers must quote the unit that states the answer, show code as
// code, cite the place in the page (its id) with its heading path, and the hub and index pages must
// be followed but not indexed. CI guards the documentation-site behaviour with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Server, startServer } from '../../cli/serve.js';
import { type AnswerResponse, createLogger } from '../../services/index.js';
import { type TestEnv, testConfig } from '../helpers/config.js';
import { htmlPage, type SiteRoute, startSite, type TestSite } from '../helpers/site-server.js';

const ADMIN = 'docs-site-admin-key';

const NAV =
  '<nav class="sidebar"><ul><li><a href="/">Home</a></li><li><a href="/reference/">Reference</a></li><li><a href="/genindex.html">Index</a></li></ul></nav>';
const FOOTER = '<footer class="footer">© Copyright 2026 Example Project. Created using Sphinx 7.2.</footer>';

function docsPages(): Record<string, SiteRoute> {
  const entries = [
    ['cache.size', 'The size of the page cache in megabytes. The default is 64.'],
    ['cache.ttl', 'How long an entry stays in the cache, in seconds. Defaults to 300.'],
    ['log.level', 'The least severe level written to the log. Defaults to info.'],
    ['log.rotate', 'Whether log files are rotated daily. Off by default.'],
  ];
  const dl = entries
    .map(
      ([term, text]) =>
        `<dt id="${term}"><code>${term}</code><a class="headerlink" href="#${term}">¶</a></dt><dd><p>${text}</p></dd>`,
    )
    .join('');
  const indexEntries = Array.from(
    { length: 30 },
    (_, i) =>
      `<li><a href="/reference/config.html#cache.size">cache.size configuration parameter, Settings ${i}</a></li>`,
  ).join('');
  return {
    '/': {
      body: htmlPage(
        'Example docs',
        `${NAV}<main><h1>Example docs</h1><ul><li><a href="/reference/">Reference</a></li><li><a href="/guides/logs.html">Guides</a></li><li><a href="/genindex.html">Index</a></li></ul></main>${FOOTER}`,
      ),
    },
    '/reference/': {
      body: htmlPage(
        'Reference',
        `${NAV}<main><h1>Reference</h1><div class="toctree-wrapper"><ul><li><a href="config.html">Configuration</a></li><li><a href="limits.html">Limits</a></li></ul></div></main>${FOOTER}`,
      ),
    },
    '/reference/config.html': {
      body: htmlPage(
        'Configuration — Example docs',
        `${NAV}<div class="body" role="main"><section id="configuration"><h1>Configuration<a class="headerlink" href="#configuration">¶</a></h1><p>Every setting is read from the configuration file at start-up; a bad value stops the server with a message that names it.</p><section id="settings"><h2>Settings</h2><dl class="std confval">${dl}</dl></section></section></div>${FOOTER}`,
      ),
    },
    '/reference/limits.html': {
      body: htmlPage(
        'Limits — Example docs',
        `${NAV}<main><h1 id="limits">Limits</h1><p>The server enforces these limits on every request and every stored object.</p><table><caption>Hard limits</caption><thead><tr><th>Limit</th><th>Maximum</th></tr></thead><tbody><tr><td>Length of a name</td><td>255 bytes</td></tr><tr><td>Size of a request body</td><td>10 MB</td></tr><tr><td>Objects per bucket</td><td>1,000,000</td></tr></tbody></table></main>${FOOTER}`,
      ),
    },
    '/guides/logs.html': {
      body: htmlPage(
        'Managing logs — Example docs',
        `${NAV}<main><h1 id="logs">Managing logs</h1><p>The server writes one log file per day under the data directory, and keeps them until you remove them.</p><h2 id="rotating">Rotating the logs</h2><p>To rotate the log files by hand, run:</p><pre class="language-sh">example-server logs rotate --keep 7</pre><p>Old files beyond the seventh are deleted.</p></main>${FOOTER}`,
      ),
    },
    '/genindex.html': {
      body: htmlPage(
        'Index — Example docs',
        `${NAV}<main><h1>Index</h1><ul>${indexEntries}</ul></main>${FOOTER}`,
      ),
    },
  };
}

describe('answers over a documentation site', () => {
  let site: TestSite;
  let env: TestEnv;
  let server: Server;
  let job: { status: string; stats: Record<string, number> };

  const api = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init);
  const ask = async (query: string): Promise<AnswerResponse> => {
    const res = await api('/v1/answer', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, mode: 'extractive' }),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as AnswerResponse;
  };

  beforeAll(async () => {
    site = await startSite(docsPages());
    env = testConfig({ CITEBOX_ADMIN_KEY: ADMIN });
    server = await startServer(env.config, createLogger(env.config));
    const res = await api('/v1/crawls', {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ seeds: [site.url], max_pages: 50 }),
    });
    const { id } = (await res.json()) as { id: string };
    for (let i = 0; i < 300; i++) {
      job = (await (
        await api(`/v1/crawls/${id}`, { headers: { authorization: `Bearer ${ADMIN}` } })
      ).json()) as typeof job;
      if (!['queued', 'running'].includes(job.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await site?.close();
    env?.cleanup();
  });

  it('follows the links of the home page, the hub and the index, and indexes only the content pages', () => {
    expect(job.status).toBe('done');
    expect(site.requests).toEqual(
      expect.arrayContaining(['/reference/', '/reference/config.html', '/genindex.html']),
    );
    expect(job.stats['indexed']).toBe(3);
    expect(job.stats['skipped']).toBe(3);
  });

  it('answers "what is the default of <setting>?" with that setting’s entry, cited at its id', async () => {
    const a = await ask('what is the default of cache.ttl?');
    expect(a.answer_mode).toBe('extractive');
    expect(a.answer).toContain('300');
    expect(a.answer).not.toContain('64');
    const first = a.citations[0];
    expect(first?.url).toBe(new URL('/reference/config.html#cache.ttl', site.url).href);
    expect(first?.section).toBe('Configuration › Settings › cache.ttl');
    expect(first?.supported).toBe(true);
    expect(a.answer).not.toContain('¶');
  });

  it('answers a limit from the table row, with its column headers', async () => {
    const a = await ask('what is the maximum length of a name?');
    expect(a.answer).toContain('Limit: Length of a name; Maximum: 255 bytes');
    expect(a.citations[0]?.url).toMatch(/\/reference\/limits\.html#/);
    expect(a.citations[0]?.section).toBe('Limits › Hard limits');
  });

  it('answers a how-to with the command, as code', async () => {
    const a = await ask('how do I rotate the log files?');
    expect(a.answer).toContain('```sh\nexample-server logs rotate --keep 7\n```');
    expect(a.citations[0]?.url).toBe(new URL('/guides/logs.html#rotating', site.url).href);
  });

  it('shows the code as code on the website, with the heading path of each source linking to its place', async () => {
    const html = await (
      await api(`/search?q=${encodeURIComponent('how do I rotate the log files?')}`)
    ).text();
    expect(html).toMatch(/<pre[^>]*><code[^>]*>example-server logs rotate --keep 7/);
    expect(html).toContain(`href="${new URL('/guides/logs.html#rotating', site.url).href}"`);
    expect(html).toMatch(/class="section"[^>]*>Rotating the logs</);
  });

  it('never indexes navigation, footers or index entries', async () => {
    const res = await api(`/v1/search?q=${encodeURIComponent('copyright sphinx configuration parameter')}`);
    const body = (await res.json()) as { results: Array<{ url: string; snippet: string }> };
    for (const r of body.results) {
      expect(r.url).not.toContain('genindex');
      expect(r.snippet).not.toMatch(/Copyright|Created using/);
    }
  });
});
