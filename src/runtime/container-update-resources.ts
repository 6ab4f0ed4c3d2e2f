import type { UpdateContainerResourcesRequest__Output } from '../cri/generated/runtime/v1/UpdateContainerResourcesRequest.js';
import type { UpdateContainerResourcesResponse } from '../cri/generated/runtime/v1/UpdateContainerResourcesResponse.js';
import type { RuntimeContext } from './runtime-context.js';

/**
 * UpdateContainerResources: containerd updates the stored spec and, if the task runs, the
 * task's cgroup; an exited container still takes the update (it only changes the spec). The
 * new values show in ContainerStatus.resources. The simulated processes have no cgroup limits
 * to enforce, so a lower memory limit does not OOM-kill anything here.
 */
export async function updateContainerResources(ctx: RuntimeContext, req: UpdateContainerResourcesRequest__Output): Promise<UpdateContainerResourcesResponse> {
  const c = ctx.store.mustContainer(req.containerId, (cause) => `failed to find container: ${cause}`);
  if (req.linux) c.resources = { ...(c.resources ?? req.linux), ...req.linux };
  ctx.changed();
  return {};
}
