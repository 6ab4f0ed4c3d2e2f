import type { ReopenContainerLogRequest__Output } from '../cri/generated/runtime/v1/ReopenContainerLogRequest.js';
import type { ReopenContainerLogResponse } from '../cri/generated/runtime/v1/ReopenContainerLogResponse.js';
import { criErrors } from '../cri/status.js';
import type { RuntimeContext } from './runtime-context.js';

/**
 * ReopenContainerLog: after the kubelet rotates a log (renames `0.log` to `0.log.<time>`), the
 * runtime closes its file and opens the path again, so new lines go to a fresh `0.log`. Only a
 * running container has a log file open (containerd: `container is not running`).
 */
export async function reopenContainerLog(ctx: RuntimeContext, req: ReopenContainerLogRequest__Output): Promise<ReopenContainerLogResponse> {
  const c = ctx.store.mustContainer(req.containerId, (cause) => `an error occurred when try to find container "${req.containerId}": ${cause}`);
  if (c.state !== 'CONTAINER_RUNNING') throw criErrors.unknown('container is not running');
  ctx.processes.reopenLog(c);
  return {};
}
