import type { RemoveContainerRequest__Output } from '../cri/generated/runtime/v1/RemoveContainerRequest.js';
import type { RemoveContainerResponse } from '../cri/generated/runtime/v1/RemoveContainerResponse.js';
import { criErrors } from '../cri/status.js';
import type { RuntimeContext } from './runtime-context.js';
import { stopContainerProcess } from './container-stop.js';
import type { ContainerRecord } from './store.js';

/** RemoveContainer: unknown IDs are fine; a running container is killed first (CRI requires forced removal). */
export async function removeContainer(ctx: RuntimeContext, req: RemoveContainerRequest__Output): Promise<RemoveContainerResponse> {
  const c = ctx.store.container(req.containerId);
  if (!c) return {};
  if (c.busy === 'starting') throw criErrors.unknown(`container is in starting state, can't be removed`);
  if (c.busy === 'removing') throw criErrors.unknown(`container is already in removing state`);
  await removeContainerRecord(ctx, c);
  return {};
}

export async function removeContainerRecord(ctx: RuntimeContext, c: ContainerRecord): Promise<void> {
  c.busy = 'removing';
  try {
    await stopContainerProcess(ctx, c, 0);
    await c.log?.close();
  } finally {
    c.busy = undefined;
  }
  ctx.store.containers.delete(c.id);
  ctx.store.names.release(c.name);
  const sandbox = ctx.store.sandboxes.get(c.sandboxId);
  if (sandbox) ctx.events.emit('CONTAINER_DELETED_EVENT', c.id, sandbox);
  ctx.transition('container', c.id, c.config.metadata!.name, c.state, 'removed', 'RemoveContainer');
}
