import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { CriClient } from '../cri/client.js';
import { formatRpcError } from '../cri/status.js';
import type { TraceEmitter } from '../trace/bus.js';
import { newCrashLoopBackOff } from './backoff.js';
import { ContainerGCPeriodMs, DefaultPodLogsDir, kubeRuntimeAPIVersion, runtimeStatusPollPeriodMs } from './constants.js';
import { GarbageCollector } from './gc.js';
import { KubeEventRecorder } from './kube-events.js';
import { GenericPleg, type PlegEvent } from './pleg.js';
import { PodCache } from './pod-cache.js';
import { PodWorker } from './pod-worker.js';
import { RuntimeManager, type SyncResult } from './runtime-manager.js';
import type { PodRuntimeStatus } from './runtime-status.js';
import { SerialQueue } from './serial-queue.js';
import { generatePodStatus } from './status/index.js';

/** Where a pod came from, as the kubelet's config sources name them. */
export type PodSource = 'file' | 'http' | 'api';

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
}

export interface NodeConditionSummary {
  ready: boolean;
  reason: string;
  message: string;
  runtimeReady: boolean;
  networkReady: boolean;
  plegHealthy: boolean;
}

/**
 * The simulated kubelet: pod sources feed pods in; one worker per pod syncs it against the
 * runtime over CRI; the PLEG notices what changed; the status manager publishes what the API
 * would show; the garbage collector removes what is dead. It knows nothing of which runtime
 * answers on the socket.
 */
export class Kubelet {
  readonly cache = new PodCache();
  readonly events: KubeEventRecorder;
  readonly manager: RuntimeManager;
  private readonly pleg: GenericPleg;
  private readonly gc: GarbageCollector;
  private readonly queue = new SerialQueue();
  private readonly workers = new Map<string, PodWorker>();
  private readonly statuses = new Map<string, PodStatus>();
  private readonly syncErrors = new Map<string, Record<string, { reason: string; message: string }>>();
  private readonly terminatedUids = new Set<string>();
  private statusTimer: TimerHandle | undefined;
  private gcTimer: TimerHandle | undefined;
  private node: NodeConditionSummary | undefined;
  runtimeName = 'containerd';
  private started = false;

  constructor(private readonly opts: KubeletOptions) {
    this.events = new KubeEventRecorder(opts.trace);
    const crashLoop = newCrashLoopBackOff(() => opts.clock.now());
    this.manager = new RuntimeManager(opts.cri, opts.clock, opts.trace, this.events, crashLoop, {
      podLogsDir: opts.podLogsDir ?? DefaultPodLogsDir,
      clusterDNS: opts.clusterDNS ?? ['10.96.0.10'],
      clusterDomain: opts.clusterDomain ?? 'cluster.local',
      ownerLabels: opts.ownerLabels ?? {},
    });
    this.pleg = new GenericPleg(
      opts.cri,
      opts.clock,
      {
        inspectPod: async (uid, name, namespace) => {
          const status = await this.manager.getPodStatus(uid, name, namespace);
          this.cache.set(uid, status, opts.clock.now());
          this.publishStatus(uid);
        },
        relisted: (t) => this.cache.updateTime(t),
        onEvent: (e) => this.onPlegEvent(e),
      },
      undefined,
      opts.ownerLabels ?? {},
    );
    this.gc = new GarbageCollector(this.manager, this.cache, () => new Set(this.workers.keys()), this.terminatedUids);
  }

  /** Start-up as the kubelet does it: check the runtime's CRI version, then start the loops. */
  async start(): Promise<void> {
    const v = await this.opts.cri.runtime.Version({ version: kubeRuntimeAPIVersion });
    if (v.version !== kubeRuntimeAPIVersion) {
      throw new Error(`runtime api version is not supported: got ${v.version}, want ${kubeRuntimeAPIVersion}`);
    }
    this.runtimeName = v.runtimeName;
    await this.updateRuntimeStatus();
    this.started = true;
    this.pleg.start();
    this.statusTimer = this.opts.clock.setTimeout(() => this.statusLoop(), runtimeStatusPollPeriodMs, 'runtime-status');
    this.gcTimer = this.opts.clock.setTimeout(() => this.gcLoop(), ContainerGCPeriodMs, 'container-gc');
  }

  stop(): void {
    this.started = false;
    this.pleg.stop();
    this.opts.clock.clearTimeout(this.statusTimer);
    this.opts.clock.clearTimeout(this.gcTimer);
    for (const w of this.workers.values()) w.stop();
  }

  private statusLoop(): void {
    void this.updateRuntimeStatus().finally(() => {
      if (this.started) this.statusTimer = this.opts.clock.setTimeout(() => this.statusLoop(), runtimeStatusPollPeriodMs, 'runtime-status');
    });
  }

  private gcLoop(): void {
    void this.gc.collect().finally(() => {
      if (this.started) this.gcTimer = this.opts.clock.setTimeout(() => this.gcLoop(), ContainerGCPeriodMs, 'container-gc');
    });
  }

  /** The runtime's Status conditions and the PLEG's health make the node's Ready condition. */
  private async updateRuntimeStatus(): Promise<void> {
    let runtimeReady = false;
    let networkReady = false;
    let message = '';
    try {
      const res = await this.opts.cri.runtime.Status({ verbose: false });
      for (const c of res.status?.conditions ?? []) {
        if (c.type === 'RuntimeReady') runtimeReady = c.status;
        if (c.type === 'NetworkReady') {
          networkReady = c.status;
          if (!c.status) message = `container runtime network not ready: NetworkReady=false reason:${c.reason} message:${c.message}`;
        }
      }
    } catch (err) {
      message = `container runtime is down: ${formatRpcError(err)}`;
    }
    const pleg = this.pleg.healthy();
    if (!pleg.ok) message = `PLEG is not healthy: ${pleg.message}`;
    const ready = runtimeReady && networkReady && pleg.ok;
    const next: NodeConditionSummary = {
      ready,
      reason: ready ? 'KubeletReady' : 'KubeletNotReady',
      message: ready ? 'kubelet is posting ready status' : message,
      runtimeReady,
      networkReady,
      plegHealthy: pleg.ok,
    };
    if (JSON.stringify(next) !== JSON.stringify(this.node)) {
      this.node = next;
      this.opts.trace?.emit({ kind: 'node.status', status: { nodeName: this.opts.nodeName, ...next } });
    }
  }

  nodeStatus(): NodeConditionSummary | undefined {
    return this.node;
  }

  /** A pod arrives from a source (a manifest file, a URL, the API). */
  addPod(pod: Pod, source: PodSource): void {
    const uid = pod.metadata?.uid;
    if (!uid) throw new Error(`pod ${pod.metadata?.name}: metadata.uid is required (sources assign it)`);
    if (this.workers.has(uid)) return this.updatePod(pod);
    const annotated: Pod = { ...pod, metadata: { ...pod.metadata, annotations: { ...(pod.metadata?.annotations ?? {}), 'kubernetes.io/config.source': source } } };
    const worker = new PodWorker(annotated, this.opts.clock, this.cache, this.manager, this.queue, this.opts.trace, {
      synced: (p, status, result) => this.afterSync(p, status, result),
      terminated: (p) => this.afterTermination(p),
    });
    this.workers.set(uid, worker);
    worker.wake();
  }

  updatePod(pod: Pod): void {
    const w = this.workers.get(pod.metadata?.uid ?? '');
    if (!w) return;
    w.pod = { ...pod, metadata: { ...pod.metadata, annotations: { ...(w.pod.metadata?.annotations ?? {}), ...(pod.metadata?.annotations ?? {}) } } };
    w.wake();
  }

  /** Deletion: the worker turns to terminating and kills the pod with the grace period. */
  deletePod(uid: string, gracePeriodSeconds?: number): void {
    const w = this.workers.get(uid);
    if (!w) return;
    const grace = gracePeriodSeconds ?? w.pod.spec?.terminationGracePeriodSeconds ?? 30;
    w.pod = { ...w.pod, metadata: { ...w.pod.metadata, deletionTimestamp: new Date(this.opts.clock.now()).toISOString(), deletionGracePeriodSeconds: grace } };
    w.terminatingGrace = grace;
    w.wake();
  }

  pods(): Pod[] {
    return [...this.workers.values()].map((w) => w.pod);
  }

  podStatus(uid: string): PodStatus | undefined {
    return this.statuses.get(uid);
  }

  workerState(uid: string): string | undefined {
    return this.workers.get(uid)?.state;
  }

  private onPlegEvent(e: PlegEvent): void {
    const w = this.workers.get(e.podUid);
    if (e.type === 'ContainerDied') void this.gc.onContainerDied(e.podUid, e.data);
    // Every event but ContainerRemoved is worth a sync (upstream isSyncPodWorthy).
    if (w && e.type !== 'ContainerRemoved') w.wake();
  }

  private afterSync(pod: Pod, _status: PodRuntimeStatus, result: SyncResult | undefined): void {
    const uid = pod.metadata?.uid ?? '';
    this.syncErrors.set(uid, result?.containerErrors ?? {});
    this.publishStatus(uid);
  }

  private afterTermination(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    this.terminatedUids.add(uid);
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
      ...(previous ? { previous } : {}),
      hostIP: this.opts.nodeIP ?? '192.168.0.10',
      runtimeName: this.runtimeName,
      podIsTerminal: this.terminatedUids.has(uid) && w.state === 'terminated',
    });
    if (JSON.stringify(status) === JSON.stringify(previous)) return;
    this.statuses.set(uid, status);
    this.opts.trace?.emit({ kind: 'pod.status', pod: w.key, uid, status });
  }
}
