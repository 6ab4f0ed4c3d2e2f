import { afterEach, describe, expect, it } from 'vitest';
import type { NodeCondition } from 'kubernetes-types/core/v1.js';
import type { KubeletNodeStatus } from '../../src/kubelet/kubelet.js';
import { apiPod, sleeper, startNode, type TestNode } from './kubelet-harness.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

const nodeStatuses = (n: TestNode) => n.events('node.status').map((e) => (e as unknown as { status: KubeletNodeStatus }).status);
const ready = (s: KubeletNodeStatus) => s.conditions?.find((c: NodeCondition) => c.type === 'Ready');

// Long simulated runs take seconds of real time; a shared, busy machine needs room.
describe('kubelet: node status and PLEG health', { timeout: 180_000 }, () => {
  it('reports Ready with the API conditions, Ready last', async () => {
    node = await startNode();
    const first = nodeStatuses(node)[0]!;
    expect(first.conditions?.map((c) => `${c.type}=${c.status}:${c.reason}`)).toEqual([
      'MemoryPressure=False:KubeletHasSufficientMemory',
      'DiskPressure=False:KubeletHasNoDiskPressure',
      'PIDPressure=False:KubeletHasSufficientPID',
      'Ready=True:KubeletReady',
    ]);
    expect(ready(first)?.message).toBe('kubelet is posting ready status');
    expect(first).toMatchObject({ nodeName: 'node-1', ready: true, runtimeReady: true, networkReady: true, plegHealthy: true });
    expect(first.nodeInfo?.containerRuntimeVersion).toMatch(/^containerd:\/\//);
    // Nothing changes: no new node.status until the 5-minute report (a heartbeat).
    await node.advance(4 * 60_000);
    expect(nodeStatuses(node)).toHaveLength(1);
    await node.advance(70_000);
    expect(nodeStatuses(node)).toHaveLength(2);
  });

  it('the runtime stops answering: "container runtime is down" after 30 s, "PLEG is not healthy" after 3 min, node NotReady; pods wait', async () => {
    node = await startNode();
    const pod = apiPod('web', { containers: [sleeper()] });
    const uid = pod.metadata!.uid!;
    node.kubelet.addPod(pod);
    await node.until('Running', () => node!.status(uid)?.phase === 'Running');
    const t0 = node.clock.now();
    await node.runtime.stopServing();
    await node.until('runtime down', () => nodeStatuses(node!).some((s) => !s.ready), 60_000);
    const down = nodeStatuses(node).find((s) => !s.ready)!;
    expect(ready(down)).toMatchObject({ status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down' });
    const tDown = node.events('node.status').find((e) => !(e as unknown as { status: KubeletNodeStatus }).status.ready)!.t;
    // 30 s after the last successful Status (polled every 5 s), seen at the next node status update (every 10 s).
    expect(tDown - t0).toBeGreaterThanOrEqual(25_000);
    expect(tDown - t0).toBeLessThanOrEqual(40_000);
    await node.until('PLEG unhealthy', () => nodeStatuses(node!).some((s) => !s.plegHealthy), 5 * 60_000);
    const pleg = nodeStatuses(node).find((s) => !s.plegHealthy)!;
    expect(ready(pleg)!.message).toMatch(/^\[container runtime is down, PLEG is not healthy: pleg was last seen active 3m\d+(\.\d+)?s ago; threshold is 3m0s\]$/);
    const tPleg = node.events('node.status').find((e) => !(e as unknown as { status: KubeletNodeStatus }).status.plegHealthy)!.t;
    expect(tPleg - t0).toBeGreaterThanOrEqual(179_000);
    expect(tPleg - t0).toBeLessThanOrEqual(191_000);
    expect(node.kubelet.nodeStatus()!.ready).toBe(false);
    // Meanwhile no pod was synced: the only calls were the failing relists and Status polls.
    const methods = new Set(node.requests('StartContainer').concat(node.requests('RunPodSandbox')).filter((e) => e.t > t0).map((e) => e.method));
    expect(methods.size).toBe(0);
  });
});
