import type { ListPodSandboxRequest__Output } from '../cri/generated/runtime/v1/ListPodSandboxRequest.js';
import type { ListPodSandboxResponse } from '../cri/generated/runtime/v1/ListPodSandboxResponse.js';
import type { RuntimeContext } from './runtime-context.js';
import { matchesLabels } from './label-selector.js';
import { visibleSandboxState } from './sandbox-status.js';

/** ListPodSandbox: every sandbox still in the store, READY or NOTREADY, through the filter. */
export async function listPodSandbox(ctx: RuntimeContext, req: ListPodSandboxRequest__Output): Promise<ListPodSandboxResponse> {
  const f = req.filter;
  const items = [...ctx.store.sandboxes.values()].filter((s) => {
    if (f?.id && !s.id.startsWith(f.id)) return false;
    if (f?.state && visibleSandboxState(s) !== f.state.state) return false;
    return matchesLabels(s.config.labels, f?.labelSelector);
  });
  return {
    items: items.map((s) => ({
      id: s.id,
      metadata: s.config.metadata!,
      state: visibleSandboxState(s),
      createdAt: s.createdAt.toString(),
      labels: s.config.labels,
      annotations: s.config.annotations,
      runtimeHandler: s.runtimeHandler,
    })),
  };
}
