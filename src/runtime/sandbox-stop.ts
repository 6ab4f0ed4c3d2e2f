import type { StopPodSandboxRequest__Output } from '../cri/generated/runtime/v1/StopPodSandboxRequest.js';
import type { StopPodSandboxResponse } from '../cri/generated/runtime/v1/StopPodSandboxResponse.js';
import type { RuntimeContext } from './runtime-context.js';
import { stopContainerProcess } from './container-stop.js';
import { sendTo } from './record-actors.js';
import { podLabel } from './records.js';
import type { SandboxRecord } from './store.js';

export function sandboxLabel(s: SandboxRecord): string {
  return podLabel(s.config);
}

/**
 * StopPodSandbox as containerd 1.6 does it: kill every container of the pod (timeout 0), kill
 * the pause container, then CNI DEL and remove the network namespace, which gives the pod IP
 * back. Safe to repeat; the kubelet also calls it for NOTREADY sandboxes to free the IP. An
 * unknown ID is NotFound in 1.6 (checked on containerd 1.6.20; later versions return success).
 */
export async function stopPodSandbox(ctx: RuntimeContext, req: StopPodSandboxRequest__Output): Promise<StopPodSandboxResponse> {
  const sandbox = ctx.store.mustSandbox(req.podSandboxId, (cause) => `an error occurred when try to find sandbox "${req.podSandboxId}": ${cause}`);
  await stopSandbox(ctx, sandbox);
  return {};
}

export async function stopSandbox(ctx: RuntimeContext, sandbox: SandboxRecord): Promise<void> {
  // 1. Every container of the sandbox, immediately (SIGKILL), all at once.
  const containers = ctx.store.containersOf(sandbox.id);
  if (containers.length > 0) await Promise.all(containers.map((c) => stopContainerProcess(ctx, c, 0)));
  // 2. The pause container gets SIGKILL and is waited for; its exit monitor marks the sandbox NOTREADY.
  const pause = sandbox.pause;
  if (pause?.running) {
    if (sandbox.pauseActor) sendTo(sandbox.pauseActor, { type: 'KILL', signal: 'SIGKILL' });
    pause.kill('SIGKILL');
    await ctx.clock.waitOn(pause.exited);
  }
  // From READY (pause was already gone) or UNKNOWN; a NOTREADY sandbox has nothing left to change.
  if (sandbox.state !== 'SANDBOX_NOTREADY') sendTo(sandbox.actor, { type: 'STOP' });
  // 3. CNI DEL, then the netns goes: the IP is free for the next pod.
  if (sandbox.netnsPath) {
    await ctx.network.tearDown(sandbox.id);
    sandbox.netnsPath = '';
    sandbox.ip = '';
  }
  ctx.changed();
}
