// A scripted model that reads its prompt: it answers with the opening sentence of the first
// numbered source, cited as [1], so the answers it gives through Citebox are grounded and their
// citations verifiable, without a real model. Used by scripts/scripted-llm-server.ts (the LLM of
// the docker compose test) on top of the scripted server in fake-llm.ts.
import { type LlmReply, type LlmRequestRecord, streamReply } from './fake-llm.js';

const SOURCE = /<source n="(\d+)"[^>]*>\n([\s\S]*?)\n<\/source>/;

/** The first sentence of the first `<source n="…">` in a prompt, with its number. */
export function firstSourceSentence(prompt: string): { n: number; sentence: string } | undefined {
  const match = SOURCE.exec(prompt);
  if (!match?.[1] || match[2] === undefined) return undefined;
  const text = match[2].replace(/\s+/g, ' ').trim();
  const sentence = /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
  if (!sentence) return undefined;
  return { n: Number(match[1]), sentence };
}

/** Replies as a model that cites its first source, for each kind of request Citebox makes. */
export function readingResponder(request: LlmRequestRecord): LlmReply {
  const messages = request.body.messages ?? [];
  const lastUser = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  switch (request.purpose) {
    case 'answer': {
      const first = firstSourceSentence(lastUser);
      return streamReply(
        first ? `${first.sentence} [${first.n}]` : 'The sources do not answer this question.',
      );
    }
    case 'rewrite':
      // The question as it stands (a follow-up is rewritten to itself).
      return streamReply(lastUser.split('\n').findLast((line) => line.trim()) ?? lastUser);
    case 'related':
      return streamReply('How is it configured?\nWhere is it documented?\nWhat else does it do?');
    case 'judge':
      return streamReply('yes');
    default:
      return streamReply('OK');
  }
}
