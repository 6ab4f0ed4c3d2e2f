import { readFileSync } from 'node:fs';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { DetailView } from '../../src/ui/components/detail-view.js';
import { MachineView } from '../../src/ui/components/machine-view.js';
import { ScenarioPicker } from '../../src/ui/components/scenario-picker.js';
import { HelpOverlay } from '../../src/ui/components/help-overlay.js';
import { actionForKey, KEY_MAP, keyHelpLine } from '../../src/ui/key-map.js';
import { LIFECYCLE_RPCS, PERIODIC_RPCS } from '../../src/ui/model/cri-rpcs.js';
import { detailFor } from '../../src/ui/model/details.js';
import { foldEvents } from '../../src/ui/model/fold.js';
import { machinesFor } from '../../src/ui/model/machines.js';
import { quizChoices } from '../../src/ui/model/quiz.js';
import { StepIndex } from '../../src/ui/model/steps.js';
import { CONTAINER_ID_1, firstPodEvents, NETNS, POD_KEY, SANDBOX_ID } from './fixtures/first-pod-events.js';
import { widest } from './helpers.js';
import type { Key } from 'ink';

const events = firstPodEvents();
const steps = new StepIndex().update(events);
const vm = foldEvents(events, steps.cut(6)!);

describe('DetailView', () => {
  it('shows a call’s full request and response, pretty-printed, and its sizes', () => {
    const call = vm.calls.find((c) => c.method === 'RunPodSandbox')!;
    const f = render(<DetailView detail={detailFor(vm, { pane: 'wire', callId: call.callId })} width={90} height={40} scroll={0} />).lastFrame()!;
    expect(f).toContain('RunPodSandbox · call 1 · +00:00.005');
    expect(f).toMatch(/Request · \d+B protobuf \/ \d+B JSON/);
    expect(f).toContain('"config": {');
    expect(f).toContain('    "metadata": {');
    expect(f).toContain('"logDirectory": "/var/log/pods/default_web_');
    expect(f).toContain('Response · OK in 412ms');
    expect(f).toContain(`"podSandboxId": "${SANDBOX_ID}"`);
  });

  it('scrolls and says where it is', () => {
    const detail = detailFor(vm, { pane: 'wire', callId: vm.calls.find((c) => c.method === 'PodSandboxStatus')!.callId });
    const f = render(<DetailView detail={detail} width={80} height={10} scroll={5} />).lastFrame()!;
    expect(f).toContain(`6-13/${detail.lines.length}`);
    expect(f).not.toContain('Request ·');
    expect(widest(f)).toBeLessThanOrEqual(80);
  });

  it('shows the full status of a container and of a netns', () => {
    const c = render(<DetailView detail={detailFor(vm, { pane: 'runtime', kind: 'container', id: CONTAINER_ID_1 })} width={90} height={20} scroll={0} />).lastFrame()!;
    expect(c).toContain('Container app attempt 1 · CONTAINER_EXITED');
    expect(c).toContain(`id       ${CONTAINER_ID_1}`);
    const n = render(<DetailView detail={detailFor(vm, { pane: 'network', name: NETNS })} width={90} height={20} scroll={0} />).lastFrame()!;
    expect(n).toContain('veth6f1c2a3b     host side');
    expect(n).toContain('eth0             in the pod');
  });
});

describe('MachineView', () => {
  const describeSandbox = {
    sandbox: {
      states: ['SANDBOX_UNKNOWN', 'SANDBOX_READY', 'SANDBOX_NOTREADY'],
      transitions: [
        { from: 'SANDBOX_UNKNOWN', to: 'SANDBOX_READY', event: 'PAUSE_STARTED' },
        { from: 'SANDBOX_READY', to: 'SANDBOX_NOTREADY', event: 'PAUSE_EXITED' },
        { from: 'SANDBOX_READY', to: 'SANDBOX_NOTREADY', event: 'STOP' },
      ],
    },
  };

  it('lists the states with the current one highlighted, the transitions taken, and what can come next', () => {
    const instances = machinesFor(vm, { pane: 'runtime', kind: 'sandbox', id: SANDBOX_ID });
    expect(instances.map((m) => m.machine)).toEqual(['sandbox', 'pause', 'netns', 'container', 'container']);
    for (const width of [80, 120]) {
      const f = render(<MachineView instances={instances} index={0} descriptions={describeSandbox} startMs={vm.startMs} width={width} height={18} />).lastFrame()!;
      expect(f).toContain('State machine · sandbox · web');
      expect(f).toContain('1/5 [ ] switch');
      expect(f).toMatch(/✓ SANDBOX_UNKNOWN/);
      expect(f).toMatch(/▶ SANDBOX_READY current/);
      expect(f).toMatch(/· SANDBOX_NOTREADY/);
      expect(f).toContain('Transitions taken (2)');
      expect(f).toMatch(/\+00:00\.007\s+∅ → SANDBOX_UNKNOWN {2}CREATE/);
      expect(f).toMatch(/SANDBOX_UNKNOWN → SANDBOX_READY {2}PAUSE_STARTED/);
      expect(f).toContain('PAUSE_EXITED → SANDBOX_NOTREADY');
      expect(widest(f)).toBeLessThanOrEqual(width);
    }
  });

  it('falls back to the states seen so far without a description, highlighting the current one', () => {
    const instances = machinesFor(vm, { pane: 'kubelet', podKey: POD_KEY });
    const restart = instances.findIndex((m) => m.machine === 'container-restart');
    const f = render(<MachineView instances={instances} index={restart} descriptions={{}} startMs={vm.startMs} width={80} height={20} />).lastFrame()!;
    expect(f).toMatch(/✓ Running/);
    expect(f).toMatch(/✓ Restarting/);
    expect(f).toMatch(/▶ BackOff current/);
    expect(f).toContain('Transitions taken (4)');
  });

  it('says so when no machine reported anything', () => {
    const f = render(<MachineView instances={[]} index={0} descriptions={{}} startMs={null} width={60} height={6} />).lastFrame()!;
    expect(f).toContain('No machine transitions recorded yet.');
  });
});

describe('HelpOverlay and ScenarioPicker', () => {
  it('help lists every binding of the key map, and the quiz keys in quiz mode', () => {
    const f = render(<HelpOverlay width={100} height={40} quiz scroll={0} />).lastFrame()!;
    for (const b of KEY_MAP) expect(f).toContain(b.help);
    expect(f).toContain('which RPC will the kubelet send next?');
  });

  it('the picker marks the selected scenario and wraps what it teaches', () => {
    const scenarios = [
      { file: 'scenarios/01-first-pod.yaml', title: 'First pod', teaches: 'A pod from nothing: sandbox, pause container, netns and CNI ADD, image pull, create and start.' },
      { file: 'scenarios/02-crashloop.yaml', title: 'CrashLoopBackOff', teaches: 'A container that exits 1: restart counts and the back-off from 10 s doubling to 300 s.' },
    ];
    const f = render(<ScenarioPicker scenarios={scenarios} selected={1} width={60} height={12} />).lastFrame()!;
    expect(f).toContain('Pick a scenario');
    expect(f).toContain('2. CrashLoopBackOff');
    expect(f).toContain('doubling to 300 s.');
    expect(widest(f)).toBeLessThanOrEqual(60);
  });
});

const noKey: Key = {
  upArrow: false, downArrow: false, leftArrow: false, rightArrow: false, pageDown: false, pageUp: false,
  home: false, end: false, return: false, escape: false, ctrl: false, shift: false, tab: false,
  backspace: false, delete: false, meta: false, super: false, hyper: false, capsLock: false, numLock: false,
} as Key;

describe('key map', () => {
  it('maps the k9s/lazydocker conventions', () => {
    expect(actionForKey(' ', noKey)).toBe('togglePlay');
    expect(actionForKey('n', noKey)).toBe('next');
    expect(actionForKey('', { ...noKey, rightArrow: true })).toBe('next');
    expect(actionForKey('p', noKey)).toBe('prev');
    expect(actionForKey('', { ...noKey, tab: true })).toBe('nextPane');
    expect(actionForKey('', { ...noKey, tab: true, shift: true })).toBe('prevPane');
    expect(actionForKey('j', noKey)).toBe('down');
    expect(actionForKey('', { ...noKey, return: true })).toBe('details');
    expect(actionForKey('', { ...noKey, escape: true })).toBe('back');
    expect(actionForKey('/', noKey)).toBe('filter');
    expect(actionForKey('?', noKey)).toBe('help');
    expect(actionForKey('q', noKey)).toBe('quit');
    expect(actionForKey('c', { ...noKey, ctrl: true })).toBe('quit');
    expect(actionForKey('x', noKey)).toBeUndefined();
  });

  it('binds no key twice', () => {
    const inputs = KEY_MAP.flatMap((b) => b.inputs ?? []);
    expect(new Set(inputs).size).toBe(inputs.length);
  });

  it('the key-help line fits any width and keeps help and quit', () => {
    for (const w of [20, 40, 60, 80, 200]) {
      const line = keyHelpLine(w);
      expect(line.length).toBeLessThanOrEqual(w);
      if (w >= 20) expect(line).toContain('? help');
      if (w >= 20) expect(line).toContain('q quit');
    }
  });
});

describe('quiz choices', () => {
  it('offers the answer among four distinct RPCs, the same way every time', () => {
    const a = quizChoices('CreateContainer', 42);
    expect(a).toHaveLength(4);
    expect(new Set(a).size).toBe(4);
    expect(a).toContain('CreateContainer');
    expect(quizChoices('CreateContainer', 42)).toEqual(a);
  });

  it('draws from RPCs that exist in the CRI proto', () => {
    const proto = readFileSync(new URL('../../proto/runtime/v1/api.proto', import.meta.url), 'utf8');
    const rpcs = new Set([...proto.matchAll(/^\s*rpc\s+(\w+)\s*\(/gm)].map((m) => m[1]));
    for (const name of [...LIFECYCLE_RPCS, ...PERIODIC_RPCS]) expect(rpcs.has(name), name).toBe(true);
  });
});

describe('renderStepForBench', () => {
  it('renders the asked step of one mounted app, forward and back', async () => {
    const { renderStepForBench } = await import('../../src/ui/render-frame.js');
    const evs = firstPodEvents();
    const two = renderStepForBench(evs, 2);
    expect(two).toContain('step 2/6');
    expect(two).toContain('RunPodSandbox(web, attempt 0)');
    expect(renderStepForBench(evs, 6)).toContain('CrashLoopBackOff');
    expect(renderStepForBench(evs, 2)).toBe(two);
    expect(renderStepForBench(evs, 0)).toContain('no CRI calls yet');
  });
});
