import type { AnyStateMachine, EventFromLogic, SnapshotFrom } from 'xstate';
import type { TraceEmitter } from '../trace/bus.js';
import { containerMachine, type ContainerContext } from './machines/container.machine.js';
import { createMachineActor, type MachineActor } from '../machines/machine-actor.js';
import { traceActor, type MachineInstanceMeta } from '../machines/trace-machine.js';
import { pauseMachine } from './machines/pause.machine.js';
import { sandboxMachine, type SandboxContext } from './machines/sandbox.machine.js';

/**
 * Each sandbox, pause container and container of the runtime is driven by an actor of its
 * machine (machine-actor.ts; xstate computes every transition): a handler changes a record's
 * state only by sending the actor an event, reads the state back from the actor's snapshot,
 * and the trace's `machine.transition` events come from watching the actor (traceActor), never
 * from hand-written calls.
 */

export type SandboxActor = MachineActor<typeof sandboxMachine>;
export type PauseActor = MachineActor<typeof pauseMachine>;
export type ContainerActor = MachineActor<typeof containerMachine>;

/** A running actor and how to stop watching it once its record is gone. */
export interface TracedActor<M extends AnyStateMachine> {
  actor: MachineActor<M>;
  /** Stop tracing and stop the actor (the record was removed). */
  dispose(): void;
}

export interface StartActorOptions<M extends AnyStateMachine> {
  trace: TraceEmitter | undefined;
  meta: MachineInstanceMeta;
  /** Resume from a saved state (recovery after a restart): no initial transition is traced. */
  snapshot?: SnapshotFrom<M>;
}

export function startTracedActor<M extends AnyStateMachine>(machine: M, opts: StartActorOptions<M>): TracedActor<M> {
  const actor = createMachineActor(machine, opts.meta.id, { snapshot: opts.snapshot });
  const stopTracing = opts.trace ? traceActor(actor, opts.trace, opts.meta, { initial: opts.snapshot === undefined }) : undefined;
  actor.start();
  return {
    actor,
    dispose: () => {
      stopTracing?.();
      actor.stop();
    },
  };
}

/**
 * Send only to a live actor: a record's actor stops when it reaches its final state, and a
 * late exit (a process that ends after its record was removed) has nothing left to change.
 */
export function sendTo<M extends AnyStateMachine>(actor: MachineActor<M>, event: EventFromLogic<M>): void {
  if ((actor.getSnapshot() as { status: string }).status === 'active') actor.send(event);
}

/** A snapshot of the sandbox machine in `state` (for recovery from a state directory). */
export function sandboxSnapshotAt(state: 'SANDBOX_READY' | 'SANDBOX_NOTREADY' | 'SANDBOX_UNKNOWN', context: SandboxContext): SnapshotFrom<typeof sandboxMachine> {
  return sandboxMachine.resolveState({ value: state, context });
}

export function containerSnapshotAt(
  state: 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN',
  context: ContainerContext,
): SnapshotFrom<typeof containerMachine> {
  return containerMachine.resolveState({ value: state, context });
}

export function pauseSnapshotExited(exitCode: number | null): SnapshotFrom<typeof pauseMachine> {
  return pauseMachine.resolveState({ value: 'exited', context: { pid: null, exitCode, signal: null, message: null } });
}
