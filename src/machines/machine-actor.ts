import {
  createActor,
  initialTransition,
  type Actor,
  type ActorScope,
  type AnyActorRef,
  type AnyStateMachine,
  type EventFromLogic,
  type EventObject,
  type ExecutableActionObject,
  type InspectionEvent,
  type Snapshot,
  type SnapshotFrom,
} from 'xstate';
import { flatStepFor, type FlatStep } from './flat-step.js';

/**
 * The actors that run crilab's machines: the runtime's records (one per sandbox, pause
 * container, container and network namespace, several per RunPodSandbox) and the kubelet's
 * (pod worker, container restart and image pull, three or more per pod). A machine's actor is
 * what its owner sends events to and reads its state from; xstate chooses every transition.
 *
 * xstate's own Actor is built for machines that invoke, spawn and schedule: each one gets an
 * actor system of its own (maps, a weak map, a scheduler, a dozen closures) and works out its
 * initial state from scratch. That made it about a quarter of the runtime's CPU per pod
 * lifecycle, most of it garbage. crilab's machines need none of it: they are flat, and their
 * actions are `assign`s and their owner's effects. For such a machine, `LeanActor` keeps a
 * snapshot, takes each event's transition (the short step of flat-step.ts when the transition
 * is one of its cases, else `machine.transition`, what xstate's Actor runs per event),
 * executes the actions as they come (as xstate's Actor does), queues an event sent from inside
 * an action until the current one is done (as xstate's mailbox does), and starts from the
 * machine's initial state, worked out once when the context does not depend on an input. Any
 * other machine (one that invokes, has delayed transitions or uses another built-in action)
 * gets xstate's Actor, so nothing depends on the lean one being complete.
 */
export interface MachineActor<M extends AnyStateMachine> {
  readonly id: string;
  /** Start: the first snapshot is reported to observers with the event `xstate.init`. */
  start(): void;
  send(event: EventFromLogic<M>): void;
  getSnapshot(): SnapshotFrom<M>;
  /** Stop processing events (the record was removed). */
  stop(): void;
  /**
   * Be told of every snapshot the actor takes from its start on, with the event that led to
   * it (what xstate's inspection API reports as `@xstate.snapshot`). Returns how to stop.
   */
  observe(listener: SnapshotListener<M>): () => void;
}

export type SnapshotListener<M extends AnyStateMachine> = (snapshot: SnapshotFrom<M>, event: EventObject) => void;

/**
 * Create the actor of a machine, in the machine's initial state (made from `input` when its
 * context is a function of it) or in `snapshot` (a state recovered after a runtime restart).
 * Not started yet: observe it first to see its initial state.
 */
export function createMachineActor<M extends AnyStateMachine>(machine: M, id: string, opts: MachineActorOptions<M> = {}): MachineActor<M> {
  const lean = leanSupport(machine);
  return lean ? new LeanActor(machine, lean, id, opts) : new XstateActor(machine, id, opts);
}

export interface MachineActorOptions<M extends AnyStateMachine> {
  /** A state recovered after a restart, instead of the machine's initial state. */
  snapshot?: SnapshotFrom<M> | undefined;
  /** The input a machine's context function is given. */
  input?: unknown;
}

// ---- Which machines the lean actor runs --------------------------------------------------

interface LeanSupport {
  /** The machine's initial snapshot, shared by its actors (undefined when it must be worked out per actor). */
  initial: Snapshot<unknown> | undefined;
  /** An actor system for the scope xstate's functions are given; nothing registers in it. */
  system: Actor<AnyStateMachine>['system'];
  /** The step of a machine whose states are all leaves of its root (flat-step.ts); undefined for others. */
  step: FlatStep<AnyStateMachine> | undefined;
}

const support = new WeakMap<AnyStateMachine, LeanSupport | null>();

function leanSupport(machine: AnyStateMachine): LeanSupport | undefined {
  let s = support.get(machine);
  if (s === undefined) {
    s = isLeanMachine(machine) ? { initial: reusableInitialSnapshot(machine), system: createActor(machine).system, step: flatStepFor(machine) } : null;
    support.set(machine, s);
  }
  return s ?? undefined;
}

/** The type xstate gives its `assign` action; every other built-in action needs an actor system. */
const ASSIGN_ACTION = 'xstate.assign';

/**
 * A machine the lean actor can run: nothing invoked, no delayed transitions, and every action
 * either the machine's own function or an `assign` (xstate's other built-in actions raise,
 * send, spawn, log or emit through an actor system).
 */
function isLeanMachine(machine: AnyStateMachine): boolean {
  const actionOk = (action: unknown): boolean => {
    const name = typeof action === 'string' ? action : typeof action === 'object' && action !== null && 'type' in action ? String(action.type) : undefined;
    const impl: unknown = name !== undefined ? machine.implementations.actions[name] : action;
    if (impl === undefined) return true; // an action nobody implemented does nothing
    if (typeof impl !== 'function') return false;
    return !('resolve' in impl) || (impl as { type?: unknown }).type === ASSIGN_ACTION;
  };
  const nodes = [machine.root];
  for (let node = nodes.pop(); node; node = nodes.pop()) {
    if (node.invoke.length > 0 || node.after.length > 0) return false;
    const actions: unknown[] = [...node.entry, ...node.exit];
    for (const defs of node.transitions.values()) for (const def of defs) actions.push(...def.actions);
    for (const def of node.always ?? []) actions.push(...def.actions);
    if (!actions.every(actionOk)) return false;
    nodes.push(...Object.values(node.states));
  }
  return true;
}

/**
 * The machine's initial snapshot, when it is the same for every actor: a constant context and
 * an initial transition that runs no actions. Working it out is most of what creating an actor
 * would cost, and xstate never changes a snapshot (each transition makes a new one), so one
 * serves every actor of the machine.
 */
function reusableInitialSnapshot(machine: AnyStateMachine): Snapshot<unknown> | undefined {
  // A context made from each actor's input is each actor's own.
  if (typeof machine.config.context === 'function') return undefined;
  const [snapshot, actions] = initialTransition(machine);
  return actions.length === 0 && snapshot.status === 'active' ? snapshot : undefined;
}

// ---- The lean actor ------------------------------------------------------------------------

const STOP_EVENT: EventObject = { type: 'xstate.stop' };

type Status = 'new' | 'running' | 'stopped';

class LeanActor<M extends AnyStateMachine> implements MachineActor<M> {
  private snapshot: SnapshotFrom<M>;
  private status: Status = 'new';
  private readonly scope: LeanScope<M>;
  /** Events sent before start or while an event is being processed, in order. */
  private queue: EventObject[] | undefined;
  private processing = false;
  private listeners: Array<SnapshotListener<M>> | undefined;
  private deferred: Array<() => void> | undefined;
  private readonly input: unknown;

  constructor(
    private readonly machine: M,
    private readonly lean: LeanSupport,
    readonly id: string,
    opts: MachineActorOptions<M>,
  ) {
    this.scope = new LeanScope(this, lean.system);
    this.input = opts.input;
    const scope = this.scope as unknown as ActorScope<SnapshotFrom<M>, EventFromLogic<M>>;
    // A recovered state is restored as xstate's Actor restores it.
    this.snapshot = (
      opts.snapshot !== undefined
        ? machine.restoreSnapshot(opts.snapshot, scope)
        : (lean.initial ?? machine.getInitialSnapshot(scope, opts.input))
    ) as SnapshotFrom<M>;
  }

  /** @internal (LeanScope) Run an action now once started; the initial state's actions at start, as xstate's Actor does. */
  execute(action: ExecutableActionObject): void {
    if (this.status === 'running') action.exec?.(action.info, action.params);
    else this.defer(() => action.exec?.(action.info, action.params));
  }

  /** @internal (LeanScope) Run `fn` once the current snapshot is the actor's. */
  defer(fn: () => void): void {
    (this.deferred ??= []).push(fn);
  }

  getSnapshot(): SnapshotFrom<M> {
    return this.snapshot;
  }

  observe(listener: SnapshotListener<M>): () => void {
    (this.listeners ??= []).push(listener);
    return () => {
      const i = this.listeners?.indexOf(listener) ?? -1;
      if (i >= 0) this.listeners!.splice(i, 1);
    };
  }

  start(): void {
    if (this.status !== 'new') return;
    this.status = 'running';
    // Events sent while the first snapshot is reported wait for it, as in xstate's mailbox.
    this.processing = true;
    try {
      this.machine.start(this.snapshot);
      // The event observers are told led to the first snapshot, as xstate's Actor makes it.
      this.update(this.snapshot, { type: 'xstate.init', input: this.input } as EventObject);
      this.drainQueue();
    } finally {
      this.processing = false;
    }
  }

  send(event: EventFromLogic<M>): void {
    if (this.status === 'stopped') return;
    if (this.status !== 'running' || this.processing) {
      // Before start, or sent from inside an action: after the current event, as in xstate's mailbox.
      (this.queue ??= []).push(event);
      return;
    }
    this.processing = true;
    try {
      this.transition(event);
      this.drainQueue();
    } finally {
      this.processing = false;
    }
  }

  stop(): void {
    if (this.status === 'stopped') return;
    if (this.queue) this.queue.length = 0;
    // xstate's Actor stops a running machine with the `xstate.stop` event (its children too).
    if (this.status === 'running' && (this.snapshot as Snapshot<unknown>).status === 'active') this.transition(STOP_EVENT);
    this.status = 'stopped';
  }

  /** Process the events queued meanwhile, in order (called while processing). */
  private drainQueue(): void {
    const queue = this.queue;
    if (!queue) return;
    for (let event = queue.shift(); event; event = queue.shift()) {
      if (this.status !== 'running') break;
      this.transition(event);
    }
  }

  private transition(event: EventObject): void {
    let next: SnapshotFrom<M>;
    try {
      // Most events take the flat machine's short step; the rest, and every other machine, xstate's whole macrostep.
      const scope = this.scope as unknown as ActorScope<SnapshotFrom<M>, EventFromLogic<M>>;
      next = (this.lean.step?.(this.snapshot as never, event, scope as never) ?? this.machine.transition(this.snapshot, event, scope)) as SnapshotFrom<M>;
    } catch (err) {
      // As xstate's Actor: the actor is in error and stops; the error is reported, not thrown at the sender.
      this.snapshot = { ...(this.snapshot as object), status: 'error', error: err } as SnapshotFrom<M>;
      this.status = 'stopped';
      if (this.queue) this.queue.length = 0;
      setTimeout(() => {
        throw err;
      });
      return;
    }
    this.update(next, event);
  }

  private update(snapshot: SnapshotFrom<M>, event: EventObject): void {
    this.snapshot = snapshot;
    const deferred = this.deferred;
    if (deferred) {
      this.deferred = undefined;
      for (const fn of deferred) fn();
    }
    // A final state (or an error) ends the actor, as it ends xstate's.
    if ((snapshot as Snapshot<unknown>).status !== 'active') {
      this.status = 'stopped';
      if (this.queue) this.queue.length = 0;
    }
    if (this.listeners) for (const listener of [...this.listeners]) listener(snapshot, event);
  }
}

/**
 * What xstate's functions are given as the actor's scope: one object per actor, whose methods
 * are shared. `actionExecutor` alone is the actor's own function, because xstate's macrostep
 * keeps it aside and calls it on its own.
 */
class LeanScope<M extends AnyStateMachine> {
  readonly logger = console.log;
  readonly actionExecutor: (action: ExecutableActionObject) => void;

  constructor(
    private readonly actor: LeanActor<M>,
    readonly system: Actor<AnyStateMachine>['system'],
  ) {
    this.actionExecutor = (action) => actor.execute(action);
  }

  /** Actions get the actor as `self` (the runtime's effects read `self.id`); xstate itself only uses it for built-in actions a lean machine does not have. */
  get self(): AnyActorRef {
    return this.actor as unknown as AnyActorRef;
  }

  get id(): string {
    return this.actor.id;
  }

  get sessionId(): string {
    return this.actor.id;
  }

  defer(fn: () => void): void {
    this.actor.defer(fn);
  }

  emit(): never {
    throw new Error("emit needs xstate's Actor");
  }

  stopChild(): never {
    throw new Error("child actors need xstate's Actor");
  }
}

// ---- xstate's Actor, for any other machine -----------------------------------------------

class XstateActor<M extends AnyStateMachine> implements MachineActor<M> {
  private readonly actor: Actor<M>;

  constructor(machine: M, id: string, opts: MachineActorOptions<M>) {
    const create = createActor as (m: AnyStateMachine, o: { id: string; snapshot?: unknown; input?: unknown }) => Actor<M>;
    this.actor = create(machine, {
      id,
      ...(opts.snapshot !== undefined ? { snapshot: opts.snapshot } : {}),
      ...(opts.input !== undefined ? { input: opts.input } : {}),
    });
  }

  get id(): string {
    return this.actor.id;
  }

  start(): void {
    this.actor.start();
  }

  send(event: EventFromLogic<M>): void {
    this.actor.send(event);
  }

  getSnapshot(): SnapshotFrom<M> {
    return this.actor.getSnapshot();
  }

  stop(): void {
    this.actor.stop();
  }

  observe(listener: SnapshotListener<M>): () => void {
    const subscription = this.actor.system.inspect((insp: InspectionEvent) => {
      if (insp.type === '@xstate.snapshot' && insp.actorRef === this.actor) listener(insp.snapshot as SnapshotFrom<M>, insp.event);
    });
    return () => subscription.unsubscribe();
  }
}
