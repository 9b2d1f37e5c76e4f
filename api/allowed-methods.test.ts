import { describe, expect, it } from 'vitest';
import { AllowedMethods } from './allowed-methods.js';

function table(): AllowedMethods {
  const t = new AllowedMethods();
  t.add('GET', '/v1/answer');
  t.add('POST', '/v1/answer');
  t.add(['GET', 'HEAD'], '/v1/models');
  t.add('GET', '/v1/models/:model');
  t.add('GET', '/v1/crawls/:id');
  t.add('DELETE', '/v1/crawls/:id');
  t.add('GET', '/assets/*');
  t.add('OPTIONS', '*');
  return t;
}

describe('AllowedMethods', () => {
  it.each([
    ['/v1/answer', ['GET', 'HEAD', 'OPTIONS', 'POST']],
    ['/v1/answer/', ['GET', 'HEAD', 'OPTIONS', 'POST']],
    ['/v1/answer?q=x', ['GET', 'HEAD', 'OPTIONS', 'POST']],
    ['/v1/models', ['GET', 'HEAD', 'OPTIONS']],
    ['/v1/models/citebox', ['GET', 'HEAD', 'OPTIONS']],
    ['/v1/crawls/crawl_0123', ['DELETE', 'GET', 'HEAD', 'OPTIONS']],
    ['/assets/app.js', ['GET', 'HEAD', 'OPTIONS']],
    ['/assets/a/b.css', ['GET', 'HEAD', 'OPTIONS']],
    // Unknown paths stay unknown, whatever catch-all OPTIONS route CORS adds.
    ['/v1/nothing', []],
    ['/v1/models/a/b', []],
    ['/v1/crawls//', []],
    ['/', []],
  ] as const)('%s → %j', (path, methods) => {
    expect(table().allowed(path)).toEqual(methods);
  });
});
