import { assign, setup } from 'xstate';

/**
 * A PodSandbox in the runtime, following containerd's sandbox store (internal states
 * UNKNOWN, READY, NOTREADY in pkg/cri/store/sandbox/status.go). UNKNOWN is the state while
 * RunPodSandbox is still working (and the state a sandbox keeps if a failed run could not be
 * cleaned up); the CRI never shows it: PodSandboxStatus reports it as SANDBOX_NOTREADY.
 * READY once the pause task runs; NOTREADY when pause exits or StopPodSandbox ran. The record
 * stays (and keeps its IP until stopped) until RemovePodSandbox.
 */

export type SandboxState = 'SANDBOX_UNKNOWN' | 'SANDBOX_READY' | 'SANDBOX_NOTREADY' | 'removed';

export type SandboxEvent =
  /** CNI ADD succeeded in RunPodSandbox; the netns now has the pod IP. */
  | { type: 'NETWORK_READY'; netnsPath: string; ip: string }
  /** The pause task started: RunPodSandbox's last step. */
  | { type: 'PAUSE_STARTED'; pid: number }
  /** A RunPodSandbox step failed; `cleanedUp` says whether the rollback succeeded. */
  | { type: 'RUN_FAILED'; message: string; cleanedUp: boolean }
  /** containerd's exit monitor saw the pause task exit. */
  | { type: 'PAUSE_EXITED'; exitCode: number }
  /** StopPodSandbox. */
  | { type: 'STOP' }
  /** RemovePodSandbox (which stops first). */
  | { type: 'REMOVE' };

export interface SandboxContext {
  pauseAlive: boolean;
  netnsPath: string | null;
  ip: string | null;
  /** CNI DEL ran and the netns is gone (so the IP is free again). */
  networkTornDown: boolean;
  lastError: string | null;
}

/** The two states the CRI has (`PodSandboxState` in api.proto). */
export type CriSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

/** containerd reports its internal UNKNOWN as NOTREADY (sandbox_status.go `toCRISandboxStatus`). */
export function criSandboxState(state: Exclude<SandboxState, 'removed'>): CriSandboxState {
  return state === 'SANDBOX_READY' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY';
}

/** StopPodSandbox's steps, in containerd's order (podsandbox/sandbox_stop.go). */
const STOP_ACTIONS = ['stopContainers', 'killPause', 'markPauseExited', 'releaseIp', 'removeNetns', 'markNetworkTornDown'] as const;
const STOP_ACTIONS_PAUSE_GONE = ['stopContainers', 'releaseIp', 'removeNetns', 'markNetworkTornDown'] as const;

export const sandboxMachine = setup({
  types: {
    context: {} as SandboxContext,
    events: {} as SandboxEvent,
  },
  guards: {
    /** Is the pause task still running? The runtime may provide a check against the task itself. */
    pauseIsAlive: ({ context }) => context.pauseAlive,
    /** Did RunPodSandbox's rollback release everything it had taken? */
    cleanupSucceeded: ({ event }) => event.type === 'RUN_FAILED' && event.cleanedUp,
  },
  actions: {
    recordNetwork: assign(({ event, context }) =>
      event.type === 'NETWORK_READY' ? { ...context, netnsPath: event.netnsPath, ip: event.ip } : context,
    ),
    markPauseAlive: assign({ pauseAlive: () => true }),
    markPauseExited: assign({ pauseAlive: () => false }),
    markNetworkTornDown: assign({ networkTornDown: () => true, ip: () => null }),
    recordError: assign({
      lastError: ({ event, context }) => (event.type === 'RUN_FAILED' ? event.message : context.lastError),
    }),
    // Effects, provided by the runtime with machine.provide(); as defaults they do nothing.
    /** Stop every container of the sandbox with timeout 0 (SIGKILL), as StopPodSandbox does first. */
    stopContainers: () => {},
    /** SIGKILL the pause task and wait for it. */
    killPause: () => {},
    /** CNI DEL: give the pod IP back to IPAM and delete the veth pair. */
    releaseIp: () => {},
    /** Unmount and delete the netns file. */
    removeNetns: () => {},
    /** RemovePodSandbox: remove the sandbox's containers and drop the record. */
    removeRecord: () => {},
  },
}).createMachine({
  id: 'sandbox',
  initial: 'SANDBOX_UNKNOWN',
  context: { pauseAlive: false, netnsPath: null, ip: null, networkTornDown: false, lastError: null },
  states: {
    SANDBOX_UNKNOWN: {
      on: {
        NETWORK_READY: { actions: 'recordNetwork' },
        PAUSE_STARTED: { target: 'SANDBOX_READY', actions: 'markPauseAlive' },
        RUN_FAILED: [
          // Rolled back cleanly: containerd never stored the sandbox, so it is simply gone.
          { guard: 'cleanupSucceeded', target: 'removed', actions: ['recordError', 'removeRecord'] },
          // Cleanup failed too: the record stays UNKNOWN (NOTREADY to the CRI) until stopped.
          { actions: 'recordError' },
        ],
        PAUSE_EXITED: { actions: 'markPauseExited' },
        STOP: [
          { guard: 'pauseIsAlive', target: 'SANDBOX_NOTREADY', actions: [...STOP_ACTIONS] },
          { target: 'SANDBOX_NOTREADY', actions: [...STOP_ACTIONS_PAUSE_GONE] },
        ],
        REMOVE: [
          { guard: 'pauseIsAlive', target: 'removed', actions: [...STOP_ACTIONS, 'removeRecord'] },
          { target: 'removed', actions: [...STOP_ACTIONS_PAUSE_GONE, 'removeRecord'] },
        ],
      },
    },
    SANDBOX_READY: {
      on: {
        PAUSE_EXITED: { target: 'SANDBOX_NOTREADY', actions: 'markPauseExited' },
        STOP: [
          { guard: 'pauseIsAlive', target: 'SANDBOX_NOTREADY', actions: [...STOP_ACTIONS] },
          { target: 'SANDBOX_NOTREADY', actions: [...STOP_ACTIONS_PAUSE_GONE] },
        ],
        REMOVE: [
          { guard: 'pauseIsAlive', target: 'removed', actions: [...STOP_ACTIONS, 'removeRecord'] },
          { target: 'removed', actions: [...STOP_ACTIONS_PAUSE_GONE, 'removeRecord'] },
        ],
      },
    },
    SANDBOX_NOTREADY: {
      on: {
        // StopPodSandbox is safe to repeat, and the kubelet must call it for a sandbox whose
        // pause died so that CNI DEL releases the IP; the effects are idempotent.
        STOP: { actions: [...STOP_ACTIONS_PAUSE_GONE] },
        REMOVE: { target: 'removed', actions: [...STOP_ACTIONS_PAUSE_GONE, 'removeRecord'] },
      },
    },
    removed: { type: 'final' },
  },
});
