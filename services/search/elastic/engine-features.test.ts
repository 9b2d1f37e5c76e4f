import { describe, expect, it } from 'vitest';
import { CiteboxError } from '../../errors.js';
import type { EngineClient, EngineInfo } from './engine-client.js';
import {
  type AnalysisComponent,
  analyzeProbe,
  belowMinimum,
  builtInAnalysis,
  checkEngineFeatures,
  describeComponent,
} from './engine-features.js';
import { type EngineFlavor, indexBody } from './index-design.js';

describe('builtInAnalysis', () => {
  it('finds what the Citebox design takes from the engine', () => {
    const names = builtInAnalysis(indexBody({ flavor: 'elasticsearch', shards: 1, replicas: 0 })).map(
      (c) => `${c.kind}:${c.name}`,
    );
    expect(names.sort()).toEqual([
      'analyzer:cjk',
      'analyzer:english',
      'token filter:asciifolding',
      'token filter:cjk_width',
      'token filter:lowercase',
      'tokenizer:standard',
    ]);
  });

  it.each<[string, Parameters<typeof builtInAnalysis>[0], string[]]>([
    ['nothing', {}, []],
    [
      'a search analyzer and a defined one',
      {
        settings: { analysis: { analyzer: { mine: { type: 'custom', tokenizer: 'whitespace' } } } },
        mappings: { properties: { a: { type: 'text', analyzer: 'mine', search_analyzer: 'french' } } },
      },
      ['analyzer:french', 'tokenizer:whitespace'],
    ],
    [
      'filters defined in the settings are not built in, their types are',
      {
        settings: {
          analysis: {
            filter: { my_stop: { type: 'stop', stopwords: ['x'] } },
            analyzer: {
              a: { tokenizer: 'standard', filter: ['my_stop', 'porter_stem'], char_filter: 'html_strip' },
            },
          },
        },
      },
      ['tokenizer:standard', 'token filter:porter_stem', 'char filter:html_strip', 'token filter:stop'],
    ],
    [
      'an analyzer of a built-in type',
      { settings: { analysis: { analyzer: { en: { type: 'english', stopwords: '_none_' } } } } },
      ['analyzer:english'],
    ],
  ])('%s', (_name, body, expected) => {
    expect(builtInAnalysis(body).map((c) => `${c.kind}:${c.name}`)).toEqual(expected);
  });
});

describe('analyzeProbe and describeComponent', () => {
  it.each<[AnalysisComponent, Record<string, unknown>, string]>([
    [
      { kind: 'analyzer', name: 'english' },
      { analyzer: 'english' },
      'analyzer "english" (module analysis-common)',
    ],
    [{ kind: 'tokenizer', name: 'standard' }, { tokenizer: 'standard' }, 'tokenizer "standard" (the server)'],
    [
      { kind: 'token filter', name: 'cjk_width' },
      { tokenizer: 'standard', filter: ['cjk_width'] },
      'token filter "cjk_width" (module analysis-common)',
    ],
    [
      { kind: 'analyzer', name: 'kuromoji' },
      { analyzer: 'kuromoji' },
      'analyzer "kuromoji" (plugin analysis-kuromoji)',
    ],
    [
      { kind: 'token filter', name: 'icu_folding' },
      { tokenizer: 'standard', filter: ['icu_folding'] },
      'token filter "icu_folding" (plugin analysis-icu)',
    ],
    [
      { kind: 'char filter', name: 'html_strip' },
      { tokenizer: 'standard', char_filter: ['html_strip'] },
      'char filter "html_strip" (module analysis-common)',
    ],
  ])('%j', (component, request, description) => {
    expect(analyzeProbe(component)).toMatchObject(request);
    expect(analyzeProbe(component)['text']).toEqual(expect.any(String));
    expect(describeComponent(component)).toBe(description);
  });
});

describe('belowMinimum', () => {
  it.each<[EngineFlavor, string, boolean]>([
    ['elasticsearch', '9.5.3', false],
    ['elasticsearch', '8.12.0', false],
    ['elasticsearch', '8.11.4', true],
    ['elasticsearch', '7.17.0', true],
    ['elasticsearch', '10.0.0-SNAPSHOT', false],
    ['opensearch', '2.19.6', false],
    ['opensearch', '2.3.0', true],
    ['opensearch', '1.3.20', true],
    ['opensearch', '3.1.0', false],
  ])('%s %s: %s', (flavor, version, below) => {
    expect(belowMinimum(flavor, version)).toBe(below);
  });
});

/** An engine that answers the check's requests as told; anything else is not expected here. */
function fakeEngine(
  flavor: EngineFlavor,
  answers: { info: () => Promise<EngineInfo>; known: readonly string[]; plugins?: readonly string[] },
): EngineClient {
  const refused = (what: string, status: number) =>
    new CiteboxError('BACKEND_ERROR', `${what}: answered ${status}`, { details: { status } });
  return {
    flavor,
    displayUrl: 'http://127.0.0.1:9200',
    info: answers.info,
    analyze: async (request: Record<string, unknown>) => {
      const names = [
        request['analyzer'],
        request['tokenizer'],
        request['filter'],
        request['char_filter'],
      ].flat();
      const unknown = names.find((n) => typeof n === 'string' && !answers.known.includes(n));
      if (unknown) throw refused(`failed to find ${unknown}`, 400);
      return ['token'];
    },
    plugins: async () => [...(answers.plugins ?? [])],
  } as unknown as EngineClient;
}

const CORE = ['standard', 'lowercase'];
const COMMON = ['english', 'cjk', 'cjk_width', 'asciifolding'];
const DESIGN = indexBody({ flavor: 'elasticsearch', shards: 1, replicas: 0 });

describe('checkEngineFeatures', () => {
  it('passes a complete engine and returns its info', async () => {
    const client = fakeEngine('elasticsearch', {
      info: async () => ({ distribution: 'elasticsearch', version: '9.5.3' }),
      known: [...CORE, ...COMMON],
    });
    await expect(checkEngineFeatures(client, { indexBody: DESIGN, vectors: true })).resolves.toEqual({
      distribution: 'elasticsearch',
      version: '9.5.3',
    });
  });

  it('names everything a bare integ-test-zip node lacks, in one message', async () => {
    const client = fakeEngine('elasticsearch', {
      info: async () => {
        throw new CiteboxError('BACKEND_ERROR', 'ping: answered 405', { details: { status: 405 } });
      },
      known: CORE,
    });
    const err = await checkEngineFeatures(client, { indexBody: DESIGN, vectors: false }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'BACKEND_UNSUPPORTED', action: 'stop' });
    const message = (err as Error).message;
    expect(message).toContain('Elasticsearch at http://127.0.0.1:9200 lacks what Citebox needs');
    expect(message).toContain('GET / (the root endpoint');
    expect(message).toContain('module rest-root');
    for (const name of COMMON) expect(message).toContain(`"${name}" (module analysis-common)`);
    expect(message).not.toContain('"standard"');
    expect((err as CiteboxError).details?.['missing']).toHaveLength(5);
  });

  it('refuses versions below the minimum', async () => {
    const client = fakeEngine('opensearch', {
      info: async () => ({ distribution: 'opensearch', version: '2.3.0' }),
      known: [...CORE, ...COMMON],
    });
    await expect(checkEngineFeatures(client, { indexBody: DESIGN, vectors: false })).rejects.toThrow(
      /OpenSearch at .* lacks what Citebox needs: version 2\.4 or newer \(this is 2\.3\.0\)\.$/,
    );
  });

  it('asks OpenSearch for the k-NN plugin only when vectors are on', async () => {
    const answers = {
      info: async () => ({ distribution: 'opensearch' as const, version: '2.19.6' }),
      known: [...CORE, ...COMMON],
    };
    await expect(
      checkEngineFeatures(fakeEngine('opensearch', answers), { indexBody: DESIGN, vectors: false }),
    ).resolves.toBeDefined();
    await expect(
      checkEngineFeatures(fakeEngine('opensearch', answers), { indexBody: DESIGN, vectors: true }),
    ).rejects.toThrow(/k-NN plugin \(opensearch-knn\).*unset EMBEDDINGS_DIMENSIONS/);
    await expect(
      checkEngineFeatures(fakeEngine('opensearch', { ...answers, plugins: ['opensearch-knn'] }), {
        indexBody: DESIGN,
        vectors: true,
      }),
    ).resolves.toBeDefined();
  });

  it('lets an unreachable engine fail as unavailable (retry), not as unsupported', async () => {
    const client = fakeEngine('elasticsearch', {
      info: async () => {
        throw new CiteboxError('BACKEND_UNAVAILABLE', 'ping: cannot reach Elasticsearch');
      },
      known: [],
    });
    await expect(checkEngineFeatures(client, { indexBody: DESIGN, vectors: false })).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
    });
  });
});
