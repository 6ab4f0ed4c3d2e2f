/**
 * One container's life under the kubelet's restart policy and CrashLoopBackOff, as the kubelet
 * sees it across syncs:
 *
 *   waiting ──STARTED──▶ running ──EXITED──▶ exited ──SYNC──▶ waiting (restart now)
 *                                               │                 ▲
 *                                               └─SYNC─▶ CrashLoopBackOff ─SYNC (window over)─┘
 *
 * `SYNC` is a pod sync looking at this container: if the restart policy says no
 * (`ShouldContainerBeRestarted`), nothing happens and it stays `exited`; if the crash-loop
 * back-off window is still open (`IsInBackOffSince(finishedAt)`) it goes to `CrashLoopBackOff`;
 * otherwise the back-off is advanced (`Next`) and the container is recreated with restartCount+1.
 * The back-off entry lives in context and follows the kubelet's policy exactly (10 s ×2 up to
 * 300 s, forgiven after 600 s), so walking this machine reproduces the 0, 10, 20, 40… waits.
 *
 * Data only: guards and actions are named; the kubelet worker sends the events.
 */

import { and, assign, setup } from 'xstate';
import {
  crashLoopBackOffPolicy,
  entryInBackOffSince,
  nextBackoffEntry,
  type BackoffEntry,
} from '../backoff.js';
import type { RestartPolicy } from '../sync/restart-policy.js';
import { describeMachine, type MachineDescription } from './describe.js';

export interface ContainerRestartContext {
  containerName: string;
  restartPolicy: RestartPolicy;
  /** `restartCount` the next (or current) instance has. */
  restartCount: number;
  exitCode?: number;
  finishedAtMs?: number;
  /** The crash-loop entry for this container's key; undefined before the first restart. */
  backOff?: BackoffEntry;
  /** Delay in force while in CrashLoopBackOff, ms (for display). */
  backOffDelayMs?: number;
  /** When the CrashLoopBackOff window ends, ms. */
  retryAtMs?: number;
  /** Last start failure (ErrImagePull, CreateContainerError…), shown while waiting. */
  waitingReason?: string;
}

export type ContainerRestartEvent =
  | { type: 'STARTED'; at: number }
  | { type: 'START_FAILED'; reason: string }
  | { type: 'EXITED'; at: number; exitCode: number }
  | { type: 'SYNC'; now: number };

export interface ContainerRestartInput {
  containerName: string;
  restartPolicy?: RestartPolicy;
}

export const containerRestartMachine = setup({
  types: {
    context: {} as ContainerRestartContext,
    events: {} as ContainerRestartEvent,
    input: {} as ContainerRestartInput,
  },
  guards: {
    /** `ShouldContainerBeRestarted` for an exited container. */
    restartPolicyAllowsRestart: ({ context }) =>
      context.restartPolicy === 'Always' || (context.restartPolicy === 'OnFailure' && context.exitCode !== 0),
    /** `IsInBackOffSince(key, finishedAt)` at the sync's time. */
    inCrashLoopBackOff: ({ context, event }) =>
      event.type === 'SYNC' &&
      context.finishedAtMs !== undefined &&
      entryInBackOffSince(crashLoopBackOffPolicy, context.backOff, context.finishedAtMs, event.now),
  },
  actions: {
    recordStart: assign({ waitingReason: () => undefined }),
    recordStartFailure: assign({
      waitingReason: ({ event }) => (event.type === 'START_FAILED' ? event.reason : undefined),
    }),
    recordExit: assign({
      exitCode: ({ event, context }) => (event.type === 'EXITED' ? event.exitCode : context.exitCode),
      finishedAtMs: ({ event, context }) => (event.type === 'EXITED' ? event.at : context.finishedAtMs),
    }),
    /** `Next(key, finishedAt)`, stamped with the sync's time. */
    advanceBackOff: assign({
      backOff: ({ context, event }) =>
        event.type === 'SYNC'
          ? nextBackoffEntry(crashLoopBackOffPolicy, context.backOff, context.finishedAtMs ?? event.now, event.now)
          : context.backOff,
      backOffDelayMs: () => undefined,
      retryAtMs: () => undefined,
    }),
    /** A new instance is created with attempt = previous + 1. */
    countRestart: assign({ restartCount: ({ context }) => context.restartCount + 1 }),
    recordBackOffWindow: assign({
      backOffDelayMs: ({ context }) => context.backOff?.backoffMs,
      retryAtMs: ({ context }) =>
        context.finishedAtMs !== undefined && context.backOff ? context.finishedAtMs + context.backOff.backoffMs : undefined,
      waitingReason: () => 'CrashLoopBackOff',
    }),
  },
}).createMachine({
  id: 'container-restart',
  context: ({ input }) => ({
    containerName: input.containerName,
    restartPolicy: input.restartPolicy ?? 'Always',
    restartCount: 0,
  }),
  initial: 'waiting',
  states: {
    waiting: {
      description: 'No running instance: being created, or its start failed (ErrImagePull, CreateContainerError…).',
      on: {
        STARTED: { target: 'running', actions: 'recordStart' },
        START_FAILED: { actions: 'recordStartFailure' },
      },
    },
    running: {
      description: 'CONTAINER_RUNNING.',
      on: { EXITED: { target: 'exited', actions: 'recordExit' } },
    },
    exited: {
      description: 'CONTAINER_EXITED; stays here when the restart policy says no.',
      on: {
        SYNC: [
          {
            guard: and(['restartPolicyAllowsRestart', 'inCrashLoopBackOff']),
            target: 'CrashLoopBackOff',
            actions: 'recordBackOffWindow',
          },
          { guard: 'restartPolicyAllowsRestart', target: 'waiting', actions: ['advanceBackOff', 'countRestart'] },
        ],
      },
    },
    CrashLoopBackOff: {
      description: 'Restart refused until finishedAt + back-off (10 s, 20 s … 300 s).',
      on: {
        SYNC: [
          { guard: 'inCrashLoopBackOff', actions: 'recordBackOffWindow' },
          { target: 'waiting', actions: ['advanceBackOff', 'countRestart'] },
        ],
      },
    },
  },
});

/** States and transitions of `containerRestartMachine`, for the UI. */
export function describeContainerRestartMachine(): MachineDescription {
  return describeMachine(containerRestartMachine);
}
