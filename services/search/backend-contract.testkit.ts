// The backend contract: behaviour every SearchBackend must show. Each backend's test file calls
// defineBackendContract with a factory; SQLite runs it always, OpenSearch / Elasticsearch when an
// engine is reachable. Imports vitest, so it is only loaded by tests.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PageRecord, PassageRecord } from '../types.js';
import type { PageWithPassages, SearchBackend } from './backend.js';
import { StructureRankedBackend } from './structure-ranking.js';

export function makePage(
  url: string,
  texts: readonly string[],
  extra: Partial<PageRecord> & { headings?: readonly string[] } = {},
): PageWithPassages {
  const u = new URL(url);
  const id = extra.id ?? Buffer.from(url).toString('hex').slice(-16);
  const page: PageRecord = {
    id,
    url,
    host: u.hostname,
    title: extra.title ?? `Title of ${u.pathname}`,
    lang: extra.lang ?? 'en',
    publishedAt: extra.publishedAt,
    fetchedAt: extra.fetchedAt ?? '2026-01-01T00:00:00.000Z',
    contentHash: extra.contentHash ?? `hash-${url}`,
  };
  const passages: PassageRecord[] = texts.map((text, position) => ({
    id: `${id}-${position}`,
    pageId: id,
    url,
    host: u.hostname,
    title: page.title,
    headings: extra.headings ?? [],
    text,
    position,
    lang: page.lang,
    publishedAt: page.publishedAt,
    wordCount: text.split(/\s+/).length,
  }));
  return { page, passages };
}

export function defineBackendContract(name: string, create: () => Promise<SearchBackend>): void {
  describe(`search backend contract: ${name}`, () => {
    let backend: SearchBackend;
    beforeEach(async () => {
      backend = await create();
      await backend.open();
    });
    afterEach(async () => {
      await backend.close();
    });

    it('finds a written passage and returns its page fields and a snippet', async () => {
      await backend.replacePages([
        makePage(
          'https://a.example/bees',
          ['Honey bees communicate the location of flowers with a waggle dance.'],
          {
            title: 'Bees',
          },
        ),
        makePage('https://a.example/ants', ['Ants follow pheromone trails laid by scouts.'], {
          title: 'Ants',
        }),
      ]);
      await backend.refresh();
      const hits = await backend.search({ text: 'how do bees communicate', limit: 5 });
      expect(hits[0]?.passage.url).toBe('https://a.example/bees');
      expect(hits[0]?.passage.title).toBe('Bees');
      expect(hits[0]?.snippet).toContain('waggle dance');
      expect(
        hits.every((h) => h.passage.url !== 'https://a.example/ants' || h.score < (hits[0]?.score ?? 0)),
      ).toBe(true);
    });

    it('replaces a page on re-index instead of duplicating it', async () => {
      await backend.replacePages([makePage('https://a.example/p', ['old text about zebras', 'more zebras'])]);
      await backend.replacePages([makePage('https://a.example/p', ['new text about giraffes'])]);
      await backend.refresh();
      expect(await backend.search({ text: 'zebras', limit: 5 })).toHaveLength(0);
      const hits = await backend.search({ text: 'giraffes', limit: 5 });
      expect(hits).toHaveLength(1);
      const stats = await backend.stats();
      expect(stats.pages).toBe(1);
      expect(stats.passages).toBe(1);
    });

    it('deletes a page and reports whether it was there', async () => {
      await backend.replacePages([makePage('https://a.example/gone', ['a page about platypus'])]);
      await backend.refresh();
      expect(await backend.deletePage('https://a.example/gone')).toBe(true);
      expect(await backend.deletePage('https://a.example/gone')).toBe(false);
      await backend.refresh();
      expect(await backend.search({ text: 'platypus', limit: 5 })).toHaveLength(0);
    });

    it('filters by site (subdomains included), language and date', async () => {
      await backend.replacePages([
        makePage('https://docs.one.example/x', ['kites fly in the wind'], {
          lang: 'en',
          publishedAt: '2025-06-01T00:00:00.000Z',
        }),
        makePage('https://two.example/y', ['kites fly high over the beach'], {
          lang: 'de',
          publishedAt: '2020-01-01T00:00:00.000Z',
        }),
      ]);
      await backend.refresh();
      const bySite = await backend.search({ text: 'kites', limit: 5, sites: ['one.example'] });
      expect(bySite.map((h) => h.passage.host)).toEqual(['docs.one.example']);
      const byLang = await backend.search({ text: 'kites', limit: 5, lang: 'de' });
      expect(byLang.map((h) => h.passage.host)).toEqual(['two.example']);
      const bySince = await backend.search({ text: 'kites', limit: 5, since: '2025-01-01' });
      expect(bySince.map((h) => h.passage.host)).toEqual(['docs.one.example']);
    });

    it('limits passages per page when asked', async () => {
      await backend.replacePages([
        makePage('https://a.example/many', ['orchids one', 'orchids two', 'orchids three', 'orchids four']),
        makePage('https://a.example/other', ['orchids elsewhere']),
      ]);
      await backend.refresh();
      const hits = await backend.search({ text: 'orchids', limit: 10, maxPerPage: 2 });
      expect(hits.filter((h) => h.passage.url === 'https://a.example/many')).toHaveLength(2);
      expect(hits.some((h) => h.passage.url === 'https://a.example/other')).toBe(true);
    });

    it('finds Chinese passages from a Chinese question', async () => {
      await backend.replacePages([
        makePage('https://zh.example/a', ['美国国家航空航天局的阿波罗计划在1969年实现了载人登月。'], {
          lang: 'zh',
        }),
        makePage('https://zh.example/b', ['长城是中国古代的军事防御工程。'], { lang: 'zh' }),
      ]);
      await backend.refresh();
      const hits = await backend.search({ text: '阿波罗计划什么时候登月？', limit: 5 });
      expect(hits[0]?.passage.url).toBe('https://zh.example/a');
    });

    it('returns passages by id and bumps the generation on writes', async () => {
      const before = await backend.generation();
      const item = makePage('https://a.example/ids', ['first passage', 'second passage']);
      await backend.replacePages([item]);
      expect(await backend.generation()).toBeGreaterThan(before);
      const got = await backend.getPassages([item.passages[1]?.id ?? '', 'missing']);
      expect(got.map((p) => p.text)).toEqual(['second passage']);
    });

    it('keeps a passage’s structure and anchor, and ranks the passage that defines an identifier first', async () => {
      const page = makePage('https://a.example/config', [
        'Setting this to true makes Git convert line endings, much as core.autocrlf does on checkout of a file.',
        'Setting this variable to "true" converts CRLF line endings to LF when files are added to the index, and back on checkout.',
      ]);
      const passages = page.passages.map((p, i) =>
        i === 1
          ? { ...p, headings: ['Variables', 'core.autocrlf'], kind: 'term' as const, anchor: 'core-autocrlf' }
          : { ...p, headings: ['Variables', 'core.eol'], kind: 'term' as const },
      );
      await backend.replacePages([{ page: page.page, passages }]);
      await backend.refresh();
      // Structure ranking wraps every backend (factory.ts): over each, the definition comes first.
      const hits = await new StructureRankedBackend(backend).search({
        text: 'what does core.autocrlf do',
        limit: 5,
      });
      expect(hits[0]?.passage.headings).toEqual(['Variables', 'core.autocrlf']);
      expect(hits[0]?.passage.kind).toBe('term');
      expect(hits[0]?.passage.anchor).toBe('core-autocrlf');
      const [byId] = await backend.getPassages([passages[1]?.id ?? '']);
      expect(byId).toMatchObject({ kind: 'term', anchor: 'core-autocrlf' });
    });

    it('treats query syntax as plain words', async () => {
      await backend.replacePages([makePage('https://a.example/q', ['quotes and stars are fine'])]);
      await backend.refresh();
      for (const text of ['"unbalanced', 'NEAR(a b)', 'a* OR -b', 'title:x', '()', '^&%$']) {
        await expect(backend.search({ text, limit: 5 })).resolves.toBeInstanceOf(Array);
      }
    });

    it('reports health', async () => {
      expect((await backend.ping()).ok).toBe(true);
    });
  });
}
