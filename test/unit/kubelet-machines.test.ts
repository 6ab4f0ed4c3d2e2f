import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import type { Pod } from 'kubernetes-types/core/v1.js';
import {
  containerRestartMachine,
  describeContainerRestartMachine,
} from '../../src/kubelet/machines/container-restart.machine.js';
import {
  defaultImagePullPolicy,
  describeImagePullMachine,
  imagePullMachine,
} from '../../src/kubelet/machines/image-pull.machine.js';
import {
  describePodWorkerMachine,
  podWorkerMachine,
  podWorkerSyncEvent,
  type PodSyncDecision,
  type PodWorkerEvent,
} from '../../src/kubelet/machines/pod-worker.machine.js';
import { computePodActions } from '../../src/kubelet/sync/compute-pod-actions.js';
import { summarizePodActions } from '../../src/kubelet/sync/pod-actions.js';

const S = 1000;

describe('container-restart machine', () => {
  /** Start, crash at once, and SYNC every second until it is recreated; return the waits. */
  function waits(crashes: number, policy: 'Always' | 'OnFailure' | 'Never' = 'Always', runMs = (_i: number) => 0) {
    const actor = createActor(containerRestartMachine, { input: { containerName: 'app', restartPolicy: policy } }).start();
    let now = 0;
    const out: number[] = [];
    const states = new Set<string>();
    for (let i = 0; i < crashes; i++) {
      actor.send({ type: 'STARTED', at: now });
      now += runMs(i);
      actor.send({ type: 'EXITED', at: now, exitCode: 1 });
      const crashedAt = now;
      actor.send({ type: 'SYNC', now });
      states.add(String(actor.getSnapshot().value));
      while (actor.getSnapshot().value !== 'waiting') {
        now += S;
        actor.send({ type: 'SYNC', now });
      }
      out.push((now - crashedAt) / S);
    }
    return { out, actor, states };
  }

  it('reproduces the CrashLoopBackOff waits 0, 10, 20, 40, 80, 160, 300, 300 s', () => {
    const { out, actor, states } = waits(8);
    expect(out).toEqual([0, 10, 20, 40, 80, 160, 300, 300]);
    expect(actor.getSnapshot().context.restartCount).toBe(8);
    expect(states.has('CrashLoopBackOff')).toBe(true);
  });

  it('is forgiven after running more than 600 s', () => {
    expect(waits(7, 'Always', (i) => (i === 5 ? 601 * S : 0)).out).toEqual([0, 10, 20, 40, 80, 0, 10]);
  });

  it('CrashLoopBackOff context carries the delay and the retry time', () => {
    const actor = createActor(containerRestartMachine, { input: { containerName: 'app' } }).start();
    actor.send({ type: 'STARTED', at: 0 });
    actor.send({ type: 'EXITED', at: 0, exitCode: 1 });
    actor.send({ type: 'SYNC', now: 0 }); // immediate restart, back-off now 10 s
    actor.send({ type: 'STARTED', at: 0 });
    actor.send({ type: 'EXITED', at: 2 * S, exitCode: 1 });
    actor.send({ type: 'SYNC', now: 3 * S });
    expect(actor.getSnapshot().value).toBe('CrashLoopBackOff');
    expect(actor.getSnapshot().context).toMatchObject({ backOffDelayMs: 10 * S, retryAtMs: 12 * S, waitingReason: 'CrashLoopBackOff' });
  });

  it.each([
    ['Never', 0],
    ['Never', 1],
    ['OnFailure', 0],
  ] as const)('restartPolicy %s, exit %d: stays exited', (policy, code) => {
    const actor = createActor(containerRestartMachine, { input: { containerName: 'app', restartPolicy: policy } }).start();
    actor.send({ type: 'STARTED', at: 0 });
    actor.send({ type: 'EXITED', at: 0, exitCode: code });
    actor.send({ type: 'SYNC', now: 1_000 * S });
    expect(actor.getSnapshot().value).toBe('exited');
  });

  it('describes itself for the UI', () => {
    const d = describeContainerRestartMachine();
    expect(d.initial).toBe('waiting');
    expect(d.states.map((s) => s.name)).toEqual(['waiting', 'running', 'exited', 'CrashLoopBackOff']);
    expect(d.transitions).toContainEqual({
      from: 'exited',
      event: 'SYNC',
      to: 'CrashLoopBackOff',
      guard: 'and(restartPolicyAllowsRestart, inCrashLoopBackOff)',
      actions: ['recordBackOffWindow'],
    });
    expect(d.transitions).toContainEqual({ from: 'CrashLoopBackOff', event: 'SYNC', to: 'CrashLoopBackOff', guard: 'inCrashLoopBackOff', actions: ['recordBackOffWindow'] });
  });
});

describe('image-pull machine', () => {
  it('ErrImagePull → ImagePullBackOff → pulling … with 10 s, 20 s windows', () => {
    const actor = createActor(imagePullMachine, { input: { image: 'nope:1' } }).start();
    const seen: string[] = [];
    const at = (now: number) => {
      actor.send({ type: 'ENSURE', now });
      seen.push(`${now / S}:${String(actor.getSnapshot().value)}`);
    };
    at(0);
    actor.send({ type: 'PULL_FAILED', now: 0, message: 'not found' });
    at(5 * S);
    at(10 * S);
    actor.send({ type: 'PULL_FAILED', now: 10 * S, message: 'not found' });
    at(29 * S);
    at(30 * S);
    actor.send({ type: 'PULL_SUCCEEDED' });
    at(31 * S);
    expect(seen).toEqual([
      '0:pulling',
      '5:ImagePullBackOff',
      '10:pulling',
      '29:ImagePullBackOff',
      '30:pulling',
      '31:present',
    ]);
    expect(actor.getSnapshot().context.lastError).toBeUndefined();
  });

  it('pull policies: Never → ErrImageNeverPull, Always re-pulls a present image', () => {
    const never = createActor(imagePullMachine, { input: { image: 'x:1', pullPolicy: 'Never' } }).start();
    never.send({ type: 'ENSURE', now: 0 });
    expect(never.getSnapshot().value).toBe('ErrImageNeverPull');
    const always = createActor(imagePullMachine, { input: { image: 'x:1', pullPolicy: 'Always' } }).start();
    always.send({ type: 'IMAGE_ADDED' });
    always.send({ type: 'ENSURE', now: 0 });
    expect(always.getSnapshot().value).toBe('pulling');
    const ifNotPresent = createActor(imagePullMachine, { input: { image: 'x:1' } }).start();
    ifNotPresent.send({ type: 'IMAGE_ADDED' });
    ifNotPresent.send({ type: 'ENSURE', now: 0 });
    expect(ifNotPresent.getSnapshot().value).toBe('present');
  });

  it.each([
    ['busybox', 'Always'],
    ['busybox:latest', 'Always'],
    ['busybox:1.36', 'IfNotPresent'],
    ['localhost:5000/app', 'Always'],
    ['localhost:5000/app:v1', 'IfNotPresent'],
    ['busybox@sha256:abc', 'IfNotPresent'],
  ])('default pull policy of %s is %s', (image, policy) => {
    expect(defaultImagePullPolicy(image)).toBe(policy);
  });

  it('every state is reachable', () => {
    const paths = getShortestPaths(imagePullMachine, {
      input: { image: 'x:1' },
      events: [
        { type: 'ENSURE', now: 1 },
        { type: 'PULL_FAILED', now: 0, message: 'e' },
        { type: 'PULL_SUCCEEDED' },
        { type: 'IMAGE_ADDED' },
        { type: 'IMAGE_REMOVED' },
      ],
      serializeState: (s) => JSON.stringify(s.value),
    });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    expect([...reached].sort()).toEqual(['ErrImagePull', 'ImagePullBackOff', 'absent', 'present', 'pulling']);
    expect(describeImagePullMachine().states.map((s) => s.name)).toContain('ErrImageNeverPull');
  });
});

describe('pod-worker machine', () => {
  const d = (over: Partial<PodSyncDecision>): PodWorkerEvent => ({
    type: 'SYNC',
    decision: {
      createSandbox: false,
      killPodOnly: false,
      initContainersToStart: 0,
      containersToStart: 0,
      backingOff: 0,
      attempt: 0,
      podIsTerminal: false,
      summary: '',
      ...over,
    },
  });

  it('walks a pod with an init container from pending to running and terminated', () => {
    const actor = createActor(podWorkerMachine, { input: { pod: 'default/web' } }).start();
    const trail: string[] = [String(actor.getSnapshot().value)];
    const send = (e: PodWorkerEvent) => {
      actor.send(e);
      trail.push(String(actor.getSnapshot().value));
    };
    send(d({ createSandbox: true, initContainersToStart: 1 }));
    send({ type: 'SANDBOX_CREATED', sandboxId: 'sb1' });
    send(d({})); // init container running: nothing to start
    send(d({ containersToStart: 1 }));
    send({ type: 'CONTAINERS_STARTED' });
    send({ type: 'TERMINATE', reason: 'deleted' });
    send({ type: 'CONTAINERS_STOPPED' });
    expect(trail).toEqual([
      'pending',
      'creating-sandbox',
      'initializing',
      'running',
      'starting-containers',
      'running',
      'terminating',
      'terminated',
    ]);
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().context.sandboxId).toBe('sb1');
  });

  it('routes a crash-looping container to backing-off, and a finished pod to terminating', () => {
    const actor = createActor(podWorkerMachine, { input: { pod: 'default/web' } }).start();
    actor.send(d({ createSandbox: true, containersToStart: 1 }));
    actor.send({ type: 'SANDBOX_CREATED', sandboxId: 'sb1' });
    expect(actor.getSnapshot().value).toBe('starting-containers');
    actor.send(d({ containersToStart: 1, backingOff: 1 }));
    expect(actor.getSnapshot().value).toBe('backing-off');
    actor.send(d({ killPodOnly: true }));
    expect(actor.getSnapshot().value).toBe('terminating');
  });

  it('takes its SYNC event straight from computePodActions', () => {
    const pod: Pod = {
      metadata: { name: 'web', namespace: 'default', uid: 'u' },
      spec: { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'app', image: 'busybox' }] },
    };
    const actions = computePodActions(pod, { uid: 'u', name: 'web', namespace: 'default', sandboxes: [], containers: [] }, { now: 0 });
    const actor = createActor(podWorkerMachine, { input: { pod: 'default/web' } }).start();
    actor.send(podWorkerSyncEvent(actions, summarizePodActions(actions)));
    actor.send({ type: 'SANDBOX_CREATED', sandboxId: 'sb' });
    expect(actor.getSnapshot().value).toBe('initializing');
    expect(actor.getSnapshot().context.lastDecision).toContain('CreateSandbox: true');
  });

  it('every state is reachable, and the description names the upstream work types', () => {
    const paths = getShortestPaths(podWorkerMachine, {
      input: { pod: 'p' },
      events: [
        d({ createSandbox: true, initContainersToStart: 1 }),
        d({ containersToStart: 1 }),
        d({ containersToStart: 1, backingOff: 1 }),
        d({}),
        d({ podIsTerminal: true }),
        { type: 'SANDBOX_CREATED', sandboxId: 's' },
        { type: 'CONTAINERS_STARTED' },
        { type: 'SYNC_FAILED', reason: 'CreatePodSandboxError', message: 'x', retryAfterMs: 10 * S },
        { type: 'TERMINATE', reason: 'deleted' },
        { type: 'CONTAINERS_STOPPED' },
      ],
      serializeState: (s) => JSON.stringify(s.value),
    });
    const reached = new Set(paths.map((p) => String(p.state.value)));
    const desc = describePodWorkerMachine();
    expect([...reached].sort()).toEqual(desc.states.map((s) => s.name).sort());
    expect(desc.states.find((s) => s.name === 'terminating')?.meta).toEqual({ workType: 'SyncTerminatingPod' });
    expect(desc.states.find((s) => s.name === 'terminated')).toMatchObject({ final: true, meta: { workType: 'SyncTerminatedPod' } });
    expect(desc.transitions.filter((t) => t.from === 'running' && t.event === 'SYNC').map((t) => t.guard ?? '-')).toEqual([
      'podIsDone',
      'needsNewSandbox',
      'allStartsBackingOff',
      'hasInitContainersToStart',
      'hasContainersToStart',
      '-',
    ]);
  });
});
