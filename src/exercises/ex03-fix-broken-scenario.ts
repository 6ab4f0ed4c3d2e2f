import { AnswerFileError } from './answer-file.js';
import { loadForCheck, runQuietly } from './run-quietly.js';
import { notYet, pass, type Exercise } from './types.js';

/** Fix a scenario that does not load, using only the loader's file:line:column messages. */
export const fixBrokenScenario: Exercise = {
  id: 3,
  slug: 'fix-broken-scenario',
  title: 'Fix a broken scenario',
  goal:
    'docs/exercises/files/03-broken-scenario.yaml does not load. Copy it, run `crilab run` on your copy, and fix every mistake the loader points at (file:line:column) until it loads and runs: the pod "web" (busybox:1.36) must reach Running and its expectations pass.',
  scenario: 'docs/exercises/files/03-broken-scenario.yaml',
  answerFormat: 'your fixed copy of the scenario file',
  hints: [
    'Read each message from the left: the line and column point at the value (or key) at fault, the text says what was expected.',
    'Unknown keys are errors: a misspelt field is not silently ignored.',
    'Durations are written as in Kubernetes: 30s, 1m, 1m30s.',
  ],
  doc: 'docs/exercises/03-fix-broken-scenario.md',
  async check(answerFile) {
    if (answerFile === undefined) throw new AnswerFileError('this exercise needs your fixed scenario: crilab exercise check 3 my-fixed-scenario.yaml');
    const loaded = await loadForCheck(answerFile);
    if (!loaded.ok) {
      const n = loaded.problems.length;
      return notYet(`${n} problem${n === 1 ? '' : 's'} left; the first:\n  ${loaded.problems[0]}`, this.hints[0]);
    }
    const s = loaded.scenario;
    const web = s.pods.find((p) => p.name === 'web');
    const app = web?.manifest.spec?.containers?.[0];
    if (!web || app?.image !== 'busybox:1.36') {
      return notYet('it loads, but the pod "web" with its busybox:1.36 container is gone; fix the mistakes rather than removing what they were in');
    }
    if (!s.steps.some((st) => st.kind === 'wait') || !s.steps.some((st) => st.kind === 'expect')) {
      return notYet('it loads, but the wait and the expect steps are gone; keep them and fix them');
    }
    const run = await runQuietly(s);
    if (run.summary.aborted) return notYet(`it loads but does not run through: ${run.summary.aborted}`, 'A wait has to name the pod the scenario applies.');
    if (run.summary.failed > 0) return notYet(`it loads and runs, but ${run.summary.failed} expectation(s) failed`);
    return pass(`Fixed: it loads, the pod runs and ${run.summary.passed} expectation(s) pass.`);
  },
};
