// The scriptable OpenAI-compatible server for tests (it lives in scripts/lib so that the
// benchmarks, which are built without test/, can use it too).
export * from '../../scripts/lib/fake-llm.js';
