import { afterEach, describe, expect, it } from 'vitest';
import { apiPod, startNode, type TestNode } from './kubelet-harness.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const ready = (n: TestNode, uid: string) => n.status(uid)?.conditions?.find((c) => c.type === 'Ready')?.status;

// Long simulated runs take seconds of real time; a shared, busy machine needs room.
describe('kubelet: probes', { timeout: 180_000 }, () => {
  it('liveness: three failed exec probes in a row kill the container, which is restarted', async () => {
    node = await startNode();
    const pod = apiPod('web', {
      containers: [
        {
          name: 'app',
          image: 'busybox:1.36',
          command: ['sh', '-c', 'touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600'],
          livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 5, failureThreshold: 3 },
        },
      ],
    });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    const started = node.requests('StartContainer')[0]!.t;
    await node.until('restarted', () => node!.status(uid)?.containerStatuses?.[0]?.restartCount === 1, 120_000);
    const execs = node.requests('ExecSync').map((e) => e.request as { cmd: string[]; timeout: string | number });
    expect(execs[0]).toMatchObject({ cmd: ['cat', '/tmp/healthy'] });
    expect(Number(execs[0]!.timeout)).toBe(1);
    const unhealthy = node.kubeEvents('Unhealthy');
    expect(unhealthy).toHaveLength(3);
    expect(unhealthy[0]!.message).toBe("Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory");
    expect(node.kubeEvents('Killing')[0]!.message).toBe('Container app failed liveness probe, will be restarted');
    // Failures at ~35, 40, 45 s after the start; the kill follows the third.
    const kill = node.requests('StopContainer')[0]!;
    expect(kill.t - started).toBeGreaterThanOrEqual(40_000);
    expect(kill.t - started).toBeLessThanOrEqual(50_000);
    expect(Number((kill.request as { timeout: string | number }).timeout)).toBe(30);
    expect(node.requests('RunPodSandbox')).toHaveLength(1);
  });

  it('failNext: the fault API makes a passing liveness probe fail, with Unhealthy events', async () => {
    node = await startNode();
    const pod = apiPod('web', {
      containers: [{ name: 'app', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600'], livenessProbe: { exec: { command: ['true'] } } }],
    });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    await node.advance(25_000);
    expect(node.kubeEvents('Unhealthy')).toHaveLength(0);
    node.kubelet.prober.failNext(uid, 'app', 'liveness', 3);
    await node.until('restarted', () => node!.status(uid)?.containerStatuses?.[0]?.restartCount === 1 && !!node!.status(uid)?.containerStatuses?.[0]?.state?.running, 120_000);
    expect(node.kubeEvents('Unhealthy').map((e) => e.message)).toEqual(Array(3).fill('Liveness probe failed: crilab fault: liveness probe made to fail'));
    // Used up: the new container's probes pass again.
    await node.advance(60_000);
    expect(node.status(uid)?.containerStatuses?.[0]?.restartCount).toBe(1);
  });

  it('readiness gates Ready: not ready until the probe passes, unready again while it fails, no restart', async () => {
    node = await startNode();
    const pod = apiPod('web', {
      containers: [
        {
          name: 'app',
          image: 'busybox:1.36',
          command: ['sh', '-c', 'sleep 20; touch /tmp/ready; sleep 3600'],
          readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 5 },
        },
      ],
    });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    expect(ready(node, uid)).toBe('False');
    expect(node.status(uid)!.conditions?.find((c) => c.type === 'ContainersReady')).toMatchObject({ reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    await node.until('Ready', () => ready(node!, uid) === 'True', 60_000);
    node.kubelet.prober.failNext(uid, 'app', 'readiness');
    await node.until('unready', () => ready(node!, uid) === 'False', 60_000);
    expect(node.kubeEvents('Unhealthy').at(-1)!.message).toBe('Readiness probe failed: crilab fault: readiness probe made to fail');
    node.kubelet.prober.clearFault(uid, 'app', 'readiness');
    await node.until('Ready again', () => ready(node!, uid) === 'True', 60_000);
    expect(node.requests('StopContainer')).toHaveLength(0);
    expect(node.status(uid)!.containerStatuses?.[0]?.restartCount).toBe(0);
  });

  it('a startup probe holds the liveness probe back until it succeeds; then the container is started', async () => {
    node = await startNode();
    const pod = apiPod('web', {
      containers: [
        {
          name: 'app',
          image: 'busybox:1.36',
          command: ['sh', '-c', 'sleep 25; touch /tmp/up; sleep 3600'],
          startupProbe: { exec: { command: ['cat', '/tmp/up'] }, periodSeconds: 10, failureThreshold: 5 },
          livenessProbe: { exec: { command: ['true'] }, periodSeconds: 10 },
        },
      ],
    });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    expect(node.status(uid)!.containerStatuses?.[0]?.started).toBe(false);
    await node.until('started', () => node!.status(uid)?.containerStatuses?.[0]?.started === true, 90_000);
    const cmds = node.requests('ExecSync').map((e) => (e.request as { cmd: string[] }).cmd[0]);
    const firstLiveness = cmds.indexOf('true');
    expect(cmds.slice(0, firstLiveness === -1 ? undefined : firstLiveness).every((c) => c === 'cat')).toBe(true);
    await node.advance(30_000);
    expect(node.requests('ExecSync').map((e) => (e.request as { cmd: string[] }).cmd[0])).toContain('true');
    expect(node.status(uid)!.containerStatuses?.[0]?.restartCount).toBe(0);
  });
});
