import { APPLETS, busyboxMain } from '../applets/index.js';
import type { Program } from '../program.js';
import { shellMain } from '../sh-main.js';
import { dockerEntrypointMain, nginxMain } from './nginx.js';
import { pauseMain } from './pause.js';

/**
 * Executables in a simulated image are files whose content is this marker plus a program name
 * (it starts like an ELF header, so `cat /bin/sleep` prints junk as on a real node).
 */
export const PROGRAM_MARKER = '\u007fELF crilab-program ';

/** The content of an executable file that runs `name` (see findProgram). */
export function programFile(name: string): string {
  return `${PROGRAM_MARKER}${name}\n`;
}

/** Status of a program an image contains but crilab does not simulate (like a missing command). */
export const UNSIMULATED_PROGRAM_STATUS = 127;

/**
 * Programs of well-known images, by the name their file carries. Add an image's program
 * here (an async main() on a ProgramContext) and give its files that name.
 */
const PROGRAMS: Readonly<Record<string, Program>> = {
  busybox: busyboxMain,
  pause: pauseMain,
  nginx: nginxMain,
  // The nginx and redis images both start through a /docker-entrypoint.sh that ends in `exec "$@"`.
  'docker-entrypoint.sh': dockerEntrypointMain,
  'nginx-entrypoint': dockerEntrypointMain,
  // bash and dash run as busybox sh (their messages differ slightly; see docs/shell.md).
  bash: shellMain,
  dash: shellMain,
};

/**
 * The program a file names: one of the table above, a busybox applet by its name (`echo`,
 * `sleep`: the images link each applet to busybox), or — for a program crilab does not
 * simulate (`redis-server`, `python3`) — one that says so on stderr and exits 127.
 */
export function findProgram(name: string): Program {
  const p = PROGRAMS[name];
  if (p) return p;
  const applet = APPLETS[name];
  if (applet) return (ctx) => applet({ ...ctx, appletName: name });
  return async (ctx) => {
    ctx.stderr(`crilab: ${name}: this program is not simulated (see docs/shell.md)\n`);
    return UNSIMULATED_PROGRAM_STATUS;
  };
}
