import { abortError } from '../../clock/clock.js';
import { defaultActionTerminates, SIGNAL_EXIT_BASE, signalNumber, type SignalName } from './signals.js';

export interface ProcessExit {
  exitCode: number;
  /** Set when the process was killed by a signal (exitCode is then 128+N). */
  signal?: SignalName;
}

/** What a process does on a signal: the default action, nothing, or its own handler. */
export type Disposition = 'default' | 'ignore' | ((sig: SignalName) => void);

/**
 * The PIDs of one container. PID 1 is the container's main process; exec'd processes
 * (ExecSync) and children of the shell get the next numbers, as in a fresh PID namespace.
 */
export class PidNamespace {
  private nextPid = 1;
  readonly procs = new Map<number, Proc>();

  allocate(): number {
    return this.nextPid++;
  }

  get(pid: number): Proc | undefined {
    return this.procs.get(pid);
  }
}

/**
 * One simulated OS process: a PID, signal dispositions, and an exit status. The program
 * running in it (the shell, `sleep`, pause…) awaits only through `signal`, so that when the
 * process dies every pending sleep or wait of that program is cancelled.
 */
export class Proc {
  readonly pid: number;
  readonly pid1: boolean;
  readonly children = new Set<Proc>();
  readonly exited: Promise<ProcessExit>;
  private resolveExit!: (e: ProcessExit) => void;
  /**
   * Made the first time a program asks for `signal`. Many never do (pause waits on `exited`),
   * and an AbortSignal is costly to make: Node builds one even to abort a controller whose
   * signal nobody took.
   */
  private controller: AbortController | undefined;
  private readonly dispositions = new Map<SignalName, Disposition>();
  private result: ProcessExit | undefined;

  constructor(
    readonly ns: PidNamespace,
    readonly parent: Proc | undefined,
    opts: { pid1?: boolean; sessionLeader?: boolean } = {},
  ) {
    this.pid = ns.allocate();
    this.pid1 = opts.pid1 ?? false;
    this.sessionLeader = opts.sessionLeader ?? false;
    ns.procs.set(this.pid, this);
    parent?.children.add(this);
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /** A top-level process of startProcess: its descendants die with it (see docs/shell.md). */
  readonly sessionLeader: boolean;

  /** Aborted when the process has exited or was killed. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.result) this.controller.abort(PROCESS_EXITED);
    }
    return this.controller.signal;
  }

  get alive(): boolean {
    return this.result === undefined;
  }

  get exitStatus(): ProcessExit | undefined {
    return this.result;
  }

  setDisposition(sig: SignalName, d: Disposition): void {
    this.dispositions.set(sig, d);
  }

  disposition(sig: SignalName): Disposition {
    return this.dispositions.get(sig) ?? 'default';
  }

  /** execve(): caught signals go back to their default action; ignored ones stay ignored. */
  resetForExec(): void {
    for (const [sig, d] of this.dispositions) if (typeof d === 'function') this.dispositions.delete(sig);
  }

  /**
   * Deliver a signal. SIGKILL always kills. Otherwise a handler runs, an ignored signal does
   * nothing, and the default action kills the process — except in PID 1, where the kernel
   * drops signals that the process has no handler for (so `sleep` as PID 1 ignores SIGTERM).
   * Returns false if the process no longer exists.
   */
  deliver(sig: SignalName): boolean {
    if (!this.alive) return false;
    if (sig === 'SIGKILL') {
      this.finish({ exitCode: SIGNAL_EXIT_BASE + signalNumber(sig), signal: sig });
      return true;
    }
    const d = this.disposition(sig);
    if (typeof d === 'function') d(sig);
    else if (d === 'default' && !this.pid1 && defaultActionTerminates(sig)) {
      this.finish({ exitCode: SIGNAL_EXIT_BASE + signalNumber(sig), signal: sig });
    }
    return true;
  }

  /** The program returned (or called exit) with this status. */
  exit(code: number): void {
    this.finish({ exitCode: code & 0xff });
  }

  private finish(e: ProcessExit): void {
    if (this.result) return;
    this.result = e;
    // A plain reason: without one, abort() builds a DOMException with a stack trace, and every
    // process of every container ends this way.
    this.controller?.abort(PROCESS_EXITED);
    this.ns.procs.delete(this.pid);
    this.parent?.children.delete(this);
    // When PID 1 dies the kernel kills every other process of the namespace; for an exec'd
    // session we do the same with its descendants (a simplification: see docs/shell.md).
    if (this.pid1) for (const p of [...this.ns.procs.values()]) p.deliver('SIGKILL');
    else if (this.sessionLeader) killTree(this);
    // Otherwise orphans keep running, as they do when init adopts them.
    this.resolveExit(e);
  }
}

function killTree(p: Proc): void {
  for (const c of [...p.children]) {
    killTree(c);
    c.deliver('SIGKILL');
  }
}

/** Await `promise`, but reject with an AbortError as soon as `signal` aborts. */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** A promise that settles only when `signal` aborts (`sleep infinity`, pause()). */
export function forever(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    if (signal.aborted) reject(abortError());
    else signal.addEventListener('abort', () => reject(abortError()), { once: true });
  });
}

/** The abort reason of a process that has ended. */
const PROCESS_EXITED = Object.freeze({ name: 'ProcessExited' });

export function isAbortError(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}
