import type { ActorScope, AnyStateMachine, EventObject, MachineSnapshot, StateNode, TransitionDefinition } from 'xstate';

/**
 * The step of a flat machine: one event, one transition between two sibling leaf states (or a
 * transition with no target), worked out from the transitions xstate parsed from the machine's
 * config, for the lean actor (machine-actor.ts).
 *
 * `machine.transition` runs the whole SCXML macrostep for every event: sets of state nodes to
 * exit and enter, conflict removal, transition domains, eventless transitions, two snapshots per
 * step. For a machine whose states are all leaves of the root that is 6–9 µs and 5–10 KB of
 * garbage per event; the runtime sends 14 events per pod lifecycle, the kubelet a dozen per pod. What a flat machine's
 * step does is much smaller, and it is what this file does:
 *
 * - xstate chooses the transition: `machine.getTransitionData` (its own guard evaluation, the
 *   leaf's transitions before the root's). When the first candidate for the event has no
 *   guard (no wildcard descriptors either), the step takes it without asking, as xstate would.
 * - A transition with no target runs its actions and stays; so does a leaf's transition to
 *   itself (with `reenter`, between the leaf's exit and entry actions). A transition from one
 *   leaf to another runs the leaf's exit actions, the transition's actions and the target's entry
 *   actions, in that order (SCXML's, and xstate's). Entering a final state ends the machine:
 *   status `done`.
 * - Actions run as xstate runs them (`resolveAndExecuteActionsWithContext`): an `assign`
 *   merges its result into a new context, which every later action sees, as xstate's
 *   `resolveAssign` does; every other action goes through the actor's executor with the same
 *   arguments. The next snapshot is made once, at the end of the step.
 *
 * Anything else gets `undefined`, and the caller lets xstate's `machine.transition` do it: events
 * of xstate's own (`xstate.*`), more than one enabled transition, a target that is not a leaf of
 * the root, a targeted transition of the root itself (what it exits is whichever leaf is
 * current), a final state with exit actions or an output, an action that is neither `assign`
 * nor the machine's own.
 * Which transitions qualify is decided once per transition and kept; an equivalence test drives
 * this and xstate's Actor with the same random events and compares every snapshot.
 */
export type FlatStep<M extends AnyStateMachine> = (
  snapshot: MachineSnapshotOf<M>,
  event: EventObject,
  scope: ActorScope<MachineSnapshotOf<M>, EventObject>,
) => MachineSnapshotOf<M> | undefined;

// xstate's generic snapshot type, loosened: the step only reads and copies its fields.
type MachineSnapshotOf<_M extends AnyStateMachine> = AnySnapshot;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnySnapshot = MachineSnapshot<any, any, any, any, any, any, any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyNode = StateNode<any, any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyTransition = TransitionDefinition<any, any>;

/** What taking one transition does, worked out once. */
interface Plan {
  /** Exit actions of the source, the transition's actions, entry actions of the target. */
  actions: readonly unknown[];
  /** Where the machine is afterwards; undefined: where it was (a transition with no target). */
  target: Target | undefined;
}

/** The parts of a snapshot that say which state it is in, as xstate makes them for that state. */
interface Target {
  nodes: AnyNode[];
  value: unknown;
  tags: Set<string>;
  final: boolean;
}

const ASSIGN_ACTION = 'xstate.assign';

/** A step for `machine`, or undefined when its states are not all leaves of the root. */
export function flatStepFor<M extends AnyStateMachine>(machine: M): FlatStep<M> | undefined {
  const root = machine.root as AnyNode;
  const leaves = Object.values(root.states) as AnyNode[];
  if (leaves.length === 0 || root.history !== false) return undefined;
  for (const leaf of leaves) {
    if (Object.keys(leaf.states).length > 0 || (leaf.type !== 'atomic' && leaf.type !== 'final')) return undefined;
    if ((leaf.always?.length ?? 0) > 0 || leaf.invoke.length > 0 || leaf.after.length > 0) return undefined;
  }
  if ((root.always?.length ?? 0) > 0 || root.invoke.length > 0) return undefined;

  const plans = new WeakMap<AnyTransition, Plan | null>();
  const targets = new Map<AnyNode, Target>();
  const targetOf = (node: AnyNode, context: unknown): Target => {
    let t = targets.get(node);
    if (!t) {
      // xstate's own snapshot of that state supplies its nodes, value and tags.
      const s = machine.resolveState({ value: node.key, context } as Parameters<M['resolveState']>[0]) as AnySnapshot;
      const final = node.type === 'final';
      // Ending the machine, xstate sorts the state nodes it ran exit actions for (the deepest first) in place.
      const nodes = final ? [...(s._nodes as AnyNode[])].sort((a, b) => b.order - a.order) : (s._nodes as AnyNode[]);
      t = { nodes, value: s.value, tags: s.tags as Set<string>, final };
      targets.set(node, t);
    }
    return t;
  };
  const planOf = (transition: AnyTransition, snapshot: AnySnapshot): Plan | null => {
    let plan = plans.get(transition);
    if (plan === undefined) {
      plan = makePlan(machine, transition, (node) => targetOf(node, snapshot.context));
      plans.set(transition, plan);
    }
    return plan;
  };

  // Event descriptors with wildcards (`*`, `a.*`) make xstate match an event against every
  // descriptor; without them a leaf's candidates for an event are just the ones of its type.
  const wildcards = [root, ...leaves].some((node) => [...node.transitions.keys()].some((key) => key.includes('*')));

  /**
   * The transition xstate would select when that takes no guard: the leaf's first candidate
   * for the event, else the root's (xstate's transitionAtomicNode and StateNode.next).
   * Undefined when a guard would have to be evaluated: then xstate selects.
   */
  const unguardedSelection = (snapshot: AnySnapshot, type: string): AnyTransition[] | undefined => {
    if (wildcards || typeof snapshot.value !== 'string') return undefined;
    const leaf = root.states[snapshot.value] as AnyNode | undefined;
    if (!leaf) return undefined;
    for (const node of [leaf, root]) {
      const candidates = node.transitions.get(type) as AnyTransition[] | undefined;
      if (!candidates || candidates.length === 0) continue;
      return candidates[0]!.guard === undefined ? [candidates[0]!] : undefined;
    }
    return [];
  };

  return (snapshot, event, scope) => {
    if (event.type.startsWith('xstate.') || snapshot.status !== 'active') return undefined;
    const transitions =
      unguardedSelection(snapshot, event.type) ?? (machine.getTransitionData(snapshot as never, event as never) as AnyTransition[]);
    if (transitions.length === 0) return snapshot; // nothing enabled: xstate keeps the same snapshot
    if (transitions.length > 1) return undefined;
    const plan = planOf(transitions[0]!, snapshot);
    if (plan === null) return undefined;
    const context = runActions(machine, snapshot, event, scope, plan.actions);
    const target = plan.target;
    // Staying with the same context, xstate keeps the very same snapshot.
    if (target === undefined && context === snapshot.context) return snapshot;
    return {
      // The fields and their order as xstate's createMachineSnapshot makes them.
      status: target?.final ? 'done' : snapshot.status,
      output: snapshot.output,
      error: snapshot.error,
      machine: snapshot.machine,
      context,
      _nodes: target ? target.nodes : snapshot._nodes,
      value: target ? target.value : snapshot.value,
      tags: target ? target.tags : snapshot.tags,
      children: snapshot.children,
      historyValue: snapshot.historyValue,
      matches: snapshot.matches,
      hasTag: snapshot.hasTag,
      can: snapshot.can,
      getMeta: snapshot.getMeta,
      toJSON: snapshot.toJSON,
    } as AnySnapshot;
  };
}

/** The plan of a transition this step can take, or null when xstate must take it. */
function makePlan(machine: AnyStateMachine, transition: AnyTransition, targetOf: (node: AnyNode) => Target): Plan | null {
  if (!transition.actions.every((a) => isPlainAction(machine, a))) return null;
  const targets = transition.target as AnyNode[] | undefined;
  if (targets === undefined || targets.length === 0) return { actions: transition.actions, target: undefined };
  const source = transition.source as AnyNode;
  const target = targets[0]!;
  // From a leaf to a leaf only: a transition of the root's exits whichever leaf is current.
  if (targets.length !== 1 || source.parent !== machine.root || target.parent !== machine.root) return null;
  if (![...source.exit, ...target.entry].every((a) => isPlainAction(machine, a))) return null;
  if (target === source) {
    // A leaf targeting itself stays where it is: without `reenter` nothing is exited or entered
    // (the transition's domain is the leaf itself); with it the leaf is exited and entered again.
    return { actions: transition.reenter ? [...source.exit, ...transition.actions, ...source.entry] : transition.actions, target: undefined };
  }
  if (target.type === 'final') {
    // Ending the machine also runs the exit actions of every state and works out an output.
    if (target.exit.length > 0 || machine.root.exit.length > 0 || machine.root.output !== undefined || target.output !== undefined) return null;
  }
  return { actions: [...source.exit, ...transition.actions, ...target.entry], target: targetOf(target) };
}

/** The machine's own action (a function, or a name it implements) or `assign`; nothing else that resolves. */
function isPlainAction(machine: AnyStateMachine, action: unknown): boolean {
  const impl = implementationOf(machine, action);
  if (impl === undefined) return true;
  if (typeof impl !== 'function') return false;
  return !('resolve' in impl) || (impl as { type?: unknown }).type === ASSIGN_ACTION;
}

function implementationOf(machine: AnyStateMachine, action: unknown): unknown {
  if (typeof action === 'function') return action;
  const name = typeof action === 'string' ? action : (action as { type: string }).type;
  return (machine.implementations.actions as Record<string, unknown>)[name];
}

/**
 * Resolve and run `actions` in order, as xstate's resolveAndExecuteActionsWithContext does, and
 * return the context they leave. An `assign` is resolved here as xstate's `resolveAssign`
 * resolves it — the assignment (a function, or an object of values and functions) is given the
 * context as it stands and the event, and its result is merged into a new context — without the
 * snapshot xstate makes after each assign (which works out the state value and tags again).
 * `spawn` in an assignment is refused: it needs xstate's Actor as the parent.
 */
function runActions(
  machine: AnyStateMachine,
  snapshot: AnySnapshot,
  event: EventObject,
  scope: ActorScope<AnySnapshot, EventObject>,
  actions: readonly unknown[],
): unknown {
  let context: unknown = snapshot.context;
  for (const action of actions) {
    const inline = typeof action === 'function';
    const impl = implementationOf(machine, action) as ((...a: unknown[]) => unknown) | undefined;
    const def = action as { type: string; params?: unknown };
    const params =
      inline || typeof action === 'string'
        ? undefined
        : 'params' in def
          ? typeof def.params === 'function'
            ? (def.params as (a: unknown) => unknown)({ context, event })
            : def.params
          : undefined;
    if (!impl || !('resolve' in impl)) {
      scope.actionExecutor({
        type: typeof action === 'string' ? action : inline ? (action as { name?: string }).name || '(anonymous)' : def.type,
        info: { context, event, self: scope.self, system: scope.system },
        params,
        exec: impl,
      } as Parameters<typeof scope.actionExecutor>[0]);
      continue;
    }
    // isPlainAction let only `assign` through.
    context = assigned(context, (impl as unknown as AssignAction).assignment, { context, event, spawn: noSpawn, self: scope.self, system: scope.system }, params);
  }
  return context;
}

/** What xstate's `assign(...)` returns carries its argument as `assignment`. */
interface AssignAction {
  assignment: ((args: unknown, params: unknown) => object) | Record<string, unknown>;
}

function assigned(context: unknown, assignment: AssignAction['assignment'], args: unknown, params: unknown): unknown {
  if (!context) throw new Error('Cannot assign to undefined `context`. Ensure that `context` is defined in the machine config.');
  let update: object;
  if (typeof assignment === 'function') update = assignment(args, params);
  else {
    const partial: Record<string, unknown> = {};
    for (const key of Object.keys(assignment)) {
      const value = assignment[key];
      partial[key] = typeof value === 'function' ? (value as (a: unknown, p: unknown) => unknown)(args, params) : value;
    }
    update = partial;
  }
  return Object.assign({}, context, update);
}

function noSpawn(): never {
  throw new Error("spawn in assign needs xstate's Actor (crilab's lean actor runs machines without child actors)");
}
