// The backend contract on both real engines (started by global-setup.ts): the embedded OpenSearch
// 2.19 node and the Elasticsearch 9 node.
import { defineBackendContract } from '../../services/search/backend-contract.testkit.js';
import { TEST_ENGINES } from './engine-helpers.js';

for (const engine of TEST_ENGINES) {
  defineBackendContract(engine.flavor, async () => engine.backend());
}
