import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../src/ui/model/fold.js';
import { StepIndex } from '../../src/ui/model/steps.js';
import { KubeletPane } from '../../src/ui/panes/kubelet-pane.js';
import { NetworkPane } from '../../src/ui/panes/network-pane.js';
import { RuntimePane } from '../../src/ui/panes/runtime-pane.js';
import { WirePane } from '../../src/ui/panes/wire-pane.js';
import { CONTAINER_ID_1, firstPodEvents, NETNS, POD_IP, SANDBOX_ID } from './fixtures/first-pod-events.js';
import { lineCount, widest } from './helpers.js';

const events = firstPodEvents();
const steps = new StepIndex().update(events);
const vmAt = (n: number) => foldEvents(events, steps.cut(n)!);

describe('KubeletPane', () => {
  it('shows pods with worker state, phase, restart count and the back-off timer', () => {
    const { lastFrame } = render(<KubeletPane vm={vmAt(6)} width={60} height={8} focused={false} selected={0} />);
    const f = lastFrame()!;
    expect(f).toContain('Kubelet');
    expect(f).toContain('1 pod');
    expect(f).toMatch(/web\s+Synced\s+Running/);
    expect(f).toContain('app CrashLoopBackOff ↻1');
    expect(f).toContain('back-off 10s, 7s left');
  });

  it('shows a running container as ready, with no back-off', () => {
    const f = render(<KubeletPane vm={vmAt(4)} width={60} height={8} focused={false} selected={0} />).lastFrame()!;
    expect(f).toContain('app running ↻0 ready');
    expect(f).not.toContain('back-off');
  });

  it('says so when there are no pods yet', () => {
    expect(render(<KubeletPane vm={vmAt(0)} width={40} height={6} focused={false} selected={0} />).lastFrame()).toContain('no pods yet');
  });

  it('stays inside its box at any width', () => {
    for (const width of [24, 40, 57]) {
      const f = render(<KubeletPane vm={vmAt(6)} width={width} height={7} focused selected={0} />).lastFrame()!;
      expect(widest(f)).toBeLessThanOrEqual(width);
      expect(lineCount(f)).toBe(7);
    }
  });
});

describe('WirePane', () => {
  it('draws each call as a request arrow and a response arrow between the two lifelines', () => {
    const f = render(<WirePane vm={vmAt(2)} width={100} height={10} focused={false} selected={1} filter="" />).lastFrame()!;
    expect(f).toMatch(/kubelet\s+runtime/);
    expect(f).toMatch(/│── RunPodSandbox\(web, attempt 0\) {2}\d+B pb \/ \d+B json ─+▶│/);
    expect(f).toMatch(/│◀── OK 412ms sandbox a3f1c2d4e5b69 {2}\d+B pb \/ \d+B json ─+│/);
    expect(f).toContain('+00:00.005');
    expect(f).toContain('SANDBOX_READY 10.88.0.2');
  });

  it('shows a failure with its gRPC code name and message', () => {
    const f = render(<WirePane vm={vmAt(6)} width={120} height={30} focused={false} selected={11} filter="" />).lastFrame()!;
    expect(f).toMatch(/◀── NOT_FOUND 0\.2ms "an error occurred when try to find container/);
  });

  it('follows the newest calls and counts the ones scrolled out of view', () => {
    const f = render(<WirePane vm={vmAt(6)} width={80} height={8} focused selected={11} filter="" />).lastFrame()!;
    // 5 content lines: the lifeline labels and two calls (four lines).
    expect(f).toContain('12 calls ↑10');
    expect(f).toContain('RemoveContainer');
    expect(f).toContain('NOT_FOUND');
    expect(f).not.toContain('RunPodSandbox');
  });

  it('filters by RPC name or pod', () => {
    const byRpc = render(<WirePane vm={vmAt(6)} width={80} height={20} focused selected={0} filter="start" />).lastFrame()!;
    expect(byRpc).toContain('2 calls /start');
    expect(byRpc).not.toContain('CreateContainer');
    const none = render(<WirePane vm={vmAt(6)} width={80} height={20} focused selected={0} filter="nosuchpod" />).lastFrame()!;
    expect(none).toContain('no call matches /nosuchpod');
  });

  it('keeps the arrow heads when a label is cut, and never overflows', () => {
    for (const width of [40, 58, 79, 130]) {
      const f = render(<WirePane vm={vmAt(6)} width={width} height={12} focused={false} selected={11} filter="" />).lastFrame()!;
      expect(widest(f)).toBeLessThanOrEqual(width);
      const arrows = f.split('\n').filter((l) => l.startsWith('│') && l.includes('──'));
      expect(arrows.length).toBeGreaterThan(0);
      for (const l of arrows) expect(l).toMatch(/(▶│|─│) ?│$/);
    }
  });
});

describe('RuntimePane', () => {
  it('lists the sandbox with its pause container and IP, then its containers with state and reason', () => {
    const f = render(<RuntimePane vm={vmAt(6)} width={70} height={8} focused={false} selected={0} />).lastFrame()!;
    expect(f).toContain(`▣ web#0 SANDBOX_READY ${POD_IP} ${SANDBOX_ID.slice(0, 13)}`);
    expect(f).toContain('├ pause PAUSE_RUNNING');
    expect(f).toContain('└ app#0 removed');
    expect(f).toContain(`└ app#1 CONTAINER_EXITED ${CONTAINER_ID_1.slice(0, 13)}`);
  });

  it('shows the exit reason once a ContainerStatus told it', () => {
    const f = render(<RuntimePane vm={vmAt(5)} width={70} height={8} focused={false} selected={0} />).lastFrame()!;
    // At step 5 attempt 0 has exited (Error, 1) and attempt 1 runs.
    expect(f).toContain('app#0 CONTAINER_EXITED Error(1)');
    expect(f).toContain('app#1 CONTAINER_RUNNING');
  });
});

describe('NetworkPane', () => {
  it('shows the netns, its pod and IP, and the veth on the host side', () => {
    const f = render(<NetworkPane vm={vmAt(2)} width={70} height={7} focused={false} selected={0} />).lastFrame()!;
    expect(f).toContain(`${NETNS} web NETNS_CONFIGURED`);
    expect(f).toContain(`└ eth0 ${POD_IP}`);
    expect(f).toContain('host: veth6f1c2a3b cni0');
  });

  it('is empty before the sandbox exists', () => {
    expect(render(<NetworkPane vm={vmAt(1)} width={50} height={5} focused={false} selected={0} />).lastFrame()).toContain('no network namespaces yet');
  });
});
