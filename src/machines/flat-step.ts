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
 *   leaf's transitions before the root's).
 * - A transition with no target runs its actions and stays; so does a leaf's transition to
 *   itself (with `reenter`, between the leaf's exit and entry actions). A transition from one
 *   leaf to another runs the leaf's exit actions, the transition's actions and the target's entry
 *   actions, in that order (SCXML's, and xstate's). Entering a final state ends the machine:
 *   status `done`.
 * - Actions run as xstate runs them (`resolveAndExecuteActionsWithContext`): `assign` through its
 *   own `resolve`, so the context each later action sees is the one xstate would give it; every
 *   other action through the actor's executor with the same arguments.
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

/** A built-in action (xstate's `assign`) resolves into a new snapshot instead of running. */
interface BuiltinAction {
  type: string;
  resolve: (scope: unknown, snapshot: AnySnapshot, args: unknown, params: unknown, action: unknown, extra: unknown) => [AnySnapshot, ...unknown[]];
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

  return (snapshot, event, scope) => {
    if (event.type.startsWith('xstate.') || snapshot.status !== 'active') return undefined;
    const transitions = machine.getTransitionData(snapshot as never, event as never) as AnyTransition[];
    if (transitions.length === 0) return snapshot; // nothing enabled: xstate keeps the same snapshot
    if (transitions.length > 1) return undefined;
    const plan = planOf(transitions[0]!, snapshot);
    if (plan === null) return undefined;
    let next = runActions(machine, snapshot, event, scope, plan.actions);
    const target = plan.target;
    if (target === undefined) return next;
    next = {
      // The fields and their order as xstate's createMachineSnapshot makes them.
      status: target.final ? 'done' : next.status,
      output: next.output,
      error: next.error,
      machine: next.machine,
      context: next.context,
      _nodes: target.nodes,
      value: target.value,
      tags: target.tags,
      children: next.children,
      historyValue: next.historyValue,
      matches: next.matches,
      hasTag: next.hasTag,
      can: next.can,
      getMeta: next.getMeta,
      toJSON: next.toJSON,
    } as AnySnapshot;
    return next;
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

/** Resolve and run `actions` in order, as xstate's resolveAndExecuteActionsWithContext does. */
function runActions(
  machine: AnyStateMachine,
  snapshot: AnySnapshot,
  event: EventObject,
  scope: ActorScope<AnySnapshot, EventObject>,
  actions: readonly unknown[],
): AnySnapshot {
  let current = snapshot;
  for (const action of actions) {
    const inline = typeof action === 'function';
    const impl = implementationOf(machine, action) as ((...a: unknown[]) => unknown) | undefined;
    const args = { context: current.context, event, self: scope.self, system: scope.system };
    const def = action as { type: string; params?: unknown };
    const params =
      inline || typeof action === 'string'
        ? undefined
        : 'params' in def
          ? typeof def.params === 'function'
            ? (def.params as (a: unknown) => unknown)({ context: current.context, event })
            : def.params
          : undefined;
    if (!impl || !('resolve' in impl)) {
      scope.actionExecutor({
        type: typeof action === 'string' ? action : inline ? (action as { name?: string }).name || '(anonymous)' : def.type,
        info: args,
        params,
        exec: impl,
      } as Parameters<typeof scope.actionExecutor>[0]);
      continue;
    }
    const builtin = impl as unknown as BuiltinAction;
    current = builtin.resolve(scope, current, args, params, impl, { internalQueue: [], deferredActorIds: undefined })[0];
  }
  return current;
}
