#!/usr/bin/env node
// Runs the vitest suite and ends with one plain line, `tests: N passed, N failed, N skipped`,
// so that any CI reading the log sees the count. Arguments go on to vitest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'crilab-vitest-'));
const report = join(dir, 'report.json');
const res = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
let line = 'tests: no report (vitest did not finish)';
try {
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  line = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`;
} catch {
  /* keep the fallback line */
}
rmSync(dir, { recursive: true, force: true });
console.log(line);
process.exit(res.status ?? 1);
