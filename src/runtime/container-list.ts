import type { ListContainersRequest__Output } from '../cri/generated/runtime/v1/ListContainersRequest.js';
import type { ListContainersResponse } from '../cri/generated/runtime/v1/ListContainersResponse.js';
import type { RuntimeContext } from './runtime-context.js';
import type { ContainerRecord } from './store.js';
import { labelMatcher } from './label-selector.js';
import { criContainerState } from './container-status.js';

export async function listContainers(ctx: RuntimeContext, req: ListContainersRequest__Output): Promise<ListContainersResponse> {
  const f = req.filter;
  const matches = labelMatcher(f?.labelSelector);
  const items: ContainerRecord[] = [];
  for (const c of ctx.store.containers.values()) {
    if (f?.id && !c.id.startsWith(f.id)) continue;
    if (f?.podSandboxId && !c.sandboxId.startsWith(f.podSandboxId)) continue;
    if (f?.state && criContainerState(c) !== f.state.state) continue;
    if (matches(c.config.labels)) items.push(c);
  }
  return {
    containers: items.map((c) => ({
      id: c.id,
      podSandboxId: c.sandboxId,
      metadata: c.config.metadata!,
      image: { image: c.imageSpec, annotations: {}, userSpecifiedImage: c.imageSpec, runtimeHandler: '' },
      imageRef: c.imageRef,
      imageId: c.imageId,
      state: criContainerState(c),
      createdAt: c.createdAt.toString(),
      labels: c.config.labels,
      annotations: c.config.annotations,
    })),
  };
}
