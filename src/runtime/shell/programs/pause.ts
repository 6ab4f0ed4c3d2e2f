import { abortError } from '../../../clock/clock.js';
import type { ProgramContext } from '../program.js';
import { SIGNAL_DESCRIPTIONS, type SignalName } from '../signals.js';

/** The version `pause -v` reports: containerd 1.6's default sandbox image is pause:3.6. */
export const PAUSE_VERSION = 'v3.6';

/**
 * The pause (infra) container, after kubernetes/build/pause/linux/pause.c: warns when it is not
 * PID 1, sleeps forever, and on SIGINT or SIGTERM prints `Shutting down, got signal: <name>`
 * (psignal) on stderr and exits 0. `-v` prints the version.
 */
export async function pauseMain(ctx: ProgramContext): Promise<number> {
  if (ctx.argv.slice(1).some((a) => a.toLowerCase() === '-v')) {
    ctx.stdout(`pause.c ${PAUSE_VERSION}\n`);
    return 0;
  }
  if (!ctx.proc.pid1) ctx.stderr('Warning: pause should be the first process\n');
  return new Promise<number>((resolve, reject) => {
    const down = (sig: SignalName): void => {
      ctx.stderr(`Shutting down, got signal: ${SIGNAL_DESCRIPTIONS[sig] ?? sig}\n`);
      resolve(0);
    };
    ctx.proc.setDisposition('SIGINT', down);
    ctx.proc.setDisposition('SIGTERM', down);
    // Killed (SIGKILL): end with the shared AbortError, which nobody reads. Waiting on the
    // exit rather than on `proc.signal` spares every sandbox an AbortSignal.
    void ctx.proc.exited.then(() => reject(abortError()));
  });
}
