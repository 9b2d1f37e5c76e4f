// Follow-up questions ("and how long is it?") need the conversation to be understood. With an LLM
// they are rewritten into a standalone question; without one, this fallback adds the key words of
// the earlier question to the search. Pure.

import { queryTerms, wordTokens } from '../text/index.js';
import type { ChatMessage } from '../types.js';

/** Words that point back into the conversation. */
const REFERRING = new Set([
  'it',
  'its',
  'they',
  'them',
  'their',
  'this',
  'that',
  'these',
  'those',
  'he',
  'she',
  'his',
  'her',
  'him',
  'there',
  'one',
  'ones',
  'same',
  'else',
  'also',
  '它',
  '它们',
  '他',
  '她',
  '他们',
  '这',
  '那',
  '其',
  '这个',
  '那个',
]);

const MAX_ADDED_TERMS = 8;

/** Whether a question seems to lean on the conversation before it. */
export function needsContext(question: string): boolean {
  const tokens = wordTokens(question);
  if (tokens.some((t) => REFERRING.has(t))) return true;
  return queryTerms(question).length <= 1 || /^\s*(and|what about|how about|also|but)\b/i.test(question);
}

/**
 * A search query for a follow-up, without an LLM: the question, plus the content words of the
 * last user question (and the answer's first words when that question was short) it lacks.
 */
export function standaloneQueryFallback(question: string, messages: readonly ChatMessage[]): string {
  if (!needsContext(question)) return question;
  const have = new Set(queryTerms(question));
  const added: string[] = [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user');
  const sources = [lastUser?.content ?? ''];
  for (const text of sources) {
    for (const term of queryTerms(text)) {
      if (have.has(term) || added.includes(term)) continue;
      added.push(term);
      if (added.length >= MAX_ADDED_TERMS) break;
    }
  }
  return added.length > 0 ? `${question} ${added.join(' ')}` : question;
}

/** Cleans a model's rewritten question; undefined when it is unusable. */
export function cleanRewrite(reply: string, maxChars: number): string | undefined {
  const line = reply
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!line) return undefined;
  const cleaned = line
    .replace(/^(standalone question|question|rewritten question)\s*[:：]\s*/i, '')
    .replace(/^["“'「]|["”'」]$/gu, '')
    .trim();
  if (cleaned.length < 2 || cleaned.length > maxChars) return undefined;
  return cleaned;
}
