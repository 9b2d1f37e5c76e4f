// Starts one embedded OpenSearch node for all engine tests and hands its URL to them
// (`inject('opensearchUrl')`). Never skips: if the node cannot start, the run fails with the
// launcher's output.
import type { TestProject } from 'vitest/node';
import { startOpenSearch } from './opensearch.js';

declare module 'vitest' {
  export interface ProvidedContext {
    opensearchUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const lines: string[] = [];
  const node = await startOpenSearch({ log: (line) => lines.push(line) });
  process.stderr.write(`[engines] OpenSearch ready at ${node.url} in ${Date.now() - started} ms\n`);
  project.provide('opensearchUrl', node.url);
  return async () => {
    await node.stop();
  };
}
