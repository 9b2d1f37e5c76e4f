// `node dist/scripts/scripted-llm-server.js [--host 0.0.0.0] [--port 8000] [--model scripted]`
//
// An OpenAI-compatible server (/v1/models, /v1/chat/completions with and without streaming) whose
// model is scripted: it answers with the opening sentence of the first source Citebox gives it,
// cited [1] (lib/reading-llm.ts). The docker compose test runs it as the stack's LLM, from the
// Citebox image, so an LLM answer can be checked end to end without model weights. Stops on
// SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { startFakeLlm } from './lib/fake-llm.js';
import { readingResponder } from './lib/reading-llm.js';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '0.0.0.0' },
    port: { type: 'string', default: '8000' },
    model: { type: 'string', default: 'scripted' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`scripted-llm-server: --port must be a port number, not ${values.port}`);
  process.exit(2);
}
const llm = await startFakeLlm({ model: values.model, host: values.host, port });
llm.respond(readingResponder);
console.log(JSON.stringify({ msg: 'scripted LLM listening', url: llm.url, model: llm.model }));

let answered = 0;
const report = setInterval(() => {
  if (llm.requests.length === answered) return;
  answered = llm.requests.length;
  console.log(JSON.stringify({ msg: 'requests', total: answered }));
}, 10_000);
report.unref();

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    clearInterval(report);
    void llm.close().then(() => process.exit(0));
  });
}
