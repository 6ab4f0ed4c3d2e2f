import type { Clock } from '../../clock/clock.js';
import type { ContainerFs } from './container-fs.js';
import { execStartError, resolveEntrypoint } from './entrypoint.js';
import { runInProc } from './launcher.js';
import { PidNamespace, Proc, type ProcessExit } from './proc.js';
import type { KillSignal } from './signals.js';

export type { ProcessExit } from './proc.js';

/**
 * Output a process may write before the rest is dropped (one notice on stderr): a guard for
 * runaway loops, far above what a teaching scenario prints.
 */
export const MAX_PROCESS_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface ProcessSpec {
  argv: string[];
  env: Record<string, string>;
  fs: ContainerFs;
  clock: Clock;
  /** The container's main process: PID 1, so signals without a handler are ignored (SIGKILL excepted). */
  pid1: boolean;
  onOutput(stream: 'stdout' | 'stderr', data: string): void;
  /** Working directory (image WorkingDir / CRI working_dir); default `/`. */
  cwd?: string;
  /** The container's PID namespace, for ExecSync processes (so `kill 1` reaches the main process). */
  pids?: PidNamespace;
  /** Whole standard input; containers get none by default. */
  stdin?: string;
}

export interface SimProcess {
  readonly exited: Promise<ProcessExit>;
  kill(signal: KillSignal): void;
  readonly running: boolean;
  readonly pid: number;
  /** The PID namespace this process lives in (pass it to exec'd processes of the same container). */
  readonly pids: PidNamespace;
}

/**
 * The process cannot start. `message`: containerd's StartContainer error; `execMessage`: the
 * shim's text for an exec (prefix it with `failed to exec in container: failed to start exec
 * "<id>": `); `reason`: runc's own part.
 */
export class EntrypointError extends Error {
  readonly execMessage: string;

  constructor(
    message: string,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'EntrypointError';
    this.execMessage = execStartError(reason);
  }
}

/**
 * Start a simulated process. Throws EntrypointError when argv[0] cannot be executed (check
 * first with resolveEntrypoint to record StartError). Output arrives through `onOutput` in
 * the order it was written; all waiting happens on `clock`.
 */
export function startProcess(spec: ProcessSpec): SimProcess {
  const resolved = resolveEntrypoint(spec.argv, spec.fs, spec.env, spec.cwd ?? '/');
  if (!resolved.ok) throw new EntrypointError(resolved.error, resolved.reason);
  const pids = spec.pids ?? new PidNamespace();
  const proc = new Proc(pids, undefined, { pid1: spec.pid1, sessionLeader: true });
  let written = 0;
  let capped = false;
  const emit = (stream: 'stdout' | 'stderr', data: string): void => {
    if (data === '' || capped) return;
    written += Buffer.byteLength(data);
    if (written > MAX_PROCESS_OUTPUT_BYTES) {
      capped = true;
      spec.onOutput('stderr', `crilab: output limit of ${MAX_PROCESS_OUTPUT_BYTES} bytes reached; further output is dropped\n`);
      return;
    }
    spec.onOutput(stream, data);
  };
  runInProc(proc, resolved.target, {
    env: spec.env,
    cwd: spec.cwd ?? '/',
    fs: spec.fs,
    clock: spec.clock,
    stdin: spec.stdin ?? '',
    stdout: (d) => proc.alive && emit('stdout', d),
    stderr: (d) => proc.alive && emit('stderr', d),
  });
  return new ProcessHandle(proc, pids);
}

/**
 * What startProcess hands out. A class rather than an object literal with a `running`
 * getter, which V8 builds through its slow path on every process start.
 */
class ProcessHandle implements SimProcess {
  readonly exited: Promise<ProcessExit>;
  readonly pid: number;

  constructor(
    private readonly proc: Proc,
    readonly pids: PidNamespace,
  ) {
    this.exited = proc.exited;
    this.pid = proc.pid;
  }

  get running(): boolean {
    return this.proc.alive;
  }

  kill(signal: KillSignal): void {
    this.proc.deliver(signal);
  }
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The timeout fired and the process was killed (exitCode is then 137). */
  timedOut: boolean;
}

/** Run to the end and collect the output (ExecSync). The timeout is on the process's clock. */
export async function runToCompletion(spec: ProcessSpec, opts: { timeoutMs?: number } = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const p = startProcess({
    ...spec,
    onOutput: (stream, data) => {
      if (stream === 'stdout') stdout += data;
      else stderr += data;
      spec.onOutput(stream, data);
    },
  });
  let timedOut = false;
  const timer =
    opts.timeoutMs !== undefined && opts.timeoutMs > 0
      ? spec.clock.setTimeout(
          () => {
            timedOut = true;
            p.kill('SIGKILL');
          },
          opts.timeoutMs,
          `exec timeout pid ${p.pid}`,
        )
      : undefined;
  const e = await p.exited;
  spec.clock.clearTimeout(timer);
  return { exitCode: e.exitCode, stdout, stderr, timedOut };
}
