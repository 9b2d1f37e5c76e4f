#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=8
// Entry point of the `citebox` command. Plain JavaScript that parses on any Node, so that an old
// Node can print which version Citebox needs instead of a syntax error.
//
// The first line's settings (also given by `npm start` and the Docker image; the crawl benchmark
// reads them from here) keep a crawl's resident memory down, at the same CPU time:
// - V8's young generation at most 2 × 8 MB. Left to itself, V8 grew it to 2 × 32 MB during a crawl
//   on a machine with 24 GB (it may reach 2 × 64 MB), the largest part of a crawl's resident memory
//   (SQLite manual: peak RSS ~280 -> ~245 MB; 2 × 4 MB saved more but doubled the time spent
//   collecting garbage).
// - glibc's malloc in at most two arenas rather than one per thread (page threads, SQLite, I/O
//   threads each kept their own, mostly free): 10–30 MB less.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 13)) {
  console.error(
    `citebox: Node.js 22.13 or newer is required (24 LTS recommended); this is Node ${process.versions.node}. Use \`npm start\` or \`npx citebox\`, which run the Node 24 installed by \`npm ci\`.`,
  );
  process.exit(1);
}

try {
  // Help is answered before the rest of Citebox is loaded (which takes a second or more).
  const { helpText } = await import('../dist/cli/help.js');
  const help = helpText(process.argv.slice(2));
  if (help !== undefined) {
    process.stdout.write(`${help}\n`);
    process.exit(0);
  }
  await import('../dist/cli/main.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && /dist\/cli\/(main|help)\.js/.test(String(err.message))) {
    console.error('citebox: not built yet; run `npm run build` (or `npm ci`, which builds) first.');
    process.exit(1);
  }
  throw err;
}
