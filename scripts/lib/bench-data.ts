// Loaders for the evaluation data in ../shared/bench-data (see its README): BEIR retrieval
// collections (corpus.jsonl[.gz], queries.jsonl, qrels.tsv) and QA folders (passages.jsonl as the
// corpus, questions.jsonl whose passage_ids are the judgments).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fixedSample } from './answer-probe.js';

export interface CorpusDoc {
  readonly id: string;
  readonly title: string;
  readonly text: string;
}

export interface EvalQuery {
  readonly id: string;
  readonly text: string;
}

export interface RetrievalCollection {
  readonly name: string;
  readonly format: 'beir' | 'qa';
  readonly docs: readonly CorpusDoc[];
  readonly queries: readonly EvalQuery[];
  /** query id → (doc id → grade). */
  readonly qrels: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** The text of a file, gunzipped when its name ends in .gz. */
export function readMaybeGzip(path: string): string {
  const bytes = readFileSync(path);
  return path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
}

/** Parses JSON Lines, naming the file and line of a bad record. */
export function parseJsonl(text: string, source: string): unknown[] {
  const out: unknown[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(JSON.parse(line));
    } catch (err) {
      throw new Error(`${source}:${i + 1}: not JSON (${(err as Error).message})`, { cause: err });
    }
  });
  return out;
}

function str(record: unknown, key: string, source: string): string {
  const value = (record as Record<string, unknown>)[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw new Error(`${source}: a record has no string "${key}"`);
}

function strings(record: unknown, key: string, source: string): string[] {
  const value = (record as Record<string, unknown>)[key];
  if (!Array.isArray(value)) throw new Error(`${source}: a record has no list "${key}"`);
  return value.map(String);
}

function loadBeir(dir: string, name: string): RetrievalCollection {
  const corpusPath = existsSync(join(dir, 'corpus.jsonl'))
    ? join(dir, 'corpus.jsonl')
    : join(dir, 'corpus.jsonl.gz');
  const docs = parseJsonl(readMaybeGzip(corpusPath), corpusPath).map((r) => ({
    // BEIR's own files say "_id"; the shared copies say "id".
    id:
      (r as Record<string, unknown>)['id'] !== undefined
        ? str(r, 'id', corpusPath)
        : str(r, '_id', corpusPath),
    title: (r as Record<string, unknown>)['title'] === undefined ? '' : str(r, 'title', corpusPath),
    text: str(r, 'text', corpusPath),
  }));
  const queriesPath = join(dir, 'queries.jsonl');
  const queries = parseJsonl(readFileSync(queriesPath, 'utf8'), queriesPath).map((r) => ({
    id:
      (r as Record<string, unknown>)['id'] !== undefined
        ? str(r, 'id', queriesPath)
        : str(r, '_id', queriesPath),
    text: str(r, 'text', queriesPath),
  }));
  const qrelsPath = join(dir, 'qrels.tsv');
  const qrels = new Map<string, Map<string, number>>();
  readFileSync(qrelsPath, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const [q, d, grade] = line.split('\t');
      const g = Number(grade);
      if (q === undefined || d === undefined || !Number.isFinite(g)) {
        // BEIR's qrels files start with a header line; skip it, but nothing else.
        if (i === 0) return;
        throw new Error(`${qrelsPath}:${i + 1}: expected query-id, doc-id, relevance`);
      }
      let judged = qrels.get(q);
      if (!judged) {
        judged = new Map();
        qrels.set(q, judged);
      }
      judged.set(d, g);
    });
  return { name, format: 'beir', docs, queries, qrels };
}

function loadQa(dir: string, name: string): RetrievalCollection {
  const passagesPath = join(dir, 'passages.jsonl');
  const docs = parseJsonl(readFileSync(passagesPath, 'utf8'), passagesPath).map((r) => ({
    id: str(r, 'id', passagesPath),
    title: (r as Record<string, unknown>)['title'] === undefined ? '' : str(r, 'title', passagesPath),
    text: str(r, 'text', passagesPath),
  }));
  const questionsPath = join(dir, 'questions.jsonl');
  const queries: EvalQuery[] = [];
  const qrels = new Map<string, Map<string, number>>();
  for (const r of parseJsonl(readFileSync(questionsPath, 'utf8'), questionsPath)) {
    const id = str(r, 'id', questionsPath);
    queries.push({ id, text: str(r, 'question', questionsPath) });
    qrels.set(id, new Map(strings(r, 'passage_ids', questionsPath).map((p) => [p, 1])));
  }
  return { name, format: 'qa', docs, queries, qrels };
}

/** Loads a collection folder in either format; throws naming what is missing. */
export function loadCollection(path: string): RetrievalCollection {
  const dir = resolve(path);
  const name = basename(dir);
  const hasCorpus = existsSync(join(dir, 'corpus.jsonl')) || existsSync(join(dir, 'corpus.jsonl.gz'));
  if (hasCorpus && existsSync(join(dir, 'queries.jsonl')) && existsSync(join(dir, 'qrels.tsv'))) {
    return loadBeir(dir, name);
  }
  if (existsSync(join(dir, 'passages.jsonl')) && existsSync(join(dir, 'questions.jsonl'))) {
    return loadQa(dir, name);
  }
  throw new Error(
    `${dir} is neither a retrieval collection (corpus.jsonl[.gz], queries.jsonl, qrels.tsv) nor a QA folder (passages.jsonl, questions.jsonl)`,
  );
}

export interface SubsetOptions {
  /** Run a fixed random sample of this many judged queries instead of all of them. */
  readonly queries?: number | undefined;
  /**
   * Keep this many documents: every document judged for the queries kept, plus a fixed random
   * sample of the others (distractors) up to this number. Fewer than the judged ones keeps those.
   */
  readonly docs?: number | undefined;
  readonly seed: number;
}

/**
 * A fixed subset of a collection, for runs that cannot afford the whole of it (embedding every
 * document on a CPU): the queries kept are a seeded sample of the judged ones, and the corpus
 * keeps every document judged for them — so a kept query can still find all its relevant
 * documents — plus a seeded sample of the rest. The same options give the same subset anywhere.
 */
export function subsetCollection(
  collection: RetrievalCollection,
  options: SubsetOptions,
): RetrievalCollection {
  const sample = fixedSample;
  let queries = collection.queries.filter((q) => collection.qrels.has(q.id));
  if (options.queries !== undefined) queries = sample(queries, options.queries, options.seed);
  const keptQueries = new Set(queries.map((q) => q.id));
  const qrels = new Map([...collection.qrels].filter(([id]) => keptQueries.has(id)));
  let docs = collection.docs;
  if (options.docs !== undefined) {
    const judged = new Set<string>();
    for (const judgments of qrels.values()) for (const id of judgments.keys()) judged.add(id);
    const others = collection.docs.filter((d) => !judged.has(d.id));
    const distractors = new Set(
      sample(others, Math.max(0, options.docs - judged.size), options.seed).map((d) => d.id),
    );
    docs = collection.docs.filter((d) => judged.has(d.id) || distractors.has(d.id));
  }
  return { ...collection, queries, qrels, docs };
}
