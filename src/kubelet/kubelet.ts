import type { NodeStatus, Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { CriClient } from '../cri/client.js';
import { formatRpcError } from '../cri/status.js';
import type { TraceEmitter } from '../trace/bus.js';
import { admitPod, type NodeInfo } from './admission.js';
import { Backoff, crashLoopBackOffPolicy } from './backoff.js';
import {
  ApiserverSource,
  ConfigSourceAnnotationKey,
  ContainerGCPeriodMs,
  DefaultTerminationGracePeriodSeconds,
  ErrVersionNotSupportedMsg,
  FileSource,
  HTTPSource,
  kubeRuntimeAPIVersion,
  maxPods as defaultMaxPods,
  nodeStatusReportFrequencyMs,
  nodeStatusUpdateFrequencyMs,
  runtimeStatusPollPeriodMs,
} from './constants.js';
import { defaultGcPolicy, GarbageCollector, type GcPolicy } from './gc.js';
import { KubeEventRecorder } from './kube-events.js';
import { generateNodeStatus, readyCondition, RuntimeState, sameNodeStatus } from './node-status.js';
import { GenericPleg, type PlegEvent } from './pleg.js';
import { PodCache } from './pod-cache.js';
import { PodWorker, type PodWorkerState } from './pod-worker.js';
import { ProberManager, type ProbeType } from './prober/prober-manager.js';
import { RuntimeManager, type SyncResult } from './runtime-manager.js';
import { sandboxOptionsWithDefaults } from './sandbox-config.js';
import type { PodRuntimeStatus } from './runtime-status.js';
import { Semaphore } from './semaphore.js';
import { FilePodSource } from './sources/file-source.js';
import { HttpPodSource } from './sources/http-source.js';
import { PodConfig } from './sources/pod-config.js';
import type { PodSource } from './sources/static-pod.js';
import { generatePodStatus } from './status/index.js';
import type { ProbeResult } from './sync/probe-results.js';

export type { PodSource } from './sources/static-pod.js';

/** crilab's kubelet reports this version in the node status (it models a 1.31-era kubelet). */
export const crilabKubeletVersion = 'v1.31.0-crilab';

export interface KubeletOptions {
  cri: CriClient;
  clock: Clock;
  trace?: TraceEmitter;
  nodeName: string;
  nodeIP?: string;
  podLogsDir?: string;
  clusterDNS?: string[];
  clusterDomain?: string;
  /** Labels crilab puts on everything it creates, and filters by, on a shared runtime. */
  ownerLabels?: Record<string, string>;
  /** `staticPodPath`: the directory (or file) the file source reads. None = no file source. */
  staticPodPath?: string;
  /** `fileCheckFrequency` (default 20 s). */
  fileCheckFrequencyMs?: number;
  /** `staticPodURL`: the URL the HTTP source polls. None = no HTTP source. */
  staticPodURL?: string;
  /** `staticPodURLHeader`. */
  staticPodURLHeader?: Record<string, string>;
  /** `httpCheckFrequency` (default 20 s). */
  httpCheckFrequencyMs?: number;
  /** The fetch the HTTP source uses (default the global one). */
  fetch?: typeof fetch;
  /** `syncFrequency` (default 1 min). */
  syncFrequencyMs?: number;
  /** `nodeStatusUpdateFrequency` (default 10 s). */
  nodeStatusUpdateFrequencyMs?: number;
  /** `serializeImagePulls` (default true) and `maxParallelImagePulls`. */
  serializeImagePulls?: boolean;
  maxParallelImagePulls?: number;
  /** `crashLoopBackOff.maxContainerRestartPeriod` (default 300 s). */
  maxContainerRestartPeriodMs?: number;
  /** Labels of this node, for admission (nodeSelector, node affinity). */
  nodeLabels?: Record<string, string>;
  /** `maxPods` (default 110). */
  maxPods?: number;
  /** Garbage-collection policy (defaults: MinAge 0, MaxPerPodContainer 1, MaxContainers -1). */
  gcPolicy?: Partial<GcPolicy>;
  /**
   * How many pod workers may sync at the same time. Upstream every pod has its own goroutine.
   * Default: 1 on the simulated clock (every run makes its CRI calls in the same order), no
   * limit on the real clock.
   */
  maxConcurrentPodSyncs?: number;
}

/** The node condition summary each `node.status` event carries beside the v1 NodeStatus. */
export interface NodeConditionSummary {
  nodeName: string;
  ready: boolean;
  reason: string;
  message: string;
  runtimeReady: boolean;
  networkReady: boolean;
  plegHealthy: boolean;
}

/** The payload of a `node.status` trace event: the summary plus the API's `v1.NodeStatus`. */
export type KubeletNodeStatus = NodeConditionSummary & NodeStatus;

interface RejectedPod {
  pod: Pod;
  status: PodStatus;
}

/**
 * The simulated kubelet: pod sources (file, HTTP, API) feed pods in, merged as the kubelet's
 * pod config merges them; admission may reject a pod; one worker per pod syncs it against the
 * runtime over CRI; the PLEG notices what changed; the prober manager runs probes; the status
 * manager publishes what the API would show; the node status reports readiness; the garbage
 * collector removes what is dead. It knows nothing of which runtime answers on the socket.
 */
export class Kubelet {
  readonly cache = new PodCache();
  readonly events: KubeEventRecorder;
  readonly manager: RuntimeManager;
  readonly prober: ProberManager;
  readonly podConfig: PodConfig;
  readonly runtimeState: RuntimeState;
  readonly crashLoopBackOff: Backoff;
  readonly fileSource: FilePodSource | undefined;
  readonly httpSource: HttpPodSource | undefined;
  private readonly pleg: GenericPleg;
  private readonly gc: GarbageCollector;
  private readonly syncSlots: Semaphore;
  private readonly workers = new Map<string, PodWorker>();
  private readonly statuses = new Map<string, PodStatus>();
  /** The JSON of each published status, to tell a change from a repeat cheaply. */
  private readonly statusJson = new Map<string, string>();
  private readonly syncErrors = new Map<string, Record<string, { reason: string; message: string }>>();
  private readonly rejected = new Map<string, RejectedPod>();
  /** Pods deleted (or removed from their source) whose termination finished. */
  private readonly deletedUids = new Set<string>();
  private readonly finishedUids = new Set<string>();
  private statusTimer: TimerHandle | undefined;
  private nodeTimer: TimerHandle | undefined;
  private gcTimer: TimerHandle | undefined;
  private node: KubeletNodeStatus | undefined;
  private lastNodeReportMs = -Infinity;
  runtimeName = 'containerd';
  runtimeVersion = '';
  private started = false;

  constructor(private readonly opts: KubeletOptions) {
    const clock = opts.clock;
    this.events = new KubeEventRecorder(opts.trace);
    this.crashLoopBackOff = new Backoff({ ...crashLoopBackOffPolicy, ...(opts.maxContainerRestartPeriodMs ? { maxMs: opts.maxContainerRestartPeriodMs } : {}), now: () => clock.now() });
    this.manager = new RuntimeManager(
      opts.cri,
      clock,
      opts.trace,
      this.events,
      this.crashLoopBackOff,
      // podLogsDir, clusterDNS, clusterDomain and ownerLabels, as given or defaulted.
      sandboxOptionsWithDefaults(opts),
      {
        ...(opts.serializeImagePulls !== undefined ? { serializeImagePulls: opts.serializeImagePulls } : {}),
        ...(opts.maxParallelImagePulls !== undefined ? { maxParallelImagePulls: opts.maxParallelImagePulls } : {}),
      },
    );
    this.syncSlots = new Semaphore(opts.maxConcurrentPodSyncs ?? (clock.kind === 'sim' ? 1 : Infinity));
    this.runtimeState = new RuntimeState(() => clock.now());
    this.pleg = new GenericPleg(
      opts.cri,
      clock,
      {
        inspectPod: async (uid, name, namespace) => {
          const status = await this.manager.getPodStatus(uid, name, namespace);
          this.cache.set(uid, status, clock.now());
          this.publishStatus(uid);
        },
        relisted: (t) => this.cache.updateTime(t),
        onEvent: (e) => this.onPlegEvent(e),
      },
      undefined,
      opts.ownerLabels ?? {},
    );
    this.runtimeState.addHealthCheck({ name: 'PLEG', check: () => this.pleg.healthy() });
    this.prober = new ProberManager({
      cri: opts.cri,
      clock,
      events: this.events,
      pod: (uid) => this.workers.get(uid)?.pod,
      podStatus: (uid) => this.statuses.get(uid),
      onResult: (uid, type, container, result) => this.onProbeResult(uid, type, container, result),
    });
    this.gc = new GarbageCollector(
      this.manager,
      opts.cri,
      this.cache,
      (uid) => this.shouldPodContentBeRemoved(uid),
      opts.ownerLabels ?? {},
      { ...defaultGcPolicy, ...(opts.gcPolicy ?? {}) },
      () => clock.now(),
    );
    this.podConfig = new PodConfig(clock, {
      addPods: (pods, source) => pods.forEach((p) => this.addPod(p, source)),
      updatePods: (pods) => pods.forEach((p) => this.updatePod(p)),
      removePods: (pods) => pods.forEach((p) => this.deletePod(p.metadata?.uid ?? '')),
    });
    const log = (level: 'info' | 'warn' | 'error', message: string) => opts.trace?.emit({ kind: 'log', level, message });
    this.fileSource = opts.staticPodPath
      ? new FilePodSource({
          path: opts.staticPodPath,
          nodeName: opts.nodeName,
          clock,
          log,
          onPods: (pods) => this.podConfig.set(FileSource, pods),
          ...(opts.fileCheckFrequencyMs ? { periodMs: opts.fileCheckFrequencyMs } : {}),
        })
      : undefined;
    this.httpSource = opts.staticPodURL
      ? new HttpPodSource({
          url: opts.staticPodURL,
          nodeName: opts.nodeName,
          clock,
          log,
          onPods: (pods) => this.podConfig.set(HTTPSource, pods),
          ...(opts.httpCheckFrequencyMs ? { periodMs: opts.httpCheckFrequencyMs } : {}),
          ...(opts.staticPodURLHeader ? { headers: opts.staticPodURLHeader } : {}),
          ...(opts.fetch ? { fetch: opts.fetch } : {}),
        })
      : undefined;
  }

  /** Start-up as the kubelet does it: check the runtime's CRI version, then start the loops and the sources. */
  async start(): Promise<void> {
    const v = await this.opts.cri.runtime.Version({ version: kubeRuntimeAPIVersion });
    if (v.version !== kubeRuntimeAPIVersion) {
      throw new Error(`${ErrVersionNotSupportedMsg}: got ${v.version}, want ${kubeRuntimeAPIVersion}`);
    }
    this.runtimeName = v.runtimeName;
    this.runtimeVersion = v.runtimeVersion;
    await this.updateRuntimeUp();
    this.started = true;
    this.syncNodeStatus();
    this.pleg.start();
    const clock = this.opts.clock;
    this.statusTimer = clock.setTimeout(() => this.runtimeUpLoop(), runtimeStatusPollPeriodMs, 'runtime-status');
    this.nodeTimer = clock.setTimeout(() => this.nodeStatusLoop(), this.opts.nodeStatusUpdateFrequencyMs ?? nodeStatusUpdateFrequencyMs, 'node-status');
    this.gcTimer = clock.setTimeout(() => this.gcLoop(), ContainerGCPeriodMs, 'container-gc');
    this.fileSource?.start();
    this.httpSource?.start();
  }

  stop(): void {
    this.started = false;
    this.pleg.stop();
    this.fileSource?.stop();
    this.httpSource?.stop();
    this.prober.stop();
    this.opts.clock.clearTimeout(this.statusTimer);
    this.opts.clock.clearTimeout(this.nodeTimer);
    this.opts.clock.clearTimeout(this.gcTimer);
    for (const w of this.workers.values()) w.stop();
  }

  private runtimeUpLoop(): void {
    void this.updateRuntimeUp().finally(() => {
      if (this.started) this.statusTimer = this.opts.clock.setTimeout(() => this.runtimeUpLoop(), runtimeStatusPollPeriodMs, 'runtime-status');
    });
  }

  private nodeStatusLoop(): void {
    this.syncNodeStatus();
    if (this.started) this.nodeTimer = this.opts.clock.setTimeout(() => this.nodeStatusLoop(), this.opts.nodeStatusUpdateFrequencyMs ?? nodeStatusUpdateFrequencyMs, 'node-status');
  }

  private gcLoop(): void {
    void this.gc.collect().catch(() => undefined).finally(() => {
      if (this.started) this.gcTimer = this.opts.clock.setTimeout(() => this.gcLoop(), ContainerGCPeriodMs, 'container-gc');
    });
  }

  /** Upstream `updateRuntimeUp`: CRI Status → runtime and network state. A failed call changes nothing
   *  (after 30 s without success the runtime counts as down). */
  private async updateRuntimeUp(): Promise<void> {
    let res;
    try {
      res = await this.opts.cri.runtime.Status({ verbose: false });
    } catch (err) {
      this.opts.trace?.emit({ kind: 'log', level: 'warn', message: `"Container runtime sanity check failed" err=${JSON.stringify(formatRpcError(err))}` });
      return;
    }
    const conditions = res.status?.conditions ?? [];
    const runtimeReady = conditions.find((c) => c.type === 'RuntimeReady');
    const networkReady = conditions.find((c) => c.type === 'NetworkReady');
    this.runtimeState.networkError =
      !networkReady || !networkReady.status
        ? `container runtime network not ready: NetworkReady=false reason:${networkReady?.reason ?? ''} message:${networkReady?.message ?? ''}`
        : undefined;
    if (!runtimeReady || !runtimeReady.status) {
      this.runtimeState.runtimeError = `container runtime not ready: RuntimeReady=false reason:${runtimeReady?.reason ?? ''} message:${runtimeReady?.message ?? ''}`;
      return;
    }
    this.runtimeState.runtimeError = undefined;
    this.runtimeState.lastBaseRuntimeSyncMs = this.opts.clock.now();
  }

  /** The node status the kubelet would post: emitted when it changed, and as a heartbeat every 5 min. */
  private syncNodeStatus(): void {
    const now = this.opts.clock.now();
    const runtimeErrors = this.runtimeState.runtimeErrors();
    const networkErrors = this.runtimeState.networkErrors();
    const status = generateNodeStatus({
      nodeName: this.opts.nodeName,
      nodeIP: this.nodeIP,
      now,
      runtimeErrors,
      networkErrors,
      containerRuntimeVersion: `${this.runtimeName}://${this.runtimeVersion.replace(/^v/, '')}`,
      kubeletVersion: crilabKubeletVersion,
      ...(this.node ? { previous: this.node } : {}),
    });
    const ready = readyCondition(status);
    const pleg = this.pleg.healthy();
    const next: KubeletNodeStatus = {
      nodeName: this.opts.nodeName,
      ready: ready?.status === 'True',
      reason: ready?.reason ?? '',
      message: ready?.message ?? '',
      runtimeReady: this.runtimeState.runtimeError === undefined && !runtimeErrors.includes('container runtime is down'),
      networkReady: networkErrors.length === 0,
      plegHealthy: pleg.ok,
      ...status,
    };
    const changed = !sameNodeStatus(this.node, next);
    this.node = next;
    if (changed || now - this.lastNodeReportMs >= nodeStatusReportFrequencyMs) {
      this.lastNodeReportMs = now;
      this.opts.trace?.emit({ kind: 'node.status', status: next });
    }
  }

  /** The node status last computed (what `kubectl get node -o yaml` would show under status). */
  nodeStatus(): KubeletNodeStatus | undefined {
    return this.node;
  }

  private get nodeIP(): string {
    return this.opts.nodeIP ?? '192.168.0.10';
  }

  private nodeInfo(): NodeInfo {
    return {
      name: this.opts.nodeName,
      labels: {
        'kubernetes.io/hostname': this.opts.nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...(this.opts.nodeLabels ?? {}),
      },
      maxPods: this.opts.maxPods ?? defaultMaxPods,
    };
  }

  // ---- Pods -----------------------------------------------------------------------------------

  /**
   * A pod arrives from a source (a manifest file, a URL, the API). It is admitted or rejected
   * (phase Failed with the predicate's reason) and, once admitted, gets a pod worker.
   */
  addPod(pod: Pod, source: PodSource = ApiserverSource): void {
    const uid = pod.metadata?.uid;
    if (!uid) throw new Error(`pod ${pod.metadata?.name}: metadata.uid is required (sources assign it)`);
    if (this.workers.has(uid) || this.rejected.has(uid)) return this.updatePod(pod);
    const annotated: Pod = { ...pod, metadata: { ...pod.metadata, annotations: { ...(pod.metadata?.annotations ?? {}), [ConfigSourceAnnotationKey]: source } } };
    const active = () => [...this.workers.values()].filter((w) => !this.finishedUids.has(w.uid)).map((w) => w.pod);
    const admit = admitPod(annotated, active, this.nodeInfo(), this.workers.size - this.finishedUids.size);
    if (!admit.admit) return this.rejectPod(annotated, admit.reason ?? 'UnknownReason', admit.message ?? '');
    const worker = new PodWorker(annotated, {
      clock: this.opts.clock,
      cache: this.cache,
      manager: this.manager,
      syncSlots: this.syncSlots,
      trace: this.opts.trace,
      ...(this.opts.syncFrequencyMs ? { resyncMs: this.opts.syncFrequencyMs } : {}),
      hooks: {
        synced: (p, status, result) => this.afterSync(p, status, result),
        terminated: (p, deleted) => this.afterTermination(p, deleted),
        probes: (_p, status) => this.prober.resultsFor(status.containers.map((c) => c.id)),
        runtimeErrors: () => this.runtimeState.runtimeErrors(),
        networkErrors: () => this.runtimeState.networkErrors(),
        publishStatus: (p) => this.publishStatus(p.metadata?.uid ?? ''),
        event: (p, type, reason, message) => this.events.record(`${p.metadata?.namespace}/${p.metadata?.name}`, type, reason, message),
      },
    });
    this.workers.set(uid, worker);
    this.prober.addPod(annotated);
    worker.wake();
  }

  /** Upstream `rejectPod`: a Warning event and a Failed status; the pod never reaches the runtime. */
  private rejectPod(pod: Pod, reason: string, message: string): void {
    const uid = pod.metadata?.uid ?? '';
    const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    this.events.record(key, 'Warning', reason, message);
    const status: PodStatus = { phase: 'Failed', reason, message: `Pod was rejected: ${message}` };
    this.rejected.set(uid, { pod, status });
    this.statuses.set(uid, status);
    this.opts.trace?.emit({ kind: 'pod.status', pod: key, uid, status });
  }

  updatePod(pod: Pod): void {
    const w = this.workers.get(pod.metadata?.uid ?? '');
    if (!w) return;
    w.setPod({ ...pod, metadata: { ...pod.metadata, annotations: { ...(w.pod.metadata?.annotations ?? {}), ...(pod.metadata?.annotations ?? {}) } } });
    w.wake();
  }

  /**
   * Deletion (the API set a deletion timestamp, or the pod left its source): the worker turns to
   * terminating and kills the pod with the grace period — `gracePeriodSeconds` if given, else
   * the pod's `terminationGracePeriodSeconds`.
   */
  deletePod(uid: string, gracePeriodSeconds?: number): void {
    const w = this.workers.get(uid);
    if (!w) {
      if (this.rejected.delete(uid)) this.deletedUids.add(uid);
      return;
    }
    const grace = gracePeriodSeconds ?? w.pod.spec?.terminationGracePeriodSeconds ?? DefaultTerminationGracePeriodSeconds;
    w.setPod({ ...w.pod, metadata: { ...w.pod.metadata, deletionTimestamp: new Date(this.opts.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'), deletionGracePeriodSeconds: grace } });
    if (w.finished) {
      // Already finished (Succeeded/Failed): nothing to kill, only its leftovers to collect.
      this.deletedUids.add(uid);
      return;
    }
    w.terminate(grace);
  }

  pods(): Pod[] {
    return [...this.workers.values()].map((w) => w.pod);
  }

  /** The pod as the kubelet holds it (with the source's annotations). */
  pod(uid: string): Pod | undefined {
    return this.workers.get(uid)?.pod ?? this.rejected.get(uid)?.pod;
  }

  podStatus(uid: string): PodStatus | undefined {
    return this.statuses.get(uid);
  }

  workerState(uid: string): PodWorkerState | undefined {
    return this.workers.get(uid)?.state;
  }

  /** State of a container's `container-restart` machine. */
  containerRestartState(uid: string, container: string): string | undefined {
    return this.workers.get(uid)?.machines.restartState(container);
  }

  /** State of the pod's `image-pull` machine for `image`. */
  imagePullState(uid: string, image: string): string | undefined {
    return this.workers.get(uid)?.machines.imageState(image);
  }

  /** Upstream `ShouldPodContentBeRemoved`: deleted and terminated, or unknown to this kubelet. */
  private shouldPodContentBeRemoved(uid: string): boolean {
    if (this.deletedUids.has(uid)) return true;
    return !this.workers.has(uid);
  }

  private onPlegEvent(e: PlegEvent): void {
    const w = this.workers.get(e.podUid);
    if (e.type === 'ContainerDied') void this.gc.onContainerDied(e.podUid, e.data);
    // Every event but ContainerRemoved is worth a sync (upstream isSyncPodWorthy).
    if (w && e.type !== 'ContainerRemoved') w.wake();
  }

  private onProbeResult(uid: string, type: ProbeType, _container: string, result: ProbeResult): void {
    const w = this.workers.get(uid);
    if (!w) return;
    if (type === 'readiness') this.publishStatus(uid);
    // Upstream handleProbeSync: liveness only on Failure, startup and readiness on any change.
    if (type !== 'liveness' || result === 'Failure') {
      if (type !== 'readiness') this.publishStatus(uid);
      w.wake();
    }
  }

  private afterSync(pod: Pod, _status: PodRuntimeStatus, result: SyncResult | undefined): void {
    const uid = pod.metadata?.uid ?? '';
    const errors = { ...(result?.containerErrors ?? {}) };
    this.syncErrors.set(uid, errors);
    this.publishStatus(uid);
  }

  private afterTermination(pod: Pod, deleted: boolean): void {
    const uid = pod.metadata?.uid ?? '';
    this.finishedUids.add(uid);
    if (deleted) this.deletedUids.add(uid);
    this.prober.removePod(uid);
    this.publishStatus(uid);
  }

  /** The status manager: compute what the API would show and emit it when it changed. */
  private publishStatus(uid: string): void {
    const w = this.workers.get(uid);
    if (!w) return;
    const runtime = this.cache.get(uid) ?? { uid, name: '', namespace: '', sandboxes: [], containers: [] };
    const previous = this.statuses.get(uid);
    const status = generatePodStatus({
      pod: w.pod,
      runtime,
      now: this.opts.clock.now(),
      syncErrors: this.syncErrors.get(uid) ?? {},
      probes: this.prober.resultsFor(runtime.containers.map((c) => c.id)),
      ...(previous ? { previous } : {}),
      hostIP: this.nodeIP,
      runtimeName: this.runtimeName,
      podIsTerminal: this.finishedUids.has(uid) && w.state === 'terminated',
    });
    const json = JSON.stringify(status);
    if (json === this.statusJson.get(uid)) return;
    this.statusJson.set(uid, json);
    this.statuses.set(uid, status);
    this.opts.trace?.emit({ kind: 'pod.status', pod: w.key, uid, status });
    this.prober.triggerUnseenReadiness(uid, status);
  }
}

