import { assign, setup } from 'xstate';

/**
 * A container in the runtime, named as the CRI names its states (`ContainerState` in
 * api.proto). containerd derives the state from timestamps and an Unknown flag
 * (pkg/cri/store/container/status.go): created → started → finished, and UNKNOWN (the shim
 * was lost) can only become EXITED. StopContainer does not change the state by itself: it
 * signals the process and the state changes when the exit is observed.
 */

export type ContainerState =
  | 'CONTAINER_CREATED'
  | 'CONTAINER_RUNNING'
  | 'CONTAINER_EXITED'
  | 'CONTAINER_UNKNOWN'
  | 'removed';

/** Reasons containerd puts in ContainerStatus (`completeExitReason`, `errorExitReason`, `oomExitReason`, `errorStartReason` in pkg/cri/server/helpers.go, 1.6). */
export const CONTAINER_REASON = {
  completed: 'Completed',
  error: 'Error',
  oomKilled: 'OOMKilled',
  startError: 'StartError',
  /** `unknownExitReason`: the state of the task could not be found out (e.g. after a restart). */
  unknown: 'Unknown',
} as const;

/** The exit code containerd records with reason Unknown (`unknownExitCode`, pkg/cri/server/helpers.go, 1.6). */
export const UNKNOWN_EXIT_CODE = 255;

/** A failed StartContainer marks the container exited with this code (`errorStartExitCode`, pkg/cri/server/helpers.go, 1.6). */
export const START_ERROR_EXIT_CODE = 128;

export type ContainerEvent =
  /** StartContainer: the task started. */
  | { type: 'START'; pid: number }
  /** StartContainer failed after the container existed (e.g. executable not found). */
  | { type: 'START_FAILED'; message: string }
  /**
   * The exit monitor saw the task exit. `reason` overrides the usual Completed/Error/OOMKilled:
   * containerd uses `Unknown` (exit 255) for a container whose task vanished while it was down.
   */
  | { type: 'EXIT'; exitCode: number; oomKilled?: boolean; reason?: string }
  /** StopContainer with a timeout: send the stop signal (at most once), then wait. */
  | { type: 'STOP'; signal?: string }
  /** SIGKILL: StopContainer's timeout ran out, or timeout 0, or a forced RemoveContainer. */
  | { type: 'KILL' }
  /** The shim or task was lost; the runtime can no longer tell the state. */
  | { type: 'LOST' }
  /** RemoveContainer (the runtime kills a running container first). */
  | { type: 'REMOVE' };

export interface ContainerContext {
  pid: number | null;
  exitCode: number | null;
  reason: string;
  message: string;
  stopSignalSent: boolean;
}

/** The reason an exited container reports: OOMKilled if the kernel's OOM killer did it, else Completed for 0, else Error. */
export function exitReason(exitCode: number, oomKilled = false): string {
  if (oomKilled) return CONTAINER_REASON.oomKilled;
  return exitCode === 0 ? CONTAINER_REASON.completed : CONTAINER_REASON.error;
}

export const containerMachine = setup({
  types: {
    context: {} as ContainerContext,
    events: {} as ContainerEvent,
  },
  guards: {
    /** containerd sends the stop signal only once across repeated StopContainer calls. */
    stopSignalNotSent: ({ context }) => !context.stopSignalSent,
  },
  actions: {
    recordStarted: assign({ pid: ({ event, context }) => (event.type === 'START' ? event.pid : context.pid) }),
    recordStartError: assign(({ event, context }) =>
      event.type === 'START_FAILED'
        ? { ...context, exitCode: START_ERROR_EXIT_CODE, reason: CONTAINER_REASON.startError, message: event.message }
        : context,
    ),
    recordExit: assign(({ event, context }) =>
      event.type === 'EXIT'
        ? { ...context, exitCode: event.exitCode, reason: event.reason ?? exitReason(event.exitCode, event.oomKilled) }
        : context,
    ),
    markStopSignalSent: assign({ stopSignalSent: () => true }),
    // Effects, provided by the runtime with machine.provide(); as defaults they do nothing.
    /** Deliver the stop signal (CRI stop_signal, else the image's StopSignal, else SIGTERM). */
    sendStopSignal: () => {},
    /** Deliver SIGKILL. */
    killProcess: () => {},
    /** Delete the container, its snapshot and log dir, and release its name. */
    removeRecord: () => {},
  },
}).createMachine({
  id: 'container',
  initial: 'CONTAINER_CREATED',
  context: { pid: null, exitCode: null, reason: '', message: '', stopSignalSent: false },
  states: {
    CONTAINER_CREATED: {
      on: {
        START: { target: 'CONTAINER_RUNNING', actions: 'recordStarted' },
        START_FAILED: { target: 'CONTAINER_EXITED', actions: 'recordStartError' },
        REMOVE: { target: 'removed', actions: 'removeRecord' },
      },
    },
    CONTAINER_RUNNING: {
      on: {
        EXIT: { target: 'CONTAINER_EXITED', actions: 'recordExit' },
        STOP: { guard: 'stopSignalNotSent', actions: ['sendStopSignal', 'markStopSignalSent'] },
        KILL: { actions: 'killProcess' },
        LOST: { target: 'CONTAINER_UNKNOWN' },
      },
    },
    CONTAINER_UNKNOWN: {
      on: {
        EXIT: { target: 'CONTAINER_EXITED', actions: 'recordExit' },
        STOP: { guard: 'stopSignalNotSent', actions: ['sendStopSignal', 'markStopSignalSent'] },
        KILL: { actions: 'killProcess' },
      },
    },
    CONTAINER_EXITED: {
      on: { REMOVE: { target: 'removed', actions: 'removeRecord' } },
    },
    removed: { type: 'final' },
  },
});
