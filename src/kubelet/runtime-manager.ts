import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { status as grpcStatus } from '@grpc/grpc-js';
import type { Clock } from '../clock/clock.js';
import type { CriClient } from '../cri/client.js';
import type { PodSandboxConfig } from '../cri/generated/runtime/v1/PodSandboxConfig.js';
import { errorCode, formatRpcError } from '../cri/status.js';
import type { TraceEmitter } from '../trace/bus.js';
import { toContainerRuntimeStatus, toSandboxStatus } from './cri-status.js';
import { generateContainerConfig } from './container-config.js';
import { minimumGracePeriodInSeconds, DefaultTerminationGracePeriodSeconds } from './constants.js';
import { ImageManager, SyncError } from './image-manager.js';
import type { KubeEventRecorder } from './kube-events.js';
import { KubernetesPodUIDLabel } from './labels.js';
import type { PodRuntimeStatus } from './runtime-status.js';
import { generatePodSandboxConfig, type SandboxConfigOptions } from './sandbox-config.js';
import { computePodActions, doBackOff, summarizePodActions, type PodActions } from './sync/index.js';
import type { Backoff } from './backoff.js';

/** What one SyncPod left behind: per-container errors become waiting reasons in the pod status. */
export interface SyncResult {
  containerErrors: Record<string, { reason: string; message: string }>;
  /** A pod-level error (sandbox creation failed): re-queue after the error back-off. */
  podError?: { reason: string; message: string };
  /** The soonest a back-off window ends, if one held a container back. */
  retryAtMs?: number;
}

const isNotFound = (err: unknown) => errorCode(err) === grpcStatus.NOT_FOUND;

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
  ) {
    this.images = new ImageManager(cri, clock, events);
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

  /** Decide, tell the trace what was decided, then act (upstream SyncPod). */
  async syncPod(pod: Pod, status: PodRuntimeStatus): Promise<SyncResult> {
    const actions = computePodActions(pod, status, { now: this.clock.now(), crashLoopBackOff: this.crashLoopBackOff });
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    this.trace?.emit({ kind: 'kubelet.decision', pod: podKey, summary: actions.reasons.join('; ') || summarizePodActions(actions), actions });
    return this.execute(pod, status, actions);
  }

  private async execute(pod: Pod, status: PodRuntimeStatus, actions: PodActions): Promise<SyncResult> {
    const result: SyncResult = { containerErrors: {} };
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const spec = pod.spec ?? { containers: [] };

    // Step 1–2: kill the whole pod (the sandbox is being replaced) or just the listed containers.
    if (actions.killPod) {
      if (actions.createSandbox && status.sandboxes.length > 0) {
        this.events.record(podKey, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      }
      await this.killPod(pod, status, undefined);
    } else {
      for (const [id, kill] of Object.entries(actions.containersToKill)) {
        const container = [...spec.containers, ...(spec.initContainers ?? [])].find((c) => c.name === kill.name);
        await this.killContainer(pod, id, kill.name, container, kill.message || undefined, undefined);
      }
    }

    // Step 3: a new sandbox (after purging the old init containers), then its status for the IP.
    let sandboxId = actions.sandboxId;
    const sandboxConfig = generatePodSandboxConfig(pod, actions.attempt, this.sandboxOptions);
    if (actions.createSandbox) {
      for (const c of status.containers.filter((c) => c.type === 'init')) {
        await this.removeContainer(c.id);
      }
      try {
        const res = await this.cri.runtime.RunPodSandbox({ config: sandboxConfig, runtimeHandler: '' });
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
    }

    // Step 4–6: init containers (one at a time, sidecars included), then regular containers.
    const start = async (container: Container, type: 'init' | 'container') => {
      const err = await this.startContainer(pod, container, type, status, sandboxId, sandboxConfig, result);
      if (err) result.containerErrors[container.name] = err;
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

  /** Upstream startContainer: back-off check, image, CreateContainer, StartContainer. */
  private async startContainer(
    pod: Pod,
    container: Container,
    type: 'init' | 'container',
    status: PodRuntimeStatus,
    sandboxId: string,
    sandboxConfig: PodSandboxConfig,
    result: SyncResult,
  ): Promise<{ reason: string; message: string } | undefined> {
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    const backOff = doBackOff(pod, container, status, this.crashLoopBackOff);
    if (backOff.inBackOff) {
      this.events.record(podKey, 'Warning', 'BackOff', backOff.eventMessage ?? '');
      const retryAt = (backOff.finishedAtMs ?? this.clock.now()) + backOff.delayMs;
      result.retryAtMs = Math.min(result.retryAtMs ?? Infinity, retryAt);
      return { reason: 'CrashLoopBackOff', message: backOff.message ?? '' };
    }
    // The restart count: one more than the newest instance of this container, or 0.
    const previous = status.containers.filter((c) => c.name === container.name);
    const restartCount = previous.length ? Math.max(...previous.map((c) => c.attempt)) + 1 : 0;
    let imageRef: string;
    try {
      imageRef = await this.images.ensureImageExists(pod, container, sandboxConfig);
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
    return undefined;
  }

  /** The grace period for a container kill (upstream killContainer): deletion grace, else the spec's, at least 2 s. */
  gracePeriodFor(pod: Pod, override: number | undefined): number {
    let grace = override ?? pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DefaultTerminationGracePeriodSeconds;
    if (grace < minimumGracePeriodInSeconds) grace = minimumGracePeriodInSeconds;
    return grace;
  }

  async killContainer(pod: Pod, id: string, name: string, container: Container | undefined, message: string | undefined, graceOverride: number | undefined): Promise<void> {
    const podKey = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    let grace = this.gracePeriodFor(pod, graceOverride);
    this.events.record(podKey, 'Normal', 'Killing', message ?? `Stopping container ${name}`);
    const preStop = container?.lifecycle?.preStop?.exec?.command;
    if (preStop && grace > 0) {
      const started = this.clock.now();
      try {
        const res = await this.cri.runtime.ExecSync({ containerId: id, cmd: preStop, timeout: 0 }, { timeoutMs: grace * 1000 });
        if (res.exitCode !== 0) {
          this.events.record(podKey, 'Warning', 'FailedPreStopHook', `PreStopHook failed`);
        }
      } catch {
        this.events.record(podKey, 'Warning', 'FailedPreStopHook', `PreStopHook failed`);
      }
      grace -= Math.floor((this.clock.now() - started) / 1000);
      if (grace < minimumGracePeriodInSeconds) grace = minimumGracePeriodInSeconds;
    }
    try {
      await this.cri.runtime.StopContainer({ containerId: id, timeout: grace }, { timeoutMs: 120_000 + grace * 1000 });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Upstream killPodWithSyncResult: every running container, then every sandbox of the pod. */
  async killPod(pod: Pod, status: PodRuntimeStatus, graceOverride: number | undefined): Promise<void> {
    const spec = pod.spec ?? { containers: [] };
    const running = status.containers.filter((c) => c.state === 'running');
    // Upstream kills them in parallel; one by one keeps the trace readable and deterministic.
    for (const c of running) {
      const container = [...spec.containers, ...(spec.initContainers ?? [])].find((x) => x.name === c.name);
      await this.killContainer(pod, c.id, c.name, container, undefined, graceOverride);
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
}
