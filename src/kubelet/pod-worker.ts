import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from '../clock/clock.js';
import type { TraceEmitter } from '../trace/bus.js';
import { backOffPeriodMs, syncFrequencyMs } from './constants.js';
import type { PodCache } from './pod-cache.js';
import type { RuntimeManager, SyncResult } from './runtime-manager.js';
import type { PodRuntimeStatus } from './runtime-status.js';
import type { SerialQueue } from './serial-queue.js';

/** The pod worker's states, as drawn by the UI (see machines/pod-worker.machine.ts). */
export type PodWorkerState =
  | 'pending'
  | 'creating-sandbox'
  | 'initializing'
  | 'starting-containers'
  | 'running'
  | 'terminating'
  | 'terminated';

export interface PodWorkerHooks {
  /** After every sync: recompute the API status from the cache and the sync's errors. */
  synced(pod: Pod, status: PodRuntimeStatus, result: SyncResult | undefined): void;
  /** The pod finished terminating (all containers and sandboxes stopped). */
  terminated(pod: Pod): void;
}

/**
 * One goroutine per pod in the real kubelet (pkg/kubelet/pod_workers.go): it waits for work,
 * reads a pod status newer than its last sync from the cache, runs SyncPod (or
 * SyncTerminatingPod once the pod is being deleted), and re-queues itself: at once after a
 * phase change, after the error back-off (10 s) after an error, otherwise after the resync
 * interval (1 min). Jitter is left out so that runs are reproducible.
 */
export class PodWorker {
  state: PodWorkerState = 'pending';
  private lastSyncMs = -1;
  private wakeTimer: TimerHandle | undefined;
  private running = false;
  private pending = false;
  private stopped = false;
  /** Set when the pod is deleted: the grace period to kill it with. */
  terminatingGrace: number | undefined;

  constructor(
    public pod: Pod,
    private readonly clock: Clock,
    private readonly cache: PodCache,
    private readonly manager: RuntimeManager,
    private readonly queue: SerialQueue,
    private readonly trace: TraceEmitter | undefined,
    private readonly hooks: PodWorkerHooks,
  ) {
    this.setState('pending', 'POD_ADDED');
  }

  get key(): string {
    return `${this.pod.metadata?.namespace}/${this.pod.metadata?.name}`;
  }

  get uid(): string {
    return this.pod.metadata?.uid ?? '';
  }

  setState(to: PodWorkerState, event: string): void {
    if (to === this.state && event !== 'POD_ADDED') return;
    const from = event === 'POD_ADDED' ? null : this.state;
    this.state = to;
    this.trace?.emit({ kind: 'machine.transition', machine: 'pod-worker', id: this.key, label: this.pod.metadata?.name ?? '', from, to, event });
  }

  /** Ask for a sync now (a PLEG event, an update, a deletion). */
  wake(): void {
    if (this.stopped) return;
    this.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    if (this.running) {
      this.pending = true;
      return;
    }
    this.running = true;
    void this.queue
      .run(() => this.syncOnce())
      .finally(() => {
        this.running = false;
        if (this.pending && !this.stopped) {
          this.pending = false;
          this.wake();
        }
      });
  }

  private requeue(ms: number): void {
    if (this.stopped) return;
    this.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = this.clock.setTimeout(() => this.wake(), ms, `pod-worker ${this.key}`);
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.wakeTimer);
  }

  private async syncOnce(): Promise<void> {
    const status = await this.cache.getNewerThan(this.uid, this.lastSyncMs);
    if (this.stopped) return;
    if (this.terminatingGrace !== undefined) {
      await this.syncTerminating(status);
      this.lastSyncMs = this.clock.now();
      return;
    }
    const before = this.state;
    let result: SyncResult | undefined;
    try {
      this.setState(this.phaseBefore(status), 'SYNC');
      result = await this.manager.syncPod(this.pod, status);
    } catch (err) {
      result = { containerErrors: {}, podError: { reason: 'SyncError', message: err instanceof Error ? err.message : String(err) } };
    }
    // Upstream sets lastSyncTime when the sync has finished, so a relist that ran during the
    // sync (and may have seen the pod half-done) is never taken for fresh news.
    this.lastSyncMs = this.clock.now();
    this.hooks.synced(this.pod, status, result);
    const hasError = result.podError || Object.keys(result.containerErrors).length > 0;
    if (hasError) {
      // Upstream re-queues errors after backOffPeriod; with a back-off window known, at its end.
      const wait = result.retryAtMs !== undefined ? Math.max(0, Math.min(result.retryAtMs - this.clock.now(), syncFrequencyMs)) : backOffPeriodMs;
      this.requeue(wait);
    } else {
      this.requeue(before !== this.state ? 0 : syncFrequencyMs);
    }
  }

  /** Which stage the pod is in, from what the runtime holds (for the UI's pod-worker machine). */
  private phaseBefore(status: PodRuntimeStatus): PodWorkerState {
    const sandbox = status.sandboxes[0];
    if (!sandbox || sandbox.state !== 'SANDBOX_READY') return 'creating-sandbox';
    const spec = this.pod.spec;
    const running = status.containers.filter((c) => c.state === 'running' && c.type === 'container').map((c) => c.name);
    const inits = spec?.initContainers ?? [];
    const initDone = inits.every((ic) => status.containers.some((c) => c.name === ic.name && (c.state === 'running' || (c.state === 'exited' && c.exitCode === 0))));
    if (!initDone) return 'initializing';
    if ((spec?.containers ?? []).every((c) => running.includes(c.name))) return 'running';
    return 'starting-containers';
  }

  private async syncTerminating(status: PodRuntimeStatus): Promise<void> {
    this.setState('terminating', 'POD_DELETED');
    try {
      await this.manager.killPod(this.pod, status, this.terminatingGrace);
    } catch {
      this.requeue(backOffPeriodMs);
      return;
    }
    this.setState('terminated', 'ALL_STOPPED');
    this.stop();
    this.hooks.terminated(this.pod);
  }
}
