import { createCriClient } from '../../cri/client.js';
import { socketPathOf } from '../../cri/endpoint.js';
import { RealClock } from '../../clock/real-clock.js';
import { labEndpoint, labSocketPath } from './lab/paths.js';

/** Env var naming a containerd CRI endpoint other than the lab's (`unix:///run/containerd/containerd.sock`). */
export const CONTAINERD_ENDPOINT_ENV = 'CRILAB_CONTAINERD_ENDPOINT';

/** How long `auto` waits for containerd to answer Version before it falls back to the simulator. */
export const PROBE_TIMEOUT_MS = 2000;

/** The kubelet's CRI API version (`runtime.v1`), which Version is asked with. */
const CRI_API_VERSION = 'v1';

/** The endpoint a containerd run uses: the argument, then `$CRILAB_CONTAINERD_ENDPOINT`, then the lab's socket. */
export function containerdEndpoint(explicit?: string): string {
  const chosen = explicit ?? process.env[CONTAINERD_ENDPOINT_ENV];
  return chosen ? `unix://${socketPathOf(chosen)}` : labEndpoint();
}

/** Is this the socket of the lab on this machine (so the lab's helpers may act on it)? */
export function isLabEndpoint(endpoint: string, labDir?: string): boolean {
  return socketPathOf(endpoint) === labSocketPath(labDir);
}

export type ProbeResult = { ok: true; runtimeName: string; runtimeVersion: string } | { ok: false; reason: string };

/** Asks the endpoint for its Version over CRI, with a short deadline. */
export async function probeCri(endpoint: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<ProbeResult> {
  const cri = createCriClient({ endpoint, clock: new RealClock(), name: 'probe', timeoutMs });
  try {
    const v = await cri.runtime.Version({ version: CRI_API_VERSION });
    return { ok: true, runtimeName: v.runtimeName, runtimeVersion: v.runtimeVersion };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    return { ok: false, reason: `${socketPathOf(endpoint)} does not answer CRI Version (${msg.split('\n')[0]})` };
  } finally {
    cri.close();
  }
}
