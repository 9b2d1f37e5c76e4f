// Compiles the TypeScript sources to dist/ with tsc. Plain JavaScript so it runs before anything is
// built; `npm ci` runs it (prepare) and `npm start` runs it again, which costs about a second when
// nothing changed because the build is incremental.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineNote } from './engine-note.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const started = Date.now();
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) {
  console.error('citebox: build failed (see the TypeScript errors above).');
  process.exit(result.status ?? 1);
}
if (!quiet) {
  console.log(`citebox: built dist/ in ${Date.now() - started} ms`);
  // Under `npm ci` (prepare), once: why npm warned about engines.
  if (process.env.npm_lifecycle_event === 'prepare') {
    const note = engineNote(process.env.npm_config_user_agent, process.versions.node);
    if (note) console.log(note);
  }
}
