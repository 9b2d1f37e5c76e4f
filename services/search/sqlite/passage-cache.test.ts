import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { DEFAULT_ANALYZER, englishStem } from '../../text/index.js';
import { analyzeQuery } from '../analysis.js';
import { makePage } from '../backend-contract.testkit.js';
import { tempDirs } from '../temp-dirs.testkit.js';
import { SurfaceVocabulary, tokenizeText } from './field-tokens.js';
import { PassageTokenCache } from './passage-cache.js';
import {
  DEFAULT_RANKING,
  feedbackTerms,
  feedbackTermsTokenized,
  rankCandidates,
  rankTokenized,
} from './ranking.js';
import { SqliteBackend } from './sqlite-backend.js';

const headingsText = (json: string) => (JSON.parse(json) as string[]).join(' \n ');

describe('field tokens', () => {
  it.each([
    ['Landing gear landed', ['landing', 'gear', 'landed']],
    ['FoxO3a and IL6', ['foxo3a', 'foxo', 'and', 'il6', 'il']],
    ['Café naïve', ['cafe', 'naive']],
    ['北京大学', ['北京', '京大', '大学']],
  ])('%s → surfaces %j, each with its stem', (text, surfaces) => {
    const vocabulary = new SurfaceVocabulary();
    const ids = tokenizeText(text, DEFAULT_ANALYZER, vocabulary);
    expect([...ids].map((id) => vocabulary.surface(id))).toEqual(surfaces);
    for (const id of ids) expect(vocabulary.stem(id)).toBe(englishStem(vocabulary.surface(id)));
  });

  it('interns a surface once', () => {
    const vocabulary = new SurfaceVocabulary();
    const ids = tokenizeText('the cat and the hat and the cat', DEFAULT_ANALYZER, vocabulary);
    expect(vocabulary.size).toBe(4);
    expect(ids[0]).toBe(ids[3]);
  });

  it('gives each lookup its own memo', () => {
    const vocabulary = new SurfaceVocabulary();
    const a = vocabulary.lookup();
    a.set(5000, 3);
    expect(a.get(5000)).toBe(3);
    const b = vocabulary.lookup();
    expect(b.get(5000)).toBeUndefined();
  });
});

describe('ranking over cached tokens', () => {
  const docs = [
    {
      key: 1,
      title: 'Lighthouses',
      headings: 'Keepers',
      body: 'The keeper trims the lamp of the lighthouse at dusk.',
    },
    { key: 2, title: 'Lighthouses', headings: '', body: 'Lamps and lanterns: a lighthouse lamp burns oil.' },
    { key: 3, title: 'Boats', headings: 'Fog', body: 'Fog horns sound when the lamp cannot be seen.' },
  ];
  const stats = { docs: 1000, avgLength: { title: 2, headings: 2, body: 10 } };

  it('scores exactly as from the text', () => {
    const query = analyzeQuery('lighthouse lamps keeper');
    const params = { ...DEFAULT_RANKING, exactWeight: 0.3 };
    const cache = new PassageTokenCache({ maxEntries: 10, analyzer: DEFAULT_ANALYZER, headingsText });
    const vocabulary = cache.begin();
    const tokenized = docs.map((d) => ({
      key: d.key,
      tokens: cache.tokens(d.key, { title: d.title, headings: JSON.stringify([d.headings]), body: d.body }),
    }));
    const fromText = rankCandidates(query, [30, 40, 5], docs, stats, params, DEFAULT_ANALYZER, 0);
    expect(rankTokenized(query, [30, 40, 5], tokenized, stats, params, vocabulary, 0)).toEqual(fromText);
    const feedback = { ...DEFAULT_RANKING.feedback, minPassages: 0 };
    const stop = new Set(['the', 'of', 'at', 'a', 'and', 'be', 'when']);
    const scored = docs.map((d, i) => ({ ...d, score: 3 - i }));
    expect(
      feedbackTermsTokenized(
        query,
        tokenized.map((t, i) => ({ tokens: t.tokens, score: 3 - i })),
        feedback,
        vocabulary,
        stop,
      ),
    ).toEqual(feedbackTerms(query, scored, feedback, DEFAULT_ANALYZER, stop));
  });

  it('uses an entry only while the row holds the same text, and stays bounded', () => {
    const cache = new PassageTokenCache({ maxEntries: 2, analyzer: DEFAULT_ANALYZER, headingsText });
    cache.begin();
    const fields = { title: 'T', headings: '[]', body: 'alpha beta' };
    const first = cache.tokens(7, fields);
    expect(cache.tokens(7, { ...fields })).toBe(first);
    // Rowid 7 now holds another passage (its page was rewritten).
    const other = cache.tokens(7, { ...fields, body: 'gamma delta epsilon' });
    expect(other.body).toHaveLength(3);
    cache.tokens(8, fields);
    cache.tokens(9, fields);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 4, entries: 2 });
  });

  it('drops entries and vocabulary together when the vocabulary outgrows its bound', () => {
    const cache = new PassageTokenCache({
      maxEntries: 10,
      maxSurfaces: 3,
      analyzer: DEFAULT_ANALYZER,
      headingsText,
    });
    cache.begin();
    cache.tokens(1, { title: 'a', headings: '[]', body: 'one two three four' });
    const before = cache.vocabulary;
    expect(cache.begin()).not.toBe(before);
    expect(cache.stats()).toMatchObject({ entries: 0, surfaces: 0 });
  });
});

describe('sqlite backend with the passage cache', () => {
  const tempDir = tempDirs('passage-cache');

  it('re-ranks a rewritten page by its new text, not the tokens cached for its rowids', async () => {
    const path = join(tempDir(), 'index.sqlite');
    const cached = new SqliteBackend({ path, logger: silentLogger() });
    const fresh = new SqliteBackend({ path, logger: silentLogger(), passageCacheSize: 0 });
    await cached.open();
    await fresh.open();
    const pages = Array.from({ length: 6 }, (_, i) =>
      makePage(`https://a.example/${i}`, [`harbour pilot ${i} guides ships`, `tide tables ${i} for pilots`]),
    );
    await cached.replacePages(pages);
    const query = { text: 'harbour pilots tide', limit: 10, maxPerPage: 2 };
    expect(await cached.search(query)).toEqual(await fresh.search(query));
    // Page 3 keeps its URL (and rowids) but says something else now.
    await fresh.replacePages([
      makePage('https://a.example/3', ['harbour harbour harbour pilot tide', 'nothing here']),
    ]);
    const after = await cached.search(query);
    expect(after).toEqual(await fresh.search(query));
    expect(after[0]?.passage.text).toBe('harbour harbour harbour pilot tide');
    expect(cached.passageCacheStats().hits).toBeGreaterThan(0);
    await cached.close();
    await fresh.close();
  });
});
