import type { RemovePodSandboxRequest__Output } from '../cri/generated/runtime/v1/RemovePodSandboxRequest.js';
import type { RemovePodSandboxResponse } from '../cri/generated/runtime/v1/RemovePodSandboxResponse.js';
import type { RuntimeContext } from './runtime-context.js';
import { removeContainerRecord } from './container-remove.js';
import { sandboxLabel, stopSandbox } from './sandbox-stop.js';

/**
 * RemovePodSandbox: an unknown ID is not an error (the kubelet's GC may race with itself). It
 * does not need a prior stop: it stops the sandbox itself, removes every container of the pod,
 * then forgets the sandbox and frees its name.
 */
export async function removePodSandbox(ctx: RuntimeContext, req: RemovePodSandboxRequest__Output): Promise<RemovePodSandboxResponse> {
  const sandbox = ctx.store.sandbox(req.podSandboxId);
  if (!sandbox) return {};
  await stopSandbox(ctx, sandbox);
  for (const c of ctx.store.containersOf(sandbox.id)) await removeContainerRecord(ctx, c);
  ctx.store.sandboxes.delete(sandbox.id);
  ctx.store.names.release(sandbox.name);
  ctx.events.emit('CONTAINER_DELETED_EVENT', sandbox.id, sandbox);
  ctx.transition('sandbox', sandbox.id, sandboxLabel(sandbox), sandbox.state, 'removed', 'RemovePodSandbox');
  return {};
}
