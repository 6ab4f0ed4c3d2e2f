import type { RuntimeConfigResponse } from '../cri/generated/runtime/v1/RuntimeConfigResponse.js';
import type { UpdateRuntimeConfigRequest__Output } from '../cri/generated/runtime/v1/UpdateRuntimeConfigRequest.js';
import type { UpdateRuntimeConfigResponse } from '../cri/generated/runtime/v1/UpdateRuntimeConfigResponse.js';
import { criErrors } from '../cri/status.js';

/**
 * UpdateRuntimeConfig: the kubelet sends the node's pod CIDR; containerd 1.6 uses it only to
 * fill a CNI config template (`conf_template`), and crilab has none, so it records the CIDR
 * and answers success (as containerd without a template does).
 */
export function updateRuntimeConfig(state: { podCIDR: string }, req: UpdateRuntimeConfigRequest__Output): UpdateRuntimeConfigResponse {
  const cidr = req.runtimeConfig?.networkConfig?.podCidr ?? '';
  if (cidr !== '') state.podCIDR = cidr;
  return {};
}

/**
 * RuntimeConfig: the cgroup driver the kubelet should use. containerd 1.6 does not have this
 * RPC (it answers Unimplemented, and the kubelet then keeps its own setting); crilab answers
 * as containerd 2.0 does, with cgroupfs — its simulated shim uses no systemd.
 */
export function runtimeConfig(): RuntimeConfigResponse {
  return { linux: { cgroupDriver: 'CGROUPFS' } };
}

/**
 * RPCs containerd 1.6.20 does not serve, with the exact answer it gives (checked on the lab):
 * CheckpointContainer is in its service but returns Unimplemented; the newer RPCs are not in
 * its proto at all, so Go's gRPC server answers for them.
 */
export function unimplementedRuntimeRpcs(service: string): Record<string, () => Promise<never>> {
  const unknownMethod = (name: string) => async () => {
    throw criErrors.unimplemented(`unknown method ${name} for service ${service}`);
  };
  return {
    CheckpointContainer: async () => {
      throw criErrors.unimplemented('method CheckpointContainer not implemented');
    },
    CheckpointPod: unknownMethod('CheckpointPod'),
    RestorePod: unknownMethod('RestorePod'),
    ListMetricDescriptors: unknownMethod('ListMetricDescriptors'),
    ListPodSandboxMetrics: unknownMethod('ListPodSandboxMetrics'),
    UpdatePodSandboxResources: unknownMethod('UpdatePodSandboxResources'),
  };
}
