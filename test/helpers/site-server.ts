// A local web site on 127.0.0.1 for crawler tests: routes map a path to a response. Real HTTP,
// port 0, closed by the test.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SiteResponse {
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Wait this long before answering (slow pages). */
  readonly delayMs?: number;
}

export type SiteRoute = SiteResponse | ((req: IncomingMessage) => SiteResponse | Promise<SiteResponse>);

export interface TestSite {
  readonly url: string;
  readonly origin: string;
  /** Paths requested, in order. */
  readonly requests: string[];
  readonly routes: Map<string, SiteRoute>;
  close(): Promise<void>;
}

export function htmlPage(title: string, body: string, head = ''): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body>${body}</body></html>`;
}

export interface SiteOptions {
  /** Answers paths the route table does not know (generated sites); undefined means 404. */
  readonly fallback?: (path: string, req: IncomingMessage) => SiteRoute | undefined;
  /** Keep no request log (large benchmark sites). */
  readonly noLog?: boolean;
}

export async function startSite(
  routes: Record<string, SiteRoute>,
  options: SiteOptions = {},
): Promise<TestSite> {
  const table = new Map(Object.entries(routes));
  const requests: string[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? '/';
    if (!options.noLog) requests.push(path);
    const route = table.get(path) ?? table.get(path.split('?')[0] ?? path) ?? options.fallback?.(path, req);
    const response: SiteResponse = route
      ? typeof route === 'function'
        ? await route(req)
        : route
      : { status: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
    if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs));
    const body = response.body ?? '';
    res.writeHead(response.status ?? 200, {
      'content-type': 'text/html; charset=utf-8',
      ...response.headers,
    });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/`,
    origin,
    requests,
    routes: table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
