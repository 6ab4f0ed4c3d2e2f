import type { BackendChoice } from '../../backends/select.js';
import { bundledScenarioFiles, checkGolden, formatDivergence, type GoldenCheck } from '../../scenario/golden.js';
import { RecordingError } from '../../trace/recording.js';
import { CliError, EXIT_BAD_INPUT, EXIT_FAILED } from '../exit-codes.js';
import { useColor } from '../options.js';
import { crilabVersion } from '../version.js';
import { loadScenarioOrExit } from './load-scenario.js';

export interface TestOptions {
  update?: boolean;
  goldens: string;
  backend: BackendChoice;
  seed?: number;
}

const paint = (on: boolean, code: string, s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

function report(check: GoldenCheck, color: boolean, out: (line: string) => void): void {
  const name = check.scenario.metadata.name;
  const s = check.result.summary;
  const ok = s.failed === 0 && !s.aborted;
  const run = `${check.events} events, ${s.passed} passed, ${s.failed} failed${s.aborted ? ', stopped early' : ''}`;
  switch (check.status) {
    case 'match':
      out(`${ok ? paint(color, '32', '✓') : paint(color, '31', '✗')} ${name}  matches its golden (${run})`);
      return;
    case 'unchanged':
      out(`${ok ? paint(color, '32', '✓') : paint(color, '31', '✗')} ${name}  golden unchanged (${run})`);
      return;
    case 'written':
      out(`${paint(color, '33', '✎')} ${name}  golden written: ${check.path} (${run})`);
      return;
    case 'missing':
      out(`${paint(color, '31', '✗')} ${name}  has no golden at ${check.path}; run \`crilab test --update\` to record it`);
      return;
    case 'differs':
      out(`${paint(color, '31', '✗')} ${name}  differs from its golden ${check.path} (${run})`);
      for (const line of formatDivergence(check.divergence!)) out(`    ${line}`);
      out('    if the new behaviour is right, run `crilab test --update` and review the golden\'s diff');
      return;
  }
}

/** `crilab test [FILES]`: run scenarios and compare their normalised traces with the goldens. */
export async function test(files: string[], opts: TestOptions): Promise<void> {
  const color = useColor(process.stdout);
  const out = (line: string) => process.stdout.write(line + '\n');
  const targets = files.length > 0 ? files : await bundledScenarioFiles();
  if (targets.length === 0) throw new CliError('no scenarios to test', EXIT_BAD_INPUT);
  // Load everything first: a scenario with problems stops the command before anything runs.
  const scenarios = [];
  for (const f of targets) scenarios.push(await loadScenarioOrExit(f));
  let bad = 0;
  for (const scenario of scenarios) {
    let check: GoldenCheck;
    try {
      check = await checkGolden(scenario, {
        goldensDir: opts.goldens,
        update: opts.update ?? false,
        backend: opts.backend,
        crilab: crilabVersion(),
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
      });
    } catch (err) {
      if (err instanceof RecordingError) throw new CliError(err.message, EXIT_BAD_INPUT);
      throw err;
    }
    report(check, color, out);
    const s = check.result.summary;
    // A golden records what happened, failed expectations included; the test also wants
    // the scenario's own expectations to hold.
    if (s.failed > 0 || s.aborted) {
      out(`    ${paint(color, '31', 'the scenario itself failed:')} ${s.aborted ?? ''}`.trimEnd());
      for (const r of s.results.filter((x) => !x.passed)) out(`      step ${r.step}: ${r.description} — observed ${JSON.stringify(r.observed)}`);
    }
    if (check.status === 'differs' || check.status === 'missing' || s.failed > 0 || s.aborted) bad++;
  }
  if (bad > 0) throw new CliError(`${bad} of ${scenarios.length} scenario(s) failed (golden differs or missing, or an expectation failed)`, EXIT_FAILED);
}
