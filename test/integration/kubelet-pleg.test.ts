import { afterEach, describe, expect, it } from 'vitest';
import { GenericPleg, type PlegEvent } from '../../src/kubelet/pleg.js';
import { startNode, type TestNode } from './kubelet-harness.js';
import { runPod } from './runtime-helpers.js';

let node: TestNode | undefined;
afterEach(async () => {
  await node?.close();
  node = undefined;
});

describe('generic PLEG relist, over gRPC on the simulated runtime', () => {
  it('a pod whose inspection fails gets no events, and the next relist sees the same change and inspects it again', async () => {
    // Two running pods made by plain CRI calls (the kubelet is not started).
    node = await startNode({ start: false });
    const a = await runPod(node.cri, 'aaa', ['sleep', '3600']);
    const b = await runPod(node.cri, 'bbb', ['sleep', '3600']);
    const [uidA, uidB] = [a.config.metadata!.uid!, b.config.metadata!.uid!];
    const log: string[] = [];
    let failA = true;
    const pleg = new GenericPleg(node.cri, node.clock, {
      inspectPod: async (uid) => {
        log.push(`inspect ${uid}`);
        if (uid === uidA && failA) {
          failA = false;
          throw new Error('rpc error: code = Unavailable');
        }
      },
      relisted: () => log.push('relisted'),
      onEvent: (e: PlegEvent) => log.push(`${e.type} ${e.podUid} ${e.data === a.containerId || e.data === b.containerId ? 'container' : 'sandbox'}`),
    });
    await pleg.relist();
    // Each pod's events come right after its own inspection; the failed pod's are dropped.
    expect(log).toEqual([`inspect ${uidA}`, `inspect ${uidB}`, `ContainerStarted ${uidB} sandbox`, `ContainerStarted ${uidB} container`, 'relisted']);
    log.length = 0;
    await pleg.relist();
    expect(log).toEqual([`inspect ${uidA}`, `ContainerStarted ${uidA} sandbox`, `ContainerStarted ${uidA} container`, 'relisted']);
    log.length = 0;
    await pleg.relist();
    expect(log).toEqual(['relisted']);
  });
});
