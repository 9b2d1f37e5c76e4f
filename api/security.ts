// Security headers (helmet) and CORS. The Content-Security-Policy is defined here, once: the
// website (web/) and the API docs (/docs) are served under it, so neither may use inline scripts
// or styles; the website's client script is a file under /assets/.
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../services/index.js';

/** The CSP of every response, as directives (helmet's form). */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
});

function policy(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** The same policy as one header value. */
export const CONTENT_SECURITY_POLICY = policy(CSP_DIRECTIVES);

/**
 * The policy of the API docs (/docs): the same, except that Swagger UI's logo is an SVG carrying
 * one fixed inline <style> (`.logo_small_svg__cls-2{fill:#fff}…`), allowed by its hash only. The
 * browser test of /docs fails if a Swagger UI upgrade changes it.
 */
export const DOCS_CONTENT_SECURITY_POLICY = policy({
  ...CSP_DIRECTIVES,
  'style-src': [
    ...(CSP_DIRECTIVES['style-src'] ?? []),
    "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='",
  ],
});

/** Headers a browser may send cross-origin, and those it may read back. */
const CORS_ALLOWED_HEADERS = ['authorization', 'content-type', 'accept', 'x-api-key', 'x-request-id'];
const CORS_EXPOSED_HEADERS = [
  'x-request-id',
  'retry-after',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
];

export async function registerSecurity(
  app: FastifyInstance,
  config: Pick<Config, 'corsOrigins'>,
): Promise<void> {
  const origins = config.corsOrigins ?? [];
  // The CSP is set by hand so the header is exactly CONTENT_SECURITY_POLICY (helmet reformats it).
  app.addHook('onRequest', (_request, reply, next) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    next();
  });
  await app.register(helmet, {
    contentSecurityPolicy: false,
    xFrameOptions: { action: 'deny' },
    // Pages of other origins may read API responses only when CORS allows them.
    crossOriginResourcePolicy: { policy: origins.length > 0 ? 'cross-origin' : 'same-origin' },
    strictTransportSecurity: { maxAge: 15_552_000, includeSubDomains: false },
    referrerPolicy: { policy: 'no-referrer' },
  });
  if (origins.length > 0) {
    await app.register(cors, {
      origin: origins.includes('*') ? '*' : [...origins],
      methods: ['GET', 'POST', 'DELETE'],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      credentials: false,
      maxAge: 600,
    });
  }
}
