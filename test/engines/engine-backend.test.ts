// What the engine backend does beyond the shared contract, on both real engines: analysis,
// highlighting, stale passages, refused documents, generations, the alias swap of a reindex,
// and a clear error when the engine is down.
import { afterEach, describe, expect, it } from 'vitest';
import { isCiteboxError, silentLogger } from '../../services/index.js';
import type { SearchBackend } from '../../services/search/backend.js';
import { makePage } from '../../services/search/backend-contract.testkit.js';
import { EngineBackend } from '../../services/search/elastic/engine-backend.js';
import type { PassageRecord } from '../../services/types.js';
import {
  type BackendOptions,
  engineRequest,
  TEST_ENGINES,
  type TestEngine,
  uniqueAlias,
} from './engine-helpers.js';

for (const testEngine of TEST_ENGINES) engineSuite(testEngine);

function engineSuite(testEngine: TestEngine): void {
  const engineName = testEngine.name;
  const makeBackend = (options?: BackendOptions) => testEngine.backend(options);
  async function engine(path: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
    return (await engineRequest(testEngine.url(), path, init)).body;
  }

  describe(`${engineName} backend on a real node`, () => {
    const opened: SearchBackend[] = [];
    async function open(options: BackendOptions = {}): Promise<EngineBackend> {
      const backend = makeBackend(options);
      await backend.open();
      opened.push(backend);
      return backend;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
    });

    it('creates <alias>-000001 behind the alias with the configured shards and the design', async () => {
      const alias = uniqueAlias('design');
      await open({ alias, shards: 2 });
      const aliases = await engine(`/_alias/${alias}`);
      expect(Object.keys(aliases)).toEqual([`${alias}-000001`]);
      const settings = (await engine(`/${alias}-000001/_settings`)) as Record<
        string,
        { settings: { index: { number_of_shards: string; number_of_replicas: string } } }
      >;
      expect(settings[`${alias}-000001`]?.settings.index.number_of_shards).toBe('2');
      expect(settings[`${alias}-000001`]?.settings.index.number_of_replicas).toBe('0');
    });

    it('lets two processes open the same new alias at once', async () => {
      const alias = uniqueAlias('race');
      await Promise.all([open({ alias }), open({ alias })]);
      expect(Object.keys(await engine(`/_alias/${alias}`))).toHaveLength(1);
    });

    it('refuses to take over an index that already has the alias name', async () => {
      const alias = uniqueAlias('taken');
      await engine(`/${alias}`, { method: 'PUT', body: '{}' });
      await expect(open({ alias })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    });

    it('finds English words by their stem and Chinese and Japanese by bigrams', async () => {
      const b = await open();
      await b.replacePages([
        makePage('https://e.example/run', ['The search engines were running slowly on Tuesday.']),
        makePage('https://e.example/other', ['A recipe for lemon cake with icing.']),
        makePage('https://j.example/ja', ['全文検索エンジンは文書を索引します。'], { lang: 'ja' }),
      ]);
      await b.refresh();
      const en = await b.search({ text: 'run engine', limit: 5 });
      expect(en[0]?.passage.url).toBe('https://e.example/run');
      const ja = await b.search({ text: '検索エンジン', limit: 5 });
      expect(ja[0]?.passage.url).toBe('https://j.example/ja');
    });

    it('cuts a snippet around the highlighted words of a long passage', async () => {
      const b = await open();
      const filler = 'Plain words about nothing in particular fill this sentence. ';
      const text = `${filler.repeat(8)}The lighthouse keeper rang the brass bell at midnight. ${filler.repeat(8)}`;
      await b.replacePages([makePage('https://e.example/long', [text])]);
      await b.refresh();
      const [hit] = await b.search({ text: 'brass bell lighthouse', limit: 1 });
      expect(hit?.snippet).toContain('brass bell');
      expect(hit?.snippet.length).toBeLessThan(260);
      expect(hit?.snippet.startsWith('…')).toBe(true);
    });

    it('leaves no stale passages when a URL is re-indexed twice before a refresh', async () => {
      const b = await open();
      await b.replacePages([makePage('https://e.example/p', ['alpha one', 'alpha two', 'alpha three'])]);
      await b.replacePages([makePage('https://e.example/p', ['alpha only'])]);
      await b.refresh();
      const hits = await b.search({ text: 'alpha', limit: 10 });
      expect(hits.map((h) => h.passage.text)).toEqual(['alpha only']);
      expect((await b.stats()).passages).toBe(1);
    });

    it('reports every page the engine refuses and keeps no half of it', async () => {
      const b = await open();
      const good = makePage('https://e.example/good', ['good walrus text']);
      const bad = makePage('https://e.example/bad', ['first walrus', 'second walrus']);
      // A position the integer field cannot hold: the engine refuses that one document.
      const broken: PassageRecord = {
        ...(bad.passages[1] as PassageRecord),
        position: 'x' as unknown as number,
      };
      const report = await b.replacePages([
        good,
        { page: bad.page, passages: [bad.passages[0] as PassageRecord, broken] },
      ]);
      expect(report.written).toBe(1);
      expect(report.failed.map((f) => f.url)).toEqual(['https://e.example/bad']);
      expect(report.failed[0]?.reason).toMatch(/position|parse|number/i);
      await b.refresh();
      const hits = await b.search({ text: 'walrus', limit: 10 });
      expect(hits.map((h) => h.passage.url)).toEqual(['https://e.example/good']);
    });

    it('sweeps passages of a URL that no page document lists when the page is deleted', async () => {
      const alias = uniqueAlias('orphans');
      const b = await open({ alias });
      await engine(`/${alias}/_doc/orphan-0?refresh=true`, {
        method: 'PUT',
        body: JSON.stringify({
          kind: 'passage',
          url: 'https://e.example/o',
          page_id: 'x',
          body: 'orphaned narwhal',
        }),
      });
      expect(await b.search({ text: 'narwhal', limit: 5 })).toHaveLength(1);
      expect(await b.deletePage('https://e.example/o')).toBe(true);
      await b.refresh();
      expect(await b.search({ text: 'narwhal', limit: 5 })).toHaveLength(0);
    });

    it('raises the generation on writes, deletes and the refresh that shows them', async () => {
      const b = await open();
      const g0 = await b.generation();
      await b.replacePages([makePage('https://e.example/g', ['generation text'])]);
      const g1 = await b.generation();
      await b.refresh();
      const g2 = await b.generation();
      await b.refresh(); // nothing new: no new generation
      const g3 = await b.generation();
      await b.deletePage('https://e.example/g');
      const g4 = await b.generation();
      expect(g1).toBeGreaterThan(g0);
      expect(g2).toBeGreaterThan(g1);
      expect(g3).toBe(g2);
      expect(g4).toBeGreaterThan(g3);
    });

    it('reindexes into a new index and swaps the alias atomically, keeping data and generation', async () => {
      const alias = uniqueAlias('reindex');
      const b = await open({ alias });
      await b.replacePages([
        makePage('https://r.example/a', ['penguins live in the southern hemisphere']),
        makePage('https://r.example/b', ['puffins nest on cliffs', 'puffins eat fish']),
      ]);
      await b.refresh();
      const before = await b.generation();
      const rebuilt = makeBackend({ alias, shards: 2 });
      opened.push(rebuilt);
      const report = await rebuilt.reindex();
      expect(report).toMatchObject({
        from: `${alias}-000001`,
        to: `${alias}-000002`,
        failures: 0,
        deletedOld: true,
      });
      expect(report.copied).toBeGreaterThanOrEqual(5); // 3 passages, 2 pages (and the meta document)
      expect(Object.keys(await engine(`/_alias/${alias}`))).toEqual([`${alias}-000002`]);
      expect((await engine(`/${alias}-000001`))['status']).toBe(404);
      await rebuilt.open();
      expect(await rebuilt.generation()).toBeGreaterThan(before);
      const stats = await rebuilt.stats();
      expect({ pages: stats.pages, passages: stats.passages }).toEqual({ pages: 2, passages: 3 });
      expect((await rebuilt.search({ text: 'puffins', limit: 5 }))[0]?.passage.url).toBe(
        'https://r.example/b',
      );
      // The first handle goes through the alias too: it sees the new index.
      expect((await b.search({ text: 'penguins', limit: 5 }))[0]?.passage.url).toBe('https://r.example/a');
    });

    it('says clearly that an unreachable engine is unavailable, and ping turns red', async () => {
      const url = 'http://127.0.0.1:9';
      const b = new EngineBackend({
        client: testEngine.client(url, { requestTimeoutMs: 2_000 }),
        alias: 'unreachable',
        shards: 1,
        replicas: 0,
        logger: silentLogger(),
      });
      const err = await b.open().catch((e: unknown) => e);
      expect(isCiteboxError(err) && err.code).toBe('BACKEND_UNAVAILABLE');
      expect((err as Error).message).toContain(`cannot reach ${engineName} at http://127.0.0.1:9`);
      const health = await b.ping();
      expect(health.ok).toBe(false);
      expect(health.reason).toMatch(/cannot reach/);
      await expect(b.search({ text: 'anything', limit: 3 })).rejects.toMatchObject({
        code: 'BACKEND_UNAVAILABLE',
      });
      await b.close();
    });
  });
}
