// Everything that differs between Elasticsearch and OpenSearch, checked on both real nodes: the
// product check, versions and compatibility headers, the start-up feature check, analysis (the
// Elasticsearch test node's analyzers come from the test plugin: they must tokenize exactly as
// OpenSearch's analysis-common does), collapse, kNN on dense_vector, optimistic concurrency,
// refresh and real-time reads, mapping conflicts, and overload (429).
import { Client } from '@elastic/elasticsearch';
import { afterEach, describe, expect, it } from 'vitest';
import { isCiteboxError, silentLogger } from '../../services/index.js';
import { makePage } from '../../services/search/backend-contract.testkit.js';
import { ElasticsearchEngineClient } from '../../services/search/elastic/elasticsearch-client.js';
import { EngineBackend } from '../../services/search/elastic/engine-backend.js';
import { checkEngineFeatures } from '../../services/search/elastic/engine-features.js';
import { indexBody, META_DOC_ID } from '../../services/search/elastic/index-design.js';
import type { PageWithPassages } from '../../services/search/index.js';
import {
  type BackendOptions,
  ELASTICSEARCH,
  engineRequest,
  OPENSEARCH,
  TEST_ENGINES,
  type TestEngine,
  uniqueAlias,
} from './engine-helpers.js';

for (const engine of TEST_ENGINES) differences(engine);

/** Thread pool rejections so far on the engine's node (one node). */
async function rejected(engine: TestEngine, pool: 'search' | 'write'): Promise<number> {
  const { body } = await engineRequest(engine.url(), `/_nodes/stats/thread_pool`);
  const nodes = Object.values(
    body['nodes'] as Record<string, { thread_pool: Record<string, { rejected: number }> }>,
  );
  return nodes.reduce((sum, n) => sum + (n.thread_pool[pool]?.rejected ?? 0), 0);
}

/** A page whose passages carry vectors (unit-ish, never zero: cosine needs a length). */
function pageWithVectors(url: string, texts: string[], vectors: number[][]): PageWithPassages {
  const page = makePage(url, texts);
  return { page: page.page, passages: page.passages.map((p, i) => ({ ...p, vector: vectors[i] })) };
}

function differences(engine: TestEngine): void {
  const other = engine === ELASTICSEARCH ? OPENSEARCH : ELASTICSEARCH;

  describe(`${engine.name}: what differs between the engines`, () => {
    const opened: EngineBackend[] = [];
    async function open(options: BackendOptions = {}): Promise<EngineBackend> {
      const backend = engine.backend(options);
      opened.push(backend);
      await backend.open();
      return backend;
    }
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((b) => b.close()));
    });

    it(`product check: the ${other.name} client refuses this node and says what to set`, async () => {
      const wrong = other.client(engine.url());
      const err = await wrong.info().catch((e: unknown) => e);
      expect(isCiteboxError(err) && err.code).toBe('BACKEND_UNSUPPORTED');
      expect((err as Error).message).toContain(`not ${other.name}`);
      const fix = engine === ELASTICSEARCH ? 'CITEBOX_BACKEND=elasticsearch' : 'CITEBOX_BACKEND=opensearch';
      expect((err as Error).message).toContain(fix);
      expect((err as Error).message).toContain(engine.url());
      // A backend on the wrong client stops at open(), before it creates anything.
      const backend = new EngineBackend({
        client: other.client(engine.url()),
        alias: uniqueAlias('wrong-product'),
        shards: 1,
        replicas: 0,
        logger: silentLogger(),
      });
      await expect(backend.open()).rejects.toMatchObject({ code: 'BACKEND_UNSUPPORTED' });
      await backend.close();
      await wrong.close();
    });

    it('reports its product and version, and speaks the protocol its client expects', async () => {
      const info = await engine.client().info();
      expect(info.distribution).toBe(engine.flavor);
      if (engine === ELASTICSEARCH) {
        expect(info.version).toMatch(/^9\./);
        // The 8.x client asks for the 8 REST compatibility; Elasticsearch 9 answers in it.
        const seen: Array<{ accept: string; contentType: string; product: string }> = [];
        const raw = new Client({ node: engine.url() });
        raw.diagnostic.on('response', (_err, result) => {
          const headers = (result?.meta.request.params.headers ?? {}) as Record<string, string>;
          seen.push({
            accept: String(headers['accept'] ?? ''),
            contentType: String(result?.headers?.['content-type'] ?? ''),
            product: String(result?.headers?.['x-elastic-product'] ?? ''),
          });
        });
        const backend = new EngineBackend({
          client: new ElasticsearchEngineClient({ url: engine.url(), client: raw }),
          alias: uniqueAlias('compat'),
          shards: 1,
          replicas: 0,
          logger: silentLogger(),
        });
        opened.push(backend);
        await backend.open();
        await backend.search({ text: 'anything', limit: 3 });
        expect(seen.length).toBeGreaterThan(3);
        for (const s of seen) {
          expect(s.accept).toMatch(/^application\/vnd\.elasticsearch\+json; compatible-with=8\b/);
          expect(s.product).toBe('Elasticsearch');
        }
        expect(seen.some((s) => s.contentType.includes('compatible-with=8'))).toBe(true);
        // The window Elasticsearch 9 accepts: 9 and 8, not 7 (so the 8.x client serves 8.x and 9.x).
        const ask = (v: number) =>
          engineRequest(engine.url(), '/_cluster/health', {
            headers: { accept: `application/vnd.elasticsearch+json; compatible-with=${v}` },
          });
        expect((await ask(9)).status).toBe(200);
        expect((await ask(7)).status).toBe(400);
      } else {
        expect(info.version).toMatch(/^2\.19\./);
        // OpenSearch speaks plain JSON and refuses a body in Elasticsearch's versioned media type,
        // as the Elasticsearch client sends it.
        const versioned = 'application/vnd.elasticsearch+json; compatible-with=8';
        const res = await engineRequest(engine.url(), '/_search', {
          method: 'POST',
          headers: { accept: versioned, 'content-type': versioned },
          body: JSON.stringify({ size: 0 }),
        });
        expect(res.status).toBe(406);
        expect(res.headers.get('x-elastic-product')).toBeNull();
      }
    });

    it('start-up check: passes this node, and names a missing analyzer with the plugin that has it', async () => {
      const client = engine.client();
      const design = indexBody({ flavor: engine.flavor, shards: 1, replicas: 0 });
      await expect(checkEngineFeatures(client, { indexBody: design, vectors: false })).resolves.toMatchObject(
        {
          distribution: engine.flavor,
        },
      );
      const needsKuromoji = {
        ...design,
        mappings: {
          properties: {
            ...(design.mappings['properties'] as object),
            ja: { type: 'text', analyzer: 'kuromoji' },
          },
        },
      };
      const err = await checkEngineFeatures(client, { indexBody: needsKuromoji, vectors: false }).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'BACKEND_UNSUPPORTED' });
      expect((err as Error).message).toBe(
        `${engine.name} at ${engine.url()} lacks what Citebox needs: analyzer "kuromoji" (plugin analysis-kuromoji). ` +
          `The full ${engine.name} distribution (e.g. its official Docker image) has the modules and plugins named here.`,
      );
      await client.close();
    });

    it('analyzes text exactly as the other engine does (english, cjk, the neutral chain)', async () => {
      const texts = [
        'The search engines were running slowly; Café Zürich’s résumés',
        '全文検索エンジンは文書を索引します。ｶﾀｶﾅ ＡＢＣ',
        '美国国家航空航天局的阿波罗计划在1969年实现了载人登月。',
        "Apollo 11's lunar module Eagle landed on July 20, 1969",
      ];
      const requests = texts.flatMap((text) => [
        { analyzer: 'english', text },
        { analyzer: 'cjk', text },
        { tokenizer: 'standard', filter: ['cjk_width', 'lowercase', 'asciifolding'], text },
      ]);
      const here = engine.client();
      const there = other.client();
      for (const request of requests) {
        const [a, b] = await Promise.all([here.analyze(request), there.analyze(request)]);
        expect(a.length).toBeGreaterThan(0);
        expect(a, JSON.stringify(request)).toEqual(b);
      }
      expect(await here.analyze({ analyzer: 'english', text: 'running engines' })).toEqual(['run', 'engin']);
      expect(await here.analyze({ analyzer: 'cjk', text: '検索エンジン' })).toEqual([
        '検索',
        '索エ',
        'エン',
        'ンジ',
        'ジン',
      ]);
      await Promise.all([here.close(), there.close()]);
    });

    it("collapses on the page: one passage a page, each page's best", async () => {
      const b = await open();
      await b.replacePages([
        makePage('https://c.example/many', ['tulips', 'tulips tulips tulips in spring', 'tulips again']),
        makePage('https://c.example/one', ['tulips and daffodils']),
      ]);
      await b.refresh();
      const hits = await b.search({ text: 'tulips', limit: 10, maxPerPage: 1 });
      expect(hits.map((h) => h.passage.url).sort()).toEqual([
        'https://c.example/many',
        'https://c.example/one',
      ]);
      const all = await b.search({ text: 'tulips', limit: 10 });
      const bestOfMany = all.find((h) => h.passage.url === 'https://c.example/many');
      expect(hits.find((h) => h.passage.url === 'https://c.example/many')?.passage.id).toBe(
        bestOfMany?.passage.id,
      );
    });

    if (engine === ELASTICSEARCH) {
      it('searches dense_vector with kNN for real: nearest first, filtered, fused, and kept by a reindex', async () => {
        const alias = uniqueAlias('knn');
        const b = await open({ alias, vectorDims: 4 });
        await b.replacePages([
          pageWithVectors(
            'https://v.example/north',
            ['arctic foxes', 'polar bears'],
            [
              [1, 0, 0, 0],
              [0.9, 0.1, 0, 0],
            ],
          ),
          pageWithVectors('https://w.example/south', ['penguins'], [[0, 0, 1, 0]]),
          pageWithVectors('https://w.example/east', ['camels'], [[0, 0, 0.1, 1]]),
        ]);
        await b.refresh();
        const near = await b.searchVectors({ vector: [1, 0.05, 0, 0], limit: 3 });
        expect(near.map((h) => h.passage.text)).toEqual(['arctic foxes', 'polar bears', 'penguins']);
        expect(near[0]?.score).toBeGreaterThan(near[2]?.score ?? 1);
        const filtered = await b.searchVectors({ vector: [1, 0, 0, 0], limit: 3, sites: ['w.example'] });
        expect(filtered.map((h) => h.passage.text)).toEqual(['penguins', 'camels']);
        // Hybrid: the words say camels, the vector says the north; both lists are fused.
        const hybrid = await b.search({ text: 'camels', vector: [1, 0, 0, 0], limit: 3 });
        expect(
          hybrid
            .map((h) => h.passage.text)
            .slice(0, 2)
            .sort(),
        ).toEqual(['arctic foxes', 'camels']);
        // Elasticsearch 9 leaves vectors out of _source by default: the reindex must still copy them.
        const rebuilt = engine.backend({ alias, vectorDims: 4 });
        opened.push(rebuilt);
        expect((await rebuilt.reindex()).failures).toBe(0);
        await rebuilt.open();
        const after = await rebuilt.searchVectors({ vector: [0, 0, 0, 1], limit: 1 });
        expect(after.map((h) => h.passage.text)).toEqual(['camels']);
      });

      it('refuses to open an index built with other vector settings', async () => {
        const alias = uniqueAlias('dims');
        await open({ alias });
        const withVectors = engine.backend({ alias, vectorDims: 8 });
        await expect(withVectors.open()).rejects.toThrow(/citebox reindex/);
        await withVectors.close();
      });
    } else {
      it('stops at start-up when vectors are on and the k-NN plugin is missing (not in this node)', async () => {
        const withVectors = engine.backend({ alias: uniqueAlias('knn'), vectorDims: 8 });
        const err = await withVectors.open().catch((e: unknown) => e);
        expect(err).toMatchObject({ code: 'BACKEND_UNSUPPORTED' });
        expect((err as Error).message).toMatch(/k-NN plugin \(opensearch-knn\).*unset EMBEDDINGS_DIMENSIONS/);
        await withVectors.close();
      });
    }

    it('optimistic concurrency: a lower external version is a conflict; concurrent writers each count', async () => {
      const alias = uniqueAlias('occ');
      const b = await open({ alias });
      const client = engine.client();
      await client.indexVersioned(
        alias,
        'versioned',
        { kind: 'meta', updated_at: new Date().toISOString() },
        5,
      );
      const err = await client
        .indexVersioned(alias, 'versioned', { kind: 'meta', updated_at: new Date().toISOString() }, 3)
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'CONFLICT' });
      expect((err as Error).message).toMatch(/409.*version_conflict_engine_exception/);
      await client.indexVersioned(
        alias,
        'versioned',
        { kind: 'meta', updated_at: new Date().toISOString() },
        5,
      );
      const [doc] = await client.mget(alias, ['versioned'], false);
      expect(doc?.version).toBe(5);
      // The generation is the meta document's _version: the engine increments it atomically, so
      // six writers at once raise it by exactly six.
      const before = await b.generation();
      const writers = Array.from({ length: 6 }, () => engine.backend({ alias }));
      opened.push(...writers);
      await Promise.all(
        writers.map((w, i) => w.replacePages([makePage(`https://occ.example/${i}`, [`writer ${i}`])])),
      );
      expect(await b.generation()).toBe(before + 6);
      const [meta] = await client.mget(alias, [META_DOC_ID], false);
      expect(meta?.version).toBe(before + 6);
      await client.close();
    });

    it('refresh: writes are readable by id at once and searchable only after a refresh', async () => {
      const alias = uniqueAlias('refresh');
      const b = await open({ alias });
      const put = await engineRequest(engine.url(), `/${alias}/_settings`, {
        method: 'PUT',
        body: JSON.stringify({ index: { refresh_interval: '-1' } }),
      });
      expect(put.status).toBe(200);
      const item = makePage('https://r.example/late', ['hummingbirds hover']);
      await b.replacePages([item]);
      expect(await b.search({ text: 'hummingbirds', limit: 3 })).toHaveLength(0);
      expect((await b.getPassages([item.passages[0]?.id ?? ''])).map((p) => p.text)).toEqual([
        'hummingbirds hover',
      ]);
      await b.refresh();
      expect((await b.search({ text: 'hummingbirds', limit: 3 })).map((h) => h.passage.url)).toEqual([
        'https://r.example/late',
      ]);
    });

    it('mapping conflicts: a foreign index behind the alias stops open(), a mistyped document is refused', async () => {
      const alias = uniqueAlias('foreign');
      const created = await engineRequest(engine.url(), `/${alias}-000001`, {
        method: 'PUT',
        body: JSON.stringify({
          aliases: { [alias]: {} },
          mappings: { properties: { url: { type: 'text' } } },
        }),
      });
      expect(created.status).toBe(200);
      const foreign = engine.backend({ alias });
      opened.push(foreign);
      await expect(foreign.open()).rejects.toThrow(
        /has Citebox schema 0; this version needs \d+\. Run `citebox reindex`/,
      );
      // Citebox's own index is strict: a field the design does not know is refused, not guessed.
      const own = uniqueAlias('strict');
      await open({ alias: own });
      const res = await engineRequest(engine.url(), `/${own}/_doc/x`, {
        method: 'PUT',
        body: JSON.stringify({ kind: 'passage', surprise: 'field' }),
      });
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toMatch(
        /strict_dynamic_mapping_exception|dynamic introduction of \[surprise\]/,
      );
    });

    it('under pressure: searches beyond the queue are refused with a clear 429, and the node stays up', async () => {
      const b = await open();
      await b.replacePages(
        Array.from({ length: 20 }, (_, i) =>
          makePage(`https://p.example/${i}`, [`lighthouse keeper ${i} rang bells`]),
        ),
      );
      await b.refresh();
      // Searches: far more at once than the node's search threads and queue (40) can take.
      const searchRejectedBefore = await rejected(engine, 'search');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 250 }, (_, i) =>
          b.search({ text: `lighthouse keeper ${i % 20} bells`, limit: 5 }),
        ),
      );
      const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as Error] : []));
      expect(await rejected(engine, 'search')).toBeGreaterThan(searchRejectedBefore);
      expect(refused.length).toBeGreaterThan(0);
      for (const err of refused) {
        expect(err).toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
        expect(err.message).toMatch(
          new RegExp(
            `^search: ${engine.name} at .* is overloaded and refused the request; retry later \\(429: .*rejected execution`,
          ),
        );
      }
      for (const o of outcomes) if (o.status === 'fulfilled') expect(o.value.length).toBeGreaterThan(0);
      // The node is fine afterwards.
      expect((await b.search({ text: 'lighthouse', limit: 5 })).length).toBe(5);
    });

    it('under pressure: writes beyond the queue are refused with 429 and retried until every page lands', async () => {
      const alias = uniqueAlias('storm');
      const b = await open({ alias });
      // Many writers at once overflow the node's write queue (8); the bulk helper retries the
      // refused documents (429) and every page lands.
      const writeRejectedBefore = await rejected(engine, 'write');
      const writers = Array.from({ length: 32 }, () =>
        engine.backend({ alias, bulk: { retries: 30, waitMs: 100 } }),
      );
      opened.push(...writers);
      const reports = await Promise.all(
        writers.map((w, i) =>
          w.replacePages(
            Array.from({ length: 4 }, (_, j) =>
              makePage(`https://q.example/${i}/${j}`, [`storm ${i} ${j} one`, `storm ${i} ${j} two`]),
            ),
          ),
        ),
      );
      expect(await rejected(engine, 'write')).toBeGreaterThan(writeRejectedBefore);
      expect(reports.flatMap((r) => r.failed)).toEqual([]);
      expect(reports.reduce((n, r) => n + r.written, 0)).toBe(128);
      await b.refresh();
      expect((await b.stats()).pages).toBe(128);
    });
  });
}
