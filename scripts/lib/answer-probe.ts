// Asking Citebox a question the way a browser does (Server-Sent Events), timing what a reader
// waits for — the sources, the first words of the answer, the whole answer — and reading the
// answer's citations the way a reader would check them: how many of its citations Citebox's
// verifier found supported, and how many of its sentences carry one. Used by eval:answers in
// every mode, so extractive and LLM answers are measured alike.
import { type AnswerResponse, wordTokens } from '../../services/index.js';

export interface ProbedAnswer {
  readonly response: AnswerResponse;
  /** From sending the request to the `sources` event, ms. */
  readonly sourcesMs: number;
  /** To the first `delta` event (the first words of the answer), ms. */
  readonly firstDeltaMs: number | undefined;
  /** To the `done` event, ms. */
  readonly totalMs: number;
  /** `error` events seen (the LLM failed part-way; an extractive answer followed). */
  readonly errors: readonly string[];
}

/** Asks `POST /v1/answer` as a stream and returns the final response with its timings. */
export async function askStreaming(apiUrl: string, body: Record<string, unknown>): Promise<ProbedAnswer> {
  const started = performance.now();
  const res = await fetch(`${apiUrl}/v1/answer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ ...body, stream: true }),
  });
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const decoder = new TextDecoder();
  let buffer = '';
  let sourcesMs: number | undefined;
  let firstDeltaMs: number | undefined;
  let response: AnswerResponse | undefined;
  const errors: string[] = [];
  for await (const bytes of res.body) {
    buffer += decoder.decode(bytes, { stream: true });
    for (let at = buffer.indexOf('\n\n'); at >= 0; at = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      const now = performance.now() - started;
      if (event === 'sources') sourcesMs ??= now;
      else if (event === 'delta') firstDeltaMs ??= now;
      else if (event === 'error') errors.push(data);
      else if (event === 'done') response = JSON.parse(data) as AnswerResponse;
    }
  }
  if (!response) throw new Error('the stream ended without a done event');
  return { response, sourcesMs: sourcesMs ?? 0, firstDeltaMs, totalMs: performance.now() - started, errors };
}

const MARKER = /\[(\d+)\]/g;
/** Sentences shorter than this many words ("Yes.", a heading) are not counted as claims. */
const MIN_CLAIM_WORDS = 3;

/**
 * The answer's sentences with the citation numbers each carries. A line is split after . ! ? (and
 * the markers right after them, which belong to the sentence they follow) and after 。！？; list
 * items and lines are sentences of their own. Code blocks are left out.
 */
export function answerSentences(answer: string): Array<{ text: string; cites: number[] }> {
  const out: Array<{ text: string; cites: number[] }> = [];
  const withoutCode = answer.replace(/```[\s\S]*?(?:```|$)/g, '\n');
  for (const line of withoutCode.split('\n')) {
    const pieces = line.split(
      /(?<=[.!?](?:\s*\[\d+\])*)\s+(?!\[\d+\])|(?<=[。！？](?:\s*\[\d+\])*)(?!\s*\[\d+\])/u,
    );
    for (const piece of pieces) {
      const text = piece.trim();
      if (!text) continue;
      const cites = [...text.matchAll(MARKER)].map((m) => Number(m[1]));
      out.push({ text, cites });
    }
  }
  return out;
}

export interface CitationFigures {
  readonly citations: number;
  /** Citations Citebox's verifier marked supported. */
  readonly supported: number;
  /** Sentences long enough to be a claim. */
  readonly sentences: number;
  /** Of those, the ones carrying at least one supported citation. */
  readonly citedSentences: number;
}

/** How well an answer's claims are cited, by Citebox's own verdicts. */
export function citationFigures(response: Pick<AnswerResponse, 'answer' | 'citations'>): CitationFigures {
  const supportedNumbers = new Set(response.citations.filter((c) => c.supported).map((c) => c.n));
  let sentences = 0;
  let citedSentences = 0;
  for (const s of answerSentences(response.answer)) {
    if (wordTokens(s.text.replace(MARKER, ' ')).length < MIN_CLAIM_WORDS) continue;
    sentences++;
    if (s.cites.some((n) => supportedNumbers.has(n))) citedSentences++;
  }
  return {
    citations: response.citations.length,
    supported: response.citations.filter((c) => c.supported).length,
    sentences,
    citedSentences,
  };
}

/** Phrases with which a model says the sources do not answer (an abstention in its own words). */
const DECLINES = [
  /\b(?:sources?|passages?|context|documents?|provided (?:text|information))\b[^.]{0,80}\b(?:do(?:es)?(?:n['’]t| not)|never) (?:say|mention|contain|answer|include|provide|state|specify|address|cover)/i,
  /\b(?:no|not enough) information\b/i,
  /\bI (?:could not|couldn['’]t|cannot|can['’]t|don['’]t|do not) (?:find|know|answer|determine|tell)/i,
  /\b(?:is|are) not (?:mentioned|stated|specified|given|provided)\b/i,
  /(?:没有|未)(?:提到|提及|说明|找到|提供)|无法(?:回答|确定|找到)|不清楚/u,
];

/** Whether an answer declines: Citebox abstained, or the model wrote that the sources do not say. */
export function declines(response: Pick<AnswerResponse, 'answer' | 'answer_mode'>): boolean {
  if (response.answer_mode === 'none') return true;
  const head = response.answer.replace(MARKER, '').slice(0, 300);
  return DECLINES.some((re) => re.test(head));
}

/** A fixed pseudo-random sample of `n` items (the same for the same seed), in their original order. */
export function fixedSample<T>(items: readonly T[], n: number, seed: number): T[] {
  if (n >= items.length) return [...items];
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: small, fast, and the same on every machine.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
  const index = items.map((_, i) => i);
  for (let i = index.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [index[i], index[j]] = [index[j] as number, index[i] as number];
  }
  return index
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => items[i] as T);
}
