/**
 * Probe results as the prober managers publish them (k8s:pkg/kubelet/prober/results): one result
 * per container *ID* and probe type. Keyed by ID, not name, on purpose: a restarted container has
 * a new ID and therefore no result yet — exactly how upstream forgets a failed liveness result.
 */

export type ProbeResult = 'Success' | 'Failure' | 'Unknown';

export interface ProbeResults {
  liveness?: Readonly<Record<string, ProbeResult>>;
  readiness?: Readonly<Record<string, ProbeResult>>;
  startup?: Readonly<Record<string, ProbeResult>>;
}

export type ProbeType = keyof ProbeResults;

/** The published result, or undefined when the manager has none ("not found" upstream). */
export function probeResult(probes: ProbeResults | undefined, type: ProbeType, containerId: string): ProbeResult | undefined {
  return probes?.[type]?.[containerId];
}
