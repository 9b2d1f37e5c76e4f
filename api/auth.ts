// Bearer-key checks: CITEBOX_ADMIN_KEY for admin routes, CITEBOX_API_KEYS (optional) for answer
// and search routes. Keys are compared in constant time and never logged.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { CiteboxError } from '../services/index.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time equality of two secrets (hashing first makes the lengths equal). */
export function safeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m?.[1]) return m[1];
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey.length > 0 ? apiKey : undefined;
}

export function requireAdmin(request: FastifyRequest, adminKey: string | undefined): void {
  if (!adminKey) {
    throw new CiteboxError('FORBIDDEN', 'Admin routes are disabled: set CITEBOX_ADMIN_KEY to enable them');
  }
  const token = bearerToken(request);
  if (!token || !safeEqual(token, adminKey)) {
    throw new CiteboxError('UNAUTHORIZED', 'This route needs Authorization: Bearer <CITEBOX_ADMIN_KEY>');
  }
}

export function requireApiKey(request: FastifyRequest, apiKeys: readonly string[], adminKey?: string): void {
  if (apiKeys.length === 0) return;
  const token = bearerToken(request);
  // Every key is compared, so the time taken does not tell which one nearly matched.
  let ok = false;
  for (const key of [...apiKeys, ...(adminKey ? [adminKey] : [])])
    if (token && safeEqual(token, key)) ok = true;
  if (!ok) throw new CiteboxError('UNAUTHORIZED', 'This route needs Authorization: Bearer <API key>');
}
