// Starts the real engines once for all engine tests, side by side: the embedded OpenSearch 2.19 node
// and an Elasticsearch 9 node (the Maven Central zip with the test plugin, ./elasticsearch/), and
// hands their URLs to the tests (`inject('opensearchUrl')`, `inject('elasticsearchUrl')`). Never
// skips: if a node cannot start, the run fails, naming the engine, with the node's output.
// CITEBOX_TEST_ELASTICSEARCH_URL runs the Elasticsearch suites on a node of yours (e.g. an 8.x in
// Docker) instead of starting one.
import type { TestProject } from 'vitest/node';
import { startElasticsearch } from './elasticsearch.js';
import { TEST_NODE_SETTINGS } from './engine-settings.js';
import { startOpenSearch } from './opensearch.js';

declare module 'vitest' {
  export interface ProvidedContext {
    opensearchUrl: string;
    elasticsearchUrl: string;
  }
}

interface Node {
  url: string;
  stop(): Promise<void>;
}

async function timed(name: string, start: () => Promise<Node>): Promise<Node> {
  const started = Date.now();
  try {
    const node = await start();
    process.stderr.write(`[engines] ${name} ready at ${node.url} in ${Date.now() - started} ms\n`);
    return node;
  } catch (err) {
    throw new Error(`[engines] ${name} could not start: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env['CITEBOX_TEST_ELASTICSEARCH_URL'];
  const outcomes = await Promise.allSettled([
    timed('OpenSearch', () => startOpenSearch({ settings: TEST_NODE_SETTINGS })),
    external
      ? Promise.resolve({ url: external.replace(/\/$/, ''), stop: async () => {} })
      : timed('Elasticsearch', () => startElasticsearch({ settings: TEST_NODE_SETTINGS })),
  ]);
  const nodes = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const stopAll = async (): Promise<void> => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
  if (failures.length > 0) {
    await stopAll();
    throw new Error(failures.map((f) => (f instanceof Error ? f.message : String(f))).join('\n\n'));
  }
  const [os, es] = nodes as [Node, Node];
  project.provide('opensearchUrl', os.url);
  project.provide('elasticsearchUrl', es.url);
  return stopAll;
}
