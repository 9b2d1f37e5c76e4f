// The backend contract on a real OpenSearch 2.19 node (embedded, started by global-setup.ts).
import { defineBackendContract } from '../../services/search/backend-contract.testkit.js';
import { openSearchBackend } from './engine-helpers.js';

defineBackendContract('opensearch', async () => openSearchBackend());
