// The `citebox` command runs with the same Node flags however it is started: its launcher's first
// line (npx, a direct run), `npm start`, and the Docker image's entry point (bench:crawl reads the
// launcher's line too).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

describe('launcher flags', () => {
  const shebang = read('bin/citebox.js').split('\n', 1)[0] ?? '';
  const m = /^#!\/usr\/bin\/env -S ((?:\w+=\S+ )*)node((?: --[\w-]+(?:=\S+)?)+)$/.exec(shebang);
  const vars = m?.[1]?.trim().split(' ') ?? [];
  const flags = m?.[2]?.trim().split(' ') ?? [];

  it('bin/citebox.js names its settings on its first line', () => {
    expect(vars).toEqual(['MALLOC_ARENA_MAX=2']);
    expect(flags).toEqual(['--max-semi-space-size=8']);
  });

  it('npm start and the Docker image give the same settings', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start'];
    expect(start).toContain(`${vars.join(' ')} exec node ${flags.join(' ')} bin/citebox.js serve`);
    const dockerfile = read('Dockerfile');
    for (const v of vars) expect(dockerfile).toMatch(new RegExp(`^ENV ${v}$`, 'm'));
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)?.[1];
    expect(JSON.parse(entry ?? '[]')).toEqual(['node', ...flags, '/app/bin/citebox.js']);
  });
});
