// npm run bench:answers -- [--passages N] [--queries N] [--llm-ttft MS] [--json]
//
// How fast answers start. Builds an index of N passages (default 100,000: synthetic pages with
// Zipfian words, lib/synthetic-corpus.ts, plus the SQuAD dev articles, whose questions are the
// queries), starts the real server on port 0 with the scripted OpenAI-compatible server of
// lib/fake-llm.ts as its LLM, and asks over HTTP with Server-Sent Events. Prints, per mode:
//   - time from the request to the `sources` event (p50/p95/p99), extractive and LLM;
//   - in LLM mode, what the pipeline adds to the model's own time to first token: the client's
//     time to the first `delta` minus the time the model took from receiving the request to
//     sending its first token (measured by the fake server), split into the part before the model
//     is asked and the part after its first token.
// With --llm-local <model> the model is a real small one served on 127.0.0.1 (lib/local-llm.ts):
// the same figures, the model's own time to first token read from the server's records; fewer
// questions by default (20), since each takes seconds. With --json the last line is one JSON
// object. On a shared machine run it under the bench lock:
// flock /tmp/citebox-bench.lock npm run bench:answers
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startServer } from '../cli/serve.js';
import { Indexer } from '../indexer/index.js';
import {
  type Config,
  createLogger,
  createSearchBackend,
  loadConfig,
  type PageWithPassages,
} from '../services/index.js';
import { type FakeLlm, startFakeLlm, streamReply } from './lib/fake-llm.js';
import { LOCAL_LLM_ARGS, LOCAL_LLM_USAGE, type LocalLlm, localLlmFromArgs } from './lib/local-llm.js';
import { buildVocabulary, SyntheticCorpus } from './lib/synthetic-corpus.js';

const USAGE = `Usage: npm run bench:answers -- [options]

  --passages N      passages in the index (default 100000)
  --queries N       timed questions per mode (default 300; 20 more warm up first)
  --llm-ttft MS     the fake model's own time to first token (default 250)
  --bench-data DIR  the shared collections (default ../shared/bench-data)
  --json            print the figures as one JSON object on the last line
${LOCAL_LLM_USAGE}`;

interface Timing {
  readonly sources: number;
  readonly firstDelta: number | undefined;
  readonly done: number;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function summary(values: readonly number[]): { p50: number; p95: number; p99: number; mean: number } {
  const r = (x: number) => Math.round(x * 10) / 10;
  return {
    p50: r(percentile(values, 50)),
    p95: r(percentile(values, 95)),
    p99: r(percentile(values, 99)),
    mean: r(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)),
  };
}

/** Asks one question as SSE; times the events from the moment the request is sent. */
async function ask(
  url: string,
  query: string,
  mode: string,
  /** A real model may fail part-way (an `error` event, then the extractive answer): counted, not fatal. */
  tolerateErrors = false,
): Promise<Timing & { started: number; errored: boolean }> {
  const started = performance.now();
  const res = await fetch(`${url}/v1/answer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, mode, stream: true }),
  });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let sources: number | undefined;
  let firstDelta: number | undefined;
  let errored = false;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
      const event = /^event: (.*)$/m.exec(buffer.slice(0, at))?.[1];
      buffer = buffer.slice(at + 2);
      const now = performance.now() - started;
      if (event === 'sources') sources ??= now;
      if (event === 'delta') firstDelta ??= now;
      if (event === 'error') {
        if (!tolerateErrors) throw new Error(`error event for "${query}"`);
        errored = true;
      }
    }
  }
  if (sources === undefined) throw new Error(`no sources event for "${query}"`);
  return { started, sources, firstDelta, done: performance.now() - started, errored };
}

async function buildIndex(config: Config, benchData: string, passages: number): Promise<number> {
  const logger = createLogger({ logLevel: 'warn' }, pino.destination(2));
  const backend = createSearchBackend(config, logger);
  await backend.open();
  try {
    // The SQuAD articles, through the indexer as a crawl would write them.
    const indexer = new Indexer({ backend, logger });
    const docs = readFileSync(join(benchData, 'qa-squad-dev', 'documents.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { id: string; title: string; text: string });
    for (const doc of docs) {
      await indexer.indexPage({
        url: `https://squad.bench.invalid/${encodeURIComponent(doc.id)}`,
        title: doc.title,
        lang: 'en',
        fetchedAt: '2026-01-01T00:00:00.000Z',
        contentHash: doc.id,
        blocks: [
          { type: 'heading', level: 1, text: doc.title },
          ...doc.text.split(/\n\s*\n/).map((text) => ({ type: 'text' as const, text })),
        ],
      });
    }
    await indexer.flush();
    let count = (await backend.stats()).passages;
    const corpus = new SyntheticCorpus({ vocabulary: buildVocabulary(benchData), seed: 7 });
    while (count < passages) {
      const batch: PageWithPassages[] = [];
      let inBatch = 0;
      while (inBatch < 2000 && count + inBatch < passages) {
        const page = corpus.page(passages - count - inBatch);
        batch.push(page);
        inBatch += page.passages.length;
      }
      await backend.replacePages(batch);
      count += inBatch;
      if (count % 20_000 < inBatch) process.stderr.write(`  indexed ${count} passages\n`);
    }
    await backend.refresh();
    return (await backend.stats()).passages;
  } finally {
    await backend.close();
  }
}

/**
 * The local model server's records of what it served (GET /debug/served), on this process's
 * performance.now() clock: the model's own time to its first token, as the fake server measures it.
 */
function localServed(local: LocalLlm) {
  const origin = local.url.replace(/\/v1$/, '');
  const fetchAll = async () =>
    (await (await fetch(`${origin}/debug/served`)).json()) as Array<{
      receivedAt: number;
      firstChunkAt?: number;
      promptTokens: number;
    }>;
  return {
    count: async () => (await fetchAll()).length,
    /** The answer's request among those served since `seen`: the one with the longest prompt. */
    answerSince: async (seen: number) => {
      const records = (await fetchAll()).slice(seen);
      const answer = records.sort((a, b) => b.promptTokens - a.promptTokens)[0];
      if (!answer) return undefined;
      return {
        receivedAt: answer.receivedAt - performance.timeOrigin,
        firstChunkAt:
          answer.firstChunkAt === undefined ? undefined : answer.firstChunkAt - performance.timeOrigin,
      };
    },
  };
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      passages: { type: 'string', default: '100000' },
      queries: { type: 'string' },
      'llm-ttft': { type: 'string', default: '250' },
      'bench-data': { type: 'string' },
      json: { type: 'boolean', default: false },
      ...LOCAL_LLM_ARGS,
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const passages = Number(values.passages);
  const queries = Number(values.queries ?? (values['llm-local'] ? 20 : 300));
  const llmTtft = Number(values['llm-ttft']);
  const benchData = resolve(values['bench-data'] ?? join(process.cwd(), '..', 'shared', 'bench-data'));
  const questions = readFileSync(join(benchData, 'qa-squad-dev', 'questions.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { question: string }).question);
  // Five disjoint even spreads over the set, so that every measure below asks a question the
  // server has not seen (nothing answered or retrieved from a cache, the per-term lists of the
  // search backend holding only what other questions left there, as on a server in use): one to
  // warm up with, one per mode, one for retrieval alone, one for the pipeline in process.
  const SETS = 5;
  const count = queries + 20;
  const step = questions.length / (count * SETS);
  const spread = (k: number) =>
    Array.from({ length: count }, (_, i) => questions[Math.floor((i * SETS + k) * step)] as string);
  const [warmup, extractiveSet, llmSet, retrievalSet, inProcessSet] = [0, 1, 2, 3, 4].map(spread) as [
    string[],
    string[],
    string[],
    string[],
    string[],
  ];

  const local: LocalLlm | undefined = await localLlmFromArgs(values);
  const llm: FakeLlm | undefined = local ? undefined : await startFakeLlm({ model: 'bench-model' });
  llm?.respond((request) =>
    request.purpose === 'answer'
      ? streamReply('The answer is in the first source [1], as the second one confirms [2].', {
          delayMs: llmTtft,
          chunkDelayMs: 5,
        })
      : streamReply('A related question?'),
  );
  const served = local ? localServed(local) : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'citebox-bench-answers-'));
  const base = loadConfig();
  const overrides: Record<string, unknown> = {
    port: 0,
    host: '127.0.0.1',
    dataDir,
    backend: 'sqlite',
    bootstrapDocs: false,
    llmBaseUrl: local?.url ?? llm?.url,
    llmModel: local?.model ?? 'bench-model',
    llmTimeoutMs: local ? 600_000 : 30_000,
    ...(local ? { llmContextTokens: local.contextTokens } : {}),
    answerCacheSize: 0,
    // Every question is searched more than once below (a warm-up pass, then each mode): with the
    // search-result cache on, all but the first would be cache hits and measure nothing.
    searchCacheSize: 0,
    logLevel: 'warn',
    // Settings of the API layer that would get in the way of a benchmark, where they exist.
    rateLimitPerMinute: 0,
    accessLog: false,
    embeddingsModel: undefined,
  };
  const config = Object.freeze({ ...base, ...overrides }) as Config;
  try {
    const indexStarted = performance.now();
    const indexed = await buildIndex(config, benchData, passages);
    process.stderr.write(
      `index of ${indexed} passages built in ${Math.round(performance.now() - indexStarted)} ms\n`,
    );
    const server = await startServer(config, createLogger(config, pino.destination(2)));
    const out: Record<string, unknown> = {
      passages: indexed,
      queries,
      ...(local ? { model: local.model } : { llm_ttft_ms: llmTtft }),
    };
    try {
      // One pass of retrieval over other questions first, so every measure below sees the index's
      // pages in memory, as a running server does; then the measures take turns.
      for (const question of warmup)
        await server.runtime.backend.search({ text: question, limit: 5, maxPerPage: 4 });
      const toSources = { extractive: [] as number[], llm: [] as number[] };
      const overhead: number[] = [];
      const before: number[] = [];
      const after: number[] = [];
      const modelTtft: number[] = [];
      const clientFirstWords: number[] = [];
      let fellBack = 0;
      const clientTotal: number[] = [];
      const retrieval: number[] = [];
      const inProcess: number[] = [];
      const floor: number[] = [];
      for (let i = 0; i < count; i++) {
        const warm = i < 20;
        for (const mode of ['extractive', 'llm'] as const) {
          // A real model is slow: it warms up on two questions, not twenty.
          if (local && mode === 'llm' && i < 18) continue;
          const seen = llm?.requests.length ?? (await served?.count()) ?? 0;
          const question = (mode === 'llm' ? llmSet : extractiveSet)[i] as string;
          const t = await ask(server.url, question, mode, local !== undefined);
          if (t.errored) fellBack++;
          if (warm) continue;
          toSources[mode].push(t.sources);
          if (mode !== 'llm') continue;
          if (t.firstDelta !== undefined) clientFirstWords.push(t.firstDelta);
          clientTotal.push(t.done);
          const request = llm
            ? llm.requests.slice(seen).find((r) => r.purpose === 'answer')
            : await served?.answerSince(seen);
          if (!request?.firstChunkAt || t.firstDelta === undefined) continue; // abstained: no model call
          const own = request.firstChunkAt - request.receivedAt;
          modelTtft.push(own);
          overhead.push(t.firstDelta - own);
          before.push(request.receivedAt - t.started);
          after.push(t.started + t.firstDelta - request.firstChunkAt);
        }
        // Retrieval alone, in process: the part of the time to sources that is the search backend's.
        let started = performance.now();
        await server.runtime.backend.search({ text: retrievalSet[i] as string, limit: 5, maxPerPage: 4 });
        if (!warm) retrieval.push(performance.now() - started);
        // The answer pipeline in process, without HTTP: time to its sources event.
        started = performance.now();
        const events = server.runtime.answers.stream({
          query: inProcessSet[i] as string,
          mode: 'extractive',
        });
        await events.next();
        if (!warm) inProcess.push(performance.now() - started);
        await events.return(undefined);
        // The floor of any HTTP request on this machine, client included: GET /healthz.
        started = performance.now();
        await (await fetch(`${server.url}/healthz`)).text();
        if (!warm) floor.push(performance.now() - started);
      }
      out['extractive'] = { to_sources_ms: summary(toSources.extractive) };
      out['llm'] = {
        to_sources_ms: summary(toSources.llm),
        answered_by_llm: overhead.length,
        first_words_ms: summary(clientFirstWords),
        fell_back_after_error: fellBack,
        whole_answer_ms: summary(clientTotal),
        model_ttft_ms: summary(modelTtft),
        added_to_ttft_ms: summary(overhead),
        before_model_ms: summary(before),
        after_first_token_ms: summary(after),
      };
      out['retrieval_ms'] = summary(retrieval);
      out['in_process_to_sources_ms'] = summary(inProcess);
      out['http_healthz_ms'] = summary(floor);
    } finally {
      await server.close();
    }
    const ex = out['extractive'] as { to_sources_ms: ReturnType<typeof summary> };
    const lm = out['llm'] as {
      to_sources_ms: ReturnType<typeof summary>;
      added_to_ttft_ms: ReturnType<typeof summary>;
      before_model_ms: ReturnType<typeof summary>;
      after_first_token_ms: ReturnType<typeof summary>;
      model_ttft_ms: ReturnType<typeof summary>;
      answered_by_llm: number;
    };
    const line = (label: string, s: ReturnType<typeof summary>) =>
      `  ${label.padEnd(44)} p50 ${s.p50} · p95 ${s.p95} · p99 ${s.p99} ms\n`;
    process.stdout.write(`bench:answers: ${indexed} passages, ${queries} questions per mode (SQuAD dev)\n`);
    process.stdout.write(line('time to sources, extractive', ex.to_sources_ms));
    process.stdout.write(line('time to sources, LLM', lm.to_sources_ms));
    process.stdout.write(
      line('  in process, without HTTP', out['in_process_to_sources_ms'] as ReturnType<typeof summary>),
    );
    process.stdout.write(
      line('  retrieval alone (backend.search)', out['retrieval_ms'] as ReturnType<typeof summary>),
    );
    process.stdout.write(
      line('  an HTTP round trip (GET /healthz)', out['http_healthz_ms'] as ReturnType<typeof summary>),
    );
    process.stdout.write(
      line(`model's own time to first token (${lm.answered_by_llm} answers)`, lm.model_ttft_ms),
    );
    process.stdout.write(line('added to it by the pipeline', lm.added_to_ttft_ms));
    if (local) {
      const lmx = out['llm'] as {
        first_words_ms: ReturnType<typeof summary>;
        whole_answer_ms: ReturnType<typeof summary>;
      };
      process.stdout.write(line(`first words of the answer (${local.model})`, lmx.first_words_ms));
      process.stdout.write(line('whole answer', lmx.whole_answer_ms));
    }
    process.stdout.write(line('  of which before the model is asked', lm.before_model_ms));
    process.stdout.write(line('  of which after its first token', lm.after_first_token_ms));
    if (values.json) process.stdout.write(`${JSON.stringify(out)}\n`);
    return 0;
  } finally {
    await llm?.close();
    await local?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `bench:answers: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
