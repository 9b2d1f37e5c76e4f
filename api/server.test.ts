// listen() with sockets of its own (a cluster worker, CITEBOX_WORKERS_BALANCE=kernel): it opens
// CITEBOX_ACCEPT_SOCKETS listening sockets on the one port, connections from every one of them are
// served by the same app, and closing the app (plainly or gracefully) closes them all.
import type { Server } from 'node:net';
import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { getFresh } from '../scripts/lib/fresh-get.js';
import { listeningSocketsOf } from '../test/helpers/listening-sockets.js';
import { closeGracefully, listen, listeningSockets } from './server.js';

const linux = process.platform === 'linux';

describe.skipIf(!linux)('listen with sockets of its own', () => {
  const apps: ReturnType<typeof Fastify>[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  function appCountingSockets() {
    const app = Fastify();
    const acceptedBy = new Set<Server>();
    app.get('/', async (request) => {
      // The listening socket that accepted this connection: node's net module records it as
      // `_server` on accept (`server` is the HTTP server's once it takes the connection).
      const server = (request.raw.socket as unknown as { _server?: Server })._server;
      if (server) acceptedBy.add(server);
      return { ok: true };
    });
    apps.push(app);
    return { app, acceptedBy };
  }

  it('listens with acceptSockets sockets on one port and serves the connections of each', async () => {
    const { app, acceptedBy } = appCountingSockets();
    const url = await listen(app, { port: 0, host: '127.0.0.1', acceptSockets: 4 }, { ownSocket: true });
    const port = Number(new URL(url).port);
    expect(listeningSockets(app)).toBe(4);
    expect(listeningSocketsOf(process.pid, port)).toBe(4);
    // The kernel spreads new connections over the four by address: 40 all on one is a 1 in 10^23 chance.
    for (let i = 0; i < 40; i++) {
      const res = await getFresh(`${url}/`);
      expect(res.status).toBe(200);
    }
    expect(acceptedBy.size).toBeGreaterThan(1);
    await app.close();
    expect(listeningSocketsOf(process.pid, port)).toBe(0);
  });

  it('one socket when acceptSockets is 1, and none after a graceful close', async () => {
    const { app } = appCountingSockets();
    const url = await listen(app, { port: 0, host: '127.0.0.1', acceptSockets: 1 }, { ownSocket: true });
    const port = Number(new URL(url).port);
    expect(listeningSocketsOf(process.pid, port)).toBe(1);
    await app.close();

    const other = appCountingSockets().app;
    const otherUrl = await listen(
      other,
      { port: 0, host: '127.0.0.1', acceptSockets: 3 },
      { ownSocket: true },
    );
    const otherPort = Number(new URL(otherUrl).port);
    expect(listeningSocketsOf(process.pid, otherPort)).toBe(3);
    expect((await getFresh(`${otherUrl}/`)).status).toBe(200);
    await closeGracefully(other, 1_000);
    expect(listeningSocketsOf(process.pid, otherPort)).toBe(0);
  });

  it('a plain listen (no socket of its own) opens one socket whatever acceptSockets says', async () => {
    const { app } = appCountingSockets();
    const url = await listen(app, { port: 0, host: '127.0.0.1', acceptSockets: 8 });
    expect(listeningSocketsOf(process.pid, Number(new URL(url).port))).toBe(1);
    expect(listeningSockets(app)).toBe(1);
  });
});
