import { MaxPerPodContainerCount } from './constants.js';
import type { PodCache } from './pod-cache.js';
import type { RuntimeManager } from './runtime-manager.js';

/**
 * Garbage collection of dead containers and sandboxes (upstream kuberuntime_gc.go and
 * pod_container_deletor.go). Every minute: for pods that are gone, remove every dead container
 * and then their sandboxes (StopPodSandbox, RemovePodSandbox); for live pods, keep the newest
 * dead instance of each container (MaxPerPodContainerCount = 1) and the newest sandbox.
 */
export class GarbageCollector {
  constructor(
    private readonly manager: RuntimeManager,
    private readonly cache: PodCache,
    private readonly livePods: () => Set<string>,
    private readonly terminated: Set<string>,
  ) {}

  /** pod_container_deletor: on ContainerDied, remove dead instances of that container beyond the newest one. */
  async onContainerDied(podUid: string, containerId: string): Promise<void> {
    const status = this.cache.get(podUid);
    const died = status?.containers.find((c) => c.id === containerId);
    if (!status || !died) return;
    const dead = status.containers
      .filter((c) => c.name === died.name && c.state === 'exited')
      .sort((a, b) => (BigInt(b.createdAt) > BigInt(a.createdAt) ? 1 : -1));
    const keep = this.terminated.has(podUid) ? 0 : 1;
    for (const c of dead.slice(keep)) {
      await this.manager.removeContainer(c.id).catch(() => undefined);
    }
  }

  async collect(): Promise<void> {
    const live = this.livePods();
    for (const uid of new Set([...live, ...this.terminated])) {
      const status = this.cache.get(uid);
      if (!status) continue;
      const removeAll = this.terminated.has(uid);
      const byName = new Map<string, typeof status.containers>();
      for (const c of status.containers) {
        if (c.state === 'running' || c.state === 'created' || c.state === 'unknown') continue;
        byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
      }
      for (const dead of byName.values()) {
        dead.sort((a, b) => b.attempt - a.attempt);
        for (const c of dead.slice(removeAll ? 0 : MaxPerPodContainerCount)) {
          await this.manager.removeContainer(c.id).catch(() => undefined);
        }
      }
      const sandboxes = status.sandboxes.filter((s) => s.state !== 'SANDBOX_READY');
      const keepNewest = removeAll ? undefined : status.sandboxes[0]?.id;
      for (const s of sandboxes) {
        if (s.id === keepNewest) continue;
        const stillUsed = status.containers.some((c) => c.podSandboxId === s.id && !removeAll && c.state !== 'exited');
        if (stillUsed) continue;
        await this.manager.removeSandbox(s.id).catch(() => undefined);
      }
    }
  }
}
