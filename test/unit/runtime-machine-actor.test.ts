import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { assign, createActor, raise, setup, type AnyStateMachine, type EventObject } from 'xstate';
import { createMachineActor } from '../../src/runtime/machines/machine-actor.js';
import { runtimeMachines, type RuntimeMachineKind } from '../../src/runtime/machines/index.js';

/** Events of every type each runtime machine knows (and one it does not). */
const EVENTS: Record<RuntimeMachineKind, Array<EventObject & Record<string, unknown>>> = {
  sandbox: [
    { type: 'NETWORK_READY', netnsPath: '/n', ip: '10.244.0.2' },
    { type: 'PAUSE_STARTED', pid: 7 },
    { type: 'RUN_FAILED', message: 'x', cleanedUp: true },
    { type: 'RUN_FAILED', message: 'y', cleanedUp: false },
    { type: 'PAUSE_EXITED', exitCode: 137 },
    { type: 'STOP' },
    { type: 'REMOVE' },
    { type: 'NOT_AN_EVENT' },
  ],
  pause: [{ type: 'START', pid: 3 }, { type: 'START_FAILED', message: 'm' }, { type: 'EXIT', exitCode: 1 }, { type: 'KILL', signal: 'SIGTERM' }, { type: 'KILL' }],
  container: [
    { type: 'START', pid: 3 },
    { type: 'START_FAILED', message: 'm' },
    { type: 'EXIT', exitCode: 0 },
    { type: 'EXIT', exitCode: 137, oomKilled: true },
    { type: 'STOP', signal: 'SIGTERM' },
    { type: 'KILL' },
    { type: 'LOST' },
    { type: 'REMOVE' },
  ],
  netns: [{ type: 'CREATE', path: '/p' }, { type: 'CNI_ADD_OK', ip: '10.244.0.2' }, { type: 'CNI_ADD_FAILED', message: 'f' }, { type: 'CNI_DEL' }, { type: 'REMOVE' }],
};

/** The machine with every effect provided, each recording its name, the actor's ID and the event. */
function withRecordedEffects(machine: AnyStateMachine, log: string[]): AnyStateMachine {
  const actions: Record<string, (args: { self: { id: string }; event: EventObject }) => void> = {};
  for (const [name, impl] of Object.entries(machine.implementations.actions)) {
    if (typeof impl === 'function' && !('resolve' in impl)) actions[name] = ({ self, event }) => log.push(`${name} ${self.id} ${event.type}`);
  }
  return machine.provide({ actions } as Parameters<AnyStateMachine['provide']>[0]);
}

interface Run {
  observed: unknown[];
  after: unknown[];
  effects: string[];
}

/** What both kinds of actor offer for the comparison. */
interface Driven {
  start(): void;
  stop(): void;
  send(event: EventObject): void;
  getSnapshot(): { value: unknown; context: unknown; status: string };
}

/** Send `events` (stopping the actor before event `stopAt`), noting the snapshot after each. */
function drive(actor: Driven, events: EventObject[], stopAt: number): unknown[] {
  const after: unknown[] = [];
  actor.start();
  events.forEach((e, i) => {
    if (i === stopAt) actor.stop();
    actor.send(e);
    const s = actor.getSnapshot();
    after.push([s.value, s.context, s.status]);
  });
  return after;
}

function runLean(machine: AnyStateMachine, events: EventObject[], stopAt: number, log: string[]): Run {
  log.length = 0;
  const observed: unknown[] = [];
  const actor = createMachineActor(machine, 'a1');
  actor.observe((s, e) => observed.push([s.value, s.status, e.type]));
  const after = drive(actor as unknown as Driven, events, stopAt);
  return { observed, after, effects: [...log] };
}

function runXstate(machine: AnyStateMachine, events: EventObject[], stopAt: number, log: string[]): Run {
  log.length = 0;
  const observed: unknown[] = [];
  const actor = createActor(machine, { id: 'a1' });
  actor.system.inspect((insp) => {
    if (insp.type === '@xstate.snapshot' && insp.actorRef === actor) {
      const s = insp.snapshot as unknown as { value: unknown; status: string };
      observed.push([s.value, s.status, insp.event.type]);
    }
  });
  const after = drive(actor as unknown as Driven, events, stopAt);
  return { observed, after, effects: [...log] };
}

describe('createMachineActor', () => {
  it("runs the runtime's machines exactly as xstate's Actor does: states, contexts, effects and reported snapshots", () => {
    let seed = 1;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor(seed / 65536) % n;
    };
    const log: string[] = [];
    let compared = 0;
    // xstate's development build warns about each event sent to a stopped actor; here that is on purpose.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const [kind, machine] of Object.entries(runtimeMachines) as Array<[RuntimeMachineKind, AnyStateMachine]>) {
      for (const m of [machine, withRecordedEffects(machine, log)]) {
        for (let trial = 0; trial < 150; trial++) {
          const events = Array.from({ length: 1 + random(8) }, () => EVENTS[kind][random(EVENTS[kind].length)]!);
          const stopAt = random(events.length + 2);
          const lean = runLean(m, events, stopAt, log);
          const xs = runXstate(m, events, stopAt, log);
          if (!isDeepStrictEqual(lean, xs)) expect({ kind, events, stopAt, lean }).toEqual({ kind, events, stopAt, lean: xs });
          compared++;
        }
      }
    }
    warn.mockRestore();
    expect(compared).toBe(1200);
  });

  it('queues an event sent from inside an action until the current one is done, as xstate does', () => {
    const order: string[] = [];
    let actor: { send(e: EventObject): void } | undefined;
    const machine = setup({
      actions: {
        poke: () => {
          order.push('poke');
          actor?.send({ type: 'SECOND' });
          order.push('poked');
        },
        second: () => order.push('second'),
      },
    }).createMachine({
      initial: 'a',
      states: { a: { on: { FIRST: { target: 'b', actions: 'poke' } } }, b: { on: { SECOND: { target: 'c', actions: 'second' } } }, c: {} },
    });
    const lean = createMachineActor(machine, 'q');
    actor = lean;
    lean.start();
    lean.send({ type: 'FIRST' });
    expect(order).toEqual(['poke', 'poked', 'second']);
    expect(lean.getSnapshot().value).toBe('c');
  });

  it("gives machines that need more than assign and their own actions xstate's Actor", () => {
    const delayed = setup({}).createMachine({ initial: 'a', states: { a: { after: { 100: 'b' } }, b: {} } });
    const raising = setup({}).createMachine({ initial: 'a', states: { a: { on: { GO: { target: 'b', actions: raise({ type: 'NEXT' }) } } }, b: { on: { NEXT: 'c' } }, c: {} } });
    const assigning = setup({ actions: { set: assign({ n: () => 1 }) } }).createMachine({ context: { n: 0 }, initial: 'a', states: { a: { on: { GO: { actions: 'set' } } } } });
    const kind = (m: AnyStateMachine) => (createMachineActor(m, 'k') as object).constructor.name;
    expect(kind(delayed)).toBe('XstateActor');
    expect(kind(raising)).toBe('XstateActor');
    expect(kind(assigning)).toBe('LeanActor');
    for (const m of Object.values(runtimeMachines)) expect(kind(m)).toBe('LeanActor');
    const r = createMachineActor(raising, 'r');
    r.start();
    r.send({ type: 'GO' });
    expect(r.getSnapshot().value).toBe('c');
  });
});
