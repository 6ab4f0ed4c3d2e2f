import fs from 'node:fs';
import type { CriClient } from '../../cri/client.js';
import type { PodRef } from '../backend.js';
import type { WatchedCall } from './cri-call-watch.js';

interface Known {
  sandboxId: string;
  /** `/var/run/netns/cni-…` once the verbose status told it; '' for a pod on the host network */
  netnsPath?: string;
  removed: boolean;
}

/**
 * Which network namespace holds each pod's newest sandbox, for `expect: { netns: … }`: the
 * containerd CRI plugin names it in the verbose PodSandboxStatus (the OCI spec of the pause
 * container), and the answer is whether that bind mount still exists on the host: containerd
 * removes it on StopPodSandbox, after CNI DEL.
 */
export class SandboxNetns {
  private readonly byPod = new Map<string, Known>();

  constructor(private readonly cri: CriClient) {}

  onResponse(call: WatchedCall): void {
    if (call.method === 'RunPodSandbox' && call.response) {
      const meta = call.request['config']?.metadata;
      const id = call.response['podSandboxId'];
      if (!meta || typeof id !== 'string') return;
      const known: Known = { sandboxId: id, removed: false };
      this.byPod.set(`${meta.namespace}/${meta.name}`, known);
      void this.cri.runtime.PodSandboxStatus({ podSandboxId: id, verbose: true }).then(
        (st) => {
          known.netnsPath = netnsPathFromInfo(st.info) ?? '';
        },
        () => undefined,
      );
    } else if (call.method === 'RemovePodSandbox' && !call.error) {
      for (const k of this.byPod.values()) if (k.sandboxId === call.request['podSandboxId']) k.removed = true;
    }
  }

  exists(pod: PodRef): boolean | undefined {
    const k = this.byPod.get(`${pod.namespace}/${pod.name}`);
    if (!k || k.removed) return false;
    if (k.netnsPath === undefined) return undefined;
    return k.netnsPath !== '' && fs.existsSync(k.netnsPath);
  }
}

/** The network namespace path in containerd's verbose sandbox info (its runtime spec). */
export function netnsPathFromInfo(info: Record<string, string> | undefined): string | undefined {
  try {
    const doc = JSON.parse(info?.['info'] ?? '{}') as { runtimeSpec?: { linux?: { namespaces?: { type: string; path?: string }[] } } };
    return doc.runtimeSpec?.linux?.namespaces?.find((n) => n.type === 'network')?.path || undefined;
  } catch {
    return undefined;
  }
}
