import type { ListPodSandboxRequest__Output } from '../cri/generated/runtime/v1/ListPodSandboxRequest.js';
import type { ListPodSandboxResponse } from '../cri/generated/runtime/v1/ListPodSandboxResponse.js';
import type { RuntimeContext } from './runtime-context.js';
import type { SandboxRecord } from './store.js';
import { labelMatcher } from './label-selector.js';
import { visibleSandboxState } from './sandbox-status.js';

/** ListPodSandbox: every sandbox still in the store, READY or NOTREADY, through the filter. */
export async function listPodSandbox(ctx: RuntimeContext, req: ListPodSandboxRequest__Output): Promise<ListPodSandboxResponse> {
  const f = req.filter;
  const matches = labelMatcher(f?.labelSelector);
  const items: SandboxRecord[] = [];
  for (const s of ctx.store.sandboxes.values()) {
    if (f?.id && !s.id.startsWith(f.id)) continue;
    if (f?.state && visibleSandboxState(s) !== f.state.state) continue;
    if (matches(s.config.labels)) items.push(s);
  }
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
