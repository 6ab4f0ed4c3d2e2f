/**
 * The record `computePodActions` returns and the worker carries out — the counterpart of
 * upstream `podActions` (k8s:pkg/kubelet/kuberuntime/kuberuntime_manager.go). Plain JSON (no
 * Maps) so it can go straight into a `kubelet.decision` trace event.
 */

import type { SandboxChangeReason } from './pod-sandbox-changed.js';

/** Upstream `containerKillReason`: why a container is killed, which picks its grace period
 *  (probe kills may use the probe's `terminationGracePeriodSeconds`). "" = none in particular. */
export type KillReason = '' | 'StartupProbe' | 'LivenessProbe' | 'FailedPostStartHook' | 'Unknown';

export interface ContainerToKill {
  containerId: string;
  name: string;
  type: 'init' | 'container';
  reason: KillReason;
  /** The `Killing` event message, e.g. "Container app failed liveness probe, will be restarted". */
  message: string;
}

/** A container the kubelet wants to start but `doBackOff` will refuse this sync. */
export interface ContainerBackOff {
  name: string;
  type: 'init' | 'container' | 'ephemeral';
  /** Index in `initContainers` / `containers` / `ephemeralContainers`. */
  index: number;
  /** The crash-loop key, `<pod>_<ns>_<uid>_<container>_<hash>` (upstream `GetStableKey`). */
  key: string;
  /** Current delay, ms (`backOff.Get(key)`). */
  delayMs: number;
  /** When the window ends: the last instance's `finishedAt` + delay (ms). */
  retryAtMs: number;
  /** `CrashLoopBackOff` — becomes the waiting reason in the container status. */
  reason: 'CrashLoopBackOff';
  /** e.g. `back-off 20s restarting failed container=app pod=web_default(uid)`. */
  message: string;
}

export interface PodActions {
  /** Stop every running container and every sandbox of the pod. */
  killPod: boolean;
  /** Create a new sandbox (after killing, and purging all init containers). */
  createSandbox: boolean;
  /** Existing sandbox to create containers in (or the one being replaced). */
  sandboxId: string;
  /** `metadata.attempt` of the sandbox to create or keep. */
  attempt: number;
  /** Why the sandbox is (not) being recreated. */
  sandboxChange: SandboxChangeReason;
  /** Init containers to start, by index, in spec order (sidecars included). */
  initContainersToStart: number[];
  /** Regular containers to start, by index, in spec order. */
  containersToStart: number[];
  /** Ephemeral containers to start, by index. */
  ephemeralContainersToStart: number[];
  /** Running containers to kill, keyed by container ID. */
  containersToKill: Record<string, ContainerToKill>;
  /** Of the containers to start, those `doBackOff` will hold back this sync (preview; the
   *  worker still calls `doBackOff` right before each start, as upstream does). */
  backOff: ContainerBackOff[];
  /** Human-readable lines explaining the decision, in the order it was reached. */
  reasons: string[];
}

/** One-line summary in the spirit of upstream `podActions.String()`. */
export function summarizePodActions(a: PodActions): string {
  const kill = Object.values(a.containersToKill).map((k) => k.name);
  return [
    `KillPod: ${a.killPod}`,
    `CreateSandbox: ${a.createSandbox}`,
    `Attempt: ${a.attempt}`,
    `InitContainersToStart: [${a.initContainersToStart.join(' ')}]`,
    `ContainersToStart: [${a.containersToStart.join(' ')}]`,
    `EphemeralContainersToStart: [${a.ephemeralContainersToStart.join(' ')}]`,
    `ContainersToKill: [${kill.join(' ')}]`,
    `BackOff: [${a.backOff.map((b) => b.name).join(' ')}]`,
  ].join(', ');
}
