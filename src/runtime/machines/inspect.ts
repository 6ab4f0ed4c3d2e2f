import type { AnyActorRef, AnyStateMachine, EventObject, InspectionEvent, StateValue } from 'xstate';
import type { MachineKind } from '../../trace/events.js';
import type { TraceEmitter } from '../../trace/bus.js';

/**
 * Bridges xstate to the one trace stream, and turns a machine definition into plain data.
 * The trace gets one `machine.transition` event per state change of an actor (not per event:
 * an event that changes nothing, or a targetless transition, leaves no mark), and the UI's
 * state-machine view and the trace-validity tests read `describeMachine`.
 */

export interface MachineInstanceMeta {
  machine: MachineKind;
  /** The instance: sandbox or container ID, netns name… */
  id: string;
  label?: string;
}

export interface TraceActorOptions {
  /** Emit the initial state as a transition from `null` (default true). */
  initial?: boolean;
}

/** `a.b` for nested state values; crilab's runtime machines are flat, so this is the state's key. */
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
  const onSnapshot = (snapshot: { value?: StateValue }, event: EventObject): void => {
    if (snapshot.value === undefined) return;
    const to = stateValueToString(snapshot.value);
    if (!seenInitial) {
      seenInitial = true;
      previous = to;
      if (options.initial === false) return;
      trace.emit({ kind: 'machine.transition', ...metaFields(meta), from: null, to, event: event.type });
      return;
    }
    if (to === previous) return;
    trace.emit({ kind: 'machine.transition', ...metaFields(meta), from: previous, to, event: event.type });
    previous = to;
  };
  if ('observe' in actor) return actor.observe(onSnapshot);
  const subscription = actor.system.inspect((insp: InspectionEvent) => {
    if (insp.type === '@xstate.snapshot' && insp.actorRef === actor) onSnapshot(insp.snapshot as { value?: StateValue }, insp.event);
  });
  return () => subscription.unsubscribe();
}

/** An actor that reports its snapshots itself (the runtime's MachineActor, see machine-actor.ts). */
export interface ObservableActor {
  observe(listener: (snapshot: { value?: StateValue }, event: EventObject) => void): () => void;
}

function metaFields(meta: MachineInstanceMeta): { machine: MachineKind; id: string; label?: string } {
  return meta.label === undefined ? { machine: meta.machine, id: meta.id } : { ...meta };
}

export interface MachineTransition {
  from: string;
  /** Equal to `from` for a targetless transition (effects only, no state change). */
  to: string;
  event: string;
  /** The named guard, when the transition has one. */
  guard?: string;
  /** The named actions it runs, in order. */
  actions: string[];
}

export interface MachineDescription {
  id: string;
  initial: string;
  states: string[];
  finalStates: string[];
  transitions: MachineTransition[];
}

function nameOf(item: unknown): string {
  if (typeof item === 'string') return item;
  if (item && typeof item === 'object' && 'type' in item && typeof item.type === 'string') return item.type;
  if (typeof item === 'function') return item.name || '(inline)';
  return '(inline)';
}

/** The states and transitions of a flat machine, as plain data. */
export function describeMachine(machine: AnyStateMachine): MachineDescription {
  const root = machine.root;
  const states = Object.keys(root.states);
  const initialTarget = root.initial.target[0];
  if (!initialTarget) throw new Error(`machine "${machine.id}" has no initial state`);
  const transitions: MachineTransition[] = [];
  for (const key of states) {
    const node = root.states[key];
    if (!node) continue;
    for (const t of node.transitions.values()) {
      for (const def of t) {
        const target = def.target?.[0]?.key ?? key;
        const transition: MachineTransition = {
          from: key,
          to: target,
          event: def.eventType,
          actions: def.actions.map(nameOf),
        };
        if (def.guard !== undefined) transition.guard = nameOf(def.guard);
        transitions.push(transition);
      }
    }
  }
  return {
    id: machine.id,
    initial: initialTarget.key,
    states,
    finalStates: states.filter((key) => root.states[key]?.type === 'final'),
    transitions,
  };
}

export type TransitionChecker = (machine: MachineKind, from: string | null, to: string) => boolean;

/**
 * A predicate that says whether a traced change `from → to` is one the machine of that kind
 * can make: an initial state from `null`, or an edge of the definition that changes state.
 * Throws for a kind it has no machine for, so a checker never silently passes a trace.
 */
export function createTransitionChecker(machines: Partial<Record<MachineKind, AnyStateMachine>>): TransitionChecker {
  const edges = new Map<MachineKind, { initial: string; pairs: Set<string> }>();
  for (const [kind, machine] of Object.entries(machines) as Array<[MachineKind, AnyStateMachine]>) {
    const description = describeMachine(machine);
    const pairs = new Set(
      description.transitions.filter((t) => t.from !== t.to).map((t) => `${t.from}\u0000${t.to}`),
    );
    edges.set(kind, { initial: description.initial, pairs });
  }
  return (kind, from, to) => {
    const entry = edges.get(kind);
    if (!entry) throw new Error(`no machine registered for kind "${kind}"`);
    if (from === null) return to === entry.initial;
    return entry.pairs.has(`${from}\u0000${to}`);
  };
}
