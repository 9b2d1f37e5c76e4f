// Starts a real small model for a benchmark, an evaluation or a test: `models:serve` (the
// OpenAI-compatible server around node-llama-cpp) as a child process on 127.0.0.1, and the Citebox
// settings that point at it. The child stops with close(), and by itself when this process dies
// (it watches its stdin). `--llm-local <model>` in eval:answers and bench:answers goes through here.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Config } from '../../services/index.js';

export interface LocalLlmOptions {
  /** A catalog name (lib/model-catalog.ts) or the path of a GGUF file. */
  readonly model: string;
  /** Requests served at once (one thread each by default). */
  readonly parallel?: number | undefined;
  readonly threads?: number | undefined;
  /** Context window per request, tokens (default: the catalog's, or 4096). */
  readonly contextTokens?: number | undefined;
  /** Pass the server's one line per request through to stderr. */
  readonly verbose?: boolean | undefined;
  /** Loading a model on a busy machine takes a while. */
  readonly startTimeoutMs?: number | undefined;
}

export interface LocalLlm {
  readonly url: string;
  readonly model: string;
  readonly contextTokens: number;
  /** Citebox settings that use it. */
  readonly config: Pick<Config, 'llmBaseUrl' | 'llmModel' | 'llmContextTokens'>;
  close(): Promise<void>;
}

/** The repository root (where package.json is), from this file in scripts/lib or dist/scripts/lib. */
function repoRoot(): string {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root');
    dir = up;
  }
  return dir;
}

export async function startLocalLlm(options: LocalLlmOptions): Promise<LocalLlm> {
  const script = join(repoRoot(), 'dist', 'scripts', 'models-serve.js');
  if (!existsSync(script)) throw new Error(`${script} is missing: run \`npm run build\``);
  const args = [
    script,
    options.model,
    '--exit-with-stdin',
    '--parallel',
    String(options.parallel ?? 2),
    '--threads',
    String(options.threads ?? 1),
    ...(options.contextTokens ? ['--context', String(options.contextTokens)] : []),
    ...(options.verbose ? ['--verbose'] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (options.verbose) process.stderr.write(chunk);
    else stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = await new Promise<{ url: string; model: string; context: number }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () =>
        reject(
          new Error(`the local model server did not start within ${options.startTimeoutMs ?? 180_000} ms`),
        ),
      options.startTimeoutMs ?? 180_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(line) as { url: string; model: string; context: number });
        } catch {
          reject(new Error(`the local model server said: ${line}`));
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the local model server exited (${code}): ${stderr.trim() || 'no message'}`));
    });
  }).catch(async (err: unknown) => {
    child.kill('SIGTERM');
    throw err;
  });
  return {
    url: ready.url,
    model: ready.model,
    contextTokens: ready.context,
    config: { llmBaseUrl: ready.url, llmModel: ready.model, llmContextTokens: ready.context },
    async close() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** parseArgs options shared by the commands that take `--llm-local`. */
export const LOCAL_LLM_ARGS = {
  'llm-local': { type: 'string' },
  'llm-parallel': { type: 'string' },
  'llm-verbose': { type: 'boolean' },
} as const;

export const LOCAL_LLM_USAGE = `  --llm-local MODEL  answer with a real small model served on 127.0.0.1 (npm run models:prepare
                     first): qwen2.5-coder-0.5b, qwen2.5-coder-1.5b, smollm2-135m or a .gguf path
  --llm-parallel N   requests it serves at once, one thread each (default 2)
  --llm-verbose      one line per model request on stderr`;

/** Starts the model `--llm-local` names, if it names one. */
export async function localLlmFromArgs(values: {
  'llm-local'?: string | undefined;
  'llm-parallel'?: string | undefined;
  'llm-verbose'?: boolean | undefined;
}): Promise<LocalLlm | undefined> {
  const model = values['llm-local'];
  if (!model) return undefined;
  const started = performance.now();
  const llm = await startLocalLlm({
    model,
    parallel: values['llm-parallel'] ? Number(values['llm-parallel']) : undefined,
    verbose: values['llm-verbose'],
  });
  process.stderr.write(
    `local model ${llm.model} at ${llm.url} (context ${llm.contextTokens}) ready in ${Math.round(performance.now() - started)} ms\n`,
  );
  return llm;
}
