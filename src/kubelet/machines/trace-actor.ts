/**
 * Runs one of the kubelet's machines as a live actor and reports its state changes as
 * `machine.transition` trace events from the snapshots the actor takes — so what the UI draws
 * is what the actor did, never a hand-written copy of it. The actor and the tracing are the
 * ones the runtime's records use (src/machines/): xstate works out every transition.
 */

import type { AnyStateMachine, StateValue } from 'xstate';
import { createMachineActor, type MachineActor } from '../../machines/machine-actor.js';
import { stateValueToString, traceActor, type MachineInstanceMeta, type TraceActorOptions } from '../../machines/trace-machine.js';
import type { TraceEmitter } from '../../trace/bus.js';

export interface TracedActorMeta extends MachineInstanceMeta {
  /** Name of the event shown for the initial state (instead of xstate's `xstate.init`). */
  initialEvent: string;
  /** Say more about an event that entered a state, e.g. `SYNC (back-off 20s)`. */
  describeEvent?: TraceActorOptions['describeEvent'];
}

/** Create, watch and start an actor of `machine`. The first state is reported with `from: null`. */
export function startTracedActor<M extends AnyStateMachine>(
  machine: M,
  input: unknown,
  trace: TraceEmitter | undefined,
  meta: TracedActorMeta,
): MachineActor<M> {
  const actor = createMachineActor(machine, meta.id, { input });
  if (trace) {
    const instance: MachineInstanceMeta = { machine: meta.machine, id: meta.id, ...(meta.label !== undefined ? { label: meta.label } : {}) };
    traceActor(actor, trace, instance, { initialEvent: meta.initialEvent, ...(meta.describeEvent ? { describeEvent: meta.describeEvent } : {}) });
  }
  actor.start();
  return actor;
}

/** The actor's current state as a string. */
export function actorState(actor: MachineActor<AnyStateMachine>): string {
  return stateValueToString((actor.getSnapshot() as { value: StateValue }).value);
}
