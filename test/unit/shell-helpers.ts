import { SimClock } from '../../src/clock/index.js';
import { busyboxRootfs, createContainerFs, startProcess, type ContainerFs, type KillSignal, type ProcessExit } from '../../src/runtime/shell/index.js';

export interface OutputEvent {
  at: number;
  stream: 'stdout' | 'stderr';
  data: string;
}

export interface RunOutcome {
  exit: ProcessExit;
  /** Clock milliseconds from start to exit. */
  elapsed: number;
  stdout: string;
  stderr: string;
  events: OutputEvent[];
  fs: ContainerFs;
}

/** Run argv as a container's process on a started SimClock; `signals` are sent at clock offsets. */
export async function runArgv(
  argv: string[],
  opts: { signals?: [number, KillSignal][]; pid1?: boolean; files?: Record<string, string>; env?: Record<string, string>; fs?: ContainerFs } = {},
): Promise<RunOutcome> {
  const clock = new SimClock();
  clock.start();
  const fs = opts.fs ?? createContainerFs({ ...busyboxRootfs(), '/etc/hostname': 'web-0\n', ...opts.files });
  const events: OutputEvent[] = [];
  const t0 = clock.now();
  const p = startProcess({
    argv,
    env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', ...opts.env },
    fs,
    clock,
    pid1: opts.pid1 ?? true,
    onOutput: (stream, data) => events.push({ at: clock.now() - t0, stream, data }),
  });
  for (const [at, sig] of opts.signals ?? []) clock.setTimeout(() => p.kill(sig), at);
  const exit = await p.exited;
  const elapsed = clock.now() - t0;
  clock.stop();
  return {
    exit,
    elapsed,
    stdout: events.filter((e) => e.stream === 'stdout').map((e) => e.data).join(''),
    stderr: events.filter((e) => e.stream === 'stderr').map((e) => e.data).join(''),
    events,
    fs,
  };
}

/** `sh -c SCRIPT` as PID 1. */
export function sh(script: string, opts: Parameters<typeof runArgv>[1] = {}): Promise<RunOutcome> {
  return runArgv(['sh', '-c', script], opts);
}
