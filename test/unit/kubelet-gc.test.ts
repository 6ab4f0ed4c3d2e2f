import { describe, expect, it } from 'vitest';
import type { CriClient } from '../../src/cri/client.js';
import { GarbageCollector, type GcPolicy } from '../../src/kubelet/gc.js';
import { PodCache } from '../../src/kubelet/pod-cache.js';
import type { RuntimeManager } from '../../src/kubelet/runtime-manager.js';

interface C {
  id: string;
  uid: string;
  name: string;
  state: string;
  createdAt: number;
  sandbox: string;
}
interface S {
  id: string;
  uid: string;
  state: string;
  createdAt: number;
}

function gc(containers: C[], sandboxes: S[], removedPods: string[], policy?: Partial<GcPolicy>) {
  const log: string[] = [];
  const cri = {
    runtime: {
      ListContainers: async () => ({
        containers: containers.map((c) => ({ id: c.id, podSandboxId: c.sandbox, state: c.state, createdAt: String(c.createdAt * 1e6), labels: { 'io.kubernetes.pod.uid': c.uid, 'io.kubernetes.container.name': c.name }, metadata: { name: c.name } })),
      }),
      ListPodSandbox: async () => ({ items: sandboxes.map((s) => ({ id: s.id, state: s.state, createdAt: String(s.createdAt * 1e6), labels: { 'io.kubernetes.pod.uid': s.uid }, metadata: { uid: s.uid } })) }),
    },
  } as unknown as CriClient;
  const manager = {
    removeContainer: async (id: string) => void log.push(`RemoveContainer ${id}`),
    stopContainer: async (id: string) => void log.push(`StopContainer ${id}`),
    removeSandbox: async (id: string) => void log.push(`RemoveSandbox ${id}`),
  } as unknown as RuntimeManager;
  const collector = new GarbageCollector(manager, cri, new PodCache(), (uid) => removedPods.includes(uid), {}, { minAgeMs: 0, maxPerPodContainer: 1, maxContainers: -1, ...policy }, () => 10_000);
  return { collector, log };
}

describe('GarbageCollector (kuberuntime_gc.go)', () => {
  it('keeps the newest dead instance per container of a live pod, and the sandboxes still in use', async () => {
    const { collector, log } = gc(
      [
        { id: 'a0', uid: 'p', name: 'app', state: 'CONTAINER_EXITED', createdAt: 1, sandbox: 's0' },
        { id: 'a1', uid: 'p', name: 'app', state: 'CONTAINER_EXITED', createdAt: 2, sandbox: 's1' },
        { id: 'a2', uid: 'p', name: 'app', state: 'CONTAINER_EXITED', createdAt: 3, sandbox: 's1' },
        { id: 'a3', uid: 'p', name: 'app', state: 'CONTAINER_RUNNING', createdAt: 4, sandbox: 's2' },
        { id: 'x0', uid: 'p', name: 'side', state: 'CONTAINER_UNKNOWN', createdAt: 1, sandbox: 's0' },
        { id: 'x1', uid: 'p', name: 'side', state: 'CONTAINER_EXITED', createdAt: 2, sandbox: 's1' },
      ],
      [
        { id: 's0', uid: 'p', state: 'SANDBOX_NOTREADY', createdAt: 1 },
        { id: 's1', uid: 'p', state: 'SANDBOX_NOTREADY', createdAt: 2 },
        { id: 's2', uid: 'p', state: 'SANDBOX_READY', createdAt: 3 },
      ],
      [],
    );
    await collector.collect();
    // a2 and x1 are the newest dead ones and stay; s1 still holds them; s0 holds nothing any more.
    expect(log).toEqual(['RemoveContainer a1', 'RemoveContainer a0', 'StopContainer x0', 'RemoveContainer x0', 'RemoveSandbox s0']);
  });

  it('removes everything dead of a removed pod, including its newest sandbox', async () => {
    const { collector, log } = gc(
      [{ id: 'a0', uid: 'gone', name: 'app', state: 'CONTAINER_EXITED', createdAt: 1, sandbox: 's0' }],
      [
        { id: 's0', uid: 'gone', state: 'SANDBOX_NOTREADY', createdAt: 1 },
        { id: 's1', uid: 'gone', state: 'SANDBOX_NOTREADY', createdAt: 2 },
        { id: 'l0', uid: 'live', state: 'SANDBOX_NOTREADY', createdAt: 1 },
      ],
      ['gone'],
    );
    await collector.collect();
    // Oldest first, as upstream walks the newest-first list from its end.
    expect(log).toEqual(['RemoveContainer a0', 'RemoveSandbox s0', 'RemoveSandbox s1']);
  });

  it('MaxContainers caps dead containers node-wide, oldest first; MinAge spares young ones', async () => {
    const dead = (id: string, uid: string, createdAt: number): C => ({ id, uid, name: 'app', state: 'CONTAINER_EXITED', createdAt, sandbox: `s-${uid}` });
    const capped = gc([dead('a', 'p1', 1), dead('b', 'p2', 2), dead('c', 'p3', 3)], [], [], { maxContainers: 1 });
    await capped.collector.collect();
    expect(capped.log).toEqual(['RemoveContainer b', 'RemoveContainer a']);
    const young = gc([dead('a', 'p1', 1), dead('b', 'p1', 9_500)], [], [], { minAgeMs: 1000, maxPerPodContainer: 0 });
    await young.collector.collect();
    expect(young.log).toEqual(['RemoveContainer a']);
  });
});
