import type { Pod } from 'kubernetes-types/core/v1.js';
import type { PodSandboxConfig } from '../cri/generated/runtime/v1/PodSandboxConfig.js';
import { DefaultPodLogsDir } from './constants.js';
import { buildPodLogsDirectory, newPodAnnotations, newPodLabels } from './labels.js';

export interface SandboxConfigOptions {
  podLogsDir: string;
  /** The cluster DNS the kubelet is configured with (`clusterDNS`, `clusterDomain`). */
  clusterDNS: string[];
  clusterDomain: string;
  /** Label marking objects crilab created, so it never touches anyone else's. */
  ownerLabels: Record<string, string>;
}

/**
 * The kubelet's sandbox options with its defaults filled in: the pod log directory upstream
 * defaults to, and the cluster DNS a kubeadm cluster configures (10.96.0.10, cluster.local).
 */
export function sandboxOptionsWithDefaults(opts: Partial<SandboxConfigOptions> = {}): SandboxConfigOptions {
  return {
    podLogsDir: opts.podLogsDir ?? DefaultPodLogsDir,
    clusterDNS: opts.clusterDNS ?? ['10.96.0.10'],
    clusterDomain: opts.clusterDomain ?? 'cluster.local',
    ownerLabels: opts.ownerLabels ?? {},
  };
}

/**
 * The PodSandboxConfig the kubelet sends with RunPodSandbox (upstream generatePodSandboxConfig):
 * metadata with the attempt, hostname, the pod's log directory, DNS, port mappings, labels and
 * annotations, and the Linux namespace options (host network → NODE).
 */
export function generatePodSandboxConfig(pod: Pod, attempt: number, opts: SandboxConfigOptions): PodSandboxConfig {
  const meta = pod.metadata ?? {};
  const spec = pod.spec ?? { containers: [] };
  const ns = meta.namespace ?? 'default';
  const hostNetwork = spec.hostNetwork === true;
  const dnsPolicy = spec.dnsPolicy ?? 'ClusterFirst';
  const useClusterDns = dnsPolicy === 'ClusterFirst' && !hostNetwork || dnsPolicy === 'ClusterFirstWithHostNet';
  const dnsConfig = useClusterDns
    ? {
        servers: opts.clusterDNS,
        searches: [`${ns}.svc.${opts.clusterDomain}`, `svc.${opts.clusterDomain}`, opts.clusterDomain],
        options: ['ndots:5'],
      }
    : undefined;
  const portMappings = spec.containers.flatMap((c) =>
    (c.ports ?? []).map((p) => ({
      protocol: (p.protocol ?? 'TCP') as 'TCP',
      containerPort: p.containerPort,
      hostPort: p.hostPort ?? 0,
      hostIp: p.hostIP ?? '',
    })),
  );
  return {
    metadata: { name: meta.name ?? '', namespace: ns, uid: meta.uid ?? '', attempt },
    hostname: hostNetwork ? '' : (spec.hostname ?? meta.name ?? ''),
    logDirectory: buildPodLogsDirectory(ns, meta.name ?? '', meta.uid ?? '', opts.podLogsDir),
    ...(dnsConfig ? { dnsConfig } : {}),
    portMappings,
    labels: { ...newPodLabels(pod), ...opts.ownerLabels },
    annotations: newPodAnnotations(pod),
    linux: {
      cgroupParent: `/kubepods/besteffort/pod${meta.uid ?? ''}`,
      securityContext: {
        namespaceOptions: {
          network: hostNetwork ? 'NODE' : 'POD',
          pid: spec.shareProcessNamespace ? 'POD' : spec.hostPID ? 'NODE' : 'CONTAINER',
          ipc: spec.hostIPC ? 'NODE' : 'POD',
        },
      },
    },
  };
}
