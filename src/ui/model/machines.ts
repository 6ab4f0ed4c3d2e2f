import type { Target } from '../panes/items.js';
import type { MachineInstance, ViewModel } from './view-model.js';

/**
 * The machines that belong to a selected item, most specific first: a pod's worker, then its
 * containers' restart machines, its sandboxes, their pause containers, netns and containers.
 * When nothing matches (the containerd backend reports no runtime machines), all are offered.
 */
export function machinesFor(vm: ViewModel, target: Target | undefined): MachineInstance[] {
  const byKey = new Map(vm.machines.map((m) => [m.key, m]));
  const picked: MachineInstance[] = [];
  const add = (key: string) => {
    const m = byKey.get(key);
    if (m && !picked.includes(m)) picked.push(m);
  };
  const addSandbox = (id: string) => {
    add(`sandbox:${id}`);
    add(`pause:${id}`);
    for (const n of vm.netns) if (n.sandboxId === id) add(`netns:${n.name}`);
    for (const c of vm.containers) if (c.sandboxId === id) add(`container:${c.id}`);
  };
  const addPod = (podKey: string) => {
    add(`pod-worker:${podKey}`);
    for (const m of vm.machines) if (m.machine === 'container-restart' && m.id.startsWith(`${podKey}/`)) add(m.key);
    const name = podKey.slice(podKey.indexOf('/') + 1);
    for (const s of vm.sandboxes) if (s.podName === name) addSandbox(s.id);
  };
  if (target) {
    switch (target.pane) {
      case 'kubelet':
        addPod(target.podKey);
        break;
      case 'wire': {
        const call = vm.calls.find((c) => c.callId === target.callId);
        if (call?.pod) addPod(call.pod);
        const image = call && typeof call.requestSummary === 'string' ? call.requestSummary : '';
        if (call && /Image/.test(call.method)) {
          for (const m of vm.machines) if (m.machine === 'image-pull' && (m.id === image || m.label === image)) add(m.key);
        }
        break;
      }
      case 'runtime':
        if (target.kind === 'sandbox') addSandbox(target.id);
        else {
          add(`container:${target.id}`);
          const c = vm.containers.find((x) => x.id === target.id);
          const sb = c?.sandboxId ? vm.sandboxes.find((s) => s.id === c.sandboxId) : undefined;
          if (c?.name && sb?.podName) add(`container-restart:${sb.namespace ?? 'default'}/${sb.podName}/${c.name}`);
        }
        break;
      case 'network': {
        add(`netns:${target.name}`);
        const n = vm.netns.find((x) => x.name === target.name);
        if (n?.sandboxId) addSandbox(n.sandboxId);
        break;
      }
    }
  }
  return picked.length > 0 ? picked : vm.machines.slice();
}
