import type { StopContainerRequest__Output } from '../cri/generated/runtime/v1/StopContainerRequest.js';
import type { StopContainerResponse } from '../cri/generated/runtime/v1/StopContainerResponse.js';
import type { RuntimeContext } from './runtime-context.js';
import { sendTo } from './record-actors.js';
import type { ContainerRecord } from './store.js';

/**
 * StopContainer: a container that is not running is already stopped (success, nothing done).
 * With a timeout the stop signal goes first (the machine's guard lets it through only once,
 * however often the kubelet asks), and SIGKILL follows at the deadline; with timeout 0 SIGKILL
 * goes at once. The call returns when the exit has been observed. An unknown ID is NotFound in
 * containerd 1.6 (checked on 1.6.20).
 */
export async function stopContainer(ctx: RuntimeContext, req: StopContainerRequest__Output): Promise<StopContainerResponse> {
  const c = ctx.store.mustContainer(req.containerId, (cause) => `an error occurred when try to find container "${req.containerId}": ${cause}`);
  await stopContainerProcess(ctx, c, Number(req.timeout));
  return {};
}

export async function stopContainerProcess(ctx: RuntimeContext, c: ContainerRecord, timeoutSeconds: number): Promise<void> {
  const proc = c.process;
  if ((c.state !== 'CONTAINER_RUNNING' && c.state !== 'CONTAINER_UNKNOWN') || !proc) return;
  if (!proc.running) {
    // It has just exited and the exit monitor is about to record it: let it.
    await ctx.clock.waitOn(proc.exited);
    return;
  }
  if (timeoutSeconds > 0) {
    sendTo(c.actor, { type: 'STOP', signal: c.stopSignal });
    // Wait for the exit or the deadline, whichever comes first; then drop the other wait.
    const deadline = new AbortController();
    const graceful = await Promise.race([
      ctx.clock.waitOn(proc.exited).then(() => true),
      ctx.clock.sleep(timeoutSeconds * 1000, deadline.signal, `stop-timeout ${c.id.slice(0, 13)}`).then(
        () => false,
        () => true,
      ),
    ]);
    deadline.abort();
    if (graceful) return;
  }
  sendTo(c.actor, { type: 'KILL' });
  await ctx.clock.waitOn(proc.exited);
}
