import type { ContainerStatusRequest__Output } from '../cri/generated/runtime/v1/ContainerStatusRequest.js';
import type { ContainerStatusResponse } from '../cri/generated/runtime/v1/ContainerStatusResponse.js';
import type { ContainerStatus } from '../cri/generated/runtime/v1/ContainerStatus.js';
import { criErrors } from '../cri/status.js';
import type { RuntimeContext } from './runtime-context.js';
import type { ContainerRecord } from './store.js';

/** containerd fills an empty reason of an exited container: Completed for exit 0, Error otherwise. */
export function exitReason(c: ContainerRecord): string {
  if (c.state !== 'CONTAINER_EXITED' || c.reason) return c.reason;
  return c.exitCode === 0 ? 'Completed' : 'Error';
}

export function toContainerStatus(c: ContainerRecord): ContainerStatus {
  return {
    id: c.id,
    metadata: c.config.metadata!,
    state: c.state,
    createdAt: c.createdAt.toString(),
    startedAt: c.startedAt.toString(),
    finishedAt: c.finishedAt.toString(),
    exitCode: c.exitCode,
    image: { image: c.imageSpec, annotations: {}, userSpecifiedImage: c.imageSpec, runtimeHandler: '' },
    imageRef: c.imageRef,
    imageId: c.imageId,
    reason: exitReason(c),
    message: c.message,
    labels: c.config.labels,
    annotations: c.config.annotations,
    mounts: c.config.mounts,
    logPath: c.logPath,
    user: { linux: { uid: String(c.user.uid), gid: String(c.user.gid), supplementalGroups: [] } },
  };
}

export async function containerStatus(ctx: RuntimeContext, req: ContainerStatusRequest__Output): Promise<ContainerStatusResponse> {
  const c = ctx.store.container(req.containerId);
  if (!c) throw criErrors.notFound(`an error occurred when try to find container "${req.containerId}": not found`);
  const response: ContainerStatusResponse = { status: toContainerStatus(c) };
  if (req.verbose) {
    response.info = {
      info: JSON.stringify({ sandboxID: c.sandboxId, pid: c.process?.running ? 1 : 0, removing: c.busy === 'removing', config: c.config, runtimeSpec: { process: { args: c.argv, cwd: c.workingDir } } }),
    };
  }
  return response;
}
