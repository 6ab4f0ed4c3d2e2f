import type { AnyStateMachine } from 'xstate';
import type { MachineKind } from '../../trace/events.js';

/**
 * Turns a runtime machine's definition into plain data: the UI's state-machine view and the
 * trace-validity tests read `describeMachine`.
 */

// Tracing an actor is shared with the kubelet's machines: src/machines/trace-machine.ts.
export {
  stateValueToString,
  traceActor,
  type MachineInstanceMeta,
  type ObservableActor,
  type TraceActorOptions,
} from '../../machines/trace-machine.js';

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
