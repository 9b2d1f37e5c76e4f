// The website's static assets: the browser modules of web/client/, the stylesheet and the icon,
// loaded once, compressed once (gzip and brotli) and served under a content-hashed path.
//
// Where the browser code comes from: the client is TypeScript in web/client/, compiled by the
// normal `tsc` build like everything else. Running from dist/ (npm start), this file is
// dist/web/assets.js and reads the compiled dist/web/client/*.js beside it. Running from source
// (vitest), it is web/assets.ts and turns web/client/*.ts into JavaScript with Node's built-in
// type stripping — no bundler, no separate build step, and the same files either way.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { FAVICON_SVG, SITE_CSS } from './style.js';

export interface Asset {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
}

/** The client modules a page loads: its entry and everything the entry imports. */
export type Entry = 'app.js' | 'admin.js';

export class ClientAssets {
  readonly version: string;
  readonly #assets: ReadonlyMap<string, Asset>;

  constructor(assets: readonly Asset[]) {
    this.#assets = new Map(assets.map((a) => [a.name, a]));
    const hash = createHash('sha256');
    for (const a of assets) hash.update(a.name).update(a.body);
    this.version = hash.digest('hex').slice(0, 12);
  }

  get(name: string): Asset | undefined {
    return this.#assets.get(name);
  }

  names(): string[] {
    return [...this.#assets.keys()];
  }

  /** The URL of an asset under the current version (cacheable forever). */
  url(name: string): string {
    return `/assets/${this.version}/${name}`;
  }

  /** An entry module and the modules it imports, transitively, entry first. */
  modules(entry: Entry): string[] {
    const seen: string[] = [];
    const visit = (name: string) => {
      if (seen.includes(name)) return;
      const asset = this.#assets.get(name);
      if (!asset) throw new Error(`web assets: missing module ${name}`);
      seen.push(name);
      for (const m of asset.body.toString('utf8').matchAll(/\bfrom\s*['"]\.\/([\w-]+\.js)['"]/g)) {
        if (m[1]) visit(m[1]);
      }
    };
    visit(entry);
    return seen;
  }
}

function makeAsset(name: string, type: string, text: string): Asset {
  const body = Buffer.from(text, 'utf8');
  return {
    name,
    type,
    body,
    gzip: gzipSync(body, { level: 9 }),
    br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  };
}

async function loadClientModules(): Promise<Asset[]> {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const dir = join(here, '..', 'client');
  const files = (await readdir(dir)).filter((f) =>
    fromSource ? f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts') : f.endsWith('.js'),
  );
  let strip: ((code: string) => string) | undefined;
  if (fromSource) {
    const { stripTypeScriptTypes } = await import('node:module');
    strip = (code) => stripTypeScriptTypes(code, { mode: 'strip' });
  }
  const assets: Asset[] = [];
  for (const file of files.sort()) {
    let code = await readFile(join(dir, file), 'utf8');
    if (strip) code = strip(code);
    // Source maps are not shipped; the comment would make devtools ask for them.
    code = code.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    assets.push(makeAsset(file.replace(/\.ts$/, '.js'), 'text/javascript; charset=utf-8', code));
  }
  return assets;
}

let loading: Promise<ClientAssets> | undefined;

/** Loads (once per process) and compresses the assets. */
export function loadAssets(): Promise<ClientAssets> {
  loading ??= (async () => {
    const modules = await loadClientModules();
    return new ClientAssets([
      ...modules,
      makeAsset('site.css', 'text/css; charset=utf-8', SITE_CSS),
      makeAsset('icon.svg', 'image/svg+xml', FAVICON_SVG),
    ]);
  })();
  // A failed load is not cached: the caller gets the error, and the next call tries again.
  loading.catch(() => {
    loading = undefined;
  });
  return loading;
}
