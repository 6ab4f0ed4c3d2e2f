/** Numbered steps that print one line as they run; a failure names the step and the fix. */

export type LabLog = (line: string) => void;

/** Thrown inside a step: what went wrong and what the user can do about it. */
export class LabStepError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'LabStepError';
  }
}

export interface LabFailure {
  step: string;
  reason: string;
  fix: string;
}

export interface Step {
  /** short name used in the failure line: `lab: step "<name>" failed: …` */
  name: string;
  /** what the step does, printed as it starts; may be computed late */
  title: string | (() => string);
  /** the default fix hint when the step throws a plain Error */
  fix: string;
  run: (detail: (line: string) => void) => Promise<void>;
}

export interface StepsOutcome {
  ok: boolean;
  /** the first failure */
  failure?: LabFailure;
  failures: LabFailure[];
}

/**
 * Runs the steps in order and prints through `log`. Stops at the first failure, unless
 * `continueOnError` (clean-up: do as much as possible, report every failure).
 */
export async function runSteps(steps: readonly Step[], log: LabLog, opts: { continueOnError?: boolean } = {}): Promise<StepsOutcome> {
  const n = steps.length;
  const failures: LabFailure[] = [];
  for (const [i, step] of steps.entries()) {
    const title = typeof step.title === 'function' ? step.title() : step.title;
    log(`lab: [${i + 1}/${n}] ${title}`);
    const detail = (line: string) => log(`lab:       ${line}`);
    try {
      await step.run(detail);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      const fix = err instanceof LabStepError ? err.fix : step.fix;
      log(`lab: step "${step.name}" failed: ${reason}`);
      log(`lab: fix: ${fix}`);
      failures.push({ step: step.name, reason, fix });
      if (!opts.continueOnError) break;
    }
  }
  return failures.length ? { ok: false, failure: failures[0], failures } : { ok: true, failures };
}
