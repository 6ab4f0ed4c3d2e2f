import { cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TraceEvent } from '../../src/trace/events.js';
import { App } from '../../src/ui/app.js';
import type { ScenarioChoice } from '../../src/ui/components/scenario-picker.js';
import { quizQuestions } from '../../src/ui/model/quiz.js';
import { StepIndex } from '../../src/ui/model/steps.js';
import { sessionFromEvents, type UiSession } from '../../src/ui/session.js';
import { firstPodEvents, POD_IP } from './fixtures/first-pod-events.js';
import { frameOf, KEYS, lineCount, mount, press, resize, settle, widest } from './helpers.js';

const events = firstPodEvents();
const session = () => sessionFromEvents('First pod', 'sim', events);
const SIZE_80x24 = { columns: 80, rows: 24 };

afterEach(() => cleanup());

describe('App: stepping', () => {
  it('n/→ go forward and p/← go back, exactly, within 0..N', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} />);
    expect(frameOf(app)).toContain('step 0/6');
    await press(app.stdin, 'n');
    expect(frameOf(app)).toContain('step 1/6');
    await press(app.stdin, KEYS.right);
    const atTwo = frameOf(app);
    expect(atTwo).toContain('step 2/6');
    expect(atTwo).toContain('RunPodSandbox(web, attempt 0)');
    await press(app.stdin, 'n', 'n', 'n', 'n', 'n', 'n');
    expect(frameOf(app)).toContain('step 6/6');
    expect(frameOf(app)).toContain('■ end');
    await press(app.stdin, 'p', 'p', 'p', 'p');
    // Back at step 2 the screen is exactly what it was the first time.
    expect(frameOf(app)).toBe(atTwo);
    await press(app.stdin, KEYS.left, KEYS.left, 'p');
    expect(frameOf(app)).toContain('step 0/6');
  });

  it('space toggles play and +/- change the speed', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} />);
    await press(app.stdin, '+', '+');
    expect(frameOf(app)).toContain('⏸ paused 4x');
    await press(app.stdin, ' ');
    expect(frameOf(app)).toContain('▶ playing 4x');
    await press(app.stdin, ' ', '-', '-', '-', '-');
    expect(frameOf(app)).toContain('⏸ paused 0.25x');
  });

  it('play advances step by step and stops at the last one', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} initialStep={3} />);
    // 16x: a step every 62.5 ms.
    await press(app.stdin, '+', '+', '+', '+', ' ');
    const seen = new Set<string>();
    const deadline = Date.now() + 5_000;
    while (!frameOf(app).includes('■ end') && Date.now() < deadline) {
      seen.add(/step (\d)\/6/.exec(frameOf(app))![1]!);
      await settle();
    }
    expect(frameOf(app)).toContain('step 6/6');
    expect(frameOf(app)).toContain('■ end 16x');
    // It went through the steps in order rather than jumping.
    expect([...seen].every((s) => ['3', '4', '5', '6'].includes(s))).toBe(true);
    expect(seen.has('4') || seen.has('5')).toBe(true);
  });
});

describe('App: panes, details, state machines', () => {
  it('tab and shift-tab move the focus between the visible panes', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} initialStep={6} />);
    expect(frameOf(app)).toContain('▸ Wire');
    await press(app.stdin, KEYS.tab);
    expect(frameOf(app)).toContain('▸ Runtime');
    // The network pane is hidden at 80×24, so tab wraps to the kubelet.
    await press(app.stdin, KEYS.tab);
    expect(frameOf(app)).toContain('▸ Kubelet');
    await press(app.stdin, KEYS.shiftTab);
    expect(frameOf(app)).toContain('▸ Runtime');
  });

  it('j/k move in the wire and enter shows the full request and response; esc goes back', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} initialStep={6} />);
    await press(app.stdin, 'k');
    await press(app.stdin, KEYS.enter);
    const f = frameOf(app);
    expect(f).toContain('RemoveContainer · call 11');
    expect(f).toContain('runtime.v1.RuntimeService/RemoveContainer   pod default/web');
    expect(f).toContain('Request · ');
    expect(f).toContain('"containerId": "c0ffee1234567890');
    expect(f).toContain('Response · OK in 2.4ms');
    await press(app.stdin, KEYS.escape);
    expect(frameOf(app)).toContain('▸ Wire');
    // j back to the newest call (the failed one): its detail shows the status instead of a body.
    await press(app.stdin, 'j', KEYS.enter);
    expect(frameOf(app)).toContain('Response · NOT_FOUND (5) in 0.2ms: an error occurred');
  });

  it('scrolls a long detail with j/k', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} initialStep={2} />);
    await press(app.stdin, KEYS.enter);
    const top = frameOf(app);
    expect(top).toContain('PodSandboxStatus');
    expect(top).toMatch(/1-18\/\d+ · esc back/);
    await press(app.stdin, 'j', 'j', 'j');
    expect(frameOf(app)).toMatch(/4-21\/\d+ · esc back/);
    await press(app.stdin, 'G');
    expect(frameOf(app)).toContain('"timestamp": "0"');
  });

  it('enter on a pod shows its full status and events', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} initialStep={6} />);
    await press(app.stdin, KEYS.shiftTab, KEYS.enter);
    expect(frameOf(app)).toContain('Pod default/web · worker Synced · phase Running');
    expect(frameOf(app)).toContain('"phase": "Running"');
    await press(app.stdin, '\u0006');
    expect(frameOf(app)).toContain('"reason": "CrashLoopBackOff"');
    await press(app.stdin, 'G');
    expect(frameOf(app)).toMatch(/Warning BackOff\s+Back-off restarting failed container app/);
  });

  it('m shows the selected pod’s worker machine: states, the current one, transitions with times', async () => {
    const describe = {
      'pod-worker': {
        states: ['SyncPod', 'Synced', 'Terminating', 'Terminated'],
        transitions: [
          { from: 'SyncPod', to: 'Synced', event: 'SYNC_DONE' },
          { from: 'Synced', to: 'SyncPod', event: 'PLEG_CONTAINER_DIED' },
          { from: 'Synced', to: 'Terminating', event: 'KILL_POD' },
        ],
      },
    };
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} initialStep={6} machines={describe} />);
    await press(app.stdin, KEYS.shiftTab, 'm');
    const f = frameOf(app);
    expect(f).toContain('State machine · pod-worker · web');
    expect(f).toMatch(/▶ Synced current/);
    expect(f).toMatch(/✓ SyncPod/);
    expect(f).toMatch(/· Terminating/);
    expect(f).toContain('Transitions taken (4)');
    expect(f).toMatch(/\+00:00\.000\s+∅ → SyncPod {2}UPDATE_POD/);
    expect(f).toContain('KILL_POD → Terminating');
    // ] switches to the next machine of this pod: its container's restart machine.
    await press(app.stdin, ']');
    expect(frameOf(app)).toContain('State machine · container-restart · app');
    expect(frameOf(app)).toMatch(/▶ BackOff current/);
    await press(app.stdin, KEYS.escape);
    expect(frameOf(app)).toContain('▸ Kubelet');
  });

  it('m on a runtime container shows the container machine', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} initialStep={6} />);
    await press(app.stdin, KEYS.tab, 'j', 'j', 'j', 'm');
    const f = frameOf(app);
    expect(f).toContain('State machine · container · app');
    expect(f).toContain('CONTAINER_CREATED → CONTAINER_RUNNING');
    expect(f).toMatch(/▶ CONTAINER_EXITED current/);
  });

  it('? shows every key from the key map; esc closes it', async () => {
    const app = await mount(<App session={session()} size={{ columns: 80, rows: 40 }} color={false} />);
    await press(app.stdin, '?');
    const f = frameOf(app);
    for (const s of ['Help', 'space', 'play / pause', 'previous step', 'shift-tab', 'state machine', 'filter the wire', 'quit']) expect(f).toContain(s);
    await press(app.stdin, KEYS.escape);
    expect(frameOf(app)).not.toContain('play / pause');
  });

  it('/ filters the wire by RPC or pod; esc clears it', async () => {
    const app = await mount(<App session={session()} size={{ columns: 100, rows: 30 }} color={false} initialStep={6} />);
    await press(app.stdin, '/', 'c', 'r', 'e', 'a', 't', 'x', KEYS.backspace, 'e');
    expect(frameOf(app)).toContain('/create▏');
    await press(app.stdin, KEYS.enter);
    const f = frameOf(app);
    expect(f).toContain('2 calls /create');
    expect(f).not.toContain('PullImage');
    await press(app.stdin, KEYS.escape);
    expect(frameOf(app)).toContain('12 calls');
  });

  it('q quits with exit code 0', async () => {
    const onExit = vi.fn();
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} onExit={onExit} />);
    await press(app.stdin, 'q');
    expect(onExit).toHaveBeenCalledWith(0);
  });
});

describe('App: terminal sizes', () => {
  it('fills 80×24 exactly, with the narration and the key help', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} initialStep={6} />);
    const f = frameOf(app);
    expect(lineCount(f)).toBe(24);
    expect(widest(f)).toBeLessThanOrEqual(80);
    expect(f).toContain('CrashLoopBackOff');
    expect(f).toContain('? help');
    expect(f).toContain('q quit');
  });

  it('stacks at 60 columns and hides the network pane', async () => {
    const app = await mount(<App session={session()} size={{ columns: 60, rows: 20 }} color={false} initialStep={2} />);
    const f = frameOf(app);
    expect(lineCount(f)).toBe(20);
    expect(widest(f)).toBeLessThanOrEqual(60);
    expect(f).toContain('Kubelet');
    expect(f).toContain('RunPodSandbox');
    expect(f).not.toContain('Network');
  });

  it('shows all four panes side by side on a large terminal', async () => {
    const app = await mount(<App session={session()} size={{ columns: 160, rows: 50 }} color={false} initialStep={6} />);
    const f = frameOf(app);
    expect(lineCount(f)).toBe(50);
    expect(widest(f)).toBeLessThanOrEqual(160);
    for (const s of ['Kubelet', 'Runtime', 'Network', 'Wire', 'veth6f1c2a3b', POD_IP]) expect(f).toContain(s);
  });

  it('below 60 columns says the terminal is too narrow, and keys still work', async () => {
    const app = await mount(<App session={session()} size={{ columns: 40, rows: 24 }} color={false} />);
    expect(frameOf(app)).toContain('terminal too narrow (need 60');
    await press(app.stdin, 'n', 'n');
    const f = frameOf(app);
    expect(f).toContain('step 2/6');
    expect(widest(f)).toBeLessThanOrEqual(40);
  });

  it('re-lays out on resize without overflowing any line', async () => {
    const app = await mount(<App session={session()} color={false} initialStep={6} />);
    for (const [cols, rows] of [
      [120, 40],
      [50, 20],
      [80, 24],
      [100, 30],
    ] as const) {
      await resize(app.stdout, cols, rows);
      const f = frameOf(app);
      expect(widest(f)).toBeLessThanOrEqual(cols);
      expect(lineCount(f)).toBeLessThanOrEqual(rows);
      if (cols < 60) expect(f).toContain('terminal too narrow');
      else expect(f).toContain('step 6/6');
      if (cols >= 100) expect(f).toContain('Network');
      else expect(f).not.toContain('Network');
    }
  });
});

describe('App: quiz mode', () => {
  it('asks for each lifecycle call before revealing it, and keeps the score', async () => {
    const steps = new StepIndex().update(events);
    const qs = quizQuestions(events, steps.cut(1)!, steps.cut(2)!);
    expect(qs.map((q) => q.answer)).toEqual(['RunPodSandbox', 'PodSandboxStatus']);
    const digit = (q: (typeof qs)[number], right: boolean) =>
      String(q.choices.findIndex((c) => (right ? c === q.answer : c !== q.answer)) + 1);

    const app = await mount(<App session={session()} size={{ columns: 100, rows: 30 }} color={false} quiz />);
    // Step 1 sends no CRI call: nothing to ask.
    await press(app.stdin, 'n');
    expect(frameOf(app)).toContain('step 1/6');
    await press(app.stdin, 'n');
    let f = frameOf(app);
    expect(f).toContain('Quiz · question 1/2');
    expect(f).toContain('Which RPC will the kubelet send next?');
    for (const c of qs[0]!.choices) expect(f).toContain(c);
    expect(f).toContain('no CRI calls yet');
    // The narration of the step would give the answer away: it waits.
    expect(f).not.toContain('asks for one with RunPodSandbox');
    await press(app.stdin, digit(qs[0]!, true));
    f = frameOf(app);
    expect(f).toContain('Right!');
    expect(f).toContain('quiz 1/1');
    expect(f).toContain('RunPodSandbox(web, attempt 0)');
    expect(f).toContain('asks for one with RunPodSandbox');
    await press(app.stdin, 'n');
    expect(frameOf(app)).toContain('Quiz · question 2/2');
    await press(app.stdin, digit(qs[1]!, false));
    f = frameOf(app);
    expect(f).toContain('It is PodSandboxStatus.');
    expect(f).toContain('quiz 1/2');
    await press(app.stdin, KEYS.enter);
    f = frameOf(app);
    expect(f).toContain('step 2/6');
    expect(f).not.toContain('Which RPC');
    expect(f).toContain('quiz 1/2');
  });

  it('p skips the questions and stays on the current step', async () => {
    const app = await mount(<App session={session()} size={{ columns: 100, rows: 30 }} color={false} quiz initialStep={1} />);
    await press(app.stdin, 'n');
    expect(frameOf(app)).toContain('Quiz · question 1/2');
    await press(app.stdin, 'p');
    const f = frameOf(app);
    expect(f).toContain('step 1/6');
    expect(f).not.toContain('Quiz');
    expect(f).toContain('quiz 0/0');
  });
});

/** A live run in miniature: events of step n appear only once the UI asks for them. */
function liveSession(all: readonly TraceEvent[]): UiSession & { asked: number[] } {
  const steps = new StepIndex().update(all);
  const shown: TraceEvent[] = all.slice(0, steps.cut(0));
  const listeners = new Set<() => void>();
  const s = {
    title: 'live',
    backend: 'sim' as const,
    totalSteps: steps.total,
    asked: [] as number[],
    finished: false,
    events: () => shown,
    subscribe(fn: () => void) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async runThroughStep(n: number) {
      s.asked.push(n);
      await Promise.resolve();
      const cut = steps.cut(n)!;
      while (shown.length < cut) shown.push(all[shown.length]!);
      if (n === steps.total) s.finished = true;
      for (const l of listeners) l();
    },
  };
  return s;
}

describe('App: live session', () => {
  it('asks the runner for the next step and shows it when its events arrive', async () => {
    const live = liveSession(events);
    const app = await mount(<App session={live} size={SIZE_80x24} color={false} />);
    expect(frameOf(app)).toContain('step 0/6');
    await press(app.stdin, 'n', 'n');
    expect(live.asked).toEqual([1, 2]);
    const f = frameOf(app);
    expect(f).toContain('step 2/6');
    expect(f).toContain('RunPodSandbox(web, attempt 0)');
    // Going back needs no runner: it is refolded from what was recorded.
    await press(app.stdin, 'p');
    expect(live.asked).toEqual([1, 2]);
    expect(frameOf(app)).toContain('step 1/6');
  });

  it('in quiz mode runs the step first, then asks about its calls', async () => {
    const live = liveSession(events);
    const app = await mount(<App session={live} size={{ columns: 100, rows: 30 }} color={false} quiz initialStep={0} />);
    await press(app.stdin, 'n', 'n');
    expect(live.asked).toEqual([1, 2]);
    expect(frameOf(app)).toContain('Quiz · question 1/2');
  });
});

describe('App: scenario picker', () => {
  it('lists the scenarios when started without one and opens the chosen one', async () => {
    const scenarios: ScenarioChoice[] = [
      { file: 'scenarios/01-first-pod.yaml', title: 'First pod', teaches: 'RunPodSandbox, the pause container and the pod IP.' },
      { file: 'scenarios/02-crashloop.yaml', title: 'CrashLoopBackOff', teaches: 'Restart counts and the 10 s → 300 s back-off.' },
    ];
    const open = vi.fn(async (c: ScenarioChoice) => sessionFromEvents(c.title, 'sim', events));
    const app = await mount(<App scenarios={scenarios} openScenario={open} size={SIZE_80x24} color={false} />);
    let f = frameOf(app);
    expect(f).toContain('Pick a scenario');
    expect(f).toContain('First pod');
    expect(f).toContain('10 s → 300 s back-off');
    await press(app.stdin, 'j', KEYS.enter);
    expect(open).toHaveBeenCalledWith(scenarios[1]);
    f = frameOf(app);
    expect(f).toContain('CrashLoopBackOff');
    expect(f).toContain('step 0/6');
  });

  it('s goes back to the picker where it was; esc returns to the open scenario at its step; enter starts another', async () => {
    const scenarios: ScenarioChoice[] = [
      { file: '01-first-pod.yaml', title: 'First pod', teaches: 'RunPodSandbox first.' },
      { file: '02-crashloop.yaml', title: 'CrashLoopBackOff', teaches: 'The back-off.' },
    ];
    const open = vi.fn(async (c: ScenarioChoice) => sessionFromEvents(c.title, 'sim', events));
    const app = await mount(<App scenarios={scenarios} openScenario={open} size={SIZE_80x24} color={false} />);
    // The first scenario is highlighted: enter starts it.
    await press(app.stdin, KEYS.enter);
    expect(open).toHaveBeenLastCalledWith(scenarios[0]);
    expect(frameOf(app)).toContain('s scenarios');
    await press(app.stdin, 'n', 'n', 's');
    let f = frameOf(app);
    expect(f).toContain('Pick a scenario');
    expect(f).toContain('esc back to First pod');
    await press(app.stdin, KEYS.escape);
    f = frameOf(app);
    expect(f).toContain('First pod');
    expect(f).toContain('step 2/6');
    await press(app.stdin, 's', 'j', KEYS.enter);
    expect(open).toHaveBeenCalledTimes(2);
    expect(open).toHaveBeenLastCalledWith(scenarios[1]);
    expect(frameOf(app)).toContain('step 0/6');
    // Back in the picker, the cursor is still on the scenario last chosen.
    await press(app.stdin, 's', KEYS.enter);
    expect(open).toHaveBeenLastCalledWith(scenarios[1]);
  });

  it('takes keys that arrive in one chunk (a busy terminal, a held key) one by one', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} />);
    await press(app.stdin, 'nnn');
    expect(frameOf(app)).toContain('step 3/6');
    await press(app.stdin, 'pp');
    expect(frameOf(app)).toContain('step 1/6');
  });

  it('s does nothing, and is not offered, without a picker', async () => {
    const app = await mount(<App session={session()} size={SIZE_80x24} color={false} />);
    expect(frameOf(app)).not.toContain('s scenarios');
    await press(app.stdin, 'n', 's');
    expect(frameOf(app)).toContain('step 1/6');
    expect(frameOf(app)).not.toContain('Pick a scenario');
  });
});
