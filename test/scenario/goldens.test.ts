/**
 * Recorded scenario tests: every bundled scenario (scenarios/*.yaml) runs and its normalised
 * trace must equal its golden, test/scenario/goldens/<metadata.name>.jsonl, through the same
 * code as `crilab test`. When behaviour changes on purpose, `crilab test --update` rewrites the
 * goldens; review their diff like code.
 */
import { describe, expect, it } from 'vitest';
import { crilabVersion } from '../../src/cli/version.js';
import { bundledScenarioFiles, checkGolden, formatDivergence } from '../../src/scenario/golden.js';
import { loadOrThrow } from '../../src/scenario/run-scenario.js';

const files = await bundledScenarioFiles();

describe('bundled scenarios match their goldens', () => {
  it('there are bundled scenarios', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => [f.split('/').pop()!, f]))('%s', async (_name, file) => {
    const scenario = await loadOrThrow(file);
    const check = await checkGolden(scenario, { crilab: crilabVersion() });
    if (check.status === 'missing') {
      expect.fail(`${scenario.metadata.name} has no golden at ${check.path}; run \`crilab test --update\` (npm run build first) and commit the file`);
    }
    if (check.status === 'differs') {
      expect.fail([`${scenario.metadata.name} differs from its golden:`, ...formatDivergence(check.divergence!), 'if the new behaviour is right: crilab test --update, then review the diff'].join('\n'));
    }
    expect(check.status).toBe('match');
    const s = check.result.summary;
    expect({ failed: s.failed, aborted: s.aborted, failures: s.results.filter((r) => !r.passed) }).toEqual({ failed: 0, aborted: undefined, failures: [] });
    // The longest scenario is ten minutes of kubelet time and ~8 000 events: seconds, but more
    // than the default limit on a busy machine.
  }, 120_000);
});
