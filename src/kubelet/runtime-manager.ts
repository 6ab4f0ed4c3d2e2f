import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Clock } from '../clock/clock.js';
import type { CriClient } from '../cri/client.js';
import type { PodSandboxConfig } from '../cri/generated/runtime/v1/PodSandboxConfig.js';
import { errorCode, formatRpcError } from '../cri/status.js';
import type { TraceEmitter } from '../trace/bus.js';
import type { Backoff } from './backoff.js';
import { generateContainerConfig } from './container-config.js';
import { DefaultTerminationGracePeriodSeconds, minimumGracePeriodInSeconds, runtimeRequestTimeoutMs } from './constants.js';
import { toContainerRuntimeStatus, toSandboxStatus } from './cri-status.js';
import { ImageManager, SyncError, type ImageManagerOptions } from './image-manager.js';
import type { KubeEventRecorder } from './kube-events.js';
import { KubernetesPodUIDLabel } from './labels.js';
import { runLifecycleHook } from './lifecycle-hooks.js';
import type { ContainerObserver } from './pod-machines.js';
import { containersNewestFirst, findContainerStatusByName, type PodRuntimeStatus } from './runtime-status.js';
import { generatePodSandboxConfig, type SandboxConfigOptions } from './sandbox-config.js';
import { computePodActions, doBackOff, summarizePodActions, type KillReason, type PodActions } from './sync/index.js';
import type { ProbeResults } from './sync/probe-results.js';
import { isRestartableInitContainer } from './sync/restart-policy.js';

/** What one SyncPod left behind: per-container errors become waiting reasons in the pod status. */
export interface SyncResult {
  containerErrors: Record<string, { reason: string; message: string }>;
  /** A pod-level error (sandbox creation failed): re-queue after the error back-off. */
  podError?: { reason: string; message: string };
  /** The soonest a back-off window ends, if one held a container back. */
  retryAtMs?: number;
}

/** Hooks the pod worker passes into one SyncPod. */
export interface SyncObserver extends ContainerObserver {
  sandboxCreated(sandboxId: string): void;
}

const isNotFound = (err: unknown) => errorCode(err) === grpcStatus.NOT_FOUND;

/** A container to kill, with why (the reason picks the grace period and the Killing message). */
interface KillRequest {
  id: string;
  name: string;
  container: Container | undefined;
  message?: string;
  reason?: KillReason;
}

/**
 * The kubelet's runtime manager (upstream kuberuntime): reads a pod's runtime status over CRI
 * and carries out what computePodActions decided, call by call, in the real kubelet's order.
 * It only speaks CRI, so the same code drives the simulated runtime and containerd.
 */
export class RuntimeManager {
  readonly images: ImageManager;

  constructor(
    private readonly cri: CriClient,
    private readonly clock: Clock,
    private readonly trace: TraceEmitter | undefined,
    private readonly events: KubeEventRecorder,
    private readonly crashLoopBackOff: Backoff,
    private readonly sandboxOptions: SandboxConfigOptions,
    imageOptions: ImageManagerOptions = {},
  ) {
    this.images = new ImageManager(cri, clock, events, imageOptions);
  }

  /** Upstream GetPodStatus: the pod's sandboxes (newest first) and containers, by the pod UID label. */
  async getPodStatus(uid: string, name: string, namespace: string): Promise<PodRuntimeStatus> {
    const selector = { [KubernetesPodUIDLabel]: uid };
    const sandboxes = (await this.cri.runtime.ListPodSandbox({ filter: { labelSelector: selector } })).items;
    sandboxes.sort((a, b) => (BigInt(b.createdAt) > BigInt(a.createdAt) ? 1 : BigInt(b.createdAt) < BigInt(a.createdAt) ? -1 : 0));
    const status: PodRuntimeStatus = { uid, name, namespace, sandboxes: [], containers: [] };
    for (const s of sandboxes) {
      try {
        const res = await this.cri.runtime.PodSandboxStatus({ podSandboxId: s.id });
        if (res.status) status.sandboxes.push(toSandboxStatus(res.status));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    const containers = (await this.cri.runtime.ListContainers({ filter: { labelSelector: selector } })).containers;
    for (const c of containers) {
      try {
        const res = await this.cri.runtime.ContainerStatus({ containerId: c.id });
        if (res.status) status.containers.push(toContainerRuntimeStatus(res.status, c.podSandboxId));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return status;
  }

  /** The decision half of SyncPod: computePodActions, told to the trace before anything is done. */
  decide(pod: Pod, status: PodRuntimeStatus, probes?: ProbeResults): PodActions {
    const actions = computePodActions(pod, status, { now: this.clock.now(), crashLoopBackOff: this.crashLoopBackOff, ...(probes ? { probes } : {}) });
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    this.trace?.emit({ kind: 'kubelet.decision', pod: podKey, summary: actions.reasons.join('; ') || summarizePodActions(actions), actions });
    return actions;
  }

  /** Decide, then act (upstream SyncPod). */
  async syncPod(pod: Pod, status: PodRuntimeStatus, probes?: ProbeResults, observer?: SyncObserver): Promise<SyncResult> {
    return this.execute(pod, status, this.decide(pod, status, probes), observer);
  }

  /** The acting half of SyncPod, in upstream's step order. */
  async execute(pod: Pod, status: PodRuntimeStatus, actions: PodActions, observer?: SyncObserver): Promise<SyncResult> {
    const result: SyncResult = { containerErrors: {} };
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const spec = pod.spec ?? { containers: [] };
    const removed = new Set<string>();

    // Steps 1–2: kill the whole pod (its sandbox is being replaced or it is finished), or just the
    // listed containers (one after another, as upstream loops over them).
    if (actions.killPod) {
      if (actions.createSandbox && status.sandboxes.length > 0) {
        this.events.record(podKey, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      }
      await this.killPod(pod, status, undefined, observer);
      if (actions.createSandbox) {
        // purgeInitContainers: a new sandbox starts initialization over.
        for (const c of status.containers.filter((c) => c.type === 'init')) {
          await this.removeContainer(c.id);
          removed.add(c.id);
        }
      }
    } else {
      for (const kill of Object.values(actions.containersToKill)) {
        const container = [...spec.containers, ...(spec.initContainers ?? [])].find((c) => c.name === kill.name);
        await this.killContainer(pod, { id: kill.containerId, name: kill.name, container, message: kill.message || undefined, reason: kill.reason }, undefined, observer);
      }
    }

    // pruneInitContainersBeforeStart: keep only the newest exited instance of each init container.
    await this.pruneInitContainers(pod, status, removed);

    // Step 3: a new sandbox, then its status for the IP.
    let sandboxId = actions.sandboxId;
    const sandboxConfig = generatePodSandboxConfig(pod, actions.attempt, this.sandboxOptions);
    if (actions.createSandbox) {
      try {
        const res = await this.cri.runtime.RunPodSandbox({ config: sandboxConfig, runtimeHandler: '' }, { timeoutMs: 2 * runtimeRequestTimeoutMs });
        sandboxId = res.podSandboxId;
      } catch (err) {
        const message = `Failed to create pod sandbox: ${formatRpcError(err)}`;
        this.events.record(podKey, 'Warning', 'FailedCreatePodSandBox', message);
        result.podError = { reason: 'CreatePodSandboxError', message };
        return result;
      }
      try {
        await this.cri.runtime.PodSandboxStatus({ podSandboxId: sandboxId });
      } catch (err) {
        this.events.record(podKey, 'Warning', 'FailedPodSandBoxStatus', `Unable to get pod sandbox status: ${formatRpcError(err)}`);
        result.podError = { reason: 'ConfigPodSandboxError', message: formatRpcError(err) };
        return result;
      }
      observer?.sandboxCreated(sandboxId);
    }

    // Steps 4–6: init containers (sidecars included), then regular containers, in spec order.
    const start = async (container: Container, type: 'init' | 'container') => {
      const err = await this.startContainer(pod, container, type, status, sandboxId, sandboxConfig, result, observer);
      if (err) {
        result.containerErrors[container.name] = err;
        observer?.startFailed(container.name, err.reason);
      }
    };
    for (const i of actions.initContainersToStart) {
      const c = spec.initContainers?.[i];
      if (c) await start(c, 'init');
    }
    for (const i of actions.containersToStart) {
      const c = spec.containers[i];
      if (c) await start(c, 'container');
    }
    return result;
  }

  /** Upstream `pruneInitContainersBeforeStart`. */
  private async pruneInitContainers(pod: Pod, status: PodRuntimeStatus, removed: Set<string>): Promise<void> {
    for (const ic of pod.spec?.initContainers ?? []) {
      let kept = false;
      for (const c of containersNewestFirst(status)) {
        if (c.name !== ic.name || removed.has(c.id) || (c.state !== 'exited' && c.state !== 'unknown')) continue;
        if (!kept) {
          kept = true;
          continue;
        }
        await this.removeContainer(c.id);
        removed.add(c.id);
      }
    }
  }

  /** Upstream startContainer: back-off check, image, CreateContainer, StartContainer, postStart. */
  private async startContainer(
    pod: Pod,
    container: Container,
    type: 'init' | 'container',
    status: PodRuntimeStatus,
    sandboxId: string,
    sandboxConfig: PodSandboxConfig,
    result: SyncResult,
    observer: SyncObserver | undefined,
  ): Promise<{ reason: string; message: string } | undefined> {
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const previous = findContainerStatusByName(status, container.name);
    if (previous) observer?.restartDecision(container.name, this.clock.now());
    const backOff = doBackOff(pod, container, status, this.crashLoopBackOff);
    if (backOff.inBackOff) {
      this.events.record(podKey, 'Warning', 'BackOff', backOff.eventMessage ?? '');
      const retryAt = (backOff.finishedAtMs ?? this.clock.now()) + backOff.delayMs;
      result.retryAtMs = Math.min(result.retryAtMs ?? Infinity, retryAt);
      return { reason: 'CrashLoopBackOff', message: backOff.message ?? '' };
    }
    // The restart count: one more than the newest instance of this container, or 0.
    const restartCount = previous ? previous.attempt + 1 : 0;
    let imageRef: string;
    try {
      imageRef = await this.images.ensureImageExists(pod, container, sandboxConfig, observer ? (o) => observer.image(container, o) : undefined);
    } catch (err) {
      if (err instanceof SyncError) return { reason: err.reason, message: err.message };
      throw err;
    }
    const config = generateContainerConfig(pod, container, restartCount, imageRef, type, this.sandboxOptions.ownerLabels);
    let containerId: string;
    try {
      containerId = (await this.cri.runtime.CreateContainer({ podSandboxId: sandboxId, config, sandboxConfig })).containerId;
    } catch (err) {
      const message = formatRpcError(err);
      this.events.record(podKey, 'Warning', 'Failed', `Error: ${message}`);
      return { reason: 'CreateContainerError', message };
    }
    this.events.record(podKey, 'Normal', 'Created', `Created container ${container.name}`);
    try {
      await this.cri.runtime.StartContainer({ containerId });
    } catch (err) {
      const message = formatRpcError(err);
      this.events.record(podKey, 'Warning', 'Failed', `Error: ${message}`);
      return { reason: 'RunContainerError', message };
    }
    this.events.record(podKey, 'Normal', 'Started', `Started container ${container.name}`);
    observer?.started(container.name, this.clock.now());

    // postStart runs right after the start, synchronously; if it fails the container is killed.
    const postStart = container.lifecycle?.postStart;
    if (postStart) {
      const hook = await runLifecycleHook(this.cri, this.clock, pod, container, containerId, postStart);
      if (!hook.ok) {
        this.events.record(podKey, 'Warning', 'FailedPostStartHook', hook.message ?? '');
        await this.killContainer(pod, { id: containerId, name: container.name, container, message: 'FailedPostStartHook', reason: 'FailedPostStartHook' }, undefined, observer);
        return { reason: 'PostStartHookError', message: hook.message ?? '' };
      }
    }
    return undefined;
  }

  /**
   * The grace period for a container kill (upstream `setTerminationGracePeriod`): the deletion
   * grace if the pod is being deleted, else the pod's `terminationGracePeriodSeconds`; for a
   * liveness/startup kill the probe's own `terminationGracePeriodSeconds` when set.
   */
  gracePeriodFor(pod: Pod, container: Container | undefined, reason: KillReason | undefined): number {
    if (pod.metadata?.deletionGracePeriodSeconds != null) return pod.metadata.deletionGracePeriodSeconds;
    const probe = reason === 'LivenessProbe' ? container?.livenessProbe : reason === 'StartupProbe' ? container?.startupProbe : undefined;
    if (probe?.terminationGracePeriodSeconds != null) return probe.terminationGracePeriodSeconds;
    return pod.spec?.terminationGracePeriodSeconds ?? DefaultTerminationGracePeriodSeconds;
  }

  /**
   * Upstream killContainer: event Killing, the preStop hook (bounded by the grace period, whose
   * whole seconds it uses up), at least 2 s left, then StopContainer with what remains.
   * `spentSeconds` is time already used of the grace (a sidecar waiting for its turn).
   */
  async killContainer(pod: Pod, kill: KillRequest, graceOverride: number | undefined, observer?: ContainerObserver, spentSeconds = 0): Promise<void> {
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    let grace = this.gracePeriodFor(pod, kill.container, kill.reason) - spentSeconds;
    this.events.record(podKey, 'Normal', 'Killing', kill.message ?? `Stopping container ${kill.name}`);
    const preStop = kill.container?.lifecycle?.preStop;
    if (preStop && kill.container && grace > 0) {
      const started = this.clock.now();
      const limit = new AbortController();
      const hook = runLifecycleHook(this.cri, this.clock, pod, kill.container, kill.id, preStop).then((r) => {
        if (!r.ok) this.events.record(podKey, 'Warning', 'FailedPreStopHook', r.message ?? '');
      });
      // The hook may run at most the grace period; then the kubelet stops waiting for it.
      const deadline = this.clock.sleep(grace * 1000, limit.signal, `${kill.name} preStop deadline`).catch(() => undefined);
      await Promise.race([hook, deadline]);
      limit.abort();
      grace -= Math.floor((this.clock.now() - started) / 1000);
    }
    if (grace < minimumGracePeriodInSeconds) grace = minimumGracePeriodInSeconds;
    if (graceOverride !== undefined) grace = graceOverride;
    try {
      await this.cri.runtime.StopContainer({ containerId: kill.id, timeout: grace }, { timeoutMs: runtimeRequestTimeoutMs + grace * 1000 });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    observer?.killed(kill.name, this.clock.now());
  }

  /**
   * Upstream killPodWithSyncResult: every running container in parallel — regular containers (and
   * running classic init containers) first, then sidecars one by one in reverse spec order, each
   * with what is left of the grace period (kuberuntime_termination_order.go) — then StopPodSandbox
   * for every sandbox of the pod. Sandboxes are left for the garbage collector to remove.
   */
  async killPod(pod: Pod, status: PodRuntimeStatus, graceOverride: number | undefined, observer?: ContainerObserver): Promise<void> {
    const spec = pod.spec ?? { containers: [] };
    const running = status.containers.filter((c) => c.state === 'running');
    const specOf = (name: string) => [...spec.containers, ...(spec.initContainers ?? [])].find((x) => x.name === name);
    const sidecarOrder = (spec.initContainers ?? []).filter(isRestartableInitContainer).map((c) => c.name);
    const sidecars = running.filter((c) => sidecarOrder.includes(c.name)).sort((a, b) => sidecarOrder.indexOf(b.name) - sidecarOrder.indexOf(a.name));
    const others = running.filter((c) => !sidecarOrder.includes(c.name));
    const started = this.clock.now();
    await Promise.all(others.map((c) => this.killContainer(pod, { id: c.id, name: c.name, container: specOf(c.name) }, graceOverride, observer)));
    for (const c of sidecars) {
      const spent = Math.floor((this.clock.now() - started) / 1000);
      await this.killContainer(pod, { id: c.id, name: c.name, container: specOf(c.name) }, graceOverride, observer, spent);
    }
    for (const s of status.sandboxes) {
      try {
        await this.cri.runtime.StopPodSandbox({ podSandboxId: s.id });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  async removeContainer(id: string): Promise<void> {
    await this.cri.runtime.RemoveContainer({ containerId: id });
  }

  /** Sandbox GC stops a sandbox before removing it, so its network is surely released. */
  async removeSandbox(id: string): Promise<void> {
    await this.cri.runtime.StopPodSandbox({ podSandboxId: id }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
    await this.cri.runtime.RemovePodSandbox({ podSandboxId: id });
  }

  /** Kill a container in unknown state before the GC removes it. */
  async stopContainer(id: string): Promise<void> {
    await this.cri.runtime.StopContainer({ containerId: id, timeout: 0 }).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  get criClient(): CriClient {
    return this.cri;
  }
}
