import { predictFirstPodCalls } from './ex01-predict-first-pod-calls.js';
import { crashLoopInTwoMinutes } from './ex02-crashloop-in-two-minutes.js';
import { fixBrokenScenario } from './ex03-fix-broken-scenario.js';
import { whoHoldsTheNetwork } from './ex04-who-holds-the-network.js';
import { whyTheIpChanged } from './ex05-why-the-ip-changed.js';
import { backoffDelays } from './ex06-backoff-delays.js';
import { whoPulls } from './ex07-who-pulls.js';
import { stopFast } from './ex08-stop-fast.js';
import { plegRelist } from './ex09-pleg-relist.js';
import { dockershimHops } from './ex10-dockershim-hops.js';
import { AnswerFileError } from './answer-file.js';
import type { CheckContext, CheckResult, Exercise } from './types.js';

/** The workshop exercises, in the order of the scenarios they build on. */
export const EXERCISES: readonly Exercise[] = [
  predictFirstPodCalls,
  crashLoopInTwoMinutes,
  fixBrokenScenario,
  whoHoldsTheNetwork,
  whyTheIpChanged,
  backoffDelays,
  whoPulls,
  stopFast,
  plegRelist,
  dockershimHops,
];

export function findExercise(idOrSlug: string): Exercise | undefined {
  const n = Number(idOrSlug);
  return EXERCISES.find((e) => (Number.isInteger(n) ? e.id === n : e.slug === idOrSlug));
}

/**
 * Run a checker and turn anything that goes wrong into a verdict: a bad answer file is the
 * learner's to fix (exit 2); anything else is reported in one line, never as a stack trace.
 */
export async function checkExercise(ex: Exercise, answerFile: string | undefined, ctx: CheckContext): Promise<CheckResult> {
  try {
    return await ex.check(answerFile, ctx);
  } catch (err) {
    if (err instanceof AnswerFileError) return { verdict: 'bad-answer', message: err.message };
    return { verdict: 'bad-answer', message: `the checker could not run: ${err instanceof Error ? err.message : String(err)}` };
  }
}

export const EXIT_FOR_VERDICT = { pass: 0, 'not-yet': 1, 'bad-answer': 2 } as const;
