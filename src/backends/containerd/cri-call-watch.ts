import type { TraceBus } from '../../trace/bus.js';
import type { TraceEvent } from '../../trace/events.js';

/** One CRI call of the kubelet as the trace shows it: the request, then (later) how it ended. */
export interface WatchedCall {
  method: string;
  request: Record<string, any>;
  response?: Record<string, any>;
  /** gRPC status name on failure (`NOT_FOUND`…). */
  error?: string;
}

export interface CriCallHandlers {
  /** Runs synchronously while the request is still on its way to the runtime. */
  onRequest?(call: WatchedCall): void;
  onResponse?(call: WatchedCall): void;
}

/**
 * Follows the kubelet's CRI calls on the trace bus. The client interceptor emits a call's
 * request event synchronously before the message is written to the socket, so `onRequest` can
 * prepare what the runtime will need (a log directory) before the runtime sees the call.
 */
export function watchCriCalls(bus: TraceBus, handlers: CriCallHandlers): () => void {
  const pending = new Map<string, WatchedCall>();
  return bus.subscribe((e: TraceEvent) => {
    if (e.source !== 'kubelet') return;
    if (e.kind === 'cri.request') {
      const call: WatchedCall = { method: e.method, request: (e.request ?? {}) as Record<string, any> };
      pending.set(e.callId, call);
      handlers.onRequest?.(call);
    } else if (e.kind === 'cri.response') {
      const call = pending.get(e.callId);
      if (!call) return;
      pending.delete(e.callId);
      if (e.status) call.error = e.status.codeName;
      else call.response = (e.response ?? {}) as Record<string, any>;
      handlers.onResponse?.(call);
    }
  });
}
