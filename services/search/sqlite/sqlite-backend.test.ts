import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { defineBackendContract, makePage } from '../backend-contract.testkit.js';
import { tempDirs } from '../temp-dirs.testkit.js';
import { SqliteBackend } from './sqlite-backend.js';

const tempDir = tempDirs('sqlite');
function tempDb(): string {
  return join(tempDir(), 'index.sqlite');
}

defineBackendContract('sqlite', async () => new SqliteBackend({ path: tempDb(), logger: silentLogger() }));

describe('sqlite backend specifics', () => {
  it('lets a second connection read what the first wrote (WAL, CLI + server)', async () => {
    const path = tempDb();
    const writer = new SqliteBackend({ path, logger: silentLogger() });
    const reader = new SqliteBackend({ path, logger: silentLogger() });
    await writer.open();
    await reader.open();
    await writer.replacePages([makePage('https://a.example/shared', ['shared lighthouse keepers'])]);
    const hits = await reader.search({ text: 'lighthouse', limit: 3 });
    expect(hits).toHaveLength(1);
    await writer.close();
    await reader.close();
  });

  it.each([
    ['in this process', false],
    ['in another process', true],
  ])('shows a passage rewritten %s as it is now, not as a search read it before', async (_where, other) => {
    const path = tempDb();
    const reader = new SqliteBackend({ path, logger: silentLogger() });
    const writer = other ? new SqliteBackend({ path, logger: silentLogger() }) : reader;
    await reader.open();
    if (other) await writer.open();
    const url = 'https://a.example/keepers';
    await writer.replacePages([makePage(url, ['the lighthouse keepers trim the old lamp'])]);
    for (let i = 0; i < 2; i++) {
      const [hit] = await reader.search({ text: 'lighthouse keepers', limit: 1 });
      expect(hit?.passage.text).toBe('the lighthouse keepers trim the old lamp');
    }
    // The same page (so the same rowids) with new text.
    await writer.replacePages([makePage(url, ['the lighthouse keepers light the new lamp'])]);
    const [hit] = await reader.search({ text: 'lighthouse keepers', limit: 1 });
    expect(hit?.passage.text).toBe('the lighthouse keepers light the new lamp');
    expect(hit?.snippet).toContain('new lamp');
    if (other) await writer.close();
    await reader.close();
  });

  it('makes a hit’s snippet when it is read; spreading or serializing a hit keeps it', async () => {
    const backend = new SqliteBackend({ path: tempDb(), logger: silentLogger() });
    await backend.open();
    await backend.replacePages([
      makePage('https://a.example/lamp', ['the keepers trim the lighthouse lamp wick every evening at dusk']),
    ]);
    const [hit] = await backend.search({ text: 'lighthouse', limit: 1 });
    expect(hit?.snippet).toContain('lighthouse');
    expect({ ...hit }.snippet).toBe(hit?.snippet);
    expect((JSON.parse(JSON.stringify(hit)) as { snippet: string }).snippet).toBe(hit?.snippet);
    // What the backend keeps on hits and passages for itself is hidden: copies and comparisons
    // see the public fields only.
    expect(Object.keys({ ...hit })).toEqual(['passage', 'score', 'snippet']);
    expect(Object.keys(hit?.passage ?? {})).not.toContain(expect.stringMatching(/rowid/));
    expect({ ...hit?.passage }).toEqual(hit?.passage);
    await backend.close();
  });

  it('gives every hit the same snippet getter, not a closure each', async () => {
    // A getter per hit gave each hit an accessor V8 does not share between objects, which kept
    // every hit, its passage and its row alive through young-generation collections.
    const backend = new SqliteBackend({ path: tempDb(), logger: silentLogger() });
    await backend.open();
    await backend.replacePages([
      makePage('https://a.example/1', ['lighthouse keepers trim the lamp', 'fog at the lighthouse']),
      makePage('https://a.example/2', ['the lighthouse stood on a rock']),
    ]);
    const hits = await backend.search({ text: 'lighthouse', limit: 5 });
    expect(hits).toHaveLength(3);
    const getters = new Set(hits.map((h) => Object.getOwnPropertyDescriptor(h, 'snippet')?.get));
    expect(getters.size).toBe(1);
    expect([...getters][0]).toBeTypeOf('function');
    expect(hits.map((h) => h.snippet.includes('lighthouse'))).toEqual([true, true, true]);
    await backend.close();
  });

  it('gives a compact form of its hits (rowid and score) and the hits back from it', async () => {
    const path = tempDb();
    const backend = new SqliteBackend({ path, logger: silentLogger() });
    const other = new SqliteBackend({ path, logger: silentLogger() });
    await backend.open();
    await other.open();
    await backend.replacePages([
      makePage('https://a.example/1', [
        'lighthouse keepers trim the lamp',
        'fog horns sound at the lighthouse',
      ]),
      makePage('https://a.example/2', ['the lighthouse stood on a rock']),
    ]);
    const query = { text: 'lighthouse', limit: 5 };
    const hits = await backend.search(query);
    expect(hits).toHaveLength(3);
    const encoded = backend.resultCodec.encode(hits);
    expect(encoded?.byteLength).toBe(48);
    // Any process may decode it: rowids name passages in the file.
    expect(other.resultCodec.decode(query, encoded as Uint8Array)).toEqual(hits);
    // Bytes from a BLOB need not be 8-aligned.
    const unaligned = new Uint8Array(new ArrayBuffer(49), 1, 48);
    unaligned.set(encoded as Uint8Array);
    expect(backend.resultCodec.decode(query, unaligned)).toEqual(hits);
    // Hits it did not make (copies, another backend's) have no compact form.
    expect(
      backend.resultCodec.encode(hits.map((h) => ({ ...h, passage: { ...h.passage } }))),
    ).toBeUndefined();
    expect(backend.resultCodec.encode(await other.search(query))).toBeUndefined();
    // A passage deleted since is left out.
    await backend.deletePage('https://a.example/2');
    expect(backend.resultCodec.decode(query, encoded as Uint8Array).map((h) => h.passage.url)).toEqual(
      hits.map((h) => h.passage.url).filter((u) => u !== 'https://a.example/2'),
    );
    await backend.close();
    await other.close();
  });

  it('weights title matches above body matches', async () => {
    const backend = new SqliteBackend({ path: tempDb(), logger: silentLogger() });
    await backend.open();
    await backend.replacePages([
      makePage(
        'https://a.example/body',
        ['this page mentions volcanoes once among many other words about geography'],
        {
          title: 'Geography',
        },
      ),
      makePage('https://a.example/title', ['this page is about mountains and other words about geography'], {
        title: 'Volcanoes',
      }),
    ]);
    const hits = await backend.search({ text: 'volcanoes', limit: 2 });
    expect(hits[0]?.passage.url).toBe('https://a.example/title');
    await backend.close();
  });
});

describe('sqlite analysis and ranking', () => {
  async function open(options: Partial<ConstructorParameters<typeof SqliteBackend>[0]> = {}) {
    const backend = new SqliteBackend({ path: tempDb(), logger: silentLogger(), ...options });
    await backend.open();
    return backend;
  }

  it('matches other inflections of a word, and stop-word queries still find their text', async () => {
    const backend = await open();
    await backend.replacePages([
      makePage('https://a.example/bees', ['Honey bees communicated with dances.']),
      makePage('https://a.example/hamlet', ['To be, or not to be, that is the question.']),
    ]);
    expect((await backend.search({ text: 'communicating bee', limit: 3 }))[0]?.passage.url).toBe(
      'https://a.example/bees',
    );
    expect((await backend.search({ text: 'to be or not to be', limit: 3 }))[0]?.passage.url).toBe(
      'https://a.example/hamlet',
    );
    await backend.close();
  });

  it('finds the letters of a token that mixes letters and digits', async () => {
    const backend = await open();
    await backend.replacePages([
      makePage('https://a.example/foxo', ['FOXO transcription factors are regulated by SIRT1.']),
      makePage('https://a.example/other', ['Transcription happens in the nucleus.']),
    ]);
    const hits = await backend.search({ text: 'FoxO3a activation', limit: 3 });
    expect(hits[0]?.passage.url).toBe('https://a.example/foxo');
    await backend.close();
  });

  it('ranks a passage holding the query words close together above one holding them apart', async () => {
    const backend = await open();
    const filler = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod';
    await backend.replacePages([
      makePage('https://a.example/apart', [`solar ${filler} ${filler} panels ${filler}`]),
      makePage('https://a.example/near', [`${filler} solar panels ${filler} ${filler}`]),
    ]);
    const hits = await backend.search({ text: 'solar panels', limit: 2 });
    expect(hits.map((h) => h.passage.url)).toEqual(['https://a.example/near', 'https://a.example/apart']);
    await backend.close();
  });

  it('still answers when every query word is too common to rank in FTS5 (capped candidates)', async () => {
    // A budget of 2 postings makes both terms (in 6 and 3 passages) "common" in this small index.
    const backend = await open({ retrieval: { budget: 2 } });
    await backend.replacePages(
      Array.from({ length: 6 }, (_, i) =>
        makePage(`https://a.example/${i}`, [
          i === 4
            ? 'river banks and more river banks'
            : i % 2 === 0
              ? `river banks ${i}`
              : `river number ${i}`,
        ]),
      ),
    );
    const hits = await backend.search({ text: 'river banks', limit: 6 });
    // Passages holding both words are candidates first, then those holding either; all re-ranked.
    expect(hits[0]?.passage.url).toBe('https://a.example/4');
    expect(hits).toHaveLength(6);
    expect(hits.slice(0, 3).every((h) => h.passage.text.includes('banks'))).toBe(true);
    await backend.close();
  });

  it('adds feedback terms for a short query in a large enough index', async () => {
    const pages = [
      makePage('https://a.example/1', ['statins lower cholesterol in the blood']),
      makePage('https://a.example/2', ['statins and cholesterol: a review of trials']),
      makePage('https://a.example/3', ['lowering cholesterol with diet and exercise']),
      makePage('https://a.example/4', ['gardening tips for spring']),
    ];
    const plain = await open();
    const withFeedback = await open({
      ranking: { feedback: { docs: 2, terms: 3, weight: 0.5, fullUpTo: 2, offFrom: 4, minPassages: 0 } },
    });
    for (const b of [plain, withFeedback]) await b.replacePages(pages);
    // Only the feedback run learns "cholesterol" from the statin passages and finds page 3.
    expect((await plain.search({ text: 'statins', limit: 5 })).map((h) => h.passage.url)).not.toContain(
      'https://a.example/3',
    );
    expect((await withFeedback.search({ text: 'statins', limit: 5 })).map((h) => h.passage.url)).toContain(
      'https://a.example/3',
    );
    await plain.close();
    await withFeedback.close();
  });

  it('replaces a page in place: old passages and vectors go, counts stay right', async () => {
    const backend = await open();
    const first = makePage('https://a.example/p', ['alpha one', 'alpha two', 'alpha three']);
    await backend.replacePages([
      { page: first.page, passages: first.passages.map((p, i) => ({ ...p, vector: [1, i, 0] })) },
    ]);
    expect((await backend.stats()).passages).toBe(3);
    await backend.replacePages([makePage('https://a.example/p', ['beta only'])]);
    expect((await backend.stats()).passages).toBe(1);
    expect(await backend.search({ text: 'alpha', limit: 5 })).toHaveLength(0);
    expect(await backend.searchVectors({ vector: [1, 0, 0], limit: 5 })).toHaveLength(0);
    await backend.close();
  });

  it('searches stored vectors by cosine, with filters', async () => {
    const backend = await open();
    const a = makePage('https://a.example/x', ['north'], { lang: 'en' });
    const b = makePage('https://b.example/y', ['east'], { lang: 'de' });
    await backend.replacePages([
      { page: a.page, passages: a.passages.map((p) => ({ ...p, vector: [0, 2] })) },
      { page: b.page, passages: b.passages.map((p) => ({ ...p, vector: [3, 0.1] })) },
    ]);
    const hits = await backend.searchVectors({ vector: [1, 0], limit: 2 });
    expect(hits.map((h) => h.passage.url)).toEqual(['https://b.example/y', 'https://a.example/x']);
    expect(hits[0]?.score).toBeCloseTo(3 / Math.hypot(3, 0.1), 5);
    const filtered = await backend.searchVectors({ vector: [1, 0], limit: 2, lang: 'en' });
    expect(filtered.map((h) => h.passage.url)).toEqual(['https://a.example/x']);
    await backend.close();
  });

  it('returns the nearest vectors best first when there are more passages than it keeps', async () => {
    const backend = await open();
    // 200 pages of one passage at angles spread around the circle (scanned in rowid order, which
    // is not the order of their scores); 5 asked, 50 kept while scanning.
    const angles = Array.from({ length: 200 }, (_, i) => ((i * 73) % 200) * ((2 * Math.PI) / 200));
    await backend.replacePages(
      angles.map((angle, i) => {
        const page = makePage(`https://a.example/p${i}`, [`passage ${i}`]);
        return {
          page: page.page,
          passages: page.passages.map((p) => ({ ...p, vector: [Math.cos(angle), Math.sin(angle)] })),
        };
      }),
    );
    const nearest = angles
      .map((angle, i) => ({ url: `https://a.example/p${i}`, score: Math.cos(angle - 0.3) }))
      .sort((x, y) => y.score - x.score)
      .slice(0, 5);
    const hits = await backend.searchVectors({ vector: [Math.cos(0.3), Math.sin(0.3)], limit: 5 });
    expect(hits.map((h) => h.passage.url)).toEqual(nearest.map((n) => n.url));
    await backend.close();
  });

  it('sees vectors written after a vector search, by itself or by another connection', async () => {
    const path = tempDb();
    const writer = new SqliteBackend({ path, logger: silentLogger() });
    const reader = new SqliteBackend({ path, logger: silentLogger() });
    await writer.open();
    await reader.open();
    const withVector = (url: string, vector: number[]) => {
      const page = makePage(url, [url]);
      return { page: page.page, passages: page.passages.map((p) => ({ ...p, vector })) };
    };
    await writer.replacePages([withVector('https://a.example/east', [1, 0])]);
    const urls = async (b: SqliteBackend) =>
      (await b.searchVectors({ vector: [0, 1], limit: 3 })).map((h) => h.passage.url);
    expect(await urls(writer)).toEqual(['https://a.example/east']);
    expect(await urls(reader)).toEqual(['https://a.example/east']);
    await writer.replacePages([withVector('https://a.example/north', [0, 1])]);
    expect(await urls(writer)).toEqual(['https://a.example/north', 'https://a.example/east']);
    expect(await urls(reader)).toEqual(['https://a.example/north', 'https://a.example/east']);
    await writer.deletePage('https://a.example/north');
    expect(await urls(reader)).toEqual(['https://a.example/east']);
    await writer.close();
    await reader.close();
  });

  it('keeps the analysis an index was built with', async () => {
    const path = tempDb();
    const first = new SqliteBackend({ path, logger: silentLogger(), analyzer: { cjk: 'icu' } });
    await first.open();
    await first.close();
    const second = new SqliteBackend({ path, logger: silentLogger() });
    await second.open();
    expect(second.analyzer.cjk).toBe('icu');
    await second.close();
  });

  it('refuses an index of another schema version with a clear message, without touching it', async () => {
    const path = tempDb();
    const old = new DatabaseSync(path);
    old.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      INSERT INTO meta VALUES ('schema_version', '1'), ('generation', '7');`);
    old.close();
    const backend = new SqliteBackend({ path, logger: silentLogger() });
    await expect(backend.open()).rejects.toThrow(/schema version 1; this Citebox needs \d+\. Reindex/);
    const check = new DatabaseSync(path);
    const tables = check.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table'`).all();
    check.close();
    expect(tables.map((t) => (t as { name: string }).name)).toEqual(['meta']);
  });
});
