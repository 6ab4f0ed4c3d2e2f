import type { PodSandboxStatusRequest__Output } from '../cri/generated/runtime/v1/PodSandboxStatusRequest.js';
import type { PodSandboxStatusResponse } from '../cri/generated/runtime/v1/PodSandboxStatusResponse.js';
import type { PodSandboxStatus } from '../cri/generated/runtime/v1/PodSandboxStatus.js';
import { criErrors } from '../cri/status.js';
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
    linux: { namespaces: { options: { network: ns?.network ?? 'POD', pid: ns?.pid ?? 'CONTAINER', ipc: ns?.ipc ?? 'POD', targetId: '' } } },
    labels: s.config.labels,
    annotations: s.config.annotations,
    runtimeHandler: s.runtimeHandler,
  };
}

export async function podSandboxStatus(ctx: RuntimeContext, req: PodSandboxStatusRequest__Output): Promise<PodSandboxStatusResponse> {
  const s = ctx.store.sandbox(req.podSandboxId);
  if (!s) throw criErrors.notFound(`an error occurred when try to find sandbox: not found`);
  const response: PodSandboxStatusResponse = { status: toSandboxStatus(s) };
  if (req.verbose) {
    response.info = {
      info: JSON.stringify({
        pid: s.pausePid,
        processStatus: s.pause?.running ? 'running' : 'stopped',
        netNamespaceClosed: s.netnsPath === '',
        image: ctx.pauseImage,
        runtimeHandler: s.runtimeHandler,
        config: s.config,
      }),
    };
  }
  return response;
}
