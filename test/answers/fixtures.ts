// A small index for answer tests: four pages in English and one in Chinese, written straight
// through the indexer into a fresh SQLite index, and an AnswerService over it with the fake LLM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Indexer } from '../../indexer/index.js';
import {
  type AnswerEvent,
  AnswerService,
  type AnswerSettings,
  type ExtractedPage,
  type LlmClient,
  OpenAiCompatibleClient,
  type SearchBackend,
  SqliteBackend,
  silentLogger,
} from '../../services/index.js';

export const PAGES: ReadonlyArray<{ url: string; title: string; paragraphs: string[]; lang?: string }> = [
  {
    url: 'https://facts.test/apollo',
    title: 'The Apollo program (facts)',
    paragraphs: [
      'Apollo 11 was the spaceflight that first landed humans on the Moon. Commander Neil Armstrong and pilot Buzz Aldrin landed the lunar module Eagle on July 20, 1969. Armstrong became the first person to step onto the lunar surface six hours later.',
    ],
  },
  {
    url: 'https://facts.test/wall',
    title: 'The Great Wall of China (facts)',
    paragraphs: [
      'The Great Wall of China is a series of fortifications built across the historical northern borders of ancient Chinese states. The best-known sections were built by the Ming dynasty, and the wall stretches for about 21,196 kilometres in total.',
    ],
  },
  {
    url: 'https://facts.test/bees',
    title: 'Honey bees (facts)',
    paragraphs: [
      'Honey bees tell their nestmates where flowers are with the waggle dance. The angle of the dance shows the direction of the food relative to the sun, and its duration shows the distance.',
    ],
  },
  {
    url: 'https://facts.test/moon',
    title: 'The Moon (facts)',
    paragraphs: [
      'The Moon is Earth’s only natural satellite. It orbits the Earth at an average distance of 384,400 kilometres and was first visited by the crew of Apollo 11.',
    ],
  },
  {
    url: 'https://facts.test/zh/wall',
    title: '长城',
    lang: 'zh',
    paragraphs: ['长城是中国古代的军事防御工程，总长度约为21196千米。明朝修建了今天最著名的部分。'],
  },
];

export function page(url: string, title: string, paragraphs: readonly string[], lang = 'en'): ExtractedPage {
  return {
    url,
    title,
    lang,
    fetchedAt: new Date().toISOString(),
    contentHash: `${url}-${paragraphs.join('').length}`,
    blocks: [
      { type: 'heading', level: 1, text: title },
      ...paragraphs.map((text) => ({ type: 'text' as const, text })),
    ],
  };
}

export interface AnswerFixture {
  readonly backend: SearchBackend;
  readonly indexer: Indexer;
  service(llm: LlmClient | undefined, settings?: AnswerSettings): AnswerService;
  close(): Promise<void>;
}

export async function openFixture(): Promise<AnswerFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'citebox-answers-'));
  const logger = silentLogger();
  const backend = new SqliteBackend({ path: join(dir, 'index.sqlite'), logger });
  await backend.open();
  const indexer = new Indexer({ backend, logger });
  for (const p of PAGES) await indexer.indexPage(page(p.url, p.title, p.paragraphs, p.lang));
  await indexer.flush();
  return {
    backend,
    indexer,
    service: (llm, settings) =>
      new AnswerService({ backend, logger, llm, settings: { cacheSize: 0, ...settings } }),
    close: async () => {
      await backend.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An LLM client for the fake server, with short timeouts and backoff for tests. */
export function testLlm(baseUrl: string, options: { timeoutMs?: number; model?: string } = {}): LlmClient {
  return new OpenAiCompatibleClient({
    baseUrl,
    model: options.model ?? 'fake-model',
    timeoutMs: options.timeoutMs ?? 5_000,
    logger: silentLogger(),
    retryBaseMs: 20,
  });
}

export async function collect(events: AsyncIterable<AnswerEvent>): Promise<AnswerEvent[]> {
  const out: AnswerEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

export function doneOf(events: readonly AnswerEvent[]) {
  const done = events.find((e) => e.type === 'done');
  if (done?.type !== 'done') throw new Error(`no done event in ${events.map((e) => e.type).join(',')}`);
  return done.response;
}

export function deltasOf(events: readonly AnswerEvent[]): string {
  return events
    .filter((e) => e.type === 'delta')
    .map((e) => (e.type === 'delta' ? e.text : ''))
    .join('');
}

/**
 * The sum of a metric's samples whose labels include `labels`, read from Prometheus exposition
 * text (GET /metrics, or `Metrics.text()`); 0 when there is none. For histograms ask for
 * `<name>_count` or `<name>_sum`.
 */
export function promValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = new Map([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => found.get(k) === v)) sum += Number(m[3]);
  }
  return sum;
}
