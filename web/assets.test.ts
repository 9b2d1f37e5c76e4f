import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadAssets } from './assets.js';

describe('client assets', () => {
  it('serves each page its entry module and what it imports, as JavaScript', async () => {
    const assets = await loadAssets();
    const search = assets.modules('app.js');
    expect(search[0]).toBe('app.js');
    expect(search).toEqual(
      expect.arrayContaining(['dom.js', 'markdown.js', 'sse.js', 'views.js', 'vdom.js']),
    );
    expect(assets.modules('admin.js')).toEqual(expect.arrayContaining(['admin.js', 'dom.js', 'vdom.js']));
    for (const name of search) {
      const code = assets.get(name)?.body.toString('utf8') ?? '';
      // Types are gone, imports still point at the served names, no source map is asked for.
      expect(code).not.toMatch(/\binterface\s+\w+\s*\{|:\s*readonly\s|sourceMappingURL/);
      for (const m of code.matchAll(/from\s*'([^']+)'/g)) expect(m[1]).toMatch(/^\.\/[\w-]+\.js$/);
    }
    expect(assets.url('app.js')).toMatch(/^\/assets\/[0-9a-f]{12}\/app\.js$/);
  });

  it('ships at most 30 KB of gzipped JavaScript per page', async () => {
    const assets = await loadAssets();
    for (const entry of ['app.js', 'admin.js'] as const) {
      const gz = assets.modules(entry).reduce((sum, name) => sum + (assets.get(name)?.gzip.length ?? 0), 0);
      expect(gz).toBeLessThan(30 * 1024);
    }
    const css = assets.get('site.css');
    expect(gunzipSync(css?.gzip ?? Buffer.alloc(0)).equals(css?.body ?? Buffer.alloc(1))).toBe(true);
  });
});
