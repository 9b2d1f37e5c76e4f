export { createLlmClient } from './factory.js';
export {
  type ChatRequest,
  type ChatTurn,
  type LlmClient,
  OpenAiCompatibleClient,
  type OpenAiCompatibleOptions,
} from './llm-client.js';
export type { LlmOutcome, LlmPurpose } from './llm-metrics.js';
export { modelParamsBillions } from './model-size.js';
export { type CallTiming, ModelSpeed } from './model-speed.js';
export { ThinkingFilter } from './thinking-filter.js';
