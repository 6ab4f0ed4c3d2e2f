/** Exit codes every crilab command uses. */
export const EXIT_OK = 0;
/** The run happened but something failed: an expectation, a golden, a lab step. */
export const EXIT_FAILED = 1;
/** Bad input: a scenario that does not validate, a bad flag. Nothing was run. */
export const EXIT_BAD_INPUT = 2;

/** A user-facing failure: one clear line, a non-zero exit, no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message);
  }
}
