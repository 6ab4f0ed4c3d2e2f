/**
 * Runs one of the kubelet's machines as a live actor and reports its state changes as
 * `machine.transition` trace events from the snapshots the actor takes — so what the UI draws
 * is what the actor did, never a hand-written copy of it. The actor is the lean one the
 * runtime's records use (src/machines/machine-actor.ts): xstate works out every transition.
 */

import type { AnyStateMachine, StateValue } from 'xstate';
import { createMachineActor, type MachineActor } from '../../machines/machine-actor.js';
import type { TraceEmitter } from '../../trace/bus.js';
import type { MachineKind } from '../../trace/events.js';

export interface TracedActorMeta {
  machine: MachineKind;
  id: string;
  label?: string;
  /** Name of the event shown for the initial state (instead of xstate's `xstate.init`). */
  initialEvent: string;
  /** Say more about an event that entered a state, e.g. `SYNC (back-off 20s)`. */
  describeEvent?: (eventType: string, to: string, context: unknown, event: unknown) => string;
}

function valueName(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([k, v]) => (v === undefined ? k : `${k}.${valueName(v)}`))
    .join(',');
}

/** Create, watch and start an actor of `machine`. The first state is reported with `from: null`. */
export function startTracedActor<M extends AnyStateMachine>(
  machine: M,
  input: unknown,
  trace: TraceEmitter | undefined,
  meta: TracedActorMeta,
): MachineActor<M> {
  let previous: string | null = null;
  const actor = createMachineActor(machine, meta.id, { input });
  actor.observe((snapshot, event) => {
    const snap = snapshot as { value?: StateValue; context?: unknown };
    if (snap.value === undefined) return;
    const to = valueName(snap.value);
    if (to === previous) return;
    const raw = previous === null ? meta.initialEvent : event.type;
    const described = meta.describeEvent ? meta.describeEvent(raw, to, snap.context, event) : raw;
    trace?.emit({ kind: 'machine.transition', machine: meta.machine, id: meta.id, ...(meta.label !== undefined ? { label: meta.label } : {}), from: previous, to, event: described });
    previous = to;
  });
  actor.start();
  return actor;
}

/** The actor's current state as a string. */
export function actorState(actor: MachineActor<AnyStateMachine>): string {
  return valueName((actor.getSnapshot() as { value: StateValue }).value);
}
