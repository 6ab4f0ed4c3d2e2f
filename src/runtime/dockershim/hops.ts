import type { TraceEmitter } from '../../trace/bus.js';
import { dockerApiVersion } from './constants.js';

/**
 * The components a call passes through on a dockershim node. The kubelet's CRI calls reached
 * dockershim in-process (it was part of the kubelet binary, serving CRI on
 * /var/run/dockershim.sock); dockershim called Docker Engine's HTTP API on /var/run/docker.sock;
 * dockerd called containerd over gRPC (namespace "moby"); containerd started a shim per
 * container, and the shim ran runc. Networking was set up by dockershim itself, through CNI.
 */
export type HopComponent = 'kubelet' | 'dockershim' | 'dockerd' | 'containerd' | 'containerd-shim' | 'runc' | 'cni' | 'registry' | 'disk';

export interface Hop {
  from: HopComponent;
  to: HopComponent;
  /** The call as the receiving side names it: `POST /v1.41/containers/create`, `runc create`, `CNI ADD`. */
  call: string;
  /** A short note on what the call carries or does. */
  detail?: string;
}

/** The log line a hop is written as, until the trace has a `hop` event kind of its own. */
export function formatHop(h: Hop): string {
  return `hop ${h.from} → ${h.to}: ${h.call}${h.detail ? ` — ${h.detail}` : ''}`;
}

/** Parse a hop back out of a log line (for tests and the UI); undefined when it is not a hop. */
export function parseHop(message: string): Hop | undefined {
  const m = /^hop (\S+) → (\S+): (.*?)(?: — (.*))?$/.exec(message);
  if (!m) return undefined;
  return { from: m[1] as HopComponent, to: m[2] as HopComponent, call: m[3]!, ...(m[4] !== undefined ? { detail: m[4] } : {}) };
}

/** Emits hops into the trace, in the order the real components made the calls. */
export class HopTracer {
  readonly hops: Hop[] = [];

  constructor(private readonly trace: TraceEmitter | undefined) {}

  hop(from: HopComponent, to: HopComponent, call: string, detail?: string): void {
    const h: Hop = { from, to, call, ...(detail !== undefined ? { detail } : {}) };
    this.hops.push(h);
    this.trace?.emit({ kind: 'log', level: 'info', message: formatHop(h) });
  }

  /** A Docker Engine API call from dockershim, with the API version prefix dockerd's client used. */
  docker(method: 'GET' | 'POST' | 'DELETE', path: string, detail?: string): void {
    this.hop('dockershim', 'dockerd', `${method} /v${dockerApiVersion}${path}`, detail);
  }

  failed(from: HopComponent, to: HopComponent, call: string, message: string): void {
    const h: Hop = { from, to, call, detail: `failed: ${message}` };
    this.hops.push(h);
    this.trace?.emit({ kind: 'log', level: 'warn', message: formatHop(h) });
  }
}
