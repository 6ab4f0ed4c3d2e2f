import type { TraceEmitter } from '../trace/bus.js';

/** Records Kubernetes Events (what `kubectl describe pod` shows at the bottom) into the trace. */
export class KubeEventRecorder {
  constructor(private readonly trace: TraceEmitter | undefined) {}

  record(pod: string, type: 'Normal' | 'Warning', reason: string, message: string): void {
    this.trace?.emit({ kind: 'kube.event', pod, type, reason, message });
  }
}
