import type { StartContainerRequest__Output } from '../cri/generated/runtime/v1/StartContainerRequest.js';
import type { StartContainerResponse } from '../cri/generated/runtime/v1/StartContainerResponse.js';
import { criErrors } from '../cri/status.js';
import type { RuntimeContext } from './runtime-context.js';
import { sendTo } from './record-actors.js';
import type { ContainerRecord } from './store.js';

/**
 * StartContainer: only a CREATED container starts. If its sandbox is not ready, or the process
 * cannot start (runc's "executable file not found"), the container is EXITED with exit code
 * 128 and reason StartError, the message being the error, and so is the RPC (code Unknown).
 * Otherwise the log file is opened and the process starts.
 */
export async function startContainer(ctx: RuntimeContext, req: StartContainerRequest__Output): Promise<StartContainerResponse> {
  const c = ctx.store.mustContainer(req.containerId, (cause) => `an error occurred when try to find container "${req.containerId}": ${cause}`);
  if (c.state !== 'CONTAINER_CREATED' || c.busy) {
    const state = c.busy === 'starting' ? 'starting' : c.busy === 'removing' ? 'removing' : c.state;
    throw criErrors.unknown(`failed to set starting state for container "${c.id}": container is in ${state} state`);
  }
  c.busy = 'starting';
  try {
    const sandbox = ctx.store.sandboxes.get(c.sandboxId);
    if (!sandbox || sandbox.state !== 'SANDBOX_READY') {
      const message = `sandbox container "${c.sandboxId}" is not running`;
      markStartError(ctx, c, message);
      throw criErrors.unknown(message);
    }
    let proc;
    try {
      proc = await ctx.processes.startContainer(c, sandbox);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      markStartError(ctx, c, message);
      throw criErrors.unknown(message);
    }
    c.process = proc;
    c.startedAt = ctx.clock.nowNanos();
    sendTo(c.actor, { type: 'START', pid: proc.pid });
    ctx.events.emit('CONTAINER_STARTED_EVENT', c.id, sandbox);
    void proc.exited.then((exit) => onContainerExit(ctx, c, exit.exitCode));
    ctx.changed();
    return {};
  } finally {
    c.busy = undefined;
  }
}

function markStartError(ctx: RuntimeContext, c: ContainerRecord, message: string): void {
  c.startedAt = 0n;
  c.finishedAt = ctx.clock.nowNanos();
  sendTo(c.actor, { type: 'START_FAILED', message });
  ctx.changed();
}

/** containerd's exit monitor: record how the process ended and tell event subscribers. */
export function onContainerExit(ctx: RuntimeContext, c: ContainerRecord, exitCode: number): void {
  if (c.state !== 'CONTAINER_RUNNING' && c.state !== 'CONTAINER_UNKNOWN') return;
  c.finishedAt = ctx.clock.nowNanos();
  sendTo(c.actor, { type: 'EXIT', exitCode: c.forcedExitCode ?? exitCode, oomKilled: c.oomKilled });
  void c.log?.close();
  const sandbox = ctx.store.sandboxes.get(c.sandboxId);
  if (sandbox) ctx.events.emit('CONTAINER_STOPPED_EVENT', c.id, sandbox);
  ctx.changed();
}
