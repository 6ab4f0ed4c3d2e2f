import { afterEach, describe, expect, it } from 'vitest';
import { apiPod, sleeper, startNode, type TestNode } from './kubelet-harness.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

// Long simulated runs take seconds of real time; a shared, busy machine needs room.
describe('kubelet: a pod the kubelet rejects never reaches the runtime', { timeout: 180_000 }, () => {
  it('a host port conflict: phase Failed, reason NodePorts, "Pod was rejected: …", a Warning event', async () => {
    node = await startNode();
    const withPort = (name: string) => apiPod(name, { containers: [{ ...sleeper(), ports: [{ containerPort: 80, hostPort: 8080 }] }] });
    const first = withPort('first');
    const second = withPort('second');
    node.kubelet.addPod(first);
    await node.until('Running', () => node!.status(first.metadata!.uid!)?.phase === 'Running');
    const from = node.lastSeq();
    node.kubelet.addPod(second);
    expect(node.status(second.metadata!.uid!)).toEqual({
      phase: 'Failed',
      reason: 'NodePorts',
      message: "Pod was rejected: Predicate NodePorts failed: node(s) didn't have free ports for the requested pod ports",
    });
    expect(node.kubeEvents('NodePorts')).toMatchObject([{ pod: 'default/second', type: 'Warning' }]);
    await node.advance(5000);
    expect(node.calls(from).filter((m) => m === 'RunPodSandbox')).toEqual([]);
    const run = node.requests('RunPodSandbox')[0]!.request as { config: { portMappings: unknown[] } };
    expect(run.config.portMappings).toEqual([expect.objectContaining({ containerPort: 80, hostPort: 8080 })]);
  });

  it('a nodeSelector the node does not match: rejected with NodeAffinity', async () => {
    node = await startNode({ kubelet: { nodeLabels: { zone: 'a' } } });
    const pod = apiPod('picky', { nodeSelector: { zone: 'b' }, containers: [sleeper()] });
    node.kubelet.addPod(pod);
    expect(node.status(pod.metadata!.uid!)).toMatchObject({ phase: 'Failed', reason: 'NodeAffinity' });
    const ok = apiPod('fine', { nodeSelector: { zone: 'a', 'kubernetes.io/hostname': 'node-1' }, containers: [sleeper()] });
    node.kubelet.addPod(ok);
    await node.until('Running', () => node!.status(ok.metadata!.uid!)?.phase === 'Running');
  });
});
