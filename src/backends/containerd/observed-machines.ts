import type { TraceEmitter } from '../../trace/bus.js';
import type { MachineKind } from '../../trace/events.js';
import type { WatchedCall } from './cri-call-watch.js';

interface Seen {
  machine: MachineKind;
  label: string;
  state: string;
}

/**
 * On containerd crilab cannot see the runtime's insides; what it can see is every state the
 * runtime reports to the kubelet. This turns those reports into `machine.transition` events for
 * the runtime's machines (sandbox, pause, container), so the UI and the scenario conditions
 * (`wait: { machine: sandbox, state: SANDBOX_READY }`) work on both backends. The `event` of
 * each transition names the CRI call that revealed it. States no CRI answer shows (a sandbox
 * being set up, SANDBOX_UNKNOWN; a pause container created but not started) never appear; a
 * transition appears when the kubelet next asks, not the instant it happened.
 * Only objects created through this run's kubelet are followed.
 */
export class ObservedMachines {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly trace: TraceEmitter | undefined) {}

  onResponse(call: WatchedCall): void {
    if (call.error || !call.response) return;
    const req = call.request;
    const res = call.response;
    switch (call.method) {
      case 'RunPodSandbox': {
        const meta = req['config']?.metadata ?? {};
        const label = `${meta.namespace}/${meta.name}`;
        this.move(res['podSandboxId'], 'sandbox', 'SANDBOX_READY', call.method, label);
        this.move(res['podSandboxId'], 'pause', 'running', call.method, label);
        return;
      }
      case 'PodSandboxStatus':
        return this.sandboxState(res['status']?.id, res['status']?.state, call.method);
      case 'ListPodSandbox':
        for (const s of res['items'] ?? []) this.sandboxState(s.id, s.state, call.method);
        return;
      case 'StopPodSandbox':
        return this.sandboxState(req['podSandboxId'], 'SANDBOX_NOTREADY', call.method);
      case 'RemovePodSandbox':
        this.move(req['podSandboxId'], 'sandbox', 'removed', call.method);
        return;
      case 'CreateContainer':
        this.move(res['containerId'], 'container', 'CONTAINER_CREATED', call.method, req['config']?.metadata?.name ?? '');
        return;
      case 'StartContainer':
        return this.move(req['containerId'], 'container', 'CONTAINER_RUNNING', call.method);
      case 'ContainerStatus':
        return this.move(res['status']?.id, 'container', res['status']?.state, call.method);
      case 'ListContainers':
        for (const c of res['containers'] ?? []) this.move(c.id, 'container', c.state, call.method);
        return;
      case 'StopContainer':
        return this.move(req['containerId'], 'container', 'CONTAINER_EXITED', call.method);
      case 'RemoveContainer':
        return this.move(req['containerId'], 'container', 'removed', call.method);
      default:
        return;
    }
  }

  /** A sandbox that is NOTREADY has no live pause process (stopped, or it died). */
  private sandboxState(id: unknown, state: unknown, via: string): void {
    this.move(id, 'sandbox', state, via);
    if (state === 'SANDBOX_NOTREADY') this.move(id, 'pause', 'exited', via);
  }

  private move(id: unknown, machine: MachineKind, to: unknown, via: string, label?: string): void {
    if (typeof id !== 'string' || typeof to !== 'string' || !to) return;
    const key = `${machine}:${id}`;
    const prev = this.seen.get(key);
    if (!prev && label === undefined) return; // not created through this run
    if (prev?.state === to || prev?.state === 'removed') return;
    const seen: Seen = { machine, label: label ?? prev?.label ?? '', state: to };
    this.seen.set(key, seen);
    const body = { kind: 'machine.transition' as const, machine, id, label: seen.label, from: prev?.state ?? null, to, event: via };
    // after every listener has had the call's own event (the run's state learns the IDs first)
    queueMicrotask(() => this.trace?.emit(body));
  }
}
