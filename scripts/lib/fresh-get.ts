import { get } from 'node:http';

/**
 * GET over a connection of its own: fetch would reuse a pooled connection, which with
 * CITEBOX_WORKERS > 1 always lands on the same worker.
 */
export function getFresh(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}
