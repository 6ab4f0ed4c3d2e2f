import type { StartContainerRequest__Output } from '../cri/generated/runtime/v1/StartContainerRequest.js';
import type { StartContainerResponse } from '../cri/generated/runtime/v1/StartContainerResponse.js';
import { criErrors } from '../cri/status.js';
import type { RuntimeContext } from './runtime-context.js';
import type { ContainerRecord } from './store.js';

/**
 * StartContainer: only a CREATED container of a READY sandbox starts. The log file is opened,
 * then the process is started (this is where runc would fail on a missing executable). If
 * that fails the container is EXITED with exit code 128 and reason StartError, and so is the RPC.
 */
export async function startContainer(ctx: RuntimeContext, req: StartContainerRequest__Output): Promise<StartContainerResponse> {
  const c = ctx.store.container(req.containerId);
  if (!c) throw criErrors.notFound(`an error occurred when try to find container "${req.containerId}": not found`);
  if (c.state !== 'CONTAINER_CREATED' || c.busy) {
    const state = c.busy === 'starting' ? 'starting' : c.state;
    throw criErrors.unknown(`failed to set starting state for container "${c.id}": container is in ${state} state`);
  }
  const sandbox = ctx.store.sandboxes.get(c.sandboxId);
  if (!sandbox || sandbox.state !== 'SANDBOX_READY') {
    throw criErrors.unknown(`sandbox container "${c.sandboxId}" is not running`);
  }
  c.busy = 'starting';
  try {
    const proc = await ctx.processes.startContainer(c, sandbox);
    c.process = proc;
    c.startedAt = ctx.clock.nowNanos();
    c.state = 'CONTAINER_RUNNING';
    ctx.transition('container', c.id, c.config.metadata!.name, 'CONTAINER_CREATED', 'CONTAINER_RUNNING', 'StartContainer');
    ctx.events.emit('CONTAINER_STARTED_EVENT', c.id, sandbox);
    void proc.exited.then((exit: { exitCode: number }) => onContainerExit(ctx, c, exit.exitCode));
    return {};
  } catch (err) {
    markStartError(ctx, c, err instanceof Error ? err.message : String(err));
    throw criErrors.unknown(`failed to start containerd task "${c.id}": ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    c.busy = undefined;
  }
}

function markStartError(ctx: RuntimeContext, c: ContainerRecord, message: string): void {
  c.state = 'CONTAINER_EXITED';
  c.exitCode = 128;
  c.reason = 'StartError';
  c.message = message;
  c.startedAt = 0n;
  c.finishedAt = ctx.clock.nowNanos();
  ctx.transition('container', c.id, c.config.metadata!.name, 'CONTAINER_CREATED', 'CONTAINER_EXITED', 'START_FAILED');
}

/** containerd's exit monitor: record how the process ended and tell event subscribers. */
export function onContainerExit(ctx: RuntimeContext, c: ContainerRecord, exitCode: number): void {
  if (c.state !== 'CONTAINER_RUNNING') return;
  c.state = 'CONTAINER_EXITED';
  c.exitCode = c.forcedExitCode ?? exitCode;
  c.finishedAt = ctx.clock.nowNanos();
  if (c.oomKilled) c.reason = 'OOMKilled';
  void c.log?.close();
  ctx.transition('container', c.id, c.config.metadata!.name, 'CONTAINER_RUNNING', 'CONTAINER_EXITED', c.oomKilled ? 'OOM_KILLED' : 'EXIT');
  const sandbox = ctx.store.sandboxes.get(c.sandboxId);
  if (sandbox) ctx.events.emit('CONTAINER_STOPPED_EVENT', c.id, sandbox);
}
