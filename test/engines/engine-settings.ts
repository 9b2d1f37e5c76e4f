// Node settings both test engines start with. Small search and write queues make overload (429,
// "rejected execution") reachable with a few hundred requests on a 2-core machine, so the tests
// can check how Citebox behaves under it; the suites never come near them otherwise (one request
// at a time per test, test files in turn). The pools themselves keep their default sizes.
export const TEST_NODE_SETTINGS = {
  'thread_pool.search.queue_size': 40,
  'thread_pool.write.queue_size': 8,
} as const;
