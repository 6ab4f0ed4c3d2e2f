/**
 * Container lifecycle hooks as the kubelet runs them (k8s:pkg/kubelet/lifecycle/handlers.go):
 * an `exec` hook is a CRI `ExecSync` with timeout 0 (no deadline of its own); a non-zero exit is
 * a failure whose error reads `command '<cmd>' exited with <code>: <stderr>` (the CRI client's
 * `CodeExitError`). `httpGet` hooks would be a request from the node to the pod IP; a simulated
 * pod has no real endpoint, so crilab treats them as succeeding at once. `sleep` hooks wait on
 * the Clock.
 */

import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1.js';
import type { Clock } from '../clock/clock.js';
import type { CriClient } from '../cri/client.js';
import { formatRpcError } from '../cri/status.js';
import { formatPod } from './sync/do-back-off.js';

export interface HookResult {
  ok: boolean;
  /** The event message when it failed. */
  message?: string;
}

/** Go's `%v` of a `[]string`. */
function goSlice(v: readonly string[]): string {
  return `[${v.join(' ')}]`;
}

export async function runLifecycleHook(
  cri: CriClient,
  clock: Clock,
  pod: Pod,
  container: Container,
  containerId: string,
  handler: LifecycleHandler,
): Promise<HookResult> {
  if (handler.exec) {
    const cmd = handler.exec.command ?? [];
    let err: string;
    let output = '';
    try {
      const res = await cri.runtime.ExecSync({ containerId, cmd, timeout: 0 }, { timeoutMs: 0 });
      if (res.exitCode === 0) return { ok: true };
      const stdout = Buffer.from(res.stdout ?? '').toString();
      const stderr = Buffer.from(res.stderr ?? '').toString();
      output = stdout + stderr;
      err = `command '${cmd.join(' ')}' exited with ${res.exitCode}: ${stderr}`;
    } catch (e) {
      err = formatRpcError(e);
    }
    return {
      ok: false,
      message: `Exec lifecycle hook (${goSlice(cmd)}) for Container ${JSON.stringify(container.name)} in Pod ${JSON.stringify(formatPod(pod))} failed - error: ${err}, message: ${JSON.stringify(output)}`,
    };
  }
  if (handler.sleep) {
    await clock.sleep(handler.sleep.seconds * 1000, undefined, `${container.name} sleep hook`);
    return { ok: true };
  }
  return { ok: true };
}
