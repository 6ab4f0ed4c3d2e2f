import { join } from 'node:path';
import { parseNumberList, readAnswerText } from './answer-file.js';
import { runBundled, type QuietRun } from './run-quietly.js';
import { notYet, pass, type Exercise } from './types.js';

/**
 * How far a learner's number may be from the measured delay: the kubelet restarts at the first
 * pod sync after the back-off ends, and a sync can come up to a relist (1 s) later.
 */
const TOLERANCE_S = 2;
/** The restarts scenario 4 walks through before the 10-minute quiet spell. */
const RESTARTS = 8;

/** Seconds from each crash of worker/app to the start of its next instance, in the run. */
export function measuredRestartDelays(run: QuietRun, pod: string, container: string): number[] {
  const delays: number[] = [];
  let exitedAt: number | undefined;
  for (const e of run.events) {
    if (e.kind === 'machine.transition' && e.machine === 'container') {
      const info = run.state.containerOf(e.id);
      if (info?.pod !== pod || info.container !== container) continue;
      if (e.to === 'CONTAINER_EXITED') exitedAt = e.t;
      if (e.to === 'CONTAINER_RUNNING' && exitedAt !== undefined) {
        delays.push((e.t - exitedAt) / 1000);
        exitedAt = undefined;
      }
    }
  }
  return delays;
}

/** Predict how long the kubelet waits before each restart of a crashing container. */
export const backoffDelays: Exercise = {
  id: 6,
  slug: 'backoff-delays',
  title: 'Predict the CrashLoopBackOff delays',
  goal: `In scenarios/04-crashloopbackoff.yaml the container crashes again as soon as it runs. Predict, in seconds, how long the kubelet waits between each crash and the next start, for the first ${RESTARTS} restarts.`,
  scenario: 'scenarios/04-crashloopbackoff.yaml',
  answerFormat: `${RESTARTS} numbers of seconds, one per line or on one line (e.g. 0 5 …)`,
  hints: [
    'The first restart is not delayed at all.',
    'After that the delay starts at 10 s and doubles each time.',
    'It never goes above MaxContainerBackOff: 5 minutes.',
  ],
  doc: 'docs/exercises/06-backoff-delays.md',
  async check(answerFile, ctx) {
    const said = parseNumberList(answerFile ?? '', await readAnswerText(answerFile));
    const run = await runBundled(join(ctx.root, this.scenario));
    const real = measuredRestartDelays(run, 'worker', 'app').slice(0, RESTARTS);
    if (said.length !== real.length) return notYet(`give ${real.length} numbers, one per restart; you gave ${said.length}`);
    for (let i = 0; i < real.length; i++) {
      if (Math.abs(said[i]! - real[i]!) > TOLERANCE_S) {
        const hint = i === 0 ? this.hints[0] : real[i]! >= 290 ? this.hints[2] : this.hints[1];
        return notYet(`restart ${i + 1}: you said ${said[i]} s; the kubelet waited ${real[i]!.toFixed(1)} s`, hint);
      }
    }
    return pass(`Right: ${real.map((d) => Math.round(d)).join(', ')} s (measured from the container's exit to the next start).`);
  },
};
