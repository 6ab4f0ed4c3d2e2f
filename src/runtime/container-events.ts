import type { ContainerEventResponse } from '../cri/generated/runtime/v1/ContainerEventResponse.js';
import type { StreamSink } from '../cri/types.js';
import type { Clock } from '../clock/clock.js';
import type { ContainerEventType, RuntimeEvents } from './runtime-context.js';
import { toSandboxStatus } from './sandbox-status.js';
import type { RuntimeStore, SandboxRecord } from './store.js';
import { toContainerStatus } from './container-status.js';

/**
 * GetContainerEvents: containerd sends every subscriber an event when a container (or a
 * sandbox's pause container) is created, started, stopped or deleted, with the sandbox's and
 * the pod's containers' statuses. This is what the kubelet's evented PLEG listens to.
 */
export class ContainerEventHub implements RuntimeEvents {
  private readonly sinks = new Set<StreamSink<ContainerEventResponse>>();

  constructor(
    private readonly clock: Clock,
    private readonly store: RuntimeStore,
  ) {}

  subscribe(sink: StreamSink<ContainerEventResponse>): void {
    this.sinks.add(sink);
    sink.signal.addEventListener('abort', () => this.sinks.delete(sink), { once: true });
  }

  emit(type: ContainerEventType, containerId: string, sandbox: SandboxRecord): void {
    if (this.sinks.size === 0) return;
    const event: ContainerEventResponse = {
      containerId,
      containerEventType: type,
      createdAt: this.clock.nowNanos().toString(),
      podSandboxStatus: toSandboxStatus(sandbox),
      containersStatuses: this.store.containersOf(sandbox.id).map(toContainerStatus),
    };
    for (const sink of this.sinks) sink.write(event);
  }

  closeAll(): void {
    for (const sink of this.sinks) sink.end();
    this.sinks.clear();
  }
}
