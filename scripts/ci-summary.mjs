// Sums the vitest JSON reports of the suites CI ran (`node scripts/ci-summary.mjs <dir>`): one line
// per suite, then the total as CI's last line: `N passed, N failed[, N skipped]`. A suite that left
// no report (it crashed before vitest could write one) counts as one failed test.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node scripts/ci-summary.mjs <report dir>\n');
  process.exit(2);
}
let passed = 0;
let failed = 0;
let skipped = 0;
for (const name of readdirSync(dir).sort()) {
  const suite = name.replace(/\.(json|missing)$/, '');
  if (name.endsWith('.missing')) {
    failed += 1;
    process.stdout.write(`== ${suite}: no report (the suite did not finish)\n`);
    continue;
  }
  if (!name.endsWith('.json')) continue;
  let report;
  try {
    report = JSON.parse(readFileSync(join(dir, name), 'utf8'));
  } catch (err) {
    failed += 1;
    process.stdout.write(`== ${suite}: unreadable report (${err.message})\n`);
    continue;
  }
  const p = report.numPassedTests ?? 0;
  // A file that failed to load counts its failure even when no test in it ran.
  const f = Math.max(report.numFailedTests ?? 0, report.numFailedTestSuites ?? 0);
  const s = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  passed += p;
  failed += f;
  skipped += s;
  process.stdout.write(`== ${suite}: ${p} passed, ${f} failed${s ? `, ${s} skipped` : ''}\n`);
}
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
