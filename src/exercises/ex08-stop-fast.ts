import type { PodStatus } from 'kubernetes-types/core/v1.js';
import { AnswerFileError } from './answer-file.js';
import { loadForCheck, runQuietly } from './run-quietly.js';
import { notYet, pass, type Exercise } from './types.js';

/** Within this much simulated time of its deletion the container must have exited. */
const STOP_WITHIN_MS = 3_000;
/** A grace period this long or longer, so that being fast is the container's doing. */
const MIN_GRACE_S = 10;
/** The API default when a pod does not say (`DefaultTerminationGracePeriodSeconds`). */
const DEFAULT_GRACE_S = 30;

/** Make a pod with a long grace period stop in under 3 seconds, by handling SIGTERM. */
export const stopFast: Exercise = {
  id: 8,
  slug: 'stop-fast',
  title: 'Make a pod stop at once',
  goal: `In scenarios/09-graceful-termination.yaml the "stubborn" pod takes its whole grace period to stop and dies of SIGKILL (137). Write a scenario with a pod whose terminationGracePeriodSeconds is at least ${MIN_GRACE_S} (or unset: 30) that, once deleted, has exited within ${STOP_WITHIN_MS / 1000} s with an exit code other than 137.`,
  scenario: 'scenarios/09-graceful-termination.yaml',
  answerFormat: 'a scenario file that applies the pod, waits for it to run, deletes it, and waits a little',
  hints: [
    'PID 1 ignores SIGTERM unless it has a handler: trap it in the shell.',
    'A trap runs only after the foreground command returns: sleep in the background and `wait`, so the signal interrupts the wait.',
    'After the delete step, wait for StopPodSandbox (or advance a few seconds) so the run lasts long enough to see the exit.',
  ],
  doc: 'docs/exercises/08-stop-fast.md',
  async check(answerFile) {
    if (answerFile === undefined) throw new AnswerFileError('this exercise needs your scenario file: crilab exercise check 8 my-fast-stop.yaml');
    const loaded = await loadForCheck(answerFile);
    if (!loaded.ok) throw new AnswerFileError(`your scenario does not load:\n  ${loaded.problems.join('\n  ')}`);
    const s = loaded.scenario;
    const deletes = s.steps.flatMap((st, i) => (st.kind === 'delete' ? [{ pod: st.pod, index: i + 1, grace: st.gracePeriodSeconds }] : []));
    if (deletes.length === 0) return notYet('your scenario never deletes a pod', this.hints[2]);
    const run = await runQuietly(s);
    const results: string[] = [];
    for (const d of deletes) {
      const sp = s.pods.find((p) => p.name === d.pod);
      const grace = d.grace ?? sp?.manifest.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_S;
      if (grace < MIN_GRACE_S) {
        results.push(`${d.pod}: its grace period is ${grace} s; use at least ${MIN_GRACE_S} s so that stopping fast is the container's doing`);
        continue;
      }
      const seq = run.stepStartSeq.get(d.index);
      const deletedAt = run.events.find((e) => e.seq === seq)?.t;
      if (deletedAt === undefined) {
        results.push(`${d.pod}: the run stopped before the delete step (${run.summary.aborted ?? 'unknown reason'})`);
        continue;
      }
      const exit = firstExitAfter(run.events, run.state.podKeys.get(d.pod)?.key, seq!);
      if (!exit) {
        const lastT = run.events[run.events.length - 1]?.t ?? deletedAt;
        results.push(
          lastT - deletedAt > STOP_WITHIN_MS
            ? `${d.pod}: still running ${((lastT - deletedAt) / 1000).toFixed(1)} s after the delete: SIGTERM did nothing`
            : `${d.pod}: the run ended ${((lastT - deletedAt) / 1000).toFixed(1)} s after the delete, before anything exited`,
        );
        continue;
      }
      const took = exit.t - deletedAt;
      if (exit.exitCode === 137) results.push(`${d.pod}: ${exit.container} was killed with SIGKILL (137) after ${(took / 1000).toFixed(1)} s`);
      else if (took > STOP_WITHIN_MS) results.push(`${d.pod}: ${exit.container} exited ${exit.exitCode} but only after ${(took / 1000).toFixed(1)} s`);
      else return pass(`${d.pod}: ${exit.container} exited with code ${exit.exitCode} ${(took / 1000).toFixed(1)} s after the delete, with a ${grace} s grace period.`);
    }
    const r = results.join('\n');
    return notYet(r, r.includes('137') || r.includes('SIGTERM did nothing') ? this.hints[0] : r.includes('only after') ? this.hints[1] : this.hints[2]);
  },
};

function firstExitAfter(events: readonly { kind: string; seq: number; t: number }[], podKey: string | undefined, afterSeq: number): { t: number; container: string; exitCode: number } | undefined {
  if (!podKey) return undefined;
  for (const e of events) {
    if (e.seq <= afterSeq || e.kind !== 'pod.status') continue;
    const ev = e as unknown as { pod: string; status: PodStatus };
    if (ev.pod !== podKey) continue;
    for (const c of ev.status.containerStatuses ?? []) {
      const term = c.state?.terminated;
      if (term) return { t: e.t, container: c.name, exitCode: term.exitCode };
    }
  }
  return undefined;
}
