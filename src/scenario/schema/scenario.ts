/**
 * The top of a scenario file: identity, the node, the registry, the pods and the steps.
 * Defaults are the real kubelet's where the kubelet has one, so a scenario that says nothing
 * about the kubelet gets the timing of a stock node.
 */
import { z } from 'zod';
import type { KubeletSettings, NodeSettings, PodSourceKind, RegistrySettings, V1Pod } from '../types.js';
import {
  ALWAYS,
  dnsLabel,
  dnsSubdomain,
  duration,
  intInRange,
  ipv4,
  isPlainObject,
  nonEmptyText,
  podCidr,
  strictObject,
} from './common.js';
import { podManifestSchema } from './pod-manifest.js';
import { exactlyOneManifest, POD_SOURCES, stepSchema, type SchemaStep } from './steps.js';

export const SCENARIO_API_VERSION = 'crilab.dev/v1alpha1';
export const SCENARIO_KIND = 'Scenario';

/** KubeletConfiguration v1beta1 defaults (`k8s:pkg/kubelet/apis/config/v1beta1/defaults.go`). */
export const KUBELET_DEFAULTS: KubeletSettings = {
  syncFrequencyMs: 60_000,
  fileCheckFrequencyMs: 20_000,
  httpCheckFrequencyMs: 20_000,
  runtimeRequestTimeoutMs: 120_000,
  nodeStatusUpdateFrequencyMs: 10_000,
  // The kubelet has no default static pod path; /etc/kubernetes/manifests is kubeadm's.
  staticPodPath: '/etc/kubernetes/manifests',
  // No upstream default either; crilab serves http-source pods here.
  staticPodURL: 'http://127.0.0.1:8080/pods',
  // kubeadm's defaults: cluster.local and the 10th address of the 10.96.0.0/12 service range.
  clusterDomain: 'cluster.local',
  clusterDNS: ['10.96.0.10'],
  serializeImagePulls: true,
  // MaxContainerBackOff, 300 s (`k8s:pkg/kubelet/kubelet.go`).
  maxContainerRestartPeriodMs: 300_000,
};

/** The CRI implementations a simulated node can run (see NodeSettings.runtime). */
export const NODE_RUNTIMES = ['containerd', 'dockershim'] as const;

export const NODE_DEFAULTS = {
  name: 'node-1',
  // One /24 out of flannel's default 10.244.0.0/16 cluster CIDR, as a first node gets it.
  podCIDR: '10.244.0.0/24',
} as const;

/** crilab's own choice: a small image pulls in a couple of seconds on a decent link. */

/** Seed used for generated data when the scenario and the CLI name none. */
export const DEFAULT_SEED = 1;

const kubeletSchema = strictObject({
  syncFrequency: duration(1).optional(),
  fileCheckFrequency: duration(1).optional(),
  httpCheckFrequency: duration(1).optional(),
  runtimeRequestTimeout: duration(1).optional(),
  nodeStatusUpdateFrequency: duration(1).optional(),
  staticPodPath: nonEmptyText.optional(),
  staticPodURL: z.url({ protocol: /^https?$/ }).optional(),
  clusterDomain: nonEmptyText.optional(),
  clusterDNS: z.array(ipv4).optional(),
  serializeImagePulls: z.boolean().optional(),
  maxParallelImagePulls: intInRange(1, 1000, 'a whole number').optional(),
  crashLoopBackOff: strictObject({ maxContainerRestartPeriod: duration(1).optional() }).optional(),
})
  .superRefine((k, ctx) => {
    // Kubelet config validation refuses parallel pulls while pulls are serialized.
    if (!isPlainObject(k)) return;
    const max = k.maxParallelImagePulls;
    if (typeof max === 'number' && max > 1 && k.serializeImagePulls !== false) {
      ctx.addIssue({
        code: 'custom',
        path: ['maxParallelImagePulls'],
        input: max,
        message: `maxParallelImagePulls is ${max} while pulls are serialized, expected serializeImagePulls: false with it (as the kubelet requires)`,
      });
    }
  }, ALWAYS)
  .transform((k): KubeletSettings => {
    const d = KUBELET_DEFAULTS;
    return {
      syncFrequencyMs: k.syncFrequency ?? d.syncFrequencyMs,
      fileCheckFrequencyMs: k.fileCheckFrequency ?? d.fileCheckFrequencyMs,
      httpCheckFrequencyMs: k.httpCheckFrequency ?? d.httpCheckFrequencyMs,
      runtimeRequestTimeoutMs: k.runtimeRequestTimeout ?? d.runtimeRequestTimeoutMs,
      nodeStatusUpdateFrequencyMs: k.nodeStatusUpdateFrequency ?? d.nodeStatusUpdateFrequencyMs,
      staticPodPath: k.staticPodPath ?? d.staticPodPath,
      staticPodURL: k.staticPodURL ?? d.staticPodURL,
      clusterDomain: k.clusterDomain ?? d.clusterDomain,
      clusterDNS: k.clusterDNS ?? [...d.clusterDNS],
      serializeImagePulls: k.serializeImagePulls ?? d.serializeImagePulls,
      ...(k.maxParallelImagePulls !== undefined && { maxParallelImagePulls: k.maxParallelImagePulls }),
      maxContainerRestartPeriodMs: k.crashLoopBackOff?.maxContainerRestartPeriod ?? d.maxContainerRestartPeriodMs,
    };
  });

export const nodeSchema = strictObject({
  name: dnsSubdomain('node name').optional(),
  podCIDR: podCidr.optional(),
  kubelet: kubeletSchema.optional(),
  images: z.array(nonEmptyText).optional(),
  // Which CRI implementation the kubelet talks to on the simulated backend: containerd's CRI
  // plugin (today's path) or dockershim in front of Docker Engine (the path removed in 1.24).
  runtime: z.enum(NODE_RUNTIMES).optional(),
}).transform(
  (n): NodeSettings => ({
    name: n.name ?? NODE_DEFAULTS.name,
    podCIDR: n.podCIDR ?? NODE_DEFAULTS.podCIDR,
    kubelet: n.kubelet ?? { ...KUBELET_DEFAULTS, clusterDNS: [...KUBELET_DEFAULTS.clusterDNS] },
    images: n.images ?? [],
    runtime: n.runtime ?? 'containerd',
  }),
);

const registryImageSchema = strictObject({
  pullTime: duration(1).optional(),
  missing: z.boolean().optional(),
}).transform((i) => ({ ...(i.pullTime !== undefined && { pullTimeMs: i.pullTime }), missing: i.missing ?? false }));

export const registrySchema = strictObject({
  down: z.boolean().optional(),
  pullTime: duration(1).optional(),
  images: z.record(z.string().min(1), registryImageSchema).optional(),
}).transform(
  (r): RegistrySettings => ({
    down: r.down ?? false,
    ...(r.pullTime !== undefined && { pullTimeMs: r.pullTime }),
    images: r.images ?? {},
  }),
);

/** A pod as the schema sees it; the loader loads `manifestFile` and fills in the name. */
export interface SchemaPod {
  name?: string;
  source: PodSourceKind;
  manifest?: V1Pod;
  manifestFile?: string;
}

export const podEntrySchema = strictObject({
  name: dnsSubdomain('pod name').optional(),
  source: z.enum(POD_SOURCES).optional(),
  manifest: podManifestSchema.optional(),
  manifestFile: nonEmptyText.optional(),
})
  .superRefine(exactlyOneManifest, ALWAYS)
  .transform(
    (p): SchemaPod => ({
      ...(p.name !== undefined && { name: p.name }),
      source: p.source ?? 'file',
      ...(p.manifest !== undefined && { manifest: p.manifest }),
      ...(p.manifestFile !== undefined && { manifestFile: p.manifestFile }),
    }),
  );

export const podsSchema = z.array(podEntrySchema);
export const stepsSchema = z.array(stepSchema).min(1);

export interface SchemaScenario {
  apiVersion: typeof SCENARIO_API_VERSION;
  kind: typeof SCENARIO_KIND;
  metadata: { name: string };
  title: string;
  teaches: string;
  seed: number;
  node: NodeSettings;
  registry: RegistrySettings;
  pods: SchemaPod[];
  steps: SchemaStep[];
}

export const scenarioSchema = strictObject({
  apiVersion: z.literal(SCENARIO_API_VERSION),
  kind: z.literal(SCENARIO_KIND),
  metadata: strictObject({ name: dnsLabel('scenario name') }),
  title: nonEmptyText,
  teaches: nonEmptyText,
  // zod's int() stops the sibling checks; intInRange keeps reporting unknown keys beside it.
  seed: intInRange(0, Number.MAX_SAFE_INTEGER, 'a whole number').optional(),
  node: nodeSchema.optional(),
  registry: registrySchema.optional(),
  pods: podsSchema.optional(),
  steps: stepsSchema,
}).transform(
  (s): SchemaScenario => ({
    apiVersion: s.apiVersion,
    kind: s.kind,
    metadata: { name: s.metadata.name },
    title: s.title,
    teaches: s.teaches,
    seed: s.seed ?? DEFAULT_SEED,
    node: s.node ?? nodeSchema.parse({}),
    registry: s.registry ?? registrySchema.parse({}),
    pods: s.pods ?? [],
    steps: s.steps,
  }),
);
