// The floor under a cold /v1/search on this machine: a bare Fastify server over the same SQLite
// index that, per request, runs one FTS5 query (the question's words, OR, ranked by bm25, top 30),
// reads those 30 passages and answers with JSON of about the size of Citebox's results (each
// passage's first 240 characters as its snippet). No analysis, re-ranking, snippets worth the
// name, validation, rate limits, metrics or access log: what any server answering a search over
// this index spends at least. `bench:api -- --cold --floor` loads it like Citebox's routes.
//
//   node dist/scripts/lib/floor-server.js <index.sqlite> [processes]
// prints {"msg":"Citebox is listening","url":…} once it listens on 127.0.0.1 (a free port).
import cluster from 'node:cluster';
import { DatabaseSync } from 'node:sqlite';
import Fastify from 'fastify';

const [indexPath, processesArg] = process.argv.slice(2);
const processes = Math.max(1, Number(processesArg ?? '1'));
if (!indexPath) {
  console.error('usage: floor-server <index.sqlite> [processes]');
  process.exit(2);
}

const STOP = new Set(
  'a an and are as at be by did do does for from had has have how in is it its of on or the to was were what when where which who whom why with'.split(
    ' ',
  ),
);

/** The question's words as an FTS5 OR of quoted terms (stop words left out). */
export function floorMatch(question: string): string {
  const words = (question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => !STOP.has(w));
  return [...new Set(words)].map((w) => `"${w}"`).join(' OR ');
}

async function serve(): Promise<void> {
  const db = new DatabaseSync(indexPath as string, { readOnly: true });
  const top = db.prepare(
    'SELECT rowid AS r FROM passages_fts WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts, 1.5, 1.5, 1) LIMIT 30',
  );
  const rows = db.prepare(
    'SELECT rowid AS r, id, url, title, headings, text FROM passages WHERE rowid IN (SELECT value FROM json_each(?))',
  );
  const app = Fastify({ logger: false });
  app.get('/v1/search', async (request, reply) => {
    const q = (request.query as { q?: string }).q ?? '';
    const match = floorMatch(q);
    if (!match) return reply.code(400).send({ error: 'empty query' });
    const ids = (top.all(match) as Array<{ r: number }>).map((x) => x.r);
    const found = rows.all(JSON.stringify(ids)) as Array<{
      id: string;
      url: string;
      title: string;
      headings: string;
      text: string;
    }>;
    return {
      results: found.map((p) => ({
        url: p.url,
        title: p.title,
        id: p.id,
        headings: JSON.parse(p.headings) as string[],
        snippet: p.text.slice(0, 240),
      })),
    };
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  if (cluster.isPrimary) console.log(JSON.stringify({ msg: 'Citebox is listening', url }));
}

if (processes > 1 && cluster.isPrimary) {
  for (let i = 0; i < processes; i++) cluster.fork();
  let announced = false;
  cluster.on('listening', (_worker, address) => {
    if (announced) return;
    announced = true;
    console.log(JSON.stringify({ msg: 'Citebox is listening', url: `http://127.0.0.1:${address.port}` }));
  });
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  await serve();
}
