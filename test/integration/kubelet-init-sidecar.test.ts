import { afterEach, describe, expect, it } from 'vitest';
import { apiPod, sleeper, startNode, type TestNode } from './kubelet-harness.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

/** Container names of the CreateContainer requests, in order. */
const created = (n: TestNode, from = 0) => n.requests('CreateContainer', from).map((e) => (e.request as { config: { metadata: { name: string } } }).config.metadata.name);

// Long simulated runs take seconds of real time; a shared, busy machine needs room.
describe('kubelet: init containers and sidecars', { timeout: 180_000 }, () => {
  it('init containers run one at a time, in order, before the app container', async () => {
    node = await startNode();
    const pod = apiPod('web', {
      initContainers: [
        { name: 'init-a', image: 'busybox:1.36', command: ['sh', '-c', 'echo a; sleep 2'] },
        { name: 'init-b', image: 'busybox:1.36', command: ['sh', '-c', 'echo b; sleep 3'] },
      ],
      containers: [sleeper()],
    });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    // While init-a runs, the pod is Pending and the app waits with PodInitializing.
    await node.until('init-a running', () => !!node!.status(uid)?.initContainerStatuses?.[0]?.state?.running);
    const pending = node.status(uid)!;
    expect(pending.phase).toBe('Pending');
    expect(pending.containerStatuses?.[0]?.state?.waiting?.reason).toBe('PodInitializing');
    expect(pending.conditions?.find((c) => c.type === 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init-a init-b]' });
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    expect(created(node)).toEqual(['init-a', 'init-b', 'app']);
    const starts = node.requests('StartContainer').map((e) => e.t);
    const exits = node.transitions('container').filter((e) => e.to === 'CONTAINER_EXITED').map((e) => e.t);
    // Each starts only after the previous one exited (0), seen by the next relist.
    expect(starts[1]!).toBeGreaterThanOrEqual(exits[0]!);
    expect(starts[2]!).toBeGreaterThanOrEqual(exits[1]!);
    const s = node.status(uid)!;
    expect(s.initContainerStatuses?.map((c) => c.state?.terminated?.reason)).toEqual(['Completed', 'Completed']);
    expect(s.conditions?.find((c) => c.type === 'Initialized')?.status).toBe('True');
    expect(node.kubelet.workerState(uid)).toBe('running');
    expect(node.transitions('pod-worker', 'default/web').map((e) => e.to)).toEqual(expect.arrayContaining(['creating-sandbox', 'initializing', 'starting-containers', 'running']));
  });

  it('a failed init container is restarted with back-off; with restartPolicy Never the pod fails', async () => {
    node = await startNode();
    const pod = apiPod('never', { restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'exit 7'] }], containers: [sleeper()] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Failed', () => node!.status(uid)?.phase === 'Failed');
    expect(created(node)).toEqual(['init']);
    expect(node.status(uid)!.initContainerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 7, reason: 'Error' });

    const always = apiPod('always', { initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'exit 7'] }], containers: [sleeper()] });
    node.kubelet.addPod(always);
    await node.until('CrashLoopBackOff', () => node!.status(always.metadata!.uid!)?.initContainerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff');
    expect(node.status(always.metadata!.uid!)!.phase).toBe('Pending');
  });

  it('a sidecar starts before the app, keeps running beside it, restarts when it exits, and stops after the app', async () => {
    node = await startNode();
    const pod = apiPod('web', {
      terminationGracePeriodSeconds: 10,
      initContainers: [{ name: 'proxy', image: 'busybox:1.36', restartPolicy: 'Always', command: ['sh', '-c', 'while true; do sleep 3600; done'] }],
      containers: [sleeper()],
    });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running' && node!.status(uid)?.conditions?.find((c) => c.type === 'Ready')?.status === 'True');
    expect(created(node)).toEqual(['proxy', 'app']);
    const s = node.status(uid)!;
    expect(s.initContainerStatuses?.[0]).toMatchObject({ name: 'proxy', started: true, ready: true, state: { running: {} } });
    // The sidecar exits: it is restarted while the app keeps running.
    const from = node.lastSeq();
    node.runtime.crashContainer('web', 'default', 'proxy', 1);
    await node.until('proxy restarted', () => node!.status(uid)?.initContainerStatuses?.[0]?.restartCount === 1 && !!node!.status(uid)?.initContainerStatuses?.[0]?.state?.running);
    expect(created(node, from)).toEqual(['proxy']);
    expect(node.status(uid)!.containerStatuses?.[0]?.restartCount).toBe(0);
    // Deletion: the app container is stopped first, the sidecar after it.
    const del = node.lastSeq();
    node.kubelet.deletePod(uid);
    await node.until('terminated', () => node!.kubelet.workerState(uid) === 'terminated');
    const stopped = node.requests('StopContainer', del).map((e) => (e.request as { containerId: string }).containerId);
    const names = new Map<string, string>();
    const reqs = new Map(node.requests('CreateContainer').map((e) => [e.callId, (e.request as { config: { metadata: { name: string } } }).config.metadata.name]));
    for (const r of node.responses('CreateContainer')) names.set((r.response as { containerId: string }).containerId, reqs.get(r.callId) ?? '');
    const name = (id: string) => names.get(id);
    expect(stopped.map(name)).toEqual(['app', 'proxy']);
    expect(node.calls(del).filter((m) => m.startsWith('Stop'))).toEqual(['StopContainer', 'StopContainer', 'StopPodSandbox']);
    // The app ignored SIGTERM and used the whole grace period (10 s); the sidecar got what was left (at least 2 s).
    const timeouts = node.requests('StopContainer', del).map((e) => Number((e.request as { timeout: string | number }).timeout));
    expect(timeouts).toEqual([10, 2]);
  });
});
