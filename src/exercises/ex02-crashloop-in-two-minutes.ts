import type { PodStatus } from 'kubernetes-types/core/v1.js';
import { AnswerFileError } from './answer-file.js';
import { loadForCheck, runQuietly } from './run-quietly.js';
import { notYet, pass, type Exercise } from './types.js';

/** The deadline, in simulated time from the start of the run. */
const DEADLINE_MS = 120_000;

/** Write a scenario whose pod reaches CrashLoopBackOff on its own within two minutes. */
export const crashLoopInTwoMinutes: Exercise = {
  id: 2,
  slug: 'crashloop-in-two-minutes',
  title: 'Make a pod reach CrashLoopBackOff within two minutes',
  goal:
    'Write a scenario in which a pod\'s container crashes by itself (its own command fails; no crash or oomKill fault) and the kubelet reports it waiting with reason CrashLoopBackOff within 2 minutes of simulated time.',
  scenario: 'scenarios/04-crashloopbackoff.yaml',
  answerFormat: 'a scenario file (YAML, the format of docs/scenarios.md)',
  hints: [
    'A container whose command exits non-zero (sh -c "exit 1") is restarted at once the first time; the second crash inside the 10 s back-off gives CrashLoopBackOff.',
    'restartPolicy Never never restarts, so it never backs off; OnFailure needs a non-zero exit.',
    'Apply the pod and then wait (for example for the container waiting with reason CrashLoopBackOff) so the scenario runs long enough.',
  ],
  doc: 'docs/exercises/02-crashloop-in-two-minutes.md',
  async check(answerFile) {
    if (answerFile === undefined) throw new AnswerFileError('this exercise needs your scenario file: crilab exercise check 2 my-crashloop.yaml');
    const loaded = await loadForCheck(answerFile);
    if (!loaded.ok) throw new AnswerFileError(`your scenario does not load:\n  ${loaded.problems.join('\n  ')}`);
    const faults = loaded.scenario.steps.filter((s) => s.kind === 'fault' && (s.fault.kind === 'crash' || s.fault.kind === 'oomKill'));
    if (faults.length > 0) {
      return notYet(`your scenario injects a ${faults[0]!.kind === 'fault' ? faults[0]!.fault.kind : ''} fault (line ${faults[0]!.position.line}); the container must crash by itself`, this.hints[0]);
    }
    const run = await runQuietly(loaded.scenario);
    const seen = new Set<string>();
    for (const e of run.events) {
      if (e.kind !== 'pod.status') continue;
      const st = e.status as PodStatus;
      for (const c of st.containerStatuses ?? []) {
        const reason = c.state?.waiting?.reason ?? c.state?.terminated?.reason;
        if (reason) seen.add(reason);
        if (c.state?.waiting?.reason === 'CrashLoopBackOff') {
          const at = e.t - run.startMs;
          if (at <= DEADLINE_MS) return pass(`${e.pod}: container ${c.name} is in CrashLoopBackOff ${(at / 1000).toFixed(1)} s into the run (restart count ${c.restartCount}).`);
          return notYet(`CrashLoopBackOff came ${(at / 1000).toFixed(1)} s into the run; it must come within ${DEADLINE_MS / 1000} s`, 'Crash sooner: a shorter sleep before the failing exit.');
        }
      }
    }
    const steps = run.summary.aborted ? ` (the run stopped early: ${run.summary.aborted})` : '';
    return notYet(
      `no container reached CrashLoopBackOff${steps}; reasons seen: ${seen.size ? [...seen].join(', ') : 'none (did the scenario apply its pod?)'}`,
      seen.has('Completed') ? this.hints[1] : seen.size === 0 ? this.hints[2] : this.hints[0],
    );
  },
};
