/** A parse error. `message` is what busybox ash prints after `syntax error: `. */
export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

/** Busybox ash exits with status 2 on a syntax error (ash_msg_and_raise_error sets exitstatus = 2). */
export const SYNTAX_ERROR_STATUS = 2;

/** Status of a command that was not found (POSIX; ash maps ENOENT to 127). */
export const NOT_FOUND_STATUS = 127;
