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
  const flags = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)+)$/.exec(shebang)?.[1]?.trim().split(' ');

  it('bin/citebox.js names its flags on its first line', () => {
    expect(flags).toEqual(['--max-semi-space-size=8']);
  });

  it('npm start and the Docker entry point give the same flags', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['start'];
    expect(start).toContain(`node ${flags?.join(' ')} bin/citebox.js serve`);
    const entry = /^ENTRYPOINT (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
    expect(JSON.parse(entry ?? '[]')).toEqual(['node', ...(flags ?? []), '/app/bin/citebox.js']);
  });
});
