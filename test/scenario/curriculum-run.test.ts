import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/loader.js';
import { runScenario } from '../../src/scenario/run-scenario.js';

const ROOT = resolve(import.meta.dirname, '../..');
const files = readdirSync(join(ROOT, 'scenarios'))
  .filter((f) => /^\d\d-.*\.yaml$/.test(f))
  .sort();

/**
 * Scenarios that are faithful to the real kubelet but wait on a feature still missing in the
 * kubelet or runtime; each names what is missing. Remove an entry when the feature lands (the
 * scenario is not weakened to pass).
 */
const KNOWN_GAPS: Record<string, string> = {};

describe('every bundled scenario runs on the simulated runtime', () => {
  for (const f of files) {
    if (KNOWN_GAPS[f]) {
      it.todo(`${f} — waits on: ${KNOWN_GAPS[f]}`);
      continue;
    }
    it(`${f}: every step runs and every expectation passes`, async () => {
      const loaded = await loadScenarioFile(join(ROOT, 'scenarios', f));
      if (!loaded.ok) throw new Error(loaded.problems.map((p) => `${p.line}:${p.column}: ${p.message}`).join('\n'));
      const r = await runScenario(loaded.scenario, { backend: 'sim' });
      const failed = r.summary.results.filter((x) => !x.passed).map((x) => `step ${x.step}: ${x.description} — observed ${JSON.stringify(x.observed)}`);
      expect(r.summary.aborted ?? '', failed.join('\n')).toBe('');
      expect(failed).toEqual([]);
      expect(r.summary.passed).toBeGreaterThanOrEqual(2);
    }, 120_000);
  }
});
