import { afterEach, describe, expect, it } from 'vitest';
import { apiPod, sleeper, startNode, type TestNode } from './kubelet-harness.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

// Long simulated runs take seconds of real time; a shared, busy machine needs room.
describe('kubelet: termination, lifecycle hooks, garbage collection', { timeout: 180_000 }, () => {
  it('graceful deletion: preStop hook, StopContainer with the grace left, StopPodSandbox, then GC removes everything', async () => {
    node = await startNode();
    const pod = apiPod('web', {
      terminationGracePeriodSeconds: 20,
      containers: [
        {
          name: 'app',
          image: 'busybox:1.36',
          command: ['sh', '-c', "trap 'echo bye; exit 0' TERM; while true; do sleep 1 & wait; done"],
          lifecycle: { preStop: { exec: { command: ['sh', '-c', 'sleep 3'] } } },
        },
      ],
    });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    const from = node.lastSeq();
    const t0 = node.clock.now();
    node.kubelet.deletePod(uid);
    await node.until('terminated', () => node!.kubelet.workerState(uid) === 'terminated');
    const calls = node.calls(from).filter((m) => !m.startsWith('List') && m !== 'PodSandboxStatus' && m !== 'ContainerStatus');
    expect(calls.slice(0, 3)).toEqual(['ExecSync', 'StopContainer', 'StopPodSandbox']);
    expect(node.requests('ExecSync', from)[0]!.request).toMatchObject({ cmd: ['sh', '-c', 'sleep 3'] });
    const stop = node.requests('StopContainer', from)[0]!;
    // The worker acts on the deletion with a pod status newer than its last sync (the next relist, ≤ 1 s).
    const hook = node.requests('ExecSync', from)[0]!;
    expect(hook.t - t0).toBeLessThanOrEqual(1000);
    // The hook used 3 of the 20 s.
    expect(stop.t - hook.t).toBe(3000);
    expect(Number((stop.request as { timeout: string | number }).timeout)).toBe(17);
    expect(node.kubeEvents('Killing').at(-1)!.message).toBe('Stopping container app');
    expect(node.transitions('pod-worker', 'default/web').slice(-2).map((e) => `${e.event} → ${e.to}`)).toEqual(['TERMINATE (pod deleted) → terminating', 'CONTAINERS_STOPPED → terminated']);
    // The relist sees the exit; the container deletor removes the dead container of a deleted pod,
    // and the GC's next pass the stopped sandbox.
    await node.until('all gone', () => node!.runtime.store.sandboxes.size === 0 && node!.runtime.store.containers.size === 0, 90_000);
    expect(node.runtime.leaks()).toEqual({ sandboxes: 0, containers: 0, ips: 0, netns: 0 });
    expect(node.status(uid)!.phase).toBe('Succeeded');
  });

  it('a preStop hook longer than the grace period: the kubelet stops waiting and gives StopContainer the 2 s minimum', async () => {
    node = await startNode();
    const pod = apiPod('web', { terminationGracePeriodSeconds: 5, containers: [{ ...sleeper(), lifecycle: { preStop: { exec: { command: ['sleep', '100'] } } } }] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    const t0 = node.clock.now();
    node.kubelet.deletePod(uid);
    await node.until('terminated', () => node!.kubelet.workerState(uid) === 'terminated');
    const stop = node.requests('StopContainer')[0]!;
    const hook = node.requests('ExecSync')[0]!;
    expect(hook.t - t0).toBeLessThanOrEqual(1000);
    expect(stop.t - hook.t).toBe(5000);
    expect(Number((stop.request as { timeout: string | number }).timeout)).toBe(2);
  });

  it('a deletion grace period overrides the pod spec', async () => {
    node = await startNode();
    const pod = apiPod('web', { terminationGracePeriodSeconds: 30, containers: [sleeper()] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    node.kubelet.deletePod(uid, 4);
    await node.until('terminated', () => node!.kubelet.workerState(uid) === 'terminated');
    expect(Number((node.requests('StopContainer')[0]!.request as { timeout: string | number }).timeout)).toBe(4);
    expect(node.responses('StopContainer')[0]!.durationMs).toBe(4000);
  });

  it('a failing postStart hook: FailedPostStartHook, the container is killed and restarted with back-off', async () => {
    node = await startNode();
    const pod = apiPod('web', { containers: [{ ...sleeper(), lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo oops; exit 1'] } } } }] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('second start', () => node!.requests('StartContainer').length >= 2, 60_000);
    expect(node.calls().slice(1, 9)).toEqual(['RunPodSandbox', 'PodSandboxStatus', 'ImageStatus', 'PullImage', 'CreateContainer', 'StartContainer', 'ExecSync', 'StopContainer']);
    const failed = node.kubeEvents('FailedPostStartHook')[0]!.message;
    expect(failed).toBe(`Exec lifecycle hook ([sh -c echo oops; exit 1]) for Container "app" in Pod "web_default(${uid})" failed - error: command 'sh -c echo oops; exit 1' exited with 1: , message: "oops\\n"`);
    expect(node.kubeEvents('Killing')[0]!.message).toBe('FailedPostStartHook');
    const reasons = node.events('pod.status').map((e) => (e as unknown as { status: { containerStatuses?: Array<{ state?: { waiting?: { reason?: string } } }> } }).status.containerStatuses?.[0]?.state?.waiting?.reason);
    expect(reasons).toContain('PostStartHookError');
  });

  it('dead containers: the container deletor keeps only the newest dead instance of each container', async () => {
    node = await startNode();
    const pod = apiPod('web', { containers: [sleeper()] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    for (let i = 1; i <= 3; i++) {
      await node.until(`running ${i - 1}`, () => node!.status(uid)?.containerStatuses?.[0]?.restartCount === i - 1 && !!node!.status(uid)?.containerStatuses?.[0]?.state?.running, 120_000);
      node.runtime.crashContainer('web', 'default', 'app', 1);
    }
    await node.until('running 3', () => node!.status(uid)?.containerStatuses?.[0]?.restartCount === 3 && !!node!.status(uid)?.containerStatuses?.[0]?.state?.running, 120_000);
    await node.advance(3000);
    const states = [...node.runtime.store.containers.values()].map((c) => c.state).sort();
    expect(states).toEqual(['CONTAINER_EXITED', 'CONTAINER_RUNNING']);
    expect(node.requests('RemoveContainer')).toHaveLength(2);
  });
});
