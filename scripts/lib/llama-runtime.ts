// node-llama-cpp, loaded from the models folder where `npm run models:prepare` installed the pinned
// version (it is not a dependency of Citebox: with every platform's GPU build it weighs 700 MB).
// The types below are the small part of its API the local model server uses, written out here
// because the package is not in node_modules when the project is type-checked.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LLAMA_RUNTIME, runtimeDir } from './model-catalog.js';

export type ChatHistoryItem =
  | { type: 'system'; text: string }
  | { type: 'user'; text: string }
  | { type: 'model'; response: string[] };

export interface TokenMeter {
  readonly usedInputTokens: number;
  readonly usedOutputTokens: number;
}

export interface LlamaContextSequence {
  readonly contextTokens: readonly number[];
  readonly tokenMeter: TokenMeter;
}

export interface LlamaContext {
  readonly contextSize: number;
  getSequence(): LlamaContextSequence;
  dispose(): Promise<void>;
}

export interface LlamaModel {
  readonly trainContextSize: number;
  tokenize(text: string): readonly number[];
  createContext(options: {
    contextSize?: number;
    sequences?: number;
    threads?: number;
    batchSize?: number;
  }): Promise<LlamaContext>;
  dispose(): Promise<void>;
}

export interface Llama {
  loadModel(options: { modelPath: string; gpuLayers?: number }): Promise<LlamaModel>;
  dispose(): Promise<void>;
}

export interface GenerateOptions {
  onTextChunk?: (text: string) => void;
  signal?: AbortSignal;
  stopOnAbortSignal?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  customStopTriggers?: readonly string[];
  repeatPenalty?:
    | false
    | { penalty?: number; frequencyPenalty?: number; presencePenalty?: number; lastTokens?: number };
}

export interface GenerateResult {
  readonly response: string;
  readonly metadata: { readonly stopReason: string };
}

export interface LlamaChat {
  generateResponse(history: ChatHistoryItem[], options?: GenerateOptions): Promise<GenerateResult>;
  dispose(): void;
}

export interface LlamaRuntime {
  getLlama(options: {
    gpu?: false | 'auto';
    build?: 'never' | 'auto';
    logLevel?: 'disabled' | 'fatal' | 'error' | 'warn' | 'info' | 'log' | 'debug';
    maxThreads?: number;
    progressLogs?: boolean;
  }): Promise<Llama>;
  LlamaChat: new (options: { contextSequence: LlamaContextSequence }) => LlamaChat;
}

/** Imports the pinned node-llama-cpp from the models folder; says how to get it when it is missing. */
export async function loadLlamaRuntime(modelsDir: string): Promise<LlamaRuntime> {
  const entry = join(runtimeDir(modelsDir), 'node_modules', LLAMA_RUNTIME.package, 'dist', 'index.js');
  if (!existsSync(entry)) {
    throw new Error(
      `${LLAMA_RUNTIME.package}@${LLAMA_RUNTIME.version} is not installed in ${modelsDir}: run \`npm run models:prepare\``,
    );
  }
  return (await import(pathToFileURL(entry).href)) as LlamaRuntime;
}
