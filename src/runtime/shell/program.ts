import type { Clock } from '../../clock/clock.js';
import type { ContainerFs } from './container-fs.js';
import type { Proc } from './proc.js';

/**
 * What a program sees when it runs in a simulated process: its argv and environment, the
 * container's files, the clock, its process (PID, signal dispositions), its stdin (the whole
 * input: containers have no interactive stdin here) and its output streams.
 */
export interface ProgramContext {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  fs: ContainerFs;
  clock: Clock;
  proc: Proc;
  stdin: string;
  stdout(data: string): void;
  stderr(data: string): void;
  /** busybox's applet_name: the name error messages start with (`cat: …`, `sh: …`). */
  appletName: string;
}

/** A program's main(): resolves with its exit status (0–255). */
export type Program = (ctx: ProgramContext) => Promise<number>;

/** Sleep on the process's clock; the sleep ends early (rejects) if the process is killed. */
export function sleepIn(ctx: ProgramContext, ms: number): Promise<void> {
  return ctx.clock.sleep(ms, ctx.proc.signal, `pid ${ctx.proc.pid} ${ctx.argv[0] ?? ''} sleep`);
}
