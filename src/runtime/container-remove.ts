import type { RemoveContainerRequest__Output } from '../cri/generated/runtime/v1/RemoveContainerRequest.js';
import type { RemoveContainerResponse } from '../cri/generated/runtime/v1/RemoveContainerResponse.js';
import { criErrors } from '../cri/status.js';
import type { RuntimeContext } from './runtime-context.js';
import { stopContainerProcess } from './container-stop.js';
import { sendTo } from './record-actors.js';
import { isMiss, lookupByPrefix, lookupError, type ContainerRecord } from './store.js';

/** RemoveContainer: unknown IDs are fine; a running container is killed first (CRI requires forced removal). */
export async function removeContainer(ctx: RuntimeContext, req: RemoveContainerRequest__Output): Promise<RemoveContainerResponse> {
  const found = lookupByPrefix(ctx.store.containers, req.containerId);
  if (found === 'not found') return {};
  if (isMiss(found)) throw lookupError(found, req.containerId, (cause) => `an error occurred when try to find container "${req.containerId}": ${cause}`);
  if (found.busy === 'starting') throw criErrors.unknown(`failed to set removing state for container "${found.id}": container is in starting state, can't be removed`);
  if (found.busy === 'removing') throw criErrors.unknown(`failed to set removing state for container "${found.id}": container is already in removing state`);
  await removeContainerRecord(ctx, found);
  return {};
}

export async function removeContainerRecord(ctx: RuntimeContext, c: ContainerRecord): Promise<void> {
  if (c.busy === 'removing') return;
  c.busy = 'removing';
  try {
    await stopContainerProcess(ctx, c, 0);
    await c.log?.close();
  } finally {
    c.busy = undefined;
  }
  if (!ctx.store.containers.has(c.id)) return;
  ctx.store.containers.delete(c.id);
  ctx.store.names.release(c.name);
  const sandbox = ctx.store.sandboxes.get(c.sandboxId);
  if (sandbox) ctx.events.emit('CONTAINER_DELETED_EVENT', c.id, sandbox);
  sendTo(c.actor, { type: 'REMOVE' });
  c.dispose();
  ctx.changed();
}
