import type { Clock } from '../clock/clock.js';

/** A pod as faults name it. */
export interface PodRef {
  name: string;
  namespace: string;
}

/**
 * Faults a scenario can inject into the runtime side. The simulated runtime does each one
 * exactly; on containerd they are done with real signals where that is possible.
 */
export interface RuntimeFaults {
  crashContainer(pod: PodRef, container: string, exitCode: number): Promise<void>;
  oomKill(pod: PodRef, container: string): Promise<void>;
  killPause(pod: PodRef): Promise<void>;
  /** May return a promise (containerd: the config swap must land before the next step). */
  failCniAdd(times: number, message?: string): void | Promise<void>;
  failImagePull(image: string, times: number, message?: string): void | Promise<void>;
  slowImagePull(image: string, pullTimeMs: number, times: number): void | Promise<void>;
  stopRuntime(): Promise<void>;
  startRuntime(): Promise<void>;
}

export type BackendKind = 'sim' | 'containerd';

/** Where the kubelet's CRI calls go, and the clock that run goes by. */
export interface Backend {
  kind: BackendKind;
  endpoint: string;
  clock: Clock;
  /** Labels crilab puts on what it creates; on a shared runtime everything is filtered by them. */
  ownerLabels: Record<string, string>;
  faults: RuntimeFaults;
  /**
   * The kubelet's `podLogsDir` for this backend (unset: the kubelet's default, /var/log/pods).
   * On containerd the log files are real, so they go under a directory crilab owns.
   */
  podLogsDir?: string;
  /**
   * Does the pod's newest sandbox still have its network namespace? `false` when the pod has
   * no sandbox left (nothing holds a netns for it); `undefined` when the backend cannot tell
   * (a scenario's `expect: { netns: … }` then fails with "unknown"). Optional: a backend
   * without it makes every netns expectation "unknown".
   */
  netnsExists?(pod: PodRef): boolean | undefined;
  /** The runtime's version line for headers (`containerd 1.6.20`, `crilab-sim 0.1.0`). */
  describe(): string;
  close(): Promise<void>;
}

/** The label every sandbox and container crilab creates carries. */
export const OWNER_LABEL = 'dev.crilab.owned';
