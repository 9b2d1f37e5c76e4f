// The OpenAI chat-completions wire format for Citebox answers: request → AnswerRequest, and
// AnswerResponse / AnswerEvents → chat.completion / chat.completion.chunk objects. Pure functions,
// so the exact shapes are tested without a server. Beside `choices`, responses carry `citations`
// (URLs; `[n]` in the content is citations[n-1]) and `search_results`, as Perplexity's API does.
import {
  type AnswerEvent,
  type AnswerRequest,
  type AnswerResponse,
  type ChatMessage,
  CiteboxError,
  ERROR_CODES,
  type ErrorCode,
  type RequestedMode,
  type Source,
} from '../services/index.js';
import { statusOf } from './error-handler.js';
import { openAiError } from './openai-errors.js';

export const CHAT_MODEL = 'citebox';
/** Earlier turns kept as conversation context (the most recent ones). */
export const MAX_HISTORY_MESSAGES = 20;
export const MAX_HISTORY_CHARS = 20_000;

export type ChatContentPart = { type: 'text'; text: string };

export interface ChatRequestMessage {
  role: 'system' | 'developer' | 'user' | 'assistant';
  content: string | ChatContentPart[] | null;
  name?: string;
}

export interface ChatCompletionRequest {
  model: string;
  messages: ChatRequestMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean } | null;
  n?: number | null;
  top_k?: number;
  mode?: RequestedMode;
  filters?: { sites?: string[]; lang?: string; since?: string };
  search_domain_filter?: string[];
}

export interface SearchResult {
  title: string;
  url: string;
  date: string | null;
  snippet: string;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: 'assistant';
      content: string;
      refusal: null;
      annotations: UrlCitationAnnotation[];
    };
    logprobs: null;
    finish_reason: 'stop';
  }>;
  usage: Usage;
  citations: string[];
  search_results: SearchResult[];
}

export interface UrlCitationAnnotation {
  type: 'url_citation';
  url_citation: { url: string; title: string; start_index: number; end_index: number };
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string };
    logprobs: null;
    finish_reason: 'stop' | null;
  }>;
  usage?: Usage | null;
  citations?: string[];
  search_results?: SearchResult[];
}

function messageText(message: ChatRequestMessage): string {
  if (message.content === null) return '';
  if (typeof message.content === 'string') return message.content;
  return message.content.map((part) => part.text).join('\n');
}

/**
 * The answer request a chat request stands for: the last user message is the question, the
 * messages before it are the conversation (developer turns count as system turns).
 */
export function toAnswerRequest(chat: ChatCompletionRequest): AnswerRequest {
  if (chat.model !== CHAT_MODEL) {
    throw new CiteboxError(
      'MODEL_NOT_FOUND',
      `The model "${chat.model.slice(0, 100)}" does not exist; use "${CHAT_MODEL}"`,
    );
  }
  if (chat.n != null && chat.n !== 1) throw new CiteboxError('INVALID_REQUEST', 'Only n = 1 is supported');
  const last = chat.messages.at(-1);
  if (last?.role !== 'user') {
    throw new CiteboxError('INVALID_REQUEST', 'The last message must be the user’s question (role "user")');
  }
  const query = messageText(last);
  const history: ChatMessage[] = chat.messages
    .slice(0, -1)
    .slice(-MAX_HISTORY_MESSAGES)
    .map((m) => ({
      role: m.role === 'developer' ? 'system' : m.role,
      content: messageText(m).slice(0, MAX_HISTORY_CHARS),
    }))
    .filter((m) => m.content.trim().length > 0);
  const sites = chat.filters?.sites ?? chat.search_domain_filter;
  const filters =
    sites || chat.filters?.lang || chat.filters?.since
      ? {
          ...(sites ? { sites } : {}),
          ...(chat.filters?.lang ? { lang: chat.filters.lang } : {}),
          ...(chat.filters?.since ? { since: chat.filters.since } : {}),
        }
      : undefined;
  return {
    query,
    ...(chat.top_k !== undefined ? { top_k: chat.top_k } : {}),
    ...(chat.mode !== undefined ? { mode: chat.mode } : {}),
    ...(filters ? { filters } : {}),
    ...(history.length > 0 ? { messages: history } : {}),
  };
}

/** `citations[n-1]` is the URL of source n, so `[n]` markers resolve by index. */
export function citationUrls(sources: readonly Source[]): string[] {
  const urls: string[] = [];
  for (const s of [...sources].sort((a, b) => a.n - b.n)) urls[s.n - 1] = s.url;
  // A gap in the numbering (never expected) must not leave holes in a JSON array.
  return Array.from(urls, (u) => u ?? '');
}

export function searchResults(sources: readonly Source[]): SearchResult[] {
  return [...sources]
    .sort((a, b) => a.n - b.n)
    .map((s) => ({ title: s.title, url: s.url, date: s.published_at ?? null, snippet: s.snippet }));
}

/** OpenAI's `url_citation` annotations: where each `[n]` marker sits in the content. */
export function urlAnnotations(content: string, sources: readonly Source[]): UrlCitationAnnotation[] {
  const byN = new Map(sources.map((s) => [s.n, s]));
  const out: UrlCitationAnnotation[] = [];
  for (const m of content.matchAll(/\[(\d+)\]/g)) {
    const source = byN.get(Number(m[1]));
    if (!source || m.index === undefined) continue;
    out.push({
      type: 'url_citation',
      url_citation: {
        url: source.url,
        title: source.title,
        start_index: m.index,
        end_index: m.index + m[0].length,
      },
    });
  }
  return out;
}

/**
 * Token counts here are estimates (about four characters per token) of the conversation and the
 * answer: extractive answers use no model, and one answer may take several LLM calls (follow-up
 * rewrite, answer, related questions, judge) with prompts of their own. The LLM server's own
 * counts, when it reports them, are totals across answers in the Prometheus metrics
 * (`citebox_llm_tokens_total`), not per response.
 */
export function estimateTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

export function usageFor(chat: ChatCompletionRequest, answer: string): Usage {
  const prompt = chat.messages.reduce((sum, m) => sum + estimateTokens(messageText(m)) + 4, 0);
  const completion = estimateTokens(answer);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

export function completionId(): string {
  return `chatcmpl-${crypto.randomUUID().replaceAll('-', '')}`;
}

export function chatCompletion(
  chat: ChatCompletionRequest,
  response: AnswerResponse,
  id: string,
  created: number,
): ChatCompletion {
  return {
    id,
    object: 'chat.completion',
    created,
    model: CHAT_MODEL,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: response.answer,
          refusal: null,
          annotations: urlAnnotations(response.answer, response.sources),
        },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: usageFor(chat, response.answer),
    citations: citationUrls(response.sources),
    search_results: searchResults(response.sources),
  };
}

/**
 * Turns answer events into chunks, in OpenAI's order: a first chunk with the role, content
 * chunks, a last chunk with `finish_reason: "stop"`, then (when asked) a usage chunk with empty
 * `choices`. The first and the last chunk carry `citations` and `search_results`, numbered as the
 * streamed text is (the `sources` event's numbering, which the final response keeps).
 */
export class ChunkStream {
  readonly #chat: ChatCompletionRequest;
  readonly #id: string;
  readonly #created: number;
  readonly #includeUsage: boolean;
  #started = false;
  #finished = false;
  #content = '';
  #lastError: { code: string; message: string } | undefined;
  /** The numbering the streamed text uses (the `sources` event's: retrieval order). */
  #sources: readonly Source[] | undefined;
  /** Said before the next text, after a failure the pipeline recovers from mid-answer. */
  #notice = '';

  constructor(chat: ChatCompletionRequest, id: string, created: number) {
    this.#chat = chat;
    this.#id = id;
    this.#created = created;
    this.#includeUsage = chat.stream_options?.include_usage === true;
  }

  #chunk(
    delta: ChatCompletionChunk['choices'][number]['delta'],
    finish: 'stop' | null,
    extra: Partial<ChatCompletionChunk> = {},
  ): ChatCompletionChunk {
    return {
      id: this.#id,
      object: 'chat.completion.chunk',
      created: this.#created,
      model: CHAT_MODEL,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(this.#includeUsage ? { usage: null } : {}),
      ...extra,
    };
  }

  #start(sources: readonly Source[] | undefined): ChatCompletionChunk[] {
    if (this.#started) return [];
    this.#started = true;
    const extra = sources ? { citations: citationUrls(sources), search_results: searchResults(sources) } : {};
    return [this.#chunk({ role: 'assistant', content: '' }, null, extra)];
  }

  /** The chunks one answer event becomes (often none). */
  push(event: AnswerEvent): ChatCompletionChunk[] {
    switch (event.type) {
      case 'sources':
        this.#sources = event.sources;
        return this.#start(event.sources);
      case 'delta': {
        if (event.text === '') return [];
        const text = this.#notice + event.text;
        this.#notice = '';
        this.#content += text;
        return [...this.#start(undefined), this.#chunk({ content: text }, null)];
      }
      case 'error':
        this.#lastError = { code: event.code, message: event.message };
        // Streamed text cannot be taken back: when the pipeline starts over after a failure
        // (e.g. an extractive answer after the LLM failed), say so between the two.
        if (this.#content !== '') this.#notice = `\n\n*${event.message.replaceAll('*', '')}*\n\n`;
        return [];
      case 'done': {
        this.#finished = true;
        const out = this.#start(undefined);
        const answer = event.response.answer;
        // A pipeline that streamed nothing still gives its answer.
        if (this.#content === '' && answer !== '') {
          this.#content = answer;
          out.push(this.#chunk({ content: answer }, null));
        }
        // The citations must match the text the client has: the streamed markers use the numbering
        // of the `sources` event (which a response that was not streamed keeps as well).
        const sources = this.#content === answer || !this.#sources ? event.response.sources : this.#sources;
        out.push(
          this.#chunk({}, 'stop', {
            citations: citationUrls(sources),
            search_results: searchResults(sources),
          }),
        );
        if (this.#includeUsage) {
          out.push({
            id: this.#id,
            object: 'chat.completion.chunk',
            created: this.#created,
            model: CHAT_MODEL,
            choices: [],
            usage: usageFor(this.#chat, this.#content),
          });
        }
        return out;
      }
      default:
        // `citations` repeats what `done` carries.
        return [];
    }
  }

  /**
   * The stream's last frame once the pipeline has ended: `[DONE]` after an answer; an error object
   * in OpenAI's shape (which OpenAI clients raise) when it ended without one. Error events the
   * pipeline recovered from (it fell back and went on to `done`) are not the client's concern.
   */
  end(): string {
    if (this.#finished) return DONE_FRAME;
    return errorFrame(
      this.#lastError ?? { code: 'INTERNAL', message: 'The answer ended without a response' },
    );
  }
}

/** The `data:` frame of a failure in an OpenAI stream: OpenAI's error object. */
export function errorFrame(error: { readonly code: string; readonly message: string }): string {
  const status = error.code in ERROR_CODES ? statusOf(error.code as ErrorCode) : 500;
  return dataFrame(openAiError({ code: error.code, message: error.message, status }));
}

/** One `data:` frame of an OpenAI stream. */
export function dataFrame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

export const DONE_FRAME = 'data: [DONE]\n\n';
