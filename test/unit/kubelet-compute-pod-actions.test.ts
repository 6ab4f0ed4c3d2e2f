import { describe, expect, it } from 'vitest';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { newCrashLoopBackOff } from '../../src/kubelet/backoff.js';
import { hashContainer } from '../../src/kubelet/container-hash.js';
import type { ContainerRuntimeStatus, PodRuntimeStatus, SandboxStatus } from '../../src/kubelet/runtime-status.js';
import { computePodActions } from '../../src/kubelet/sync/compute-pod-actions.js';
import { getStableKey } from '../../src/kubelet/sync/do-back-off.js';
import { podSandboxChanged } from '../../src/kubelet/sync/pod-sandbox-changed.js';
import { shouldContainerBeRestarted } from '../../src/kubelet/sync/restart-policy.js';
import { summarizePodActions } from '../../src/kubelet/sync/pod-actions.js';

const S = 1000;
const ms = (n: number): bigint => BigInt(n) * 1_000_000n;

// ---- fixtures --------------------------------------------------------------------------------

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}, meta: Partial<NonNullable<Pod['metadata']>> = {}): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', ...meta },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec },
  };
}

function sandbox(over: Partial<SandboxStatus> = {}): SandboxStatus {
  return { id: 'sb0', attempt: 0, state: 'SANDBOX_READY', createdAt: ms(1), ip: '10.88.0.2', hostNetwork: false, ...over };
}

let seq = 0;
function ctr(spec: Container, over: Partial<ContainerRuntimeStatus> = {}): ContainerRuntimeStatus {
  seq++;
  return {
    id: `${spec.name}-${seq}`,
    name: spec.name,
    attempt: 0,
    state: 'running',
    createdAt: ms(10 + seq),
    startedAt: ms(10 + seq),
    finishedAt: 0n,
    exitCode: 0,
    reason: '',
    message: '',
    hash: hashContainer(spec),
    image: `docker.io/library/${spec.image}:latest`,
    imageRef: `docker.io/library/${spec.image}@sha256:00`,
    type: 'container',
    ...over,
  };
}

function status(sandboxes: SandboxStatus[], containers: ContainerRuntimeStatus[] = []): PodRuntimeStatus {
  return { uid: 'uid-1', name: 'web', namespace: 'default', sandboxes, containers };
}

const exited = (code: number, atMs = 20 * S): Partial<ContainerRuntimeStatus> => ({
  state: 'exited',
  exitCode: code,
  reason: code === 0 ? 'Completed' : 'Error',
  finishedAt: ms(atMs),
});

const ctx = { now: 0 };
const app: Container = { name: 'app', image: 'busybox' };

// ---- PodSandboxChanged -----------------------------------------------------------------------

describe('podSandboxChanged (util.go PodSandboxChanged table)', () => {
  it.each([
    {
      row: 'no sandbox at all',
      pod: pod(),
      sandboxes: [],
      want: { changed: true, attempt: 0, sandboxId: '', why: 'no-sandbox' },
    },
    {
      row: 'more than one READY sandbox',
      pod: pod(),
      sandboxes: [sandbox({ id: 'b', attempt: 1, createdAt: ms(2) }), sandbox({ id: 'a', attempt: 0 })],
      want: { changed: true, attempt: 2, sandboxId: 'b', why: 'multiple-ready' },
    },
    {
      row: 'newest sandbox NOTREADY',
      pod: pod(),
      sandboxes: [sandbox({ state: 'SANDBOX_NOTREADY', attempt: 3 })],
      want: { changed: true, attempt: 4, sandboxId: 'sb0', why: 'not-ready' },
    },
    {
      row: 'attempt is max over ALL sandboxes, not the newest',
      pod: pod(),
      sandboxes: [
        sandbox({ id: 'new', attempt: 1, createdAt: ms(5), state: 'SANDBOX_NOTREADY' }),
        sandbox({ id: 'old', attempt: 7, createdAt: ms(1), state: 'SANDBOX_NOTREADY' }),
      ],
      want: { changed: true, attempt: 8, sandboxId: 'new', why: 'not-ready' },
    },
    {
      row: 'hostNetwork changed (sandbox POD, pod NODE)',
      pod: pod({ hostNetwork: true }),
      sandboxes: [sandbox({ attempt: 2 })],
      want: { changed: true, attempt: 3, sandboxId: '', why: 'network-namespace-changed' },
    },
    {
      row: 'no IP',
      pod: pod(),
      sandboxes: [sandbox({ ip: '' })],
      want: { changed: true, attempt: 1, sandboxId: 'sb0', why: 'no-ip' },
    },
    {
      row: 'host network pod without IP is fine',
      pod: pod({ hostNetwork: true }),
      sandboxes: [sandbox({ ip: '', hostNetwork: true, attempt: 2 })],
      want: { changed: false, attempt: 2, sandboxId: 'sb0', why: 'unchanged' },
    },
    {
      row: 'READY with IP',
      pod: pod(),
      sandboxes: [sandbox({ attempt: 1 })],
      want: { changed: false, attempt: 1, sandboxId: 'sb0', why: 'unchanged' },
    },
    {
      row: 'a NOTREADY older sandbox next to a READY newest one is fine',
      pod: pod(),
      sandboxes: [sandbox({ id: 'new', attempt: 1, createdAt: ms(5) }), sandbox({ id: 'old', state: 'SANDBOX_NOTREADY' })],
      want: { changed: false, attempt: 1, sandboxId: 'new', why: 'unchanged' },
    },
  ])('$row', ({ pod: p, sandboxes, want }) => {
    const got = podSandboxChanged(p, status(sandboxes));
    expect({ changed: got.changed, attempt: got.attempt, sandboxId: got.sandboxId, why: got.why }).toEqual(want);
  });

  it('describes the decision for the UI', () => {
    expect(podSandboxChanged(pod(), status([sandbox({ ip: '' })])).description).toBe(
      'sandbox changed: no IP → recreate, attempt 1',
    );
  });
});

// ---- ShouldContainerBeRestarted --------------------------------------------------------------

describe('shouldContainerBeRestarted (container/helpers.go table)', () => {
  it.each([
    { row: 'no status', policy: 'Always', c: undefined, want: true },
    { row: 'running', policy: 'Always', c: {}, want: false },
    { row: 'unknown', policy: 'Never', c: { state: 'unknown' as const }, want: true },
    { row: 'created', policy: 'Never', c: { state: 'created' as const }, want: true },
    { row: 'exited 0, Never', policy: 'Never', c: exited(0), want: false },
    { row: 'exited 1, Never', policy: 'Never', c: exited(1), want: false },
    { row: 'exited 0, OnFailure', policy: 'OnFailure', c: exited(0), want: false },
    { row: 'exited 1, OnFailure', policy: 'OnFailure', c: exited(1), want: true },
    { row: 'exited 0, Always', policy: 'Always', c: exited(0), want: true },
    { row: 'exited 1, Always', policy: 'Always', c: exited(1), want: true },
  ])('$row → $want', ({ policy, c, want }) => {
    const p = pod({ restartPolicy: policy });
    const s = status([sandbox()], c ? [ctr(app, c)] : []);
    expect(shouldContainerBeRestarted(app, p, s)).toBe(want);
  });

  it('a pod being deleted restarts nothing', () => {
    const p = pod({}, { deletionTimestamp: '2026-01-01T00:00:00Z' });
    expect(shouldContainerBeRestarted(app, p, status([sandbox()], [ctr(app, exited(1))]))).toBe(false);
  });

  it('looks at the newest instance only', () => {
    const p = pod({ restartPolicy: 'OnFailure' });
    const s = status([sandbox()], [ctr(app, { ...exited(0), createdAt: ms(99) }), ctr(app, { ...exited(1), createdAt: ms(5) })]);
    expect(shouldContainerBeRestarted(app, p, s)).toBe(false);
  });
});

// ---- computePodActions -----------------------------------------------------------------------

describe('computePodActions', () => {
  it('first start: create sandbox attempt 0, start every container', () => {
    const p = pod({ containers: [app, { name: 'side', image: 'nginx' }] });
    const a = computePodActions(p, status([]), ctx);
    expect(a).toMatchObject({
      killPod: true,
      createSandbox: true,
      sandboxId: '',
      attempt: 0,
      containersToStart: [0, 1],
      initContainersToStart: [],
      containersToKill: {},
    });
    expect(a.reasons[0]).toBe('no sandbox yet → create one, attempt 0');
    expect(summarizePodActions(a)).toContain('ContainersToStart: [0 1]');
  });

  it('steady state: nothing to do', () => {
    const a = computePodActions(pod(), status([sandbox()], [ctr(app)]), ctx);
    expect(a).toMatchObject({ killPod: false, createSandbox: false, containersToStart: [], containersToKill: {} });
  });

  it('app crash with sandbox READY: restart only that container, same sandbox, attempt kept', () => {
    const other: Container = { name: 'side', image: 'nginx' };
    const p = pod({ containers: [app, other] });
    const a = computePodActions(p, status([sandbox({ attempt: 2 })], [ctr(app, exited(1)), ctr(other)]), ctx);
    expect(a).toMatchObject({
      killPod: false,
      createSandbox: false,
      sandboxId: 'sb0',
      attempt: 2,
      containersToStart: [0],
      containersToKill: {},
    });
    expect(a.reasons).toContain('container app exited (code 1) → restart it');
  });

  it('sandbox NOTREADY: kill all, new sandbox attempt max+1, start all containers again', () => {
    const a = computePodActions(
      pod(),
      status([sandbox({ state: 'SANDBOX_NOTREADY', attempt: 0 })], [ctr(app)]),
      ctx,
    );
    expect(a).toMatchObject({ killPod: true, createSandbox: true, sandboxId: 'sb0', attempt: 1, containersToStart: [0] });
    expect(a.reasons[0]).toBe('sandbox changed: sb0 is SANDBOX_NOTREADY → recreate, attempt 1');
  });

  it('sandbox without IP: recreate', () => {
    const a = computePodActions(pod(), status([sandbox({ ip: '' })], [ctr(app)]), ctx);
    expect(a).toMatchObject({ killPod: true, createSandbox: true, attempt: 1, containersToStart: [0] });
  });

  it('restartPolicy Never, sandbox died after containers ran: kill, no new sandbox', () => {
    const p = pod({ restartPolicy: 'Never' });
    const a = computePodActions(p, status([sandbox({ state: 'SANDBOX_NOTREADY' })], [ctr(app, exited(0))]), ctx);
    expect(a).toMatchObject({ killPod: true, createSandbox: false, containersToStart: [] });
  });

  it('restartPolicy Never, sandbox creation failed before any container: retry the sandbox', () => {
    const p = pod({ restartPolicy: 'Never' });
    const a = computePodActions(p, status([sandbox({ state: 'SANDBOX_NOTREADY' })]), ctx);
    expect(a).toMatchObject({ killPod: true, createSandbox: true, attempt: 1, containersToStart: [0] });
  });

  it('restartPolicy OnFailure, new sandbox: skip containers that already succeeded', () => {
    const ok: Container = { name: 'ok', image: 'busybox' };
    const p = pod({ restartPolicy: 'OnFailure', containers: [ok, app] });
    const s = status([sandbox({ state: 'SANDBOX_NOTREADY' })], [ctr(ok, exited(0)), ctr(app, exited(2))]);
    expect(computePodActions(p, s, ctx)).toMatchObject({ createSandbox: true, containersToStart: [1] });
  });

  it('restartPolicy OnFailure, new sandbox, everything succeeded: no new sandbox', () => {
    const p = pod({ restartPolicy: 'OnFailure' });
    const s = status([sandbox({ state: 'SANDBOX_NOTREADY' })], [ctr(app, exited(0))]);
    expect(computePodActions(p, s, ctx)).toMatchObject({ killPod: true, createSandbox: false });
  });

  it.each([
    { policy: 'Never', code: 0, start: [], killPod: true },
    { policy: 'Never', code: 1, start: [], killPod: true },
    { policy: 'OnFailure', code: 0, start: [], killPod: true },
    { policy: 'OnFailure', code: 1, start: [0], killPod: false },
    { policy: 'Always', code: 0, start: [0], killPod: false },
    { policy: 'Always', code: 1, start: [0], killPod: false },
  ])('restartPolicy $policy, exit $code → start $start, killPod $killPod', ({ policy, code, start, killPod }) => {
    const a = computePodActions(pod({ restartPolicy: policy }), status([sandbox()], [ctr(app, exited(code))]), ctx);
    expect(a.containersToStart).toEqual(start);
    expect(a.killPod).toBe(killPod);
    expect(a.createSandbox).toBe(false);
  });

  it('spec hash changed: kill and restart, even with restartPolicy Never', () => {
    const p = pod({ restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.37' }] });
    const running = ctr(app); // hash of image "busybox"
    const a = computePodActions(p, status([sandbox()], [running]), ctx);
    expect(a.containersToStart).toEqual([0]);
    expect(a.containersToKill[running.id]).toEqual({
      containerId: running.id,
      name: 'app',
      type: 'container',
      reason: '',
      message: 'Container app definition changed, will be restarted',
    });
  });

  it('liveness failure: kill and restart (Always)', () => {
    const running = ctr(app);
    const a = computePodActions(pod(), status([sandbox()], [running]), {
      now: 0,
      probes: { liveness: { [running.id]: 'Failure' } },
    });
    expect(a.containersToStart).toEqual([0]);
    expect(a.containersToKill[running.id]).toMatchObject({
      reason: 'LivenessProbe',
      message: 'Container app failed liveness probe, will be restarted',
    });
  });

  it('startup failure with restartPolicy Never: kill, no restart, whole pod killed', () => {
    const running = ctr(app);
    const a = computePodActions(pod({ restartPolicy: 'Never' }), status([sandbox()], [running]), {
      now: 0,
      probes: { startup: { [running.id]: 'Failure' } },
    });
    expect(a.containersToStart).toEqual([]);
    expect(a.containersToKill[running.id]).toMatchObject({ reason: 'StartupProbe', message: 'Container app failed startup probe' });
    expect(a.killPod).toBe(true);
  });

  it('a liveness result for an older container ID is ignored', () => {
    const a = computePodActions(pod(), status([sandbox()], [ctr(app)]), { now: 0, probes: { liveness: { 'gone-id': 'Failure' } } });
    expect(a.containersToKill).toEqual({});
  });

  it('unknown state: kill it first, then start', () => {
    const c = ctr(app, { state: 'unknown' });
    const a = computePodActions(pod(), status([sandbox()], [c]), ctx);
    expect(a.containersToStart).toEqual([0]);
    expect(a.containersToKill[c.id]).toMatchObject({
      reason: 'Unknown',
      message: 'Container is in "unknown" state, try killing it before restart',
    });
  });

  it('ephemeral containers without status are started, never restarted', () => {
    const p = pod({ ephemeralContainers: [{ name: 'debug', image: 'busybox' }] });
    expect(computePodActions(p, status([sandbox()], [ctr(app)]), ctx).ephemeralContainersToStart).toEqual([0]);
    const done = ctr({ name: 'debug', image: 'busybox' }, { ...exited(0), type: 'ephemeral' });
    expect(computePodActions(p, status([sandbox()], [ctr(app), done]), ctx).ephemeralContainersToStart).toEqual([]);
  });
});

describe('computePodActions: init containers', () => {
  const i1: Container = { name: 'init-1', image: 'busybox' };
  const i2: Container = { name: 'init-2', image: 'busybox' };
  const p = (policy = 'Always') => pod({ restartPolicy: policy, initContainers: [i1, i2] });
  const init = (c: Container, over: Partial<ContainerRuntimeStatus> = {}) => ctr(c, { type: 'init', ...over });

  it('new sandbox: start only the first init container', () => {
    expect(computePodActions(p(), status([]), ctx)).toMatchObject({
      createSandbox: true,
      initContainersToStart: [0],
      containersToStart: [],
    });
  });

  it('runs them in order: init-1 running → wait', () => {
    const a = computePodActions(p(), status([sandbox()], [init(i1)]), ctx);
    expect(a).toMatchObject({ initContainersToStart: [], containersToStart: [], killPod: false });
  });

  it('init-1 succeeded → start init-2', () => {
    expect(computePodActions(p(), status([sandbox()], [init(i1, exited(0))]), ctx).initContainersToStart).toEqual([1]);
  });

  it('all init containers succeeded → start regular containers', () => {
    const a = computePodActions(p(), status([sandbox()], [init(i1, exited(0)), init(i2, exited(0))]), ctx);
    expect(a).toMatchObject({ initContainersToStart: [], containersToStart: [0] });
  });

  it('init-2 failed → restart init-2 (Always / OnFailure)', () => {
    for (const policy of ['Always', 'OnFailure']) {
      const a = computePodActions(p(policy), status([sandbox()], [init(i1, exited(0)), init(i2, exited(1))]), ctx);
      expect(a).toMatchObject({ initContainersToStart: [1], killPod: false, containersToStart: [] });
    }
  });

  it('init container failed with restartPolicy Never → kill the pod', () => {
    const a = computePodActions(p('Never'), status([sandbox()], [init(i1, exited(1))]), ctx);
    expect(a).toMatchObject({ killPod: true, initContainersToStart: [], containersToStart: [] });
  });

  it('OOMKilled counts as failed even with exit code 0', () => {
    const a = computePodActions(p('Never'), status([sandbox()], [init(i1, { ...exited(0), reason: 'OOMKilled' })]), ctx);
    expect(a.killPod).toBe(true);
  });

  it('a running regular container means initialized: init containers are not re-run', () => {
    const a = computePodActions(p(), status([sandbox()], [ctr(app)]), ctx);
    expect(a).toMatchObject({ initContainersToStart: [], containersToStart: [], killPod: false });
  });

  it('init container stuck in created → start it again', () => {
    expect(computePodActions(p(), status([sandbox()], [init(i1, { state: 'created' })]), ctx).initContainersToStart).toEqual([0]);
  });
});

describe('computePodActions: sidecars (restartable init containers)', () => {
  const sidecar: Container = { name: 'proxy', image: 'envoy', restartPolicy: 'Always' };
  const i2: Container = { name: 'migrate', image: 'busybox' };
  const p = (extra: Partial<Container> = {}) => pod({ initContainers: [{ ...sidecar, ...extra }, i2] });
  const init = (c: Container, over: Partial<ContainerRuntimeStatus> = {}) => ctr(c, { type: 'init', ...over });

  it('sidecar running → start the next init container while it keeps running', () => {
    expect(computePodActions(p(), status([sandbox()], [init(sidecar)]), ctx).initContainersToStart).toEqual([1]);
  });

  it('sidecar with a startup probe waits for it before the next init container', () => {
    const sc = init(sidecar);
    const withProbe = p({ startupProbe: { exec: { command: ['true'] } } });
    expect(computePodActions(withProbe, status([sandbox()], [sc]), ctx).initContainersToStart).toEqual([]);
    const passed = computePodActions(withProbe, status([sandbox()], [sc]), { now: 0, probes: { startup: { [sc.id]: 'Success' } } });
    expect(passed.initContainersToStart).toEqual([1]);
  });

  it('sidecar exited after the pod was initialized → restart it, keep the app', () => {
    const a = computePodActions(p(), status([sandbox()], [init(sidecar, exited(1)), init(i2, exited(0)), ctr(app)]), ctx);
    expect(a).toMatchObject({ initContainersToStart: [0], containersToStart: [], killPod: false });
  });

  it('sidecar failed liveness → kill and restart it', () => {
    const sc = init(sidecar);
    const a = computePodActions(p({ livenessProbe: { exec: { command: ['true'] } } }), status([sandbox()], [sc, init(i2, exited(0)), ctr(app)]), {
      now: 0,
      probes: { liveness: { [sc.id]: 'Failure' } },
    });
    expect(a.initContainersToStart).toEqual([0]);
    expect(a.containersToKill[sc.id]).toMatchObject({ type: 'init', reason: 'LivenessProbe', message: 'Init container proxy failed liveness probe' });
  });

  it('sidecars alone do not keep a pod alive: app done (Never) → kill the pod with its sidecar', () => {
    const a = computePodActions(
      pod({ restartPolicy: 'Never', initContainers: [sidecar] }),
      status([sandbox()], [init(sidecar), ctr(app, exited(0))]),
      ctx,
    );
    expect(a).toMatchObject({ killPod: true, initContainersToStart: [], containersToStart: [] });
  });
});

describe('computePodActions: CrashLoopBackOff preview', () => {
  it('a container inside its back-off window is reported, with the upstream message', () => {
    const clock = { now: 25 * S };
    const backOff = newCrashLoopBackOff(() => clock.now);
    const p = pod();
    const key = getStableKey(p, app);
    backOff.next(key, 0);
    backOff.next(key, 0); // 20 s
    const a = computePodActions(p, status([sandbox()], [ctr(app, exited(1, 20 * S))]), { now: clock.now, crashLoopBackOff: backOff });
    expect(a.containersToStart).toEqual([0]);
    expect(a.backOff).toEqual([
      {
        name: 'app',
        type: 'container',
        index: 0,
        key,
        delayMs: 20 * S,
        retryAtMs: 40 * S,
        reason: 'CrashLoopBackOff',
        message: 'back-off 20s restarting failed container=app pod=web_default(uid-1)',
      },
    ]);
    expect(a.reasons.at(-1)).toBe('app: CrashLoopBackOff, back-off 20s restarting failed container=app pod=web_default(uid-1) (15s left)');
    // The preview never advances the back-off.
    expect(backOff.get(key)).toBe(20 * S);
  });

  it('after the window there is no back-off entry in the record', () => {
    const clock = { now: 41 * S };
    const backOff = newCrashLoopBackOff(() => clock.now);
    backOff.next(getStableKey(pod(), app), 0);
    backOff.next(getStableKey(pod(), app), 0);
    const a = computePodActions(pod(), status([sandbox()], [ctr(app, exited(1, 20 * S))]), { now: clock.now, crashLoopBackOff: backOff });
    expect(a.backOff).toEqual([]);
  });
});
