import type { AnyActorRef, EventObject, InspectionEvent, StateValue } from 'xstate';
import type { TraceEmitter } from '../trace/bus.js';
import type { MachineKind } from '../trace/events.js';

/**
 * Bridges a machine's actor to the one trace stream, for the runtime's records and the
 * kubelet's machines alike: one `machine.transition` event per state change of the actor (not
 * per event: an event that changes nothing, or a targetless transition, leaves no mark), taken
 * from the snapshots the actor reports — never from hand-written calls.
 */

export interface MachineInstanceMeta {
  machine: MachineKind;
  /** The instance: sandbox or container ID, netns name, `<namespace>/<pod>`… */
  id: string;
  label?: string;
}

export interface TraceActorOptions {
  /** Emit the initial state as a transition from `null` (default true). */
  initial?: boolean;
  /** The event named for the initial state (default: the init event's own, `xstate.init`). */
  initialEvent?: string;
  /** Say more about the event that entered a state, e.g. `SYNC (back-off 20s)`. */
  describeEvent?: (eventType: string, to: string, context: unknown, event: unknown) => string;
}

/** An actor that reports its snapshots itself (MachineActor, machine-actor.ts). */
export interface ObservableActor {
  observe(listener: (snapshot: { value?: StateValue; context?: unknown }, event: EventObject) => void): () => void;
}

/** `a.b` for nested state values; crilab's machines are flat, so this is the state's key. */
export function stateValueToString(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, child]) => (child === undefined ? key : `${key}.${stateValueToString(child)}`))
    .join(',');
}

/**
 * Watch `actor` (through what it reports of itself, or xstate's inspection API for a plain
 * xstate actor) and emit a `machine.transition` trace event each time its state changes. Call
 * before `actor.start()` to see the initial state. Returns a function that stops watching.
 */
export function traceActor(
  actor: AnyActorRef | ObservableActor,
  trace: TraceEmitter,
  meta: MachineInstanceMeta,
  options: TraceActorOptions = {},
): () => void {
  let previous: string | null = null;
  let seenInitial = false;
  const onSnapshot = (snapshot: { value?: StateValue; context?: unknown }, event: EventObject): void => {
    if (snapshot.value === undefined) return;
    const to = stateValueToString(snapshot.value);
    const initial = !seenInitial;
    if (initial) {
      seenInitial = true;
      if (options.initial === false) {
        previous = to;
        return;
      }
    } else if (to === previous) return;
    const raw = initial ? (options.initialEvent ?? event.type) : event.type;
    const described = options.describeEvent ? options.describeEvent(raw, to, snapshot.context, event) : raw;
    trace.emit({ kind: 'machine.transition', ...metaFields(meta), from: initial ? null : previous, to, event: described });
    previous = to;
  };
  if ('observe' in actor) return actor.observe(onSnapshot);
  const subscription = actor.system.inspect((insp: InspectionEvent) => {
    if (insp.type === '@xstate.snapshot' && insp.actorRef === actor) onSnapshot(insp.snapshot as { value?: StateValue }, insp.event);
  });
  return () => subscription.unsubscribe();
}

function metaFields(meta: MachineInstanceMeta): { machine: MachineKind; id: string; label?: string } {
  return meta.label === undefined ? { machine: meta.machine, id: meta.id } : { machine: meta.machine, id: meta.id, label: meta.label };
}
