// tuneCrawlProcess turns V8's top tier off for the rest of the process: a hot function is then
// optimized by Maglev, never by TurboFan. Checked in a child process with V8's natives syntax
// (%GetOptimizationStatus), loading this module on its own (it imports nothing of Citebox's).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULE = fileURLToPath(new URL('./process-tuning.ts', import.meta.url));
// V8's OptimizationStatus bits (src/runtime/runtime.h).
const MAGLEVVED = 1 << 5;
const TURBOFANNED = 1 << 6;

function statusOfHotFunction(tuned: boolean): number {
  const script = `
    ${tuned ? `const { tuneCrawlProcess } = await import(${JSON.stringify(MODULE)}); tuneCrawlProcess();` : ''}
    function f(x) { return x * 2 + 1; }
    function run() { let s = 0; for (let i = 0; i < 10_000_000; i++) s += f(i); return s; }
    // Rounds until the tier expected shows (compilation runs on a background thread), then more.
    const wanted = ${tuned ? MAGLEVVED : TURBOFANNED};
    let s = 0;
    let round = 0;
    for (; round < 100 && !(%GetOptimizationStatus(f) & wanted); round++) s += run();
    for (let more = 0; more < 8; more++) s += run();
    console.log(%GetOptimizationStatus(f), s > 0);
  `;
  const child = spawnSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout.trim().split(' ')[0]);
}

describe('tuneCrawlProcess', () => {
  it('leaves hot code to Maglev: TurboFan optimizes nothing after it', () => {
    const tuned = statusOfHotFunction(true);
    expect(tuned & TURBOFANNED).toBe(0);
    expect(tuned & MAGLEVVED).toBe(MAGLEVVED);
  });

  it('TurboFan optimizes the same function in an untuned process (the check can fail)', () => {
    expect(statusOfHotFunction(false) & TURBOFANNED).toBe(TURBOFANNED);
  });
});
