import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { reservePort, workerEnvironment, workersOwnSockets } from './serve-cluster.js';

describe('workersOwnSockets', () => {
  it.each([
    ['auto', 'linux', true],
    ['auto', 'darwin', false],
    ['auto', 'win32', false],
    ['kernel', 'linux', true],
    ['kernel', 'freebsd', true],
    ['primary', 'linux', false],
  ] as const)('%s on %s: %s', (balance, platform, expected) => {
    expect(workersOwnSockets(balance, platform)).toBe(expected);
  });
});

describe('workerEnvironment', () => {
  it.each([
    [0, undefined, {}],
    [1, undefined, { CITEBOX_CRAWL_WORKER: 'false', CITEBOX_BOOTSTRAP_DOCS: 'false' }],
    [0, 4100, { PORT: '4100' }],
    [2, 4100, { CITEBOX_CRAWL_WORKER: 'false', CITEBOX_BOOTSTRAP_DOCS: 'false', PORT: '4100' }],
  ] as const)('worker %i, port %s', (index, port, expected) => {
    expect(workerEnvironment(index, port)).toEqual(expected);
  });
});

describe('reservePort', () => {
  let held: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => (held ? held.close(() => resolve()) : resolve()));
    held = undefined;
  });

  it('finds a free port for port 0 and gives it back', async () => {
    const port = await reservePort('127.0.0.1', 0);
    expect(port).toBeGreaterThan(0);
    // Given back: it can be listened on again at once.
    expect(await reservePort('127.0.0.1', port)).toBe(port);
  });

  it('fails with EADDRINUSE on a port another program listens on (never shares it silently)', async () => {
    const server = createServer();
    held = server;
    const port = await new Promise<number>((resolve) =>
      server.listen({ host: '127.0.0.1', port: 0 }, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      }),
    );
    await expect(reservePort('127.0.0.1', port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});
