// npm run models:serve -- <model | file.gguf> [--port N] [--host H] [--parallel N] [--threads N]
//                                             [--context N] [--verbose]
//
// Serves a local GGUF model as an OpenAI-compatible endpoint (lib/local-model-server.ts) until
// stopped (Ctrl-C or SIGTERM). The first line on stdout is one JSON object {url, model, context}:
// point Citebox at it with LLM_BASE_URL=<url> LLM_MODEL=<model> LLM_CONTEXT_TOKENS=<context>.
// A catalog name (`npm run models:prepare` fetched it) or the path of any GGUF file.
import { parseArgs } from 'node:util';
import { loadConfig } from '../services/index.js';
import { startLocalModelServer } from './lib/local-model-server.js';
import { MODELS } from './lib/model-catalog.js';
import { resolveChatModel } from './lib/model-store.js';

const USAGE = `Usage: npm run models:serve -- <model | file.gguf> [options]

  <model>          ${MODELS.filter((m) => m.kind === 'gguf')
    .map((m) => m.name)
    .join(', ')}, or the path of a GGUF file
  --port N         default 0 (any free port)
  --host H         default 127.0.0.1
  --parallel N     requests served at once, one context each (default 2)
  --threads N      threads per request (default 1)
  --context N      context window per request, tokens (default 4096)
  --verbose        one line per request on stderr
  --exit-with-stdin  stop when stdin closes (for a harness that starts it)`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      parallel: { type: 'string', default: '2' },
      threads: { type: 'string', default: '1' },
      context: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      'exit-with-stdin': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const name = positionals[0];
  if (values.help || !name) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 2;
  }
  const modelsDir = loadConfig().modelsDir;
  const model = await resolveChatModel(name, modelsDir);
  const server = await startLocalModelServer({
    modelPath: model.path,
    modelName: model.name,
    modelsDir,
    contextTokens: values.context ? Number(values.context) : (model.contextTokens ?? 4096),
    parallel: Number(values.parallel),
    threads: Number(values.threads),
    host: values.host,
    port: Number(values.port),
    verbose: values.verbose,
  });
  process.stdout.write(
    `${JSON.stringify({ url: server.url, model: server.model, context: server.contextTokens })}\n`,
  );
  await new Promise<void>((resolveStop) => {
    process.once('SIGTERM', resolveStop);
    process.once('SIGINT', resolveStop);
    // Started by a harness (lib/local-llm.ts): when it dies, our stdin closes; stop with it.
    if (values['exit-with-stdin']) {
      process.stdin.resume();
      process.stdin.once('end', resolveStop);
      process.stdin.once('close', resolveStop);
    }
  });
  await server.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`models:serve: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
