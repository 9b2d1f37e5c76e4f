// Client libraries of optional services (the search engines', the LLM endpoint's) load when a
// client is first built, not when the process starts: a process on the embedded index with no
// model configured never pays for them (the three together are ~50 MB of resident memory).
// They are CommonJS packages (openai ships both; its `require` build is loaded), so a synchronous
// `require` keeps the factories synchronous.
import { createRequire } from 'node:module';

const requireLibrary = createRequire(import.meta.url);

/** A function that loads `name` on its first call and returns it from then on. */
export function lazyLibrary<T>(name: string): () => T {
  let library: T | undefined;
  return () => {
    library ??= requireLibrary(name) as T;
    return library;
  };
}
