import type { PodSandboxStatusRequest__Output } from '../cri/generated/runtime/v1/PodSandboxStatusRequest.js';
import type { PodSandboxStatusResponse } from '../cri/generated/runtime/v1/PodSandboxStatusResponse.js';
import type { PodSandboxStatus } from '../cri/generated/runtime/v1/PodSandboxStatus.js';
import type { RuntimeContext } from './runtime-context.js';
import type { SandboxRecord } from './store.js';

/** The state a client sees: the internal UNKNOWN (still being created) reads as NOTREADY. */
export function visibleSandboxState(s: SandboxRecord): 'SANDBOX_READY' | 'SANDBOX_NOTREADY' {
  return s.state === 'SANDBOX_READY' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY';
}

export function toSandboxStatus(s: SandboxRecord): PodSandboxStatus {
  const ns = s.config.linux?.securityContext?.namespaceOptions;
  return {
    id: s.id,
    metadata: s.config.metadata!,
    state: visibleSandboxState(s),
    createdAt: s.createdAt.toString(),
    network: { ip: s.ip, additionalIps: s.additionalIps.map((ip) => ({ ip })) },
    // The options as the config gave them; an absent field is the proto default, POD.
    linux: { namespaces: { options: { network: ns?.network ?? 'POD', pid: ns?.pid ?? 'POD', ipc: ns?.ipc ?? 'POD', targetId: '' } } },
    labels: s.config.labels,
    annotations: s.config.annotations,
    runtimeHandler: s.runtimeHandler,
  };
}

/**
 * PodSandboxStatus: a NOTREADY sandbox whose netns still exists keeps reporting its IP (the
 * kubelet must StopPodSandbox it to free the IP). `verbose` adds containerd's `info` JSON: the
 * pause task's PID and status, whether the netns is closed, the sandbox image, the runtime.
 */
export async function podSandboxStatus(ctx: RuntimeContext, req: PodSandboxStatusRequest__Output): Promise<PodSandboxStatusResponse> {
  const s = ctx.store.mustSandbox(req.podSandboxId, (cause) => `an error occurred when try to find sandbox: ${cause}`);
  const response: PodSandboxStatusResponse = { status: toSandboxStatus(s) };
  if (req.verbose) {
    response.info = {
      info: JSON.stringify({
        pid: s.pausePid,
        processStatus: s.pause?.running ? 'running' : 'stopped',
        netNamespaceClosed: s.netnsPath === '',
        image: ctx.pauseImage,
        snapshotKey: s.id,
        snapshotter: 'overlayfs',
        runtimeHandler: s.runtimeHandler,
        runtimeType: RUNC_V2_RUNTIME_TYPE,
        config: s.config,
        runtimeSpec: {
          process: { args: ['/pause'], cwd: '/' },
          hostname: s.config.hostname,
          linux: { namespaces: [{ type: 'pid' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, ...(s.hostNetwork ? [] : [{ type: 'network', path: s.netnsPath }])] },
        },
      }),
    };
  }
  return response;
}

/** The shim containerd runs sandboxes and containers with (its default runtime, 1.6). */
export const RUNC_V2_RUNTIME_TYPE = 'io.containerd.runc.v2';
