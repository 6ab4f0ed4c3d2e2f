import type { StopPodSandboxRequest__Output } from '../cri/generated/runtime/v1/StopPodSandboxRequest.js';
import type { StopPodSandboxResponse } from '../cri/generated/runtime/v1/StopPodSandboxResponse.js';
import { criErrors } from '../cri/status.js';
import type { RuntimeContext } from './runtime-context.js';
import { stopContainerProcess } from './container-stop.js';
import type { SandboxRecord } from './store.js';

export function sandboxLabel(s: SandboxRecord): string {
  return `${s.config.metadata?.namespace}/${s.config.metadata?.name}`;
}

/**
 * StopPodSandbox as containerd does it: kill every container of the pod at once (timeout 0),
 * kill the pause container, then CNI DEL and remove the network namespace, which gives the pod
 * IP back. Safe to repeat; the kubelet also calls it for NOTREADY sandboxes to free the IP.
 */
export async function stopPodSandbox(ctx: RuntimeContext, req: StopPodSandboxRequest__Output): Promise<StopPodSandboxResponse> {
  const sandbox = ctx.store.sandbox(req.podSandboxId);
  if (!sandbox) {
    throw criErrors.notFound(`an error occurred when try to find sandbox "${req.podSandboxId}": not found`);
  }
  await stopSandbox(ctx, sandbox);
  return {};
}

export async function stopSandbox(ctx: RuntimeContext, sandbox: SandboxRecord): Promise<void> {
  // 1. Every container of the sandbox, immediately.
  for (const c of ctx.store.containersOf(sandbox.id)) {
    await stopContainerProcess(ctx, c, 0);
  }
  // 2. The pause container gets SIGKILL and is waited for.
  if (sandbox.pause?.running) {
    sandbox.pause.kill('SIGKILL');
    await sandbox.pause.exited;
  }
  if (sandbox.state !== 'SANDBOX_NOTREADY') {
    const from = sandbox.state;
    sandbox.state = 'SANDBOX_NOTREADY';
    ctx.transition('sandbox', sandbox.id, sandboxLabel(sandbox), from, 'SANDBOX_NOTREADY', 'StopPodSandbox');
  }
  // 3. CNI DEL, then the netns goes: the IP is free for the next pod.
  if (sandbox.netnsPath) {
    await ctx.network.tearDown(sandbox.id);
    sandbox.netnsPath = '';
    sandbox.ip = '';
  }
}
