/**
 * The kubelet's pod worker for one pod (k8s:pkg/kubelet/pod_workers.go), seen through the work it
 * does. Upstream a pod worker runs one of three kinds of work — `SyncPod` while the pod should run,
 * `SyncTerminatingPod` once it must stop (deleted, or its phase became terminal), and
 * `SyncTerminatedPod` to clean up — re-queued after each sync (resync ≈1 min, error back-off
 * 10 s, `network is not ready` 1 s). The `SyncPod` phase is split here into the steps a learner
 * watches (each state's `meta.workType` names the upstream work type):
 *
 *   pending ─SYNC─▶ creating-sandbox ─SANDBOX_CREATED─▶ initializing ─SYNC─▶ starting-containers
 *                                                                            │ CONTAINERS_STARTED
 *      any SyncPod state ─SYNC_FAILED─▶ backing-off ─SYNC─▶ (decide again)   ▼
 *      any SyncPod state ─TERMINATE─▶ terminating ─CONTAINERS_STOPPED─▶ terminated ◀── running
 *
 * Every `SYNC` carries the decision of `computePodActions` (use `podWorkerSyncEvent`) and the
 * guards route on it, in this order: pod terminal/killed for good → terminating; new sandbox →
 * creating-sandbox; init containers to start → initializing; containers to start → starting-
 * containers; everything held back by CrashLoopBackOff → backing-off; else → running.
 */

import { assign, setup } from 'xstate';
import type { PodActions } from '../sync/pod-actions.js';
import { describeMachine, type MachineDescription } from './describe.js';

export type PodWorkType = 'SyncPod' | 'SyncTerminatingPod' | 'SyncTerminatedPod';

/** The part of a `PodActions` decision the pod worker routes on. */
export interface PodSyncDecision {
  createSandbox: boolean;
  /** killPod without a new sandbox: everything is stopped for good. */
  killPodOnly: boolean;
  initContainersToStart: number;
  containersToStart: number;
  /** How many of the containers to start CrashLoopBackOff holds back. */
  backingOff: number;
  attempt: number;
  /** The pod reached Succeeded/Failed (upstream `SyncPod` returns isTerminal). */
  podIsTerminal: boolean;
  summary: string;
}

export type PodWorkerEvent =
  | { type: 'SYNC'; decision: PodSyncDecision }
  | { type: 'SANDBOX_CREATED'; sandboxId: string }
  | { type: 'CONTAINERS_STARTED' }
  | { type: 'SYNC_FAILED'; reason: string; message: string; retryAfterMs: number }
  | { type: 'TERMINATE'; reason: string }
  | { type: 'CONTAINERS_STOPPED' };

export interface PodWorkerContext {
  pod: string;
  attempt: number;
  sandboxId?: string;
  syncs: number;
  /** From the last decision: how many init containers it starts. */
  initContainersToStart: number;
  lastDecision?: string;
  lastError?: { reason: string; message: string };
  retryAfterMs?: number;
  terminationReason?: string;
}

/** Build the SYNC event from a `computePodActions` result. */
export function podWorkerSyncEvent(actions: PodActions, summary: string, podIsTerminal = false): PodWorkerEvent {
  const startable = actions.initContainersToStart.length + actions.containersToStart.length;
  return {
    type: 'SYNC',
    decision: {
      createSandbox: actions.createSandbox,
      killPodOnly: actions.killPod && !actions.createSandbox,
      initContainersToStart: actions.initContainersToStart.length,
      containersToStart: actions.containersToStart.length,
      backingOff: Math.min(actions.backOff.length, startable),
      attempt: actions.attempt,
      podIsTerminal,
      summary,
    },
  };
}

const decision = (e: PodWorkerEvent): PodSyncDecision | undefined => (e.type === 'SYNC' ? e.decision : undefined);

/** SYNC routing shared by every SyncPod state. */
const route = [
  { guard: 'podIsDone', target: 'terminating', actions: 'recordDecision' },
  { guard: 'needsNewSandbox', target: 'creating-sandbox', actions: 'recordDecision' },
  { guard: 'allStartsBackingOff', target: 'backing-off', actions: 'recordDecision' },
  { guard: 'hasInitContainersToStart', target: 'initializing', actions: 'recordDecision' },
  { guard: 'hasContainersToStart', target: 'starting-containers', actions: 'recordDecision' },
  { target: 'running', actions: 'recordDecision' },
] as const;

const terminate = { target: 'terminating', actions: 'recordTermination' } as const;
const fail = { target: 'backing-off', actions: 'recordError' } as const;

export const podWorkerMachine = setup({
  types: {
    context: {} as PodWorkerContext,
    events: {} as PodWorkerEvent,
    input: {} as { pod: string },
  },
  guards: {
    podIsDone: ({ event }) => {
      const d = decision(event);
      return d !== undefined && (d.podIsTerminal || d.killPodOnly);
    },
    needsNewSandbox: ({ event }) => decision(event)?.createSandbox === true,
    hasInitContainersToStart: ({ event }) => (decision(event)?.initContainersToStart ?? 0) > 0,
    hasContainersToStart: ({ event }) => (decision(event)?.containersToStart ?? 0) > 0,
    allStartsBackingOff: ({ event }) => {
      const d = decision(event);
      return d !== undefined && d.backingOff > 0 && d.backingOff === d.initContainersToStart + d.containersToStart;
    },
    /** The decision that asked for this sandbox starts with an init container. */
    decidedInitContainers: ({ context }) => context.initContainersToStart > 0,
  },
  actions: {
    recordDecision: assign({
      syncs: ({ context }) => context.syncs + 1,
      attempt: ({ context, event }) => decision(event)?.attempt ?? context.attempt,
      lastDecision: ({ context, event }) => decision(event)?.summary ?? context.lastDecision,
      initContainersToStart: ({ context, event }) => decision(event)?.initContainersToStart ?? context.initContainersToStart,
    }),
    recordSandbox: assign({
      sandboxId: ({ context, event }) => (event.type === 'SANDBOX_CREATED' ? event.sandboxId : context.sandboxId),
    }),
    recordError: assign({
      lastError: ({ context, event }) =>
        event.type === 'SYNC_FAILED' ? { reason: event.reason, message: event.message } : context.lastError,
      retryAfterMs: ({ context, event }) => (event.type === 'SYNC_FAILED' ? event.retryAfterMs : context.retryAfterMs),
    }),
    clearError: assign({ lastError: () => undefined, retryAfterMs: () => undefined }),
    recordTermination: assign({
      terminationReason: ({ context, event }) => (event.type === 'TERMINATE' ? event.reason : context.terminationReason),
    }),
  },
}).createMachine({
  id: 'pod-worker',
  context: ({ input }) => ({ pod: input.pod, attempt: 0, syncs: 0, initContainersToStart: 0 }),
  initial: 'pending',
  states: {
    pending: {
      description: 'Admitted; waiting for its first sync.',
      meta: { workType: 'SyncPod' },
      on: { SYNC: [...route], TERMINATE: terminate },
    },
    'creating-sandbox': {
      description: 'RunPodSandbox (after killing and purging the old one), then PodSandboxStatus for the IP.',
      meta: { workType: 'SyncPod' },
      on: {
        SANDBOX_CREATED: [
          { guard: 'decidedInitContainers', target: 'initializing', actions: ['recordSandbox', 'clearError'] },
          { target: 'starting-containers', actions: ['recordSandbox', 'clearError'] },
        ],
        SYNC_FAILED: fail,
        TERMINATE: terminate,
      },
    },
    initializing: {
      description: 'Init containers run one at a time; sidecars keep running.',
      meta: { workType: 'SyncPod' },
      on: { SYNC: [...route], SYNC_FAILED: fail, TERMINATE: terminate },
    },
    'starting-containers': {
      description: 'CreateContainer + StartContainer for each container to start, in spec order.',
      meta: { workType: 'SyncPod' },
      on: {
        CONTAINERS_STARTED: { target: 'running', actions: 'clearError' },
        SYNC: [...route],
        SYNC_FAILED: fail,
        TERMINATE: terminate,
      },
    },
    running: {
      description: 'Nothing to do; re-synced on PLEG events and every ~1 min.',
      meta: { workType: 'SyncPod' },
      on: { SYNC: [...route], SYNC_FAILED: fail, TERMINATE: terminate },
    },
    'backing-off': {
      description: 'The last sync failed (CrashLoopBackOff, ImagePullBackOff, CreatePodSandboxError…); re-queued after ~10 s.',
      meta: { workType: 'SyncPod' },
      on: { SYNC: [...route], SYNC_FAILED: fail, TERMINATE: terminate },
    },
    terminating: {
      description: 'Kill containers with their grace period (sidecars last), StopPodSandbox.',
      meta: { workType: 'SyncTerminatingPod' },
      on: { CONTAINERS_STOPPED: 'terminated' },
    },
    terminated: {
      description: 'Volumes unmounted, cgroups removed; the runtime objects are left to GC.',
      meta: { workType: 'SyncTerminatedPod' },
      type: 'final',
    },
  },
});

/** States and transitions of `podWorkerMachine`, for the UI. */
export function describePodWorkerMachine(): MachineDescription {
  return describeMachine(podWorkerMachine);
}
