import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLiveSession } from '../../src/cli/actions/live.js';
import { loadOrThrow } from '../../src/scenario/run-scenario.js';
import type { Scenario } from '../../src/scenario/types.js';
import type { TraceEvent } from '../../src/trace/events.js';
import { liveSession, type LiveRun, type LiveSession } from '../../src/ui/live-session.js';
import { ViewModelFolder } from '../../src/ui/model/fold.js';
import { stepIndexOf } from '../../src/ui/model/steps.js';

const FIRST_POD = resolve(import.meta.dirname, '../../scenarios/01-first-pod.yaml');

const open: LiveSession[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function firstPod(): Promise<{ scenario: Scenario; session: LiveSession }> {
  const scenario = await loadOrThrow(FIRST_POD);
  const session = await openLiveSession(scenario, { backend: 'sim' });
  open.push(session);
  return { scenario, session };
}

/** What a step shows, as the wire and the steps would: every CRI call and step marker up to its end. */
function shownAt(events: readonly TraceEvent[], step: number): string[] {
  const cut = stepIndexOf(events).cut(step);
  if (cut === undefined) throw new Error(`step ${step} has not ended`);
  return events.slice(0, cut).flatMap((e) => {
    if (e.kind === 'cri.request') return [`${e.method} ${e.callId}`];
    if (e.kind === 'step') return [`step ${e.index} ${e.phase}`];
    return [];
  });
}

const realMs = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('liveSession over a ScenarioRun (sim backend)', () => {
  it('starts the kubelet (step 0) and runs the scenario one step further on each request', async () => {
    const { scenario, session } = await firstPod();
    expect(session.title).toBe('The first pod');
    expect(session.backend).toBe('sim');
    expect(session.totalSteps).toBe(scenario.steps.length);
    expect(session.finished).toBe(false);
    // Before step 1: the kubelet has said hello to the runtime, and no step has begun.
    const before = session.events();
    expect(before.some((e) => e.kind === 'cri.request' && e.method === 'Version')).toBe(true);
    expect(before.some((e) => e.kind === 'step')).toBe(false);

    await session.runThroughStep!(2);
    const steps = stepIndexOf(session.events());
    expect(steps.completed).toBe(2);
    expect(steps.cut(3)).toBeUndefined();
    expect(session.events().some((e) => e.kind === 'step' && e.index === 3)).toBe(false);
  });

  it('pauses the simulated clock between steps: nothing happens while the learner reads', async () => {
    const { session } = await firstPod();
    await session.runThroughStep!(6); // the pod is Running; the kubelet's PLEG would relist every second
    const count = session.events().length;
    await realMs(300);
    expect(session.events().length).toBe(count);
    await session.runThroughStep!(7);
    expect(session.events().length).toBeGreaterThan(count);
  });

  it('shows the same events for a step however fast the steps were asked for', async () => {
    const slow = await firstPod();
    for (let n = 1; n <= 6; n++) {
      await slow.session.runThroughStep!(n);
      await realMs(20);
    }
    const fast = await firstPod();
    // Six presses of n without waiting, and one request that jumps straight to step 6.
    const presses = [1, 2, 3, 4, 5, 6].map((n) => fast.session.runThroughStep!(n));
    await Promise.all(presses);
    const jump = await firstPod();
    await jump.session.runThroughStep!(6);
    for (let n = 1; n <= 6; n++) {
      expect(shownAt(fast.session.events(), n)).toEqual(shownAt(slow.session.events(), n));
      expect(shownAt(jump.session.events(), n)).toEqual(shownAt(slow.session.events(), n));
    }
    // Each step ran exactly once.
    const ends = fast.session.events().filter((e) => e.kind === 'step' && e.phase === 'end').map((e) => (e as { index: number }).index);
    expect(ends).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('steps back exactly: the fold of a step is the same before and after the run went on', async () => {
    const { session } = await firstPod();
    await session.runThroughStep!(5);
    const cut = stepIndexOf(session.events()).cut(5)!;
    const then = new ViewModelFolder().applyAll(session.events(), cut).snapshot();
    await session.runThroughStep!(session.totalSteps);
    expect(session.finished).toBe(true);
    const again = new ViewModelFolder().applyAll(session.events(), stepIndexOf(session.events()).cut(5)!).snapshot();
    expect(again).toEqual(then);
    // And the run went on to delete the pod and collect its sandbox.
    expect(session.events().some((e) => e.kind === 'cri.request' && e.method === 'RemovePodSandbox')).toBe(true);
  });

  it('tells subscribers about new events in batches, and about the end of each step', async () => {
    const { session } = await firstPod();
    let calls = 0;
    const off = session.subscribe(() => calls++);
    const before = session.events().length;
    await session.runThroughStep!(4);
    const added = session.events().length - before;
    expect(calls).toBeGreaterThan(0);
    expect(calls).toBeLessThan(added);
    off();
    const seen = calls;
    await session.runThroughStep!(5);
    expect(calls).toBe(seen);
  });

  it('closes while a pull is still on the wire, without hanging', async () => {
    const { session } = await firstPod();
    await session.runThroughStep!(5); // ends with PullImage in flight, waiting on the paused clock
    const pulls = session.events().filter((e) => e.kind === 'cri.request' && e.method === 'PullImage').length;
    const answered = session.events().filter((e) => e.kind === 'cri.response' && e.method === 'PullImage').length;
    expect(pulls - answered).toBe(1);
    const started = performance.now();
    await session.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(session.finished).toBe(true);
    // Asking for more after close does nothing.
    const count = session.events().length;
    await session.runThroughStep!(16);
    expect(session.events().length).toBe(count);
  });
});

describe('liveSession queueing (a scripted run)', () => {
  /** A run whose steps each emit one event pair, and that records how it was driven. */
  function scripted(steps: number, failAt?: number) {
    const events: TraceEvent[] = [];
    const listeners = new Set<(e: TraceEvent) => void>();
    let seq = 0;
    const emit = (index: number, phase: 'start' | 'end') => {
      const e = { seq: ++seq, t: seq, source: 'scenario', kind: 'step', index, total: steps, step: 'narrate', summary: `s${index}`, phase } as TraceEvent;
      events.push(e);
      for (const l of listeners) l(e);
    };
    const calls: number[] = [];
    let running = 0;
    let maxRunning = 0;
    let stepsRun = 0;
    const run: LiveRun = {
      scenario: { title: 'scripted', steps: Array.from({ length: steps }) },
      start: async () => undefined,
      get stepsRun() {
        return stepsRun;
      },
      get finished() {
        return stepsRun >= steps;
      },
      runThroughStep: async (n: number) => {
        calls.push(n);
        running++;
        maxRunning = Math.max(maxRunning, running);
        while (stepsRun < n) {
          emit(stepsRun + 1, 'start');
          await realMs(2);
          if (stepsRun + 1 === failAt) {
            running--;
            throw new Error(`step ${failAt} broke`);
          }
          emit(stepsRun + 1, 'end');
          stepsRun++;
        }
        running--;
      },
      close: async () => undefined,
    };
    const clockLog: string[] = [];
    const clock = {
      inFlight: 0,
      start: () => clockLog.push('start'),
      pause: () => clockLog.push('pause'),
    };
    const trace = { events, subscribe: (l: (e: TraceEvent) => void) => (listeners.add(l), () => listeners.delete(l)) };
    return { run, trace, clock, calls, clockLog, maxRunning: () => maxRunning };
  }

  it('runs one step at a time, in order, with the clock running only during a step', async () => {
    const s = scripted(4);
    const session = liveSession({ run: s.run, trace: s.trace, backend: 'sim', clock: s.clock });
    await Promise.all([session.runThroughStep!(2), session.runThroughStep!(1), session.runThroughStep!(4)]);
    expect(s.calls).toEqual([1, 2, 3, 4]);
    expect(s.maxRunning()).toBe(1);
    expect(s.clockLog).toEqual(['start', 'pause', 'start', 'pause', 'start', 'pause', 'start', 'pause']);
    expect(session.finished).toBe(true);
  });

  it('reports a failed step to its caller and still runs the steps asked for after it', async () => {
    const s = scripted(3, 2);
    const session = liveSession({ run: s.run, trace: s.trace, backend: 'sim', clock: s.clock });
    const failed = session.runThroughStep!(2);
    const later = session.runThroughStep!(1);
    await expect(failed).rejects.toThrow('step 2 broke');
    await expect(later).resolves.toBeUndefined();
    expect(s.clockLog.at(-1)).toBe('pause');
  });

  it('closes the backend after the run, once', async () => {
    const s = scripted(2);
    const order: string[] = [];
    s.run.close = async () => void order.push('run');
    const session = liveSession({ run: s.run, trace: s.trace, backend: 'sim', closeBackend: async () => void order.push('backend') });
    await Promise.all([session.close(), session.close()]);
    expect(order).toEqual(['run', 'backend']);
  });
});
