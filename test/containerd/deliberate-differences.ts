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
    kind: 'known-gap',
    case: 'sigterm-to-pid-1',
    label: 'ContainerStatus shared',
    path: 'ok.exitCode',
    sim: 137,
    containerd: 143,
    reason:
      'a container in the pod\'s PID namespace (namespace_options.pid = POD) is not PID 1 (pause is), so the kernel delivers SIGTERM with its default action and it dies at once (143); the simulator runs every container as PID 1, which ignores an untrapped SIGTERM until SIGKILL (137)',
    owner: 'runtime (src/runtime/sim-processes.ts: pid1 only when the container\'s pid namespace mode is CONTAINER)',
  },
  {
    kind: 'known-gap',
    case: '01-first-pod.yaml',
    label: 'states',
    path: '1',
    sim: 'app: CONTAINER_EXITED 137 Error',
    containerd: 'app: CONTAINER_EXITED 143 Error',
    reason:
      'crilab\'s kubelet sends no linux.security_context.namespace_options in ContainerConfig, so containerd puts the app in the pod\'s PID namespace (POD) where SIGTERM kills it (143); the real kubelet sends pid CONTAINER (namespacesForPod), the app is PID 1, ignores SIGTERM and is SIGKILLed at the grace deadline (137), as the simulator shows',
    owner: 'kubelet (src/kubelet/container-config.ts: namespace options as upstream namespacesForPod)',
  },
  {
    kind: 'known-gap',
    case: '09-graceful-termination.yaml',
    path: '*',
    reason:
      'same root cause as 01-first-pod.yaml: without namespace_options in ContainerConfig, `stubborn` (sh -c "sleep 3600") shares the pod\'s PID namespace on containerd and dies of SIGTERM at once (143) instead of being SIGKILLed at the grace deadline (137); the scenario then stops at its wait for exit code 137',
    owner: 'kubelet (src/kubelet/container-config.ts: namespace options as upstream namespacesForPod)',
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
