import type { RemovePodSandboxRequest__Output } from '../cri/generated/runtime/v1/RemovePodSandboxRequest.js';
import type { RemovePodSandboxResponse } from '../cri/generated/runtime/v1/RemovePodSandboxResponse.js';
import type { RuntimeContext } from './runtime-context.js';
import { removeContainerRecord } from './container-remove.js';
import { sendTo } from './record-actors.js';
import { stopSandbox } from './sandbox-stop.js';
import { isMiss, lookupByPrefix, lookupError } from './store.js';

/**
 * RemovePodSandbox: an unknown ID is not an error (the kubelet's GC may race with itself). It
 * does not need a prior stop: it stops the sandbox itself, removes every container of the pod,
 * then forgets the sandbox and frees its name.
 */
export async function removePodSandbox(ctx: RuntimeContext, req: RemovePodSandboxRequest__Output): Promise<RemovePodSandboxResponse> {
  const found = lookupByPrefix(ctx.store.sandboxes, req.podSandboxId);
  if (found === 'not found') return {};
  if (isMiss(found)) throw lookupError(found, req.podSandboxId, (cause) => `an error occurred when try to find sandbox ${JSON.stringify(req.podSandboxId)}: ${cause}`);
  const sandbox = found;
  await stopSandbox(ctx, sandbox);
  const containers = ctx.store.containersOf(sandbox.id);
  for (const c of containers) await removeContainerRecord(ctx, c);
  if (!ctx.store.sandboxes.has(sandbox.id)) return {}; // a concurrent RemovePodSandbox finished first
  ctx.store.sandboxes.delete(sandbox.id);
  ctx.store.names.release(sandbox.name);
  ctx.events.emit('CONTAINER_DELETED_EVENT', sandbox.id, sandbox);
  sendTo(sandbox.actor, { type: 'REMOVE' });
  sandbox.dispose();
  ctx.changed();
  return {};
}
