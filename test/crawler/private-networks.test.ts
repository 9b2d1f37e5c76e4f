// The SSRF guard with CITEBOX_ALLOW_PRIVATE_NETWORKS=false: a public-looking name that resolves
// to 127.0.0.1 is refused at the DNS answer (no connection is made), and so is a redirect to the
// cloud metadata address, whether written as an IP or behind a name. A stand-in resolver plays
// DNS; the one exemption (127.0.0.1 for the redirect test's first hop) is explicit.
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Fetcher, HTML_TYPES, type Resolver } from '../../crawler/index.js';
import { htmlPage, startSite, type TestSite } from '../helpers/site-server.js';
import { openHarness } from './helpers.js';

const DNS: Record<string, string> = {
  'www.public-looking.example': '127.0.0.1',
  'metadata.cloud.example': '169.254.169.254',
  'intranet.example': '10.0.0.7',
};

const resolver: Resolver = (hostname, _options, callback) => {
  const address = DNS[hostname];
  if (!address) {
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
    return;
  }
  const answer: LookupAddress[] = [{ address, family: 4 }];
  callback(null, answer);
};

describe('private networks are off limits', () => {
  let site: TestSite;
  let port: string;

  beforeAll(async () => {
    site = await startSite({
      '/': { body: htmlPage('Home', '<p>Hello from a private address.</p>') },
      '/to-metadata-ip': { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data/' } },
      '/to-metadata-name': { status: 302, headers: { location: 'http://metadata.cloud.example/latest/' } },
      '/to-intranet': { status: 301, headers: { location: 'http://intranet.example/admin' } },
      '/to-loopback-v6': { status: 307, headers: { location: 'http://[::1]/' } },
    });
    port = new URL(site.origin).port;
  });
  afterAll(async () => {
    await site?.close();
  });

  it('refuses a public-looking host name that resolves to 127.0.0.1, before connecting', async () => {
    const fetcher = new Fetcher({ userAgent: 'test', allowPrivateNetworks: false, resolver });
    try {
      await expect(
        fetcher.fetch({ url: `http://www.public-looking.example:${port}/`, accept: HTML_TYPES }),
      ).rejects.toMatchObject({ code: 'FETCH_BLOCKED' });
      expect(site.requests).toEqual([]);
    } finally {
      await fetcher.close();
    }
  });

  it.each(['/to-metadata-ip', '/to-metadata-name', '/to-intranet', '/to-loopback-v6'])(
    'refuses the redirect %s',
    async (path) => {
      // The first hop is the test site; only its exact address is exempt.
      const fetcher = new Fetcher({
        userAgent: 'test',
        allowPrivateNetworks: false,
        resolver,
        trustedAddresses: ['127.0.0.1'],
      });
      try {
        await expect(
          fetcher.fetch({ url: `http://www.public-looking.example:${port}${path}`, accept: HTML_TYPES }),
        ).rejects.toMatchObject({ code: 'FETCH_BLOCKED' });
      } finally {
        await fetcher.close();
      }
    },
  );

  it('still fetches when private networks are allowed', async () => {
    const fetcher = new Fetcher({ userAgent: 'test', allowPrivateNetworks: true, resolver });
    try {
      const res = await fetcher.fetch({
        url: `http://www.public-looking.example:${port}/`,
        accept: HTML_TYPES,
      });
      expect(res.status).toBe(200);
    } finally {
      await fetcher.close();
    }
  });

  it('ends a crawl of such a site as failed, saying why', async () => {
    const h = await openHarness({ CITEBOX_ALLOW_PRIVATE_NETWORKS: 'false' }, { fetcher: { resolver } });
    try {
      const before = site.requests.length;
      const job = await h.crawls.waitFor(
        (await h.crawls.start({ seeds: [`http://www.public-looking.example:${port}/`] })).id,
      );
      expect(job.status).toBe('failed');
      expect(job.error).toMatch(/Refusing to fetch|private or reserved/);
      expect(site.requests.length).toBe(before);
    } finally {
      await h.close();
      h.env.cleanup();
    }
  });
});
