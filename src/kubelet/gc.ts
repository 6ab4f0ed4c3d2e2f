import type { CriClient } from '../cri/client.js';
import { MaxContainerCount, MaxPerPodContainerCount, MinimumGCAgeMs, minDeadContainerInPod } from './constants.js';
import { KubernetesContainerNameLabel, KubernetesPodUIDLabel } from './labels.js';
import type { PodCache } from './pod-cache.js';
import { containersNewestFirst } from './runtime-status.js';
import type { RuntimeManager } from './runtime-manager.js';

export interface GcPolicy {
  /** `MinAge`: dead containers younger than this are kept. */
  minAgeMs: number;
  /** `MaxPerPodContainer`: dead instances kept per (pod, container name); < 0 = no limit. */
  maxPerPodContainer: number;
  /** `MaxContainers`: dead containers kept on the node; < 0 = no limit. */
  maxContainers: number;
}

export const defaultGcPolicy: GcPolicy = { minAgeMs: MinimumGCAgeMs, maxPerPodContainer: MaxPerPodContainerCount, maxContainers: MaxContainerCount };

interface GcContainer {
  id: string;
  uid: string;
  name: string;
  createdAt: bigint;
  sandboxId: string;
  unknown: boolean;
}

const newestFirst = (a: { createdAt: bigint }, b: { createdAt: bigint }) => (a.createdAt > b.createdAt ? -1 : a.createdAt < b.createdAt ? 1 : 0);

/**
 * Garbage collection of dead containers and sandboxes — upstream `containerGC`
 * (k8s:pkg/kubelet/kuberuntime/kuberuntime_gc.go) every `ContainerGCPeriod` (1 min), and the pod
 * container deletor (k8s:pkg/kubelet/pod_container_deletor.go) on every PLEG `ContainerDied`.
 *
 * The periodic pass lists everything (ListContainers, ListPodSandbox) and:
 * 1. containers: every non-running container older than `MinAge` (0), grouped by (pod UID,
 *    container name), newest first: all of them go when the pod's content should be removed (it
 *    was deleted and has terminated, or the kubelet does not know the pod); otherwise all but the
 *    newest `MaxPerPodContainer` (1). Then the node-wide `MaxContainers` cap (-1 = none), oldest
 *    first. A container in unknown state is stopped before it is removed.
 * 2. sandboxes: per pod, newest first; a sandbox is active while SANDBOX_READY or while any
 *    container still belongs to it. For a removed pod every inactive sandbox goes; otherwise the
 *    newest sandbox is kept and older inactive ones go — StopPodSandbox (to be sure the network is
 *    released), then RemovePodSandbox.
 * Left out: pod log directory removal (crilab's kubelet writes no files), the legacy log symlink
 * (and so the ContainerStatus call upstream makes to find it), image GC.
 */
export class GarbageCollector {
  constructor(
    private readonly manager: RuntimeManager,
    private readonly cri: CriClient,
    private readonly cache: PodCache,
    /** Upstream `ShouldPodContentBeRemoved`. */
    private readonly shouldPodContentBeRemoved: (uid: string) => boolean,
    private readonly ownerLabels: Record<string, string> = {},
    private readonly policy: GcPolicy = defaultGcPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** The pod container deletor: on ContainerDied, remove dead instances of that container beyond
   *  the newest `minDeadContainerInPod` (all of them for a removed pod). */
  async onContainerDied(podUid: string, containerId: string): Promise<void> {
    const status = this.cache.get(podUid);
    const died = status?.containers.find((c) => c.id === containerId);
    if (!status || !died) return;
    const dead = containersNewestFirst(status).filter((c) => c.name === died.name && c.state === 'exited');
    const keep = this.shouldPodContentBeRemoved(podUid) ? 0 : minDeadContainerInPod;
    for (const c of dead.slice(keep)) {
      await this.manager.removeContainer(c.id).catch(() => undefined);
    }
  }

  async collect(): Promise<void> {
    const filter = Object.keys(this.ownerLabels).length ? { filter: { labelSelector: this.ownerLabels } } : {};
    const listed = (await this.cri.runtime.ListContainers(filter)).containers;
    const sandboxes = (await this.cri.runtime.ListPodSandbox(filter)).items;
    const removed = new Set<string>();
    const remove = async (c: GcContainer) => {
      if (c.unknown) await this.manager.stopContainer(c.id).catch(() => undefined);
      await this.manager.removeContainer(c.id).catch(() => undefined);
      removed.add(c.id);
    };

    // 1. Dead containers.
    const minCreated = BigInt(this.now() - this.policy.minAgeMs) * 1_000_000n;
    const groups = new Map<string, GcContainer[]>();
    for (const c of listed) {
      if (c.state === 'CONTAINER_RUNNING') continue;
      const createdAt = BigInt(c.createdAt || '0');
      if (this.policy.minAgeMs > 0 && createdAt > minCreated) continue;
      const g: GcContainer = {
        id: c.id,
        uid: c.labels[KubernetesPodUIDLabel] ?? '',
        name: c.labels[KubernetesContainerNameLabel] ?? c.metadata?.name ?? '',
        createdAt,
        sandboxId: c.podSandboxId,
        unknown: c.state === 'CONTAINER_UNKNOWN',
      };
      const key = `${g.uid}/${g.name}`;
      groups.set(key, [...(groups.get(key) ?? []), g]);
    }
    const survivors: GcContainer[] = [];
    for (const group of groups.values()) {
      group.sort(newestFirst);
      const uid = group[0]!.uid;
      const keep = this.shouldPodContentBeRemoved(uid) ? 0 : this.policy.maxPerPodContainer < 0 ? group.length : this.policy.maxPerPodContainer;
      for (const c of group.slice(keep)) await remove(c);
      survivors.push(...group.slice(0, keep));
    }
    if (this.policy.maxContainers >= 0 && survivors.length > this.policy.maxContainers) {
      survivors.sort(newestFirst);
      for (const c of survivors.slice(this.policy.maxContainers)) await remove(c);
    }

    // 2. Sandboxes.
    const inUse = new Set(listed.filter((c) => !removed.has(c.id)).map((c) => c.podSandboxId));
    const byPod = new Map<string, Array<{ id: string; createdAt: bigint; active: boolean }>>();
    for (const s of sandboxes) {
      const uid = s.labels[KubernetesPodUIDLabel] ?? s.metadata?.uid ?? '';
      const entry = { id: s.id, createdAt: BigInt(s.createdAt || '0'), active: s.state === 'SANDBOX_READY' || inUse.has(s.id) };
      byPod.set(uid, [...(byPod.get(uid) ?? []), entry]);
    }
    for (const [uid, list] of byPod) {
      list.sort(newestFirst);
      const keep = this.shouldPodContentBeRemoved(uid) ? 0 : 1;
      for (let i = list.length - 1; i >= keep; i--) {
        const s = list[i]!;
        if (!s.active) await this.manager.removeSandbox(s.id).catch(() => undefined);
      }
    }
  }
}
