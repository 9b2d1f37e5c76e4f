// `citebox ask "<question>"`: prints the answer and its numbered sources (or the API's JSON).
import type { Config, Logger } from '../../services/index.js';
import { openRuntime } from '../runtime.js';

export interface AskOptions {
  readonly question: string;
  readonly json: boolean;
  readonly topK?: number | undefined;
  readonly sites?: readonly string[] | undefined;
}

export async function runAsk(config: Config, logger: Logger, options: AskOptions): Promise<number> {
  const runtime = await openRuntime(config, logger);
  try {
    const response = await runtime.answers.answer({
      query: options.question,
      top_k: options.topK,
      filters: options.sites?.length ? { sites: options.sites } : undefined,
    });
    // Exit 2 when there is no answer (`citebox ask --help` lists the codes), --json or not.
    const exit = response.answer_mode === 'none' ? 2 : 0;
    if (options.json) {
      process.stdout.write(`${JSON.stringify(response, null, 2)}\n`);
      return exit;
    }
    const label =
      response.answer_mode === 'llm'
        ? `(${response.model ?? 'llm'})`
        : response.answer_mode === 'extractive'
          ? '(extractive)'
          : '';
    process.stdout.write(`${response.answer}\n\n${label ? `${label}\n` : ''}`);
    if (response.sources.length > 0) {
      process.stdout.write('Sources:\n');
      for (const s of response.sources) process.stdout.write(`  [${s.n}] ${s.title} — ${s.url}\n`);
    }
    return exit;
  } finally {
    await runtime.close();
  }
}
