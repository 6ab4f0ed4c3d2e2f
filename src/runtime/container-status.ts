import type { ContainerStatusRequest__Output } from '../cri/generated/runtime/v1/ContainerStatusRequest.js';
import type { ContainerStatusResponse } from '../cri/generated/runtime/v1/ContainerStatusResponse.js';
import type { ContainerStatus } from '../cri/generated/runtime/v1/ContainerStatus.js';
import type { LinuxContainerResources } from '../cri/generated/runtime/v1/LinuxContainerResources.js';
import { RUNC_V2_RUNTIME_TYPE } from './sandbox-status.js';
import type { RuntimeContext } from './runtime-context.js';
import type { ContainerRecord } from './store.js';

/** containerd fills an empty reason of an exited container: Completed for exit 0, Error otherwise. */
export function exitReason(c: ContainerRecord): string {
  if (c.state !== 'CONTAINER_EXITED' || c.reason) return c.reason;
  return c.exitCode === 0 ? 'Completed' : 'Error';
}

/** The CRI state: `removed` is only ever seen by a client racing a removal, as the last state it had. */
export function criContainerState(c: ContainerRecord): 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN' {
  const s = c.state;
  return s === 'removed' ? 'CONTAINER_EXITED' : s;
}

/** The resources containerd reports: what CreateContainer or UpdateContainerResources set (zeros otherwise). */
export function containerResources(c: ContainerRecord): LinuxContainerResources {
  const r = c.resources;
  const memory = r?.memoryLimitInBytes ?? '0';
  return {
    cpuPeriod: r?.cpuPeriod ?? '0',
    cpuQuota: r?.cpuQuota ?? '0',
    cpuShares: r?.cpuShares ?? '0',
    memoryLimitInBytes: memory,
    oomScoreAdj: r?.oomScoreAdj ?? '0',
    cpusetCpus: r?.cpusetCpus ?? '',
    cpusetMems: r?.cpusetMems ?? '',
    hugepageLimits: r?.hugepageLimits ?? [],
    unified: r?.unified ?? {},
    // runc sets swap = memory when only a memory limit is given (no swap beyond the limit).
    memorySwapLimitInBytes: r && r.memorySwapLimitInBytes !== '0' ? r.memorySwapLimitInBytes : memory,
  };
}

export function toContainerStatus(c: ContainerRecord): ContainerStatus {
  return {
    id: c.id,
    metadata: c.config.metadata!,
    state: criContainerState(c),
    createdAt: c.createdAt.toString(),
    startedAt: c.startedAt.toString(),
    finishedAt: c.finishedAt.toString(),
    exitCode: c.exitCode,
    // containerd reports the image by its first repo tag (the config named it by ID).
    image: { image: c.imageTag || c.imageSpec, annotations: {}, userSpecifiedImage: c.config.image?.userSpecifiedImage ?? '', runtimeHandler: '' },
    imageRef: c.imageRef,
    imageId: c.imageId,
    reason: exitReason(c),
    message: c.message,
    labels: c.config.labels,
    annotations: c.config.annotations,
    mounts: c.config.mounts,
    logPath: c.logPath,
    resources: { linux: containerResources(c) },
    user: { linux: { uid: String(c.user.uid), gid: String(c.user.gid), supplementalGroups: [] } },
  };
}

/** ContainerStatus; `verbose` adds containerd's `info` JSON (sandbox ID, PID, the config, the process spec). */
export async function containerStatus(ctx: RuntimeContext, req: ContainerStatusRequest__Output): Promise<ContainerStatusResponse> {
  const c = ctx.store.mustContainer(req.containerId, (cause) => `an error occurred when try to find container "${req.containerId}": ${cause}`);
  const response: ContainerStatusResponse = { status: toContainerStatus(c) };
  if (req.verbose) {
    const sandbox = ctx.store.sandboxes.get(c.sandboxId);
    response.info = {
      info: JSON.stringify({
        sandboxID: c.sandboxId,
        pid: c.process?.running ? (sandbox?.pausePid ?? 0) + c.process.pid : 0,
        removing: c.busy === 'removing',
        snapshotKey: c.id,
        snapshotter: 'overlayfs',
        runtimeType: RUNC_V2_RUNTIME_TYPE,
        config: c.config,
        runtimeSpec: {
          process: { user: { uid: c.user.uid, gid: c.user.gid }, args: c.argv, env: Object.entries(c.env).map(([k, v]) => `${k}=${v}`), cwd: c.workingDir },
          linux: {
            namespaces: [
              { type: 'pid', ...(podPidNamespace(c) && sandbox ? { path: `/proc/${sandbox.pausePid}/ns/pid` } : {}) },
              { type: 'ipc', ...(sandbox ? { path: `/proc/${sandbox.pausePid}/ns/ipc` } : {}) },
              { type: 'uts', ...(sandbox ? { path: `/proc/${sandbox.pausePid}/ns/uts` } : {}) },
              { type: 'mount' },
              { type: 'network', ...(sandbox ? { path: `/proc/${sandbox.pausePid}/ns/net` } : {}) },
            ],
          },
        },
      }),
    };
  }
  return response;
}

/**
 * Does the container share the pod's PID namespace (the pause process is its PID 1)? The
 * container config's own namespace option decides; absent, it is the proto default POD. The
 * kubelet sends CONTAINER unless the pod has shareProcessNamespace.
 */
export function podPidNamespace(c: ContainerRecord): boolean {
  return (c.config.linux?.securityContext?.namespaceOptions?.pid ?? 'POD') === 'POD';
}
