// The start-up check of an engine: before Citebox creates or uses its index, it asks the engine for
// everything the index design and the adapter rely on, and stops with one message naming all that
// is missing (and the module or plugin that provides it) instead of failing later on the first
// request that needs it. What is checked follows from the design itself (the analyzers, tokenizers
// and filters it names but does not define), so a new design is checked without touching this file.
import { CiteboxError, isCiteboxError } from '../../errors.js';
import type { EngineClient, EngineInfo } from './engine-client.js';
import type { EngineFlavor } from './index-design.js';

/** An analysis component the engine must provide by name. */
export interface AnalysisComponent {
  readonly kind: 'analyzer' | 'tokenizer' | 'token filter' | 'char filter';
  readonly name: string;
}

/** Where the components Citebox uses come from in a full distribution (for messages). */
const PROVIDED_BY: Readonly<Record<string, string>> = {
  standard: 'the server',
  lowercase: 'the server',
  keyword: 'the server',
  whitespace: 'the server',
};

/** Lowest versions Citebox supports (point in time + `_shard_doc`, kNN with filters). */
export const MINIMUM_VERSIONS: Readonly<Record<EngineFlavor, readonly [number, number]>> = {
  elasticsearch: [8, 12],
  opensearch: [2, 4],
};

const KNN_PLUGIN = 'opensearch-knn';

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function collectAnalyzers(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectAnalyzers(item, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (
      (key === 'analyzer' || key === 'search_analyzer' || key === 'search_quote_analyzer') &&
      typeof value === 'string'
    )
      out.add(value);
    else collectAnalyzers(value, out);
  }
}

/**
 * The analysis components an index body uses by name without defining them in its settings: what
 * the engine must have built in (e.g. `english`, `cjk_width`). Pure.
 */
export function builtInAnalysis(body: {
  settings?: Record<string, unknown>;
  mappings?: Record<string, unknown>;
}): AnalysisComponent[] {
  const analysis = (body.settings?.['analysis'] ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const defined = (section: string) => new Set(Object.keys(analysis[section] ?? {}));
  const analyzers = defined('analyzer');
  const tokenizers = defined('tokenizer');
  const filters = defined('filter');
  const charFilters = defined('char_filter');
  const out = new Map<string, AnalysisComponent>();
  const add = (kind: AnalysisComponent['kind'], name: string) => out.set(`${kind}:${name}`, { kind, name });

  const used = new Set<string>();
  collectAnalyzers(body.mappings, used);
  for (const name of used) if (!analyzers.has(name)) add('analyzer', name);
  for (const definition of Object.values(analysis['analyzer'] ?? {})) {
    const d = (definition ?? {}) as Record<string, unknown>;
    if (d['type'] !== undefined && d['type'] !== 'custom') {
      // An analyzer of a built-in type (e.g. `type: english` with its own stop words).
      if (typeof d['type'] === 'string') add('analyzer', d['type']);
      continue;
    }
    for (const t of strings(d['tokenizer'])) if (!tokenizers.has(t)) add('tokenizer', t);
    for (const f of strings(d['filter'])) if (!filters.has(f)) add('token filter', f);
    for (const c of strings(d['char_filter'])) if (!charFilters.has(c)) add('char filter', c);
  }
  for (const [section, kind] of [
    ['tokenizer', 'tokenizer'],
    ['filter', 'token filter'],
    ['char_filter', 'char filter'],
  ] as const) {
    for (const definition of Object.values(analysis[section] ?? {})) {
      const type = (definition as Record<string, unknown> | undefined)?.['type'];
      if (typeof type === 'string') add(kind, type);
    }
  }
  return [...out.values()];
}

/** An `_analyze` request that succeeds only when the engine has the component. Pure. */
export function analyzeProbe(component: AnalysisComponent): Record<string, unknown> {
  const text = 'Running Café ｶﾀｶﾅ 検索';
  switch (component.kind) {
    case 'analyzer':
      return { analyzer: component.name, text };
    case 'tokenizer':
      return { tokenizer: component.name, text };
    case 'token filter':
      return { tokenizer: 'standard', filter: [component.name], text };
    case 'char filter':
      return { tokenizer: 'standard', char_filter: [component.name], text };
  }
}

/** Whether a version string is below the minimum for its engine. Pure. */
export function belowMinimum(flavor: EngineFlavor, version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map((p) => Number.parseInt(p, 10) || 0);
  const [minMajor, minMinor] = MINIMUM_VERSIONS[flavor];
  return major < minMajor || (major === minMajor && minor < minMinor);
}

/** Analysis plugins (not modules) by the prefix of what they register. */
const PLUGIN_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ['kuromoji', 'plugin analysis-kuromoji'],
  ['nori', 'plugin analysis-nori'],
  ['smartcn', 'plugin analysis-smartcn'],
  ['icu_', 'plugin analysis-icu'],
  ['phonetic', 'plugin analysis-phonetic'],
  ['polish', 'plugin analysis-stempel'],
  ['ukrainian', 'plugin analysis-ukrainian'],
];

export function describeComponent(c: AnalysisComponent): string {
  const from =
    PROVIDED_BY[c.name] ??
    PLUGIN_PREFIXES.find(([prefix]) => c.name.startsWith(prefix))?.[1] ??
    'module analysis-common';
  return `${c.kind} "${c.name}" (${from})`;
}

export interface FeatureNeeds {
  /** The index body Citebox will create (its analysis is checked). */
  readonly indexBody: { settings?: Record<string, unknown>; mappings?: Record<string, unknown> };
  /** Whether passages carry vectors (EMBEDDINGS_DIMENSIONS is set). */
  readonly vectors: boolean;
}

/** A request the engine has no handler for (a missing module), as opposed to one it refused. */
function isMissingEndpoint(err: unknown): boolean {
  if (!isCiteboxError(err) || err.code !== 'BACKEND_ERROR') return false;
  const status = err.details?.['status'];
  return status === 404 || status === 405 || (status === 400 && /no handler found/i.test(err.message));
}

/**
 * Checks that the engine has everything Citebox needs; returns its info, or throws
 * BACKEND_UNSUPPORTED listing every missing part. An unreachable engine throws as it is
 * (BACKEND_UNAVAILABLE: retry later).
 */
export async function checkEngineFeatures(client: EngineClient, needs: FeatureNeeds): Promise<EngineInfo> {
  const missing: string[] = [];
  let info: EngineInfo | undefined;
  try {
    info = await client.info();
  } catch (err) {
    if (!isMissingEndpoint(err)) throw err;
    missing.push('GET / (the root endpoint the clients call for info and ping; module rest-root)');
  }
  const engine = client.flavor === 'elasticsearch' ? 'Elasticsearch' : 'OpenSearch';
  if (info && belowMinimum(client.flavor, info.version)) {
    const [major, minor] = MINIMUM_VERSIONS[client.flavor];
    missing.push(`version ${major}.${minor} or newer (this is ${info.version})`);
  }
  const probes = await Promise.all(
    builtInAnalysis(needs.indexBody).map(async (component) => {
      try {
        await client.analyze(analyzeProbe(component));
        return undefined;
      } catch (err) {
        if (isCiteboxError(err) && err.code === 'BACKEND_ERROR') return describeComponent(component);
        throw err;
      }
    }),
  );
  missing.push(...probes.filter((p): p is string => p !== undefined));
  if (needs.vectors && client.flavor === 'opensearch' && !(await client.plugins()).includes(KNN_PLUGIN)) {
    missing.push(
      `the k-NN plugin (${KNN_PLUGIN}) for vectors: install it, or unset EMBEDDINGS_DIMENSIONS to search with BM25 only`,
    );
  }
  if (missing.length > 0 || !info) {
    throw new CiteboxError(
      'BACKEND_UNSUPPORTED',
      `${engine} at ${client.displayUrl} lacks what Citebox needs: ${missing.join('; ')}.` +
        (missing.some((m) => /module|plugin/.test(m))
          ? ` The full ${engine} distribution (e.g. its official Docker image) has the modules and plugins named here.`
          : ''),
      { details: { missing } },
    );
  }
  return info;
}
