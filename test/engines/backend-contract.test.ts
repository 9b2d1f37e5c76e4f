// The backend contract on real engines: always on the embedded OpenSearch 2.19 node (started by
// global-setup.ts); on Elasticsearch too when ELASTICSEARCH_URL is set.
import { describe, it } from 'vitest';
import { defineBackendContract } from '../../services/search/backend-contract.testkit.js';
import { elasticsearchBackend, elasticsearchUrl, openSearchBackend } from './engine-helpers.js';

defineBackendContract('opensearch', async () => openSearchBackend());

const esUrl = elasticsearchUrl();
if (esUrl) {
  defineBackendContract('elasticsearch', async () => elasticsearchBackend(esUrl));
} else {
  describe('search backend contract: elasticsearch', () => {
    it.skip('runs when ELASTICSEARCH_URL is set (docs/self-hosting.md)', () => {});
  });
}
