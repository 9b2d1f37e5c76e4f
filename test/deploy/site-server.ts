// The web site the compose test crawls, served from its own container (the Citebox image's Node,
// run with type stripping: `node /deploy/site-server.ts`). Serves the files of SITE_DIR, waits
// SITE_DELAY_MS before each answer (so a crawl lasts long enough to be interrupted), and logs one
// JSON line per request (but /_health, the healthcheck), which the test reads back with `docker compose logs site`.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const root = process.env['SITE_DIR'] ?? '/site';
const port = Number(process.env['SITE_PORT'] ?? 8000);
const delayMs = Number(process.env['SITE_DELAY_MS'] ?? 0);
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

const server = createServer(async (req, res) => {
  const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
  if (path === '/_health') {
    // The container's healthcheck: answered at once and not logged.
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    return;
  }
  const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
  if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
  let status = 200;
  try {
    if (!file.startsWith(`${root}/`)) throw new Error('outside the site');
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(body);
  } catch {
    status = 404;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  }
  console.log(JSON.stringify({ method: req.method, path, status, agent: req.headers['user-agent'] }));
});
server.listen(port, '0.0.0.0', () => console.log(JSON.stringify({ msg: 'site listening', port, root })));
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => server.close(() => process.exit(0)));
