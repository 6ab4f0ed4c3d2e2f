/**
 * Every difference between the simulated runtime and the lab's containerd that the
 * differential suite accepts, each with its reason. Anything else that differs fails the suite;
 * a rule that no longer matches anything fails it too (remove it: the difference is gone).
 *
 * `deliberate`: the simulator is meant to differ, or the two worlds cannot be made equal.
 * `known-gap`: a fidelity bug found by this suite, accepted until its owner fixes it; the suite
 * prints each one it accepted, so they stay visible in the CI log.
 */

export interface DifferenceRule {
  kind: 'deliberate' | 'known-gap';
  /** a CRI case name, or a scenario file name */
  case: string;
  /** the observation label (CRI cases) or record field (scenarios); any when absent */
  label?: string;
  /** dotted path inside the observation; `*` for every difference of the case (a root cause with many effects) */
  path: string;
  /** the values each side shows (checked when given) */
  sim?: unknown;
  containerd?: unknown;
  reason: string;
  /** who can close a known gap */
  owner?: string;
}

export const DIFFERENCE_RULES: DifferenceRule[] = [
  {
    kind: 'deliberate',
    case: '09-graceful-termination.yaml',
    label: 'calls',
    path: '',
    reason:
      'two pods: on the simulated clock the kubelet syncs pods one at a time, so its trace is the same every run; on the real clock (containerd) the two pods sync at once, so their calls interleave and both pull the image before either pull has finished. The calls of each pod are the same',
  },
  {
    kind: 'deliberate',
    case: '09-graceful-termination.yaml',
    label: 'events',
    path: '',
    reason: 'the same interleaving as the calls: two pods syncing at once on the real clock each record Pulling and Pulled',
  },
];

/**
 * Differences the comparison never sees, because the normalisation removes them on purpose
 * (listed here so that this file names every difference, seen or not):
 */
export const NORMALISED_AWAY: { what: string; reason: string }[] = [
  { what: 'sandbox and container IDs, image IDs, digests, UUIDs', reason: 'random on containerd, seeded in the simulator: compared as names in order of first appearance' },
  { what: 'pod IPs (10.244.0.N)', reason: 'host-local on the lab continues after the last address it reserved while other pods hold addresses; compared as ip-1, ip-2… in order of appearance' },
  { what: 'times (created/started/finished, log timestamps) and call durations', reason: 'real clock vs simulated clock: only whether a time is set is compared' },
  { what: 'the order of log records across stdout and stderr', reason: 'containerd reads the two pipes concurrently; within one stream the order is compared' },
  { what: 'the runtime version string (v1.6.20-crilab-sim vs 1.6.20~ds1)', reason: 'the simulator says it is a simulation; the version is not projected' },
  { what: 'polling calls (ListPodSandbox, ListContainers, PodSandboxStatus, ContainerStatus, ImageStatus, Status, Version) and ExecSync (probes) in scenario call sequences', reason: 'their number depends on real timing (PLEG relist every second); the state-changing calls are compared' },
  { what: 'the pod log directory', reason: 'each target has its own (<logs>)' },
  { what: 'expectations that name a literal pod IP, in scenarios', reason: 'pass on a lab with no other pod; on a shared lab host-local hands out the next free address — their pass/fail is not compared' },
];

export function matches(rule: DifferenceRule, d: { case: string; label: string; path: string; sim: unknown; containerd: unknown }): boolean {
  if (rule.case !== d.case || (rule.path !== '*' && rule.path !== d.path)) return false;
  if (rule.label !== undefined && rule.label !== d.label) return false;
  if ('sim' in rule && JSON.stringify(rule.sim) !== JSON.stringify(d.sim)) return false;
  if ('containerd' in rule && JSON.stringify(rule.containerd) !== JSON.stringify(d.containerd)) return false;
  return true;
}
