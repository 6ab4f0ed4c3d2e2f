import { assign, setup } from 'xstate';

/**
 * The pause (infra) container's process: `/pause` from the pod's sandbox image, PID 1 of the
 * sandbox. It only sleeps and reaps children; it exits 0 on SIGINT/SIGTERM (its signal
 * handler, k8s build/pause/linux/pause.c) and dies with 128+9 on SIGKILL, which is what
 * StopPodSandbox sends. A fault can also make it exit with any code.
 */

export type PauseState = 'created' | 'running' | 'exited';

export type PauseSignal = 'SIGKILL' | 'SIGTERM' | 'SIGINT';

export type PauseEvent =
  /** The task started; `pid` is the host PID containerd records for the sandbox. */
  | { type: 'START'; pid: number }
  /** The task could not be started (runc error); RunPodSandbox will roll back. */
  | { type: 'START_FAILED'; message: string }
  /** The process exited on its own or was made to by a fault. */
  | { type: 'EXIT'; exitCode: number }
  /** A signal was delivered: by StopPodSandbox (SIGKILL) or a fault. */
  | { type: 'KILL'; signal?: PauseSignal };

export interface PauseContext {
  pid: number | null;
  exitCode: number | null;
  signal: PauseSignal | null;
  message: string | null;
}

/** Exit status of a process killed by a signal, as a shell or containerd reports it: 128 + signal number. */
const SIGKILL_EXIT_CODE = 128 + 9;
/** pause.c's SIGINT/SIGTERM handler prints a line and calls exit(0). */
const GRACEFUL_EXIT_CODE = 0;

export function pauseExitCodeFor(signal: PauseSignal): number {
  return signal === 'SIGKILL' ? SIGKILL_EXIT_CODE : GRACEFUL_EXIT_CODE;
}

export const pauseMachine = setup({
  types: {
    context: {} as PauseContext,
    events: {} as PauseEvent,
  },
  actions: {
    recordPid: assign({ pid: ({ event, context }) => (event.type === 'START' ? event.pid : context.pid) }),
    recordExit: assign({
      exitCode: ({ event, context }) => (event.type === 'EXIT' ? event.exitCode : context.exitCode),
    }),
    recordSignal: assign(({ event, context }) => {
      if (event.type !== 'KILL') return context;
      const signal = event.signal ?? 'SIGKILL';
      return { ...context, signal, exitCode: pauseExitCodeFor(signal) };
    }),
    recordStartFailure: assign({
      message: ({ event, context }) => (event.type === 'START_FAILED' ? event.message : context.message),
    }),
    /** Tell the sandbox its infra process is gone; the runtime provides this (it sends PAUSE_EXITED). */
    reportExit: () => {},
  },
}).createMachine({
  id: 'pause',
  initial: 'created',
  context: { pid: null, exitCode: null, signal: null, message: null },
  states: {
    created: {
      on: {
        START: { target: 'running', actions: 'recordPid' },
        START_FAILED: { target: 'exited', actions: 'recordStartFailure' },
        // The task is deleted during a RunPodSandbox rollback before it ever ran.
        KILL: { target: 'exited', actions: 'recordSignal' },
      },
    },
    running: {
      on: {
        EXIT: { target: 'exited', actions: ['recordExit', 'reportExit'] },
        KILL: { target: 'exited', actions: ['recordSignal', 'reportExit'] },
      },
    },
    exited: { type: 'final' },
  },
});
