import { afterEach, describe, expect, it } from 'vitest';
import { GenericPleg, type PlegEvent } from '../../src/kubelet/pleg.js';
import { KubernetesPodUIDLabel } from '../../src/kubelet/labels.js';
import { startNode, type TestNode } from './kubelet-harness.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

/** A running pod made by plain CRI calls (the kubelet is not started): a sandbox and one container. */
async function runPod(n: TestNode, name: string, uid: string): Promise<{ sandbox: string; container: string }> {
  const config = { metadata: { name, namespace: 'default', uid, attempt: 0 }, labels: { [KubernetesPodUIDLabel]: uid } };
  const { podSandboxId } = await n.cri.runtime.RunPodSandbox({ config });
  await n.cri.image.PullImage({ image: { image: 'busybox:1.36' } });
  const { containerId } = await n.cri.runtime.CreateContainer({
    podSandboxId,
    config: { metadata: { name: 'app', attempt: 0 }, image: { image: 'busybox:1.36' }, command: ['sleep', '3600'], labels: { [KubernetesPodUIDLabel]: uid } },
    sandboxConfig: config,
  });
  await n.cri.runtime.StartContainer({ containerId });
  return { sandbox: podSandboxId, container: containerId };
}

describe('generic PLEG relist, over gRPC on the simulated runtime', () => {
  it('a pod whose inspection fails gets no events, and the next relist sees the same change and inspects it again', async () => {
    node = await startNode({ start: false });
    const a = await runPod(node, 'aaa', 'uid-a');
    const b = await runPod(node, 'bbb', 'uid-b');
    const log: string[] = [];
    let failA = true;
    const pleg = new GenericPleg(node.cri, node.clock, {
      inspectPod: async (uid) => {
        log.push(`inspect ${uid}`);
        if (uid === 'uid-a' && failA) {
          failA = false;
          throw new Error('rpc error: code = Unavailable');
        }
      },
      relisted: () => log.push('relisted'),
      onEvent: (e: PlegEvent) => log.push(`${e.type} ${e.podUid} ${e.data === a.container || e.data === b.container ? 'container' : 'sandbox'}`),
    });
    await pleg.relist();
    // Each pod's events come right after its own inspection; the failed pod's are dropped.
    expect(log).toEqual(['inspect uid-a', 'inspect uid-b', 'ContainerStarted uid-b sandbox', 'ContainerStarted uid-b container', 'relisted']);
    log.length = 0;
    await pleg.relist();
    expect(log).toEqual(['inspect uid-a', 'ContainerStarted uid-a sandbox', 'ContainerStarted uid-a container', 'relisted']);
    log.length = 0;
    await pleg.relist();
    expect(log).toEqual(['relisted']);
  });
});
