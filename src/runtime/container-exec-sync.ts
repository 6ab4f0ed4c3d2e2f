import type { ExecSyncRequest__Output } from '../cri/generated/runtime/v1/ExecSyncRequest.js';
import type { ExecSyncResponse } from '../cri/generated/runtime/v1/ExecSyncResponse.js';
import { criErrors } from '../cri/status.js';
import type { CallContext } from '../cri/types.js';
import type { RuntimeContext } from './runtime-context.js';
import { EntrypointError, runToCompletion } from './shell/index.js';
import { criContainerState } from './container-status.js';

/**
 * ExecSync: run a command in a running container and wait for it (exec probes and exec hooks
 * use this). A non-zero exit is an answer, not an error. With a timeout the process is killed
 * when it runs out, and the call fails with DeadlineExceeded, as containerd does.
 */
export async function execSync(ctx: RuntimeContext, req: ExecSyncRequest__Output, call: CallContext): Promise<ExecSyncResponse> {
  const c = ctx.store.mustContainer(req.containerId, (cause) => `failed to exec in container: failed to find container "${req.containerId}" in store: ${cause}`);
  if (c.state !== 'CONTAINER_RUNNING' || !c.process?.running) {
    throw criErrors.unknown(`failed to exec in container: container is in ${criContainerState(c)} state`);
  }
  const timeoutSeconds = Number(req.timeout);
  // containerd names each exec process with a fresh 64-hex ID.
  const execId = ctx.random.id64();
  if (req.cmd.length === 0) {
    // runc refuses an empty argv before it looks anything up (checked on containerd 1.6.20 + runc 1.1).
    throw criErrors.unknown(`failed to exec in container: failed to start exec "${execId}": OCI runtime exec failed: exec failed: args must not be empty: unknown`);
  }
  try {
    const res = await runToCompletion(
      { argv: req.cmd, env: c.env, fs: c.fs, clock: ctx.clock, pid1: false, cwd: c.workingDir, pids: c.process.pids, onOutput: () => undefined },
      timeoutSeconds > 0 ? { timeoutMs: timeoutSeconds * 1000 } : {},
    );
    if (res.timedOut) {
      throw criErrors.deadlineExceeded(`failed to exec in container: timeout ${timeoutSeconds}s exceeded: context deadline exceeded`);
    }
    return { stdout: Buffer.from(res.stdout), stderr: Buffer.from(res.stderr), exitCode: res.exitCode };
  } catch (err) {
    if (err instanceof EntrypointError) throw criErrors.unknown(`failed to exec in container: failed to start exec "${execId}": ${err.execMessage}`);
    throw err;
  }
}
