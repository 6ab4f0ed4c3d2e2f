import type { StopContainerRequest__Output } from '../cri/generated/runtime/v1/StopContainerRequest.js';
import type { StopContainerResponse } from '../cri/generated/runtime/v1/StopContainerResponse.js';
import { criErrors } from '../cri/status.js';
import type { RuntimeContext } from './runtime-context.js';
import type { ContainerRecord } from './store.js';

/**
 * StopContainer: a container that is not running is already stopped (success). With a
 * timeout the stop signal goes first (only once, however often the kubelet asks), and SIGKILL
 * follows at the deadline; with timeout 0 SIGKILL goes at once.
 */
export async function stopContainer(ctx: RuntimeContext, req: StopContainerRequest__Output): Promise<StopContainerResponse> {
  const c = ctx.store.container(req.containerId);
  if (!c) throw criErrors.notFound(`an error occurred when try to find container "${req.containerId}": not found`);
  await stopContainerProcess(ctx, c, Number(req.timeout));
  return {};
}

export async function stopContainerProcess(ctx: RuntimeContext, c: ContainerRecord, timeoutSeconds: number): Promise<void> {
  const proc = c.process;
  if (c.state !== 'CONTAINER_RUNNING' || !proc?.running) return;
  if (timeoutSeconds > 0) {
    if (!c.stopSignalSent) {
      c.stopSignalSent = true;
      proc.kill(c.stopSignal as 'SIGTERM');
    }
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
  proc.kill('SIGKILL');
  await ctx.clock.waitOn(proc.exited);
}
