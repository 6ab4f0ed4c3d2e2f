import { describe, expect, it, vi } from 'vitest';
import { createActor, transition, type AnyStateMachine, type EventObject } from 'xstate';
import { getShortestPaths, getSimplePaths } from 'xstate/graph';
import {
  containerMachine,
  criSandboxState,
  describeMachine,
  describeRuntimeMachines,
  isAllowedTransition,
  netnsMachine,
  pauseMachine,
  runtimeMachines,
  sandboxMachine,
  traceActor,
  type ContainerEvent,
  type RuntimeMachineKind,
} from '../../src/runtime/machines/index.js';
import { TraceBus } from '../../src/trace/bus.js';
import { EVENTS } from './runtime-machine-events.js';

const KINDS = Object.keys(runtimeMachines) as RuntimeMachineKind[];
const valueOf = (s: { value: unknown }) => s.value as string;
// Serialise by state only, so the walks stay finite whatever the context holds.
const byState = { serializeState: (s: { value: unknown }) => JSON.stringify(s.value) };

function reachable(machine: AnyStateMachine, events: EventObject[]): string[] {
  return [...new Set(getShortestPaths(machine, { events, ...byState }).map((p) => valueOf(p.state)))].sort();
}

describe('every runtime machine: reachability and illegal events (xstate/graph)', () => {
  for (const kind of KINDS) {
    const machine = runtimeMachines[kind] as AnyStateMachine;
    const events: EventObject[] = EVENTS[kind];
    const description = describeMachine(machine);

    it(`${kind}: every declared state is reachable`, () => {
      expect(reachable(machine, events)).toEqual([...description.states].sort());
    });

    it(`${kind}: an event the current state has no transition for changes nothing`, () => {
      for (const path of getShortestPaths(machine, { events, ...byState })) {
        const from = valueOf(path.state);
        const handled = new Set(description.transitions.filter((t) => t.from === from).map((t) => t.event));
        for (const event of events.filter((e) => !handled.has(e.type))) {
          const [next, actions] = transition(machine, path.state, event);
          expect(valueOf(next)).toBe(from);
          expect(next.context).toEqual(path.state.context);
          expect(actions).toEqual([]);
        }
      }
    });

    it(`${kind}: final states accept nothing`, () => {
      for (const final of description.finalStates) {
        expect(description.transitions.filter((t) => t.from === final)).toEqual([]);
      }
    });

    it(`${kind}: every traversed step is an allowed transition`, () => {
      for (const path of getSimplePaths(machine, { events, ...byState })) {
        let from: string | null = null;
        for (const step of path.steps) {
          const to = valueOf(step.state);
          if (to !== from) expect(isAllowedTransition(kind, from, to)).toBe(true);
          from = to;
        }
      }
    });
  }
});

describe('isAllowedTransition', () => {
  it('accepts the machine\'s edges and initial state, rejects the rest', () => {
    expect(isAllowedTransition('sandbox', null, 'SANDBOX_UNKNOWN')).toBe(true);
    expect(isAllowedTransition('sandbox', null, 'SANDBOX_READY')).toBe(false);
    expect(isAllowedTransition('sandbox', 'SANDBOX_UNKNOWN', 'SANDBOX_READY')).toBe(true);
    expect(isAllowedTransition('sandbox', 'SANDBOX_READY', 'SANDBOX_NOTREADY')).toBe(true);
    expect(isAllowedTransition('sandbox', 'SANDBOX_NOTREADY', 'SANDBOX_READY')).toBe(false);
    expect(isAllowedTransition('container', 'CONTAINER_EXITED', 'CONTAINER_RUNNING')).toBe(false);
    expect(isAllowedTransition('container', 'CONTAINER_UNKNOWN', 'CONTAINER_EXITED')).toBe(true);
    expect(isAllowedTransition('container', 'CONTAINER_UNKNOWN', 'CONTAINER_RUNNING')).toBe(false);
    expect(isAllowedTransition('netns', 'configured', 'torn-down')).toBe(true);
    expect(isAllowedTransition('pause', 'exited', 'running')).toBe(false);
  });

  it('refuses to judge a machine it does not own', () => {
    expect(() => isAllowedTransition('pod-worker', null, 'x')).toThrow('no machine registered for kind "pod-worker"');
  });
});

describe('container machine', () => {
  const run = (...events: ContainerEvent[]) => {
    const actor = createActor(containerMachine).start();
    for (const e of events) actor.send(e);
    return actor.getSnapshot();
  };

  it('records containerd\'s exit reasons', () => {
    expect(run({ type: 'START', pid: 1 }, { type: 'EXIT', exitCode: 0 }).context).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(run({ type: 'START', pid: 1 }, { type: 'EXIT', exitCode: 3 }).context).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(run({ type: 'START', pid: 1 }, { type: 'EXIT', exitCode: 137, oomKilled: true }).context).toMatchObject({
      reason: 'OOMKilled',
    });
    const failed = run({ type: 'START_FAILED', message: 'exec: "x": executable file not found in $PATH' });
    expect(failed.value).toBe('CONTAINER_EXITED');
    expect(failed.context).toMatchObject({ exitCode: 128, reason: 'StartError', message: 'exec: "x": executable file not found in $PATH' });
  });

  it('sends the stop signal once however often StopContainer is called; KILL every time', () => {
    const sendStopSignal = vi.fn();
    const killProcess = vi.fn();
    const actor = createActor(containerMachine.provide({ actions: { sendStopSignal, killProcess } })).start();
    actor.send({ type: 'START', pid: 9 });
    actor.send({ type: 'STOP' });
    actor.send({ type: 'STOP' });
    actor.send({ type: 'KILL' });
    expect(actor.getSnapshot().value).toBe('CONTAINER_RUNNING'); // the state changes only when the exit is seen
    expect(sendStopSignal).toHaveBeenCalledTimes(1);
    expect(killProcess).toHaveBeenCalledTimes(1);
    actor.send({ type: 'EXIT', exitCode: 137 });
    actor.send({ type: 'REMOVE' });
    expect(actor.getSnapshot().value).toBe('removed');
  });

  it('a running container cannot be removed without being stopped first', () => {
    expect(run({ type: 'START', pid: 1 }, { type: 'REMOVE' }).value).toBe('CONTAINER_RUNNING');
  });
});

describe('sandbox machine', () => {
  it('StopPodSandbox kills pause only while it is alive, and always releases the IP', () => {
    const calls: string[] = [];
    const hook = (name: string) => () => void calls.push(name);
    const machine = sandboxMachine.provide({
      actions: {
        stopContainers: hook('stopContainers'),
        killPause: hook('killPause'),
        releaseIp: hook('releaseIp'),
        removeNetns: hook('removeNetns'),
        removeRecord: hook('removeRecord'),
      },
    });
    const alive = createActor(machine).start();
    alive.send({ type: 'NETWORK_READY', netnsPath: '/var/run/netns/cni-a', ip: '10.244.0.2' });
    alive.send({ type: 'PAUSE_STARTED', pid: 10 });
    expect(alive.getSnapshot().context).toMatchObject({ pauseAlive: true, ip: '10.244.0.2' });
    alive.send({ type: 'STOP' });
    expect(calls).toEqual(['stopContainers', 'killPause', 'releaseIp', 'removeNetns']);
    expect(alive.getSnapshot().value).toBe('SANDBOX_NOTREADY');
    expect(alive.getSnapshot().context).toMatchObject({ pauseAlive: false, ip: null, networkTornDown: true });

    calls.length = 0;
    const died = createActor(machine).start();
    died.send({ type: 'PAUSE_STARTED', pid: 11 });
    died.send({ type: 'PAUSE_EXITED', exitCode: 137 });
    expect(died.getSnapshot().value).toBe('SANDBOX_NOTREADY');
    expect(calls).toEqual([]); // containerd does not clean up on its own when pause dies
    died.send({ type: 'STOP' });
    died.send({ type: 'STOP' });
    expect(calls).toEqual(['stopContainers', 'releaseIp', 'removeNetns', 'stopContainers', 'releaseIp', 'removeNetns']);
    died.send({ type: 'REMOVE' });
    expect(died.getSnapshot().value).toBe('removed');
    expect(calls.at(-1)).toBe('removeRecord');
  });

  it('a failed RunPodSandbox is gone if cleaned up, else stays UNKNOWN (NOTREADY to the CRI)', () => {
    const cleaned = createActor(sandboxMachine).start();
    cleaned.send({ type: 'RUN_FAILED', message: 'x', cleanedUp: true });
    expect(cleaned.getSnapshot().value).toBe('removed');
    const stuck = createActor(sandboxMachine).start();
    stuck.send({ type: 'RUN_FAILED', message: 'failed to start sandbox task', cleanedUp: false });
    expect(stuck.getSnapshot().value).toBe('SANDBOX_UNKNOWN');
    expect(stuck.getSnapshot().context.lastError).toBe('failed to start sandbox task');
    expect(criSandboxState('SANDBOX_UNKNOWN')).toBe('SANDBOX_NOTREADY');
    expect(criSandboxState('SANDBOX_READY')).toBe('SANDBOX_READY');
  });

  it('a READY sandbox never goes back to READY', () => {
    const paths = getSimplePaths(sandboxMachine, { events: EVENTS.sandbox, ...byState });
    for (const p of paths) {
      const values = p.steps.map((s) => valueOf(s.state));
      const firstNotReady = values.indexOf('SANDBOX_NOTREADY');
      if (firstNotReady >= 0) expect(values.slice(firstNotReady)).not.toContain('SANDBOX_READY');
    }
  });
});

describe('pause machine', () => {
  it('exit codes follow the signal: SIGKILL 137, SIGTERM 0 (pause.c exits 0)', () => {
    const reportExit = vi.fn();
    const machine = pauseMachine.provide({ actions: { reportExit } });
    const killed = createActor(machine).start();
    killed.send({ type: 'START', pid: 1 });
    killed.send({ type: 'KILL' });
    expect(killed.getSnapshot().context).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    const termed = createActor(machine).start();
    termed.send({ type: 'START', pid: 1 });
    termed.send({ type: 'KILL', signal: 'SIGTERM' });
    expect(termed.getSnapshot().context.exitCode).toBe(0);
    expect(reportExit).toHaveBeenCalledTimes(2);
  });
});

describe('traceActor', () => {
  it('emits one machine.transition per state change, with the event that caused it', () => {
    const bus = new TraceBus({ now: () => 5 });
    const actor = createActor(netnsMachine);
    const stop = traceActor(actor, bus.forSource('network'), { machine: 'netns', id: 'cni-1', label: 'default/web' });
    actor.start();
    actor.send({ type: 'CNI_DEL' }); // ignored in `absent`: no event
    actor.send({ type: 'CREATE', path: '/var/run/netns/cni-1' });
    actor.send({ type: 'CNI_ADD_OK', ip: '10.244.0.2' });
    stop();
    actor.send({ type: 'CNI_DEL' });
    expect(bus.events.map(({ seq, t, source, ...body }) => body)).toEqual([
      { kind: 'machine.transition', machine: 'netns', id: 'cni-1', label: 'default/web', from: null, to: 'absent', event: 'xstate.init' },
      { kind: 'machine.transition', machine: 'netns', id: 'cni-1', label: 'default/web', from: 'absent', to: 'created', event: 'CREATE' },
      { kind: 'machine.transition', machine: 'netns', id: 'cni-1', label: 'default/web', from: 'created', to: 'configured', event: 'CNI_ADD_OK' },
    ]);
  });

  it('can skip the initial state', () => {
    const bus = new TraceBus({ now: () => 0 });
    const actor = createActor(containerMachine);
    traceActor(actor, bus.forSource('runtime'), { machine: 'container', id: 'c1' }, { initial: false });
    actor.start();
    actor.send({ type: 'START', pid: 3 });
    actor.send({ type: 'STOP' }); // targetless: no state change
    expect(bus.events.map((e) => (e.kind === 'machine.transition' ? `${e.from}->${e.to}` : e.kind))).toEqual([
      'CONTAINER_CREATED->CONTAINER_RUNNING',
    ]);
    expect(bus.events[0]).not.toHaveProperty('label');
  });
});

describe('describeMachine', () => {
  it('gives plain, JSON-safe data whose edges stay within the declared states', () => {
    const all = describeRuntimeMachines();
    expect(JSON.parse(JSON.stringify(all))).toEqual(all);
    for (const d of Object.values(all)) {
      for (const t of d.transitions) {
        expect(d.states).toContain(t.from);
        expect(d.states).toContain(t.to);
      }
    }
    expect(all.container.states).toEqual(['CONTAINER_CREATED', 'CONTAINER_RUNNING', 'CONTAINER_UNKNOWN', 'CONTAINER_EXITED', 'removed']);
    expect(all.container.initial).toBe('CONTAINER_CREATED');
    expect(all.container.finalStates).toEqual(['removed']);
    expect(all.sandbox.transitions).toContainEqual({
      from: 'SANDBOX_READY',
      to: 'SANDBOX_NOTREADY',
      event: 'STOP',
      guard: 'pauseIsAlive',
      actions: ['stopContainers', 'killPause', 'markPauseExited', 'releaseIp', 'removeNetns', 'markNetworkTornDown'],
    });
  });
});
