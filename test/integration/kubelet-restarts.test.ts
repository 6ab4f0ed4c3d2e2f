import { afterEach, describe, expect, it } from 'vitest';
import { apiPod, sleeper, startNode, type TestNode } from './kubelet-harness.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const exitTimes = (n: TestNode) => n.transitions('container').filter((e) => e.to === 'CONTAINER_EXITED').map((e) => e.t);
const startTimes = (n: TestNode) => n.requests('StartContainer').map((e) => e.t);

// Long simulated runs take seconds of real time; a shared, busy machine needs room.
describe('kubelet: first start and restarts, over gRPC on the simulated runtime', { timeout: 180_000 }, () => {
  it('first start: the CRI calls in order, then the status a user sees', async () => {
    node = await startNode();
    const pod = apiPod('web', { containers: [sleeper()] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running' && node!.status(uid)?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
    expect(node.calls()).toEqual([
      'Version',
      'RunPodSandbox',
      'PodSandboxStatus',
      'ImageStatus',
      'PullImage',
      'CreateContainer',
      'StartContainer',
      'ListPodSandbox',
      'PodSandboxStatus',
      'ListContainers',
      'ContainerStatus',
    ]);
    const s = node.status(uid)!;
    expect(s.podIP).toBe('10.244.0.2');
    expect(s.containerStatuses?.[0]).toMatchObject({ name: 'app', ready: true, started: true, restartCount: 0, state: { running: {} } });
    expect(node.kubelet.workerState(uid)).toBe('running');
    expect(node.kubelet.containerRestartState(uid, 'app')).toBe('running');
    expect(node.kubelet.imagePullState(uid, 'busybox:1.36')).toBe('present');
    // The machines the UI draws come from the actors, through the trace.
    expect(node.transitions('pod-worker', 'default/web').map((e) => e.to)).toEqual(['pending', 'creating-sandbox', 'starting-containers', 'running']);
    expect(node.transitions('image-pull').map((e) => e.to)).toEqual(['absent', 'pulling', 'present']);
    expect(node.kubeEvents().map((e) => e.reason)).toEqual(['Pulling', 'Pulled', 'Created', 'Started']);
  });

  it('an app container that crashes is recreated in the same sandbox, keeping the IP', async () => {
    node = await startNode();
    const pod = apiPod('web', { containers: [sleeper()] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    const sandboxId = node.runtime.sandboxOfPod('web', 'default')!.id;
    const from = node.lastSeq();
    node.runtime.crashContainer('web', 'default', 'app', 2);
    await node.until('restarted', () => node!.status(uid)?.containerStatuses?.[0]?.restartCount === 1 && !!node!.status(uid)?.containerStatuses?.[0]?.state?.running);
    expect(node.calls(from)).toEqual([
      // the relist sees the exit
      'ListPodSandbox',
      'PodSandboxStatus',
      'ListContainers',
      'ContainerStatus',
      // SyncPod: same sandbox, new container instance (attempt 1); the image is already there
      'ImageStatus',
      'CreateContainer',
      'StartContainer',
      // the relist sees the new container; the pod container deletor keeps the newest dead one
      'ListPodSandbox',
      'PodSandboxStatus',
      'ListContainers',
      'ContainerStatus',
      'ContainerStatus',
    ]);
    const create = node.requests('CreateContainer', from)[0]!.request as { podSandboxId: string; config: { metadata: { attempt: number }; logPath: string } };
    expect(create.podSandboxId).toBe(sandboxId);
    expect(create.config.metadata.attempt).toBe(1);
    expect(create.config.logPath).toBe('app/1.log');
    const s = node.status(uid)!;
    expect(s.podIP).toBe('10.244.0.2');
    expect(s.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect(node.runtime.sandboxOfPod('web', 'default')!.id).toBe(sandboxId);
    expect(node.requests('RunPodSandbox')).toHaveLength(1);
  });

  it('CrashLoopBackOff: restarts after 0, 10, 20, 40, 80, 160, 300, 300 s from finishedAt', async () => {
    node = await startNode();
    const pod = apiPod('crasher', { containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'exit 1'] }] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('9 starts', () => startTimes(node!).length >= 9, 20 * 60_000);
    const exits = exitTimes(node);
    const starts = startTimes(node);
    const delays = starts.slice(1, 9).map((t, i) => t - exits[i]!);
    const expected = [0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000];
    delays.forEach((d, i) => {
      // The window's end, plus at most the wait for the next relist (1 s).
      expect(d).toBeGreaterThanOrEqual(expected[i]!);
      expect(d).toBeLessThanOrEqual(expected[i]! + 1000);
    });
    // While waiting, the status says CrashLoopBackOff with the kubelet's message.
    const waiting = node.events('pod.status').map((e) => (e as { status: { containerStatuses?: Array<{ state?: { waiting?: { reason?: string; message?: string } } }> } }).status.containerStatuses?.[0]?.state?.waiting).filter((w) => w?.reason === 'CrashLoopBackOff');
    expect(waiting.map((w) => w!.message)).toContain(`back-off 40s restarting failed container=app pod=crasher_default(${uid})`);
    expect(node.kubeEvents('BackOff')[0]!.message).toBe(`Back-off restarting failed container app in pod crasher_default(${uid})`);
    // The container-restart machine shows each back-off with its delay.
    const cl = node.transitions('container-restart', 'default/crasher/app').filter((e) => e.to === 'CrashLoopBackOff').map((e) => e.event);
    expect(cl.slice(0, 4)).toEqual(['SYNC (back-off 10s)', 'SYNC (back-off 20s)', 'SYNC (back-off 40s)', 'SYNC (back-off 1m20s)']);
    expect(node.status(uid)?.containerStatuses?.[0]?.restartCount).toBe(8);
    expect(node.requests('RunPodSandbox')).toHaveLength(1);
  });

  it('a relist that sees two pods start hands each pod its events right after its own inspection (upstream relist)', async () => {
    node = await startNode();
    const pods = [apiPod('aaa', { containers: [sleeper()] }), apiPod('bbb', { containers: [sleeper()] })];
    for (const p of pods) node.kubelet.addPod(p);
    await node.until('both Running', () => pods.every((p) => node!.status(p.metadata!.uid!)?.phase === 'Running'));
    // The first relist after the starts: one inspection per pod, one after the other.
    const inspections = node
      .requests('ListPodSandbox')
      .filter((e) => (e.request as { filter?: unknown }).filter)
      .map((e) => ({ seq: e.seq, uid: (e.request as { filter: { labelSelector: Record<string, string> } }).filter.labelSelector['io.kubernetes.pod.uid'] }));
    expect(inspections.map((i) => i.uid)).toEqual(pods.map((p) => p.metadata!.uid));
    const [first, second] = inspections;
    const secondDone = node.requests('ContainerStatus', second!.seq)[0]!.seq;
    // The first pod's ContainerStarted wakes its worker, which syncs (a decision: nothing to do)
    // while the relist goes on to the second pod: generic.go sends a pod's events as soon as
    // updateCache has inspected it, not after the whole relist.
    const decision = node.events('kubelet.decision').find((e) => e.seq > first!.seq)!;
    expect((decision as { pod: string }).pod).toBe('default/aaa');
    expect(decision.seq).toBeLessThan(secondDone);
  });

  it('the back-off starts over after a container ran for more than 10 minutes', async () => {
    node = await startNode();
    const pod = apiPod('web', { containers: [sleeper()] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    const running = (count: number) => () => node!.status(uid)?.containerStatuses?.[0]?.restartCount === count && !!node!.status(uid)?.containerStatuses?.[0]?.state?.running;
    await node.until('Running', running(0));
    node.runtime.crashContainer('web', 'default', 'app', 1); // first restart: immediate
    await node.until('restart 1', running(1));
    node.runtime.crashContainer('web', 'default', 'app', 1); // second: 10 s
    await node.until('restart 2', running(2));
    node.runtime.crashContainer('web', 'default', 'app', 1); // third: 20 s
    await node.until('restart 3', running(3));
    await node.advance(11 * 60_000); // runs well past the 600 s reset window
    node.runtime.crashContainer('web', 'default', 'app', 1);
    await node.until('restart 4', running(4));
    const exits = exitTimes(node);
    const starts = startTimes(node);
    const delays = starts.slice(1).map((t, i) => t - exits[i]!);
    // 0 (first restart), 10 s, 20 s, then 0 again: the entry expired. Each may take up to one
    // relist period (1 s) longer, the time the PLEG takes to notice the exit.
    [0, 10_000, 20_000, 0].forEach((want, i) => {
      expect(delays[i]).toBeGreaterThanOrEqual(want);
      expect(delays[i]).toBeLessThanOrEqual(want + 1000);
    });
  });

  it('the pause container dies: a new sandbox (attempt 1, new IP), the app container restarted', async () => {
    node = await startNode();
    const pod = apiPod('web', { containers: [sleeper()] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running' && node!.status(uid)?.podIP === '10.244.0.2');
    const oldSandbox = node.runtime.sandboxOfPod('web', 'default')!.id;
    const from = node.lastSeq();
    node.runtime.killPause('web', 'default');
    await node.until('new sandbox', () => node!.status(uid)?.podIP !== undefined && node!.status(uid)?.podIP !== '10.244.0.2' && !!node!.status(uid)?.containerStatuses?.[0]?.state?.running);
    // KillPod (a StopContainer first if the app container outlived the pause process), then the new sandbox.
    const calls = node.calls(from);
    const sync = calls.slice(calls.indexOf('StopPodSandbox'));
    expect(sync.slice(0, 6)).toEqual(['StopPodSandbox', 'RunPodSandbox', 'PodSandboxStatus', 'ImageStatus', 'CreateContainer', 'StartContainer']);
    expect(calls.slice(0, calls.indexOf('StopPodSandbox')).filter((m) => m !== 'StopContainer')).toEqual(['ListPodSandbox', 'PodSandboxStatus', 'ListContainers', 'ContainerStatus']);
    const run = node.requests('RunPodSandbox', from)[0]!.request as { config: { metadata: { attempt: number } } };
    expect(run.config.metadata.attempt).toBe(1);
    expect((node.requests('StopPodSandbox', from)[0]!.request as { podSandboxId: string }).podSandboxId).toBe(oldSandbox);
    expect(node.kubeEvents('SandboxChanged')[0]!.message).toBe('Pod sandbox changed, it will be killed and re-created.');
    const s = node.status(uid)!;
    expect(s.podIP).toBe('10.244.0.3');
    expect(s.containerStatuses?.[0]?.restartCount).toBe(1);
    expect(node.runtime.sandboxOfPod('web', 'default')!.id).not.toBe(oldSandbox);
    // The old sandbox stays while the newest dead instance of `app` (kept by the GC) belongs to it.
    await node.advance(70_000);
    expect(node.runtime.store.sandboxes.has(oldSandbox)).toBe(true);
    // Once a newer dead instance exists, the old one goes, and then the old sandbox with it.
    node.runtime.crashContainer('web', 'default', 'app', 1);
    await node.until('old sandbox collected', () => !node!.runtime.store.sandboxes.has(oldSandbox), 70_000);
    expect(node.runtime.leaks()).toMatchObject({ sandboxes: 1, netns: 1, ips: 1 });
  });

  it('restartPolicy Never: a failed container is not restarted and the pod ends Failed', async () => {
    node = await startNode();
    const pod = apiPod('job', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 2; exit 3'] }] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Failed', () => node!.status(uid)?.phase === 'Failed');
    await node.advance(60_000);
    expect(node.requests('StartContainer')).toHaveLength(1);
    expect(node.requests('StopPodSandbox').length).toBeGreaterThanOrEqual(1);
    expect(node.kubelet.workerState(uid)).toBe('terminated');
    const s = node.status(uid)!;
    expect(s.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodFailed' });
  });

  it('restartPolicy OnFailure: exit 1 restarts, exit 0 completes the pod (Succeeded)', async () => {
    node = await startNode();
    const pod = apiPod('job', {
      restartPolicy: 'OnFailure',
      containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 30; exit 0'] }],
    });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    node.runtime.crashContainer('job', 'default', 'app', 1);
    await node.until('Succeeded', () => node!.status(uid)?.phase === 'Succeeded', 5 * 60_000);
    expect(node.requests('StartContainer')).toHaveLength(2);
    expect(node.kubelet.workerState(uid)).toBe('terminated');
    const s = node.status(uid)!;
    expect(s.containerStatuses?.[0]).toMatchObject({ restartCount: 1, state: { terminated: { exitCode: 0, reason: 'Completed' } }, lastState: { terminated: { exitCode: 1 } } });
    expect(s.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    await node.advance(30_000);
    expect(node.requests('StartContainer')).toHaveLength(2);
  });
});
