// The one place that decides whether answers get a language model, from the configuration.
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { type LlmClient, OpenAiCompatibleClient } from './llm-client.js';

/** The configured LLM, or undefined when none is (answers are then extractive). */
export function createLlmClient(
  config: Pick<Config, 'llmBaseUrl' | 'llmApiKey' | 'llmModel' | 'llmTimeoutMs'>,
  logger: Logger,
  metrics?: Metrics,
): LlmClient | undefined {
  if (!config.llmBaseUrl || !config.llmModel) return undefined;
  return new OpenAiCompatibleClient({
    baseUrl: config.llmBaseUrl,
    apiKey: config.llmApiKey,
    model: config.llmModel,
    timeoutMs: config.llmTimeoutMs,
    logger,
    metrics,
  });
}
