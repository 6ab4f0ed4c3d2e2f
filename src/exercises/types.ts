/**
 * A workshop exercise: a goal, the scenario it starts from, hints, and a checker that looks at
 * the learner's answer (a file) — usually by running a scenario on the simulated runtime and
 * comparing what really happened with what the learner said would happen.
 */

/** `pass`: exit 0; `not-yet`: exit 1, with a hint; `bad-answer`: exit 2, the file could not be used. */
export type Verdict = 'pass' | 'not-yet' | 'bad-answer';

export interface CheckResult {
  verdict: Verdict;
  /** One or a few lines: what was right, or what is wrong and where to look. */
  message: string;
  /** A nudge, shown on `not-yet`. */
  hint?: string;
}

export interface Exercise {
  /** 1-based, as `crilab exercise check N` takes it. */
  id: number;
  slug: string;
  title: string;
  /** What the learner has to do, one paragraph. */
  goal: string;
  /** The scenario to start from (relative to the repository root). */
  scenario: string;
  /** What the answer file holds, shown by `exercise show`. */
  answerFormat: string;
  hints: string[];
  /** The page in docs/exercises/ with the full text. */
  doc: string;
  /** Check an answer file; never throws (the caller turns an exception into a bad-answer too). */
  check(answerFile: string | undefined, ctx: CheckContext): Promise<CheckResult>;
}

export interface CheckContext {
  /** Where bundled scenarios and exercise files are found (the repository or package root). */
  root: string;
}

export const pass = (message: string): CheckResult => ({ verdict: 'pass', message });
export const notYet = (message: string, hint?: string): CheckResult => ({ verdict: 'not-yet', message, ...(hint ? { hint } : {}) });
export const badAnswer = (message: string): CheckResult => ({ verdict: 'bad-answer', message });
