import { describe, expect, it } from 'vitest';
import type { Container, ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { hashContainer } from '../../src/kubelet/container-hash.js';
import type { ContainerRuntimeStatus, PodRuntimeStatus, SandboxStatus } from '../../src/kubelet/runtime-status.js';
import { generatePodStatus } from '../../src/kubelet/status/generate-pod-status.js';
import { getPhase } from '../../src/kubelet/status/get-phase.js';
import { rfc3339Seconds } from '../../src/kubelet/status/format.js';
import { getPodQOS } from '../../src/kubelet/status/qos.js';

const S = 1000;
const T0 = Date.UTC(2026, 0, 2, 3, 4, 5); // 2026-01-02T03:04:05Z
const ns = (msSinceT0: number): bigint => BigInt(T0 + msSinceT0) * 1_000_000n;

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec },
  };
}
function sandbox(over: Partial<SandboxStatus> = {}): SandboxStatus {
  return { id: 'sb0', attempt: 0, state: 'SANDBOX_READY', createdAt: ns(0), ip: '10.88.0.7', hostNetwork: false, ...over };
}
let seq = 0;
function ctr(spec: Container, over: Partial<ContainerRuntimeStatus> = {}): ContainerRuntimeStatus {
  seq++;
  return {
    id: `${spec.name}${seq}`.padEnd(64, '0'),
    name: spec.name,
    attempt: 0,
    state: 'running',
    createdAt: ns(seq * S),
    startedAt: ns(seq * S),
    finishedAt: 0n,
    exitCode: 0,
    reason: '',
    message: '',
    hash: hashContainer(spec),
    image: 'docker.io/library/busybox:latest',
    imageRef: 'docker.io/library/busybox@sha256:abc',
    type: 'container',
    ...over,
  };
}
const exited = (code: number, reason = code === 0 ? 'Completed' : 'Error'): Partial<ContainerRuntimeStatus> => ({
  state: 'exited',
  exitCode: code,
  reason,
  finishedAt: ns(100 * S),
});
function rt(sandboxes: SandboxStatus[], containers: ContainerRuntimeStatus[] = []): PodRuntimeStatus {
  return { uid: 'uid-1', name: 'web', namespace: 'default', sandboxes, containers };
}
const app: Container = { name: 'app', image: 'busybox' };
const cond = (s: PodStatus, type: string) => s.conditions?.find((c) => c.type === type);

// ---- getPhase on API statuses ----------------------------------------------------------------

const running: ContainerStatus = { name: 'app', ready: true, restartCount: 0, image: 'i', imageID: '', state: { running: {} } };
const term = (code: number): ContainerStatus => ({ ...running, ready: false, state: { terminated: { exitCode: code } } });
const waiting = (last?: number): ContainerStatus => ({
  ...running,
  ready: false,
  state: { waiting: { reason: 'CrashLoopBackOff' } },
  ...(last === undefined ? {} : { lastState: { terminated: { exitCode: last } } }),
});

describe('getPhase (kubelet_pods.go)', () => {
  it.each([
    { row: 'no status yet', policy: 'Always', info: [], want: 'Pending' },
    { row: 'waiting, never ran', policy: 'Always', info: [waiting()], want: 'Pending' },
    { row: 'running', policy: 'Always', info: [running], want: 'Running' },
    { row: 'exited 0, Always (restarting)', policy: 'Always', info: [term(0)], want: 'Running' },
    { row: 'exited 1, Always', policy: 'Always', info: [term(1)], want: 'Running' },
    { row: 'exited 0, OnFailure', policy: 'OnFailure', info: [term(0)], want: 'Succeeded' },
    { row: 'exited 1, OnFailure (restarting)', policy: 'OnFailure', info: [term(1)], want: 'Running' },
    { row: 'exited 0, Never', policy: 'Never', info: [term(0)], want: 'Succeeded' },
    { row: 'exited 1, Never', policy: 'Never', info: [term(1)], want: 'Failed' },
    { row: 'CrashLoopBackOff after exit 1, Always', policy: 'Always', info: [waiting(1)], want: 'Running' },
    { row: 'CrashLoopBackOff after exit 0 counts as stopped, not succeeded', policy: 'OnFailure', info: [waiting(0)], want: 'Running' },
  ])('$row → $want', ({ policy, info, want }) => {
    expect(getPhase(pod({ restartPolicy: policy }), info, false, false)).toBe(want);
  });

  it('podIsTerminal turns "nothing running" into Succeeded / Failed whatever the policy', () => {
    expect(getPhase(pod(), [term(0)], true, true)).toBe('Succeeded');
    expect(getPhase(pod(), [term(137)], true, true)).toBe('Failed');
  });

  it('two containers, one running one unknown → Pending', () => {
    const p = pod({ containers: [app, { name: 'b', image: 'x' }] });
    expect(getPhase(p, [running], false, false)).toBe('Pending');
  });

  describe('with init containers', () => {
    const p = (policy: string) => pod({ restartPolicy: policy, initContainers: [{ name: 'init', image: 'busybox' }] });
    const init = (s: ContainerStatus): ContainerStatus => ({ ...s, name: 'init' });
    it.each([
      { row: 'init not started', policy: 'Always', info: [], want: 'Pending' },
      { row: 'init running', policy: 'Always', info: [init(running)], want: 'Pending' },
      { row: 'init failed, Never', policy: 'Never', info: [init(term(1))], want: 'Failed' },
      { row: 'init failed, OnFailure (will retry)', policy: 'OnFailure', info: [init(term(1))], want: 'Pending' },
      { row: 'init in back-off after failure, Never', policy: 'Never', info: [init(waiting(1))], want: 'Failed' },
      { row: 'init done, app running', policy: 'Always', info: [init(term(0)), running], want: 'Running' },
    ])('$row → $want', ({ policy, info, want }) => {
      expect(getPhase(p(policy), info, false, false)).toBe(want);
    });
  });

  it('a sidecar not yet started keeps the pod Pending, unless it was initialized before', () => {
    const p = pod({ initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }] });
    const sidecar: ContainerStatus = { ...running, name: 'proxy', started: false };
    expect(getPhase(p, [sidecar, running], false, false)).toBe('Pending');
    expect(getPhase(p, [sidecar, running], false, true)).toBe('Running');
  });
});

// ---- generatePodStatus -----------------------------------------------------------------------

describe('generatePodStatus', () => {
  const base = { now: T0 + 200 * S, hostIP: '192.168.1.10' };

  it('creating: Pending, ContainerCreating, no pod IP, conditions with upstream reasons', () => {
    const s = generatePodStatus({ ...base, pod: pod(), runtime: rt([]) });
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses?.[0]).toMatchObject({
      name: 'app',
      image: 'busybox',
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
    });
    expect(s.podIP).toBeUndefined();
    expect(s.hostIP).toBe('192.168.1.10');
    expect(s.startTime).toBe('2026-01-02T03:07:25Z');
    expect(s.conditions?.map((c) => [c.type, c.status, c.reason ?? ''])).toEqual([
      ['PodReadyToStartContainers', 'False', ''],
      ['Initialized', 'True', ''],
      ['Ready', 'False', 'ContainersNotReady'],
      ['ContainersReady', 'False', 'ContainersNotReady'],
      ['PodScheduled', 'True', ''],
    ]);
    expect(cond(s, 'Ready')?.message).toBe('containers with unready status: [app]');
  });

  it('running: Running, ready, containerd:// ID, digest imageID, pod IP from the READY sandbox', () => {
    const c = ctr(app);
    const s = generatePodStatus({ ...base, pod: pod(), runtime: rt([sandbox()], [c]) });
    expect(s.phase).toBe('Running');
    expect(s.podIP).toBe('10.88.0.7');
    expect(s.podIPs).toEqual([{ ip: '10.88.0.7' }]);
    expect(s.containerStatuses?.[0]).toMatchObject({
      ready: true,
      started: true,
      containerID: `containerd://${c.id}`,
      image: 'docker.io/library/busybox:latest',
      imageID: 'docker.io/library/busybox@sha256:abc',
      state: { running: { startedAt: rfc3339Seconds(Number(BigInt(c.startedAt) / 1_000_000n)) } },
    });
    expect(s.conditions?.every((x) => x.status === 'True')).toBe(true);
    expect(s.qosClass).toBe('BestEffort');
  });

  it('CrashLoopBackOff: waiting reason from the last sync error, previous exit in lastState', () => {
    const c = ctr(app, { ...exited(1), attempt: 3 });
    const message = 'back-off 40s restarting failed container=app pod=web_default(uid-1)';
    const s = generatePodStatus({
      ...base,
      pod: pod(),
      runtime: rt([sandbox()], [c]),
      syncErrors: { app: { reason: 'CrashLoopBackOff', message } },
    });
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses?.[0]).toMatchObject({
      restartCount: 3,
      ready: false,
      state: { waiting: { reason: 'CrashLoopBackOff', message } },
      lastState: { terminated: { exitCode: 1, reason: 'Error', containerID: `containerd://${c.id}` } },
    });
  });

  it('older instance becomes lastState, newest is state', () => {
    const old = ctr(app, { ...exited(137, 'OOMKilled'), attempt: 0 });
    const now = ctr(app, { attempt: 1 });
    const s = generatePodStatus({ ...base, pod: pod(), runtime: rt([sandbox()], [old, now]) });
    expect(s.containerStatuses?.[0]?.restartCount).toBe(1);
    expect(s.containerStatuses?.[0]?.state?.running).toBeDefined();
    expect(s.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it.each([
    ['ErrImagePull', 'rpc error: code = NotFound desc = failed to pull and unpack image'],
    ['ImagePullBackOff', 'Back-off pulling image "nope:1"'],
    ['CreateContainerError', 'failed to reserve container name'],
    ['CreateContainerConfigError', 'configmap "x" not found'],
  ])('never-started container shows the sync error %s', (reason, message) => {
    const s = generatePodStatus({ ...base, pod: pod(), runtime: rt([sandbox()]), syncErrors: { app: { reason, message } } });
    expect(s.containerStatuses?.[0]?.state).toEqual({ waiting: { reason, message } });
    expect(s.phase).toBe('Pending');
  });

  it('restartPolicy Never, exited 0: Succeeded, Completed, Ready False with PodCompleted', () => {
    const s = generatePodStatus({ ...base, pod: pod({ restartPolicy: 'Never' }), runtime: rt([sandbox()], [ctr(app, exited(0))]) });
    expect(s.phase).toBe('Succeeded');
    expect(s.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    expect(cond(s, 'ContainersReady')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('restartPolicy Never, exited 1: Failed, Error, PodFailed', () => {
    const s = generatePodStatus({ ...base, pod: pod({ restartPolicy: 'Never' }), runtime: rt([sandbox()], [ctr(app, exited(1))]) });
    expect(s.phase).toBe('Failed');
    expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
  });

  it('terminal phases are sticky', () => {
    const first = generatePodStatus({ ...base, pod: pod({ restartPolicy: 'Never' }), runtime: rt([sandbox()], [ctr(app, exited(1))]) });
    const again = generatePodStatus({ ...base, pod: pod({ restartPolicy: 'Never' }), runtime: rt([]), previous: first });
    expect(again.phase).toBe('Failed');
  });

  it('init containers: PodInitializing for app, Initialized False with the incomplete list', () => {
    const i1: Container = { name: 'init-1', image: 'busybox' };
    const p = pod({ initContainers: [i1] });
    const s = generatePodStatus({ ...base, pod: p, runtime: rt([sandbox()], [ctr(i1, { type: 'init' })]) });
    expect(s.phase).toBe('Pending');
    expect(s.containerStatuses?.[0]?.state).toEqual({ waiting: { reason: 'PodInitializing' } });
    expect(s.initContainerStatuses?.[0]).toMatchObject({ name: 'init-1', ready: false, started: true, state: { running: {} } });
    expect(cond(s, 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [init-1]',
    });
  });

  it('init container done: ready, Initialized True, app starting', () => {
    const i1: Container = { name: 'init-1', image: 'busybox' };
    const p = pod({ initContainers: [i1] });
    const s = generatePodStatus({ ...base, pod: p, runtime: rt([sandbox()], [ctr(i1, { type: 'init', ...exited(0) })]) });
    expect(s.initContainerStatuses?.[0]).toMatchObject({ ready: true, state: { terminated: { reason: 'Completed', exitCode: 0 } } });
    expect(cond(s, 'Initialized')?.status).toBe('True');
  });

  it('init container failed with restartPolicy Never: Failed', () => {
    const i1: Container = { name: 'init-1', image: 'busybox' };
    const s = generatePodStatus({
      ...base,
      pod: pod({ restartPolicy: 'Never', initContainers: [i1] }),
      runtime: rt([sandbox()], [ctr(i1, { type: 'init', ...exited(2) })]),
    });
    expect(s.phase).toBe('Failed');
  });

  it('readiness probe failure: not ready, ContainersNotReady; started stays true', () => {
    const c = ctr(app);
    const p = pod({ containers: [{ ...app, readinessProbe: { exec: { command: ['false'] } } }] });
    const s = generatePodStatus({ ...base, pod: p, runtime: rt([sandbox()], [c]), probes: { readiness: { [c.id]: 'Failure' } } });
    expect(s.containerStatuses?.[0]).toMatchObject({ ready: false, started: true });
    expect(cond(s, 'ContainersReady')).toMatchObject({ status: 'False', message: 'containers with unready status: [app]' });
    expect(s.phase).toBe('Running');
  });

  it('a container with a readiness probe that has not run yet is not ready', () => {
    const c = ctr(app);
    const p = pod({ containers: [{ ...app, readinessProbe: { exec: { command: ['true'] } } }] });
    expect(generatePodStatus({ ...base, pod: p, runtime: rt([sandbox()], [c]) }).containerStatuses?.[0]?.ready).toBe(false);
  });

  it('startup probe pending: not started, not ready', () => {
    const c = ctr(app);
    const p = pod({ containers: [{ ...app, startupProbe: { exec: { command: ['true'] } } }] });
    const s = generatePodStatus({ ...base, pod: p, runtime: rt([sandbox()], [c]) });
    expect(s.containerStatuses?.[0]).toMatchObject({ started: false, ready: false });
  });

  it('regular statuses are sorted by name, init statuses keep spec order', () => {
    const p = pod({
      containers: [{ name: 'zeta', image: 'a' }, { name: 'alpha', image: 'b' }],
      initContainers: [{ name: 'z-init', image: 'a' }, { name: 'a-init', image: 'b' }],
    });
    const s = generatePodStatus({ ...base, pod: p, runtime: rt([]) });
    expect(s.containerStatuses?.map((c) => c.name)).toEqual(['alpha', 'zeta']);
    expect(s.initContainerStatuses?.map((c) => c.name)).toEqual(['z-init', 'a-init']);
  });

  it('host network pods report the node IP as pod IP', () => {
    const s = generatePodStatus({ ...base, pod: pod({ hostNetwork: true }), runtime: rt([sandbox({ ip: '', hostNetwork: true })], [ctr(app)]) });
    expect(s.podIP).toBe('192.168.1.10');
  });

  it('a NOTREADY sandbox gives no pod IP', () => {
    const s = generatePodStatus({ ...base, pod: pod(), runtime: rt([sandbox({ state: 'SANDBOX_NOTREADY' })], [ctr(app)]) });
    expect(s.podIP).toBeUndefined();
    expect(cond(s, 'PodReadyToStartContainers')?.status).toBe('False');
  });

  it('startTime and unchanged condition times are kept from the previous status', () => {
    const first = generatePodStatus({ ...base, pod: pod(), runtime: rt([sandbox()], [ctr(app)]) });
    const later = generatePodStatus({ ...base, now: T0 + 900 * S, pod: pod(), runtime: rt([sandbox()], [ctr(app)]), previous: first });
    expect(later.startTime).toBe(first.startTime);
    expect(cond(later, 'Ready')?.lastTransitionTime).toBe(cond(first, 'Ready')?.lastTransitionTime);
    const broken = generatePodStatus({ ...base, now: T0 + 950 * S, pod: pod(), runtime: rt([sandbox()], [ctr(app, exited(1))]), previous: later });
    expect(cond(broken, 'Ready')?.lastTransitionTime).toBe(rfc3339Seconds(T0 + 950 * S));
  });

  it('a container that vanished while running reads ContainerStatusUnknown, restart count +1', () => {
    const c = ctr(app);
    const first = generatePodStatus({ ...base, pod: pod(), runtime: rt([sandbox()], [c]) });
    const gone = generatePodStatus({ ...base, pod: pod(), runtime: rt([sandbox()], []), previous: first });
    expect(gone.containerStatuses?.[0]).toMatchObject({
      restartCount: 1,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: { terminated: { reason: 'ContainerStatusUnknown', exitCode: 137 } },
    });
  });
});

describe('getPodQOS', () => {
  it.each([
    [{}, 'BestEffort'],
    [{ requests: { cpu: '100m' } }, 'Burstable'],
    [{ limits: { cpu: '1', memory: '64Mi' } }, 'Guaranteed'],
    [{ limits: { cpu: '1', memory: '64Mi' }, requests: { cpu: '500m', memory: '64Mi' } }, 'Burstable'],
  ])('%j → %s', (resources, want) => {
    expect(getPodQOS(pod({ containers: [{ ...app, resources }] }))).toBe(want);
  });
});
