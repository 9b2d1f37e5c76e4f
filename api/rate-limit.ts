// Rate limits per API key, or per client address for callers without a valid key (an unverified
// key is not a key: rotating made-up keys must not escape the address's limit). Health, metrics
// and static files are not limited.
import { createHash } from 'node:crypto';
import rateLimit, { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CiteboxError, type Config, type Metrics } from '../services/index.js';
import { bearerToken, safeEqual } from './auth.js';

const EXEMPT_ROUTES = new Set(['/healthz', '/readyz', '/metrics', '/openapi.json']);
const EXEMPT_PREFIXES = ['/assets/', '/docs'];

/** The bucket a request counts against: `key:<hash>` for a valid key, else `ip:<address>`. */
export function rateLimitKey(request: FastifyRequest, config: Pick<Config, 'apiKeys' | 'adminKey'>): string {
  const token = bearerToken(request);
  if (token) {
    let valid = false;
    for (const key of [...config.apiKeys, ...(config.adminKey ? [config.adminKey] : [])])
      if (safeEqual(token, key)) valid = true;
    // The hash names the bucket without keeping the key itself in memory tables or logs.
    if (valid) return `key:${createHash('sha256').update(token).digest('hex').slice(0, 24)}`;
  }
  return `ip:${normalizeIP(request.ip, 64)}`;
}

export function isExemptFromRateLimit(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  if (route === undefined) return false;
  return EXEMPT_ROUTES.has(route) || EXEMPT_PREFIXES.some((p) => route.startsWith(p));
}

export async function registerRateLimit(
  app: FastifyInstance,
  config: Pick<Config, 'apiKeys' | 'adminKey' | 'rateLimitPerMinute'>,
  metrics: Metrics | undefined,
): Promise<void> {
  if (config.rateLimitPerMinute === 0) return;
  await app.register(rateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    cache: 10_000,
    keyGenerator: (request) => rateLimitKey(request, config),
    allowList: (request) => isExemptFromRateLimit(request),
    onExceeded: () => metrics?.rateLimited().inc(),
    errorResponseBuilder: (_request, context) =>
      new CiteboxError(
        'RATE_LIMITED',
        `Rate limit of ${context.max} requests per minute reached; retry in ${context.after}`,
        { retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) },
      ),
  });
}
