import type { ContainerView, NetnsView, PodView, SandboxView, ViewModel, WireCall } from '../model/view-model.js';

/** The four panes, in tab order. */
export type PaneId = 'kubelet' | 'wire' | 'runtime' | 'network';
export const PANE_ORDER: readonly PaneId[] = ['kubelet', 'wire', 'runtime', 'network'];

/** What a selection in a pane points at: the detail and state-machine views open on it. */
export type Target =
  | { readonly pane: 'kubelet'; readonly podKey: string }
  | { readonly pane: 'wire'; readonly callId: string }
  | { readonly pane: 'runtime'; readonly kind: 'sandbox' | 'container'; readonly id: string }
  | { readonly pane: 'network'; readonly name: string };

export function podItems(vm: ViewModel): readonly PodView[] {
  return vm.pods;
}

const wireItemsCache = new WeakMap<ViewModel, { filter: string; calls: readonly WireCall[] }>();

/** Calls matching the filter: a case-insensitive substring of the RPC name, the pod or the key fields. */
export function wireItems(vm: ViewModel, filter: string): readonly WireCall[] {
  const f = filter.trim().toLowerCase();
  if (!f) return vm.calls;
  const cached = wireItemsCache.get(vm);
  if (cached && cached.filter === f) return cached.calls;
  const calls = vm.calls.filter(
    (c) =>
      c.method.toLowerCase().includes(f) ||
      (c.pod ?? '').toLowerCase().includes(f) ||
      c.requestSummary.toLowerCase().includes(f),
  );
  wireItemsCache.set(vm, { filter: f, calls });
  return calls;
}

export type RuntimeItem =
  | { readonly kind: 'sandbox'; readonly sandbox: SandboxView }
  | { readonly kind: 'container'; readonly container: ContainerView; readonly orphan: boolean };

const runtimeItemsCache = new WeakMap<ViewModel, readonly RuntimeItem[]>();

/** Sandboxes in creation order, each followed by its containers; containers of unknown sandboxes last. */
export function runtimeItems(vm: ViewModel): readonly RuntimeItem[] {
  const cached = runtimeItemsCache.get(vm);
  if (cached) return cached;
  const bySandbox = new Map<string, ContainerView[]>();
  const known = new Set(vm.sandboxes.map((s) => s.id));
  const orphans: ContainerView[] = [];
  for (const c of vm.containers) {
    if (c.sandboxId && known.has(c.sandboxId)) {
      const list = bySandbox.get(c.sandboxId);
      if (list) list.push(c);
      else bySandbox.set(c.sandboxId, [c]);
    } else orphans.push(c);
  }
  const out: RuntimeItem[] = [];
  for (const sandbox of vm.sandboxes) {
    out.push({ kind: 'sandbox', sandbox });
    for (const container of bySandbox.get(sandbox.id) ?? []) out.push({ kind: 'container', container, orphan: false });
  }
  for (const container of orphans) out.push({ kind: 'container', container, orphan: true });
  runtimeItemsCache.set(vm, out);
  return out;
}

export function networkItems(vm: ViewModel): readonly NetnsView[] {
  return vm.netns;
}

export function itemCount(vm: ViewModel, pane: PaneId, filter: string): number {
  switch (pane) {
    case 'kubelet':
      return podItems(vm).length;
    case 'wire':
      return wireItems(vm, filter).length;
    case 'runtime':
      return runtimeItems(vm).length;
    case 'network':
      return networkItems(vm).length;
  }
}

/** The index a pane's selection resolves to: clamped, and `null` meaning the last item. */
export function resolveIndex(selected: number | null, count: number): number {
  if (count === 0) return -1;
  if (selected === null) return count - 1;
  return Math.max(0, Math.min(selected, count - 1));
}

export function targetAt(vm: ViewModel, pane: PaneId, index: number, filter: string): Target | undefined {
  if (index < 0) return undefined;
  switch (pane) {
    case 'kubelet': {
      const p = podItems(vm)[index];
      return p ? { pane, podKey: p.key } : undefined;
    }
    case 'wire': {
      const c = wireItems(vm, filter)[index];
      return c ? { pane, callId: c.callId } : undefined;
    }
    case 'runtime': {
      const it = runtimeItems(vm)[index];
      if (!it) return undefined;
      return it.kind === 'sandbox'
        ? { pane, kind: 'sandbox', id: it.sandbox.id }
        : { pane, kind: 'container', id: it.container.id };
    }
    case 'network': {
      const n = networkItems(vm)[index];
      return n ? { pane, name: n.name } : undefined;
    }
  }
}
