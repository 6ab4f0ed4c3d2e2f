import type { CriClient } from '../../cri/client.js';
import { KubernetesContainerNameLabel, KubernetesPodNameLabel, KubernetesPodNamespaceLabel } from '../../kubelet/labels.js';
import type { PodRef } from '../backend.js';

/**
 * Finding crilab's own sandboxes and containers on a runtime that may hold other pods: every
 * lookup carries the owner label in its label selector, so a pod crilab did not create is never
 * found, let alone signalled.
 */
export class OwnedPods {
  constructor(
    private readonly cri: CriClient,
    private readonly ownerLabels: Record<string, string>,
  ) {}

  private podSelector(pod: PodRef): Record<string, string> {
    return { ...this.ownerLabels, [KubernetesPodNameLabel]: pod.name, [KubernetesPodNamespaceLabel]: pod.namespace };
  }

  /** The pod's newest READY sandbox. */
  async readySandbox(pod: PodRef): Promise<{ id: string; pid: number }> {
    const { items } = await this.cri.runtime.ListPodSandbox({ filter: { labelSelector: this.podSelector(pod), state: { state: 'SANDBOX_READY' } } });
    const newest = items.sort((a, b) => (BigInt(b.createdAt) > BigInt(a.createdAt) ? 1 : -1))[0];
    if (!newest) throw new Error(`pod ${pod.namespace}/${pod.name} has no ready sandbox of crilab's on this runtime`);
    const st = await this.cri.runtime.PodSandboxStatus({ podSandboxId: newest.id, verbose: true });
    return { id: newest.id, pid: taskPid(st.info, `sandbox ${newest.id}`) };
  }

  /** The pod's running container of that name, with its task's PID on the host. */
  async runningContainer(pod: PodRef, container: string): Promise<{ id: string; pid: number }> {
    const { containers } = await this.cri.runtime.ListContainers({
      filter: { labelSelector: { ...this.podSelector(pod), [KubernetesContainerNameLabel]: container }, state: { state: 'CONTAINER_RUNNING' } },
    });
    const c = containers[0];
    if (!c) throw new Error(`no running container "${container}" of crilab's in pod ${pod.namespace}/${pod.name}`);
    const st = await this.cri.runtime.ContainerStatus({ containerId: c.id, verbose: true });
    return { id: c.id, pid: taskPid(st.info, `container ${c.id}`) };
  }

  /** IDs of every sandbox carrying the owner labels. */
  async ownedSandboxIds(): Promise<Set<string>> {
    if (Object.keys(this.ownerLabels).length === 0) throw new Error('refusing to list sandboxes without owner labels');
    const { items } = await this.cri.runtime.ListPodSandbox({ filter: { labelSelector: this.ownerLabels } });
    return new Set(items.map((s) => s.id));
  }
}

/**
 * The task's PID from a verbose status: containerd's CRI plugin puts a JSON document under
 * `info["info"]` whose `pid` is the init process of the sandbox or container task.
 */
export function taskPid(info: Record<string, string> | undefined, what: string): number {
  const raw = info?.['info'];
  const pid = raw ? (JSON.parse(raw) as { pid?: unknown }).pid : undefined;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) throw new Error(`the runtime did not say which process runs ${what}`);
  return pid;
}
